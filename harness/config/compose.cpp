#include "harness/config/compose.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

#include "harness/config/config_error.h"
#include "harness/config/config_tree.h"
#include "harness/config/override.h"
#include "harness/config/string_util.h"
#include "harness/config/type_rules.h"
#include "harness/config/yaml_json.h"

namespace fs = std::filesystem;

namespace pgd::config {
namespace {

// The `defaults` list in order: (group, option).
using Selections = std::vector<std::pair<std::string, std::string>>;

std::string context_of(const Override& o) { return "override '" + o.text + "': "; }

Selections read_defaults(const nlohmann::json& defaults, const std::string& origin) {
  Selections out;
  if (defaults.is_null()) return out;
  const std::string expected = "; expected a list of '- group: option' entries";
  if (!defaults.is_array())
    throw ConfigError(origin + ": 'defaults' is " + kind_name(defaults) + expected);
  for (const auto& entry : defaults) {
    if (!entry.is_object() || entry.size() != 1 || !entry.begin().value().is_string())
      throw ConfigError(origin + ": 'defaults' entry " + describe_value(entry) + " is not " +
                        "'group: option'" + expected);
    out.emplace_back(entry.begin().key(), entry.begin().value().get<std::string>());
  }
  return out;
}

Selections::iterator find_group(Selections& selections, const std::string& group) {
  return std::find_if(selections.begin(), selections.end(),
                      [&](const auto& s) { return s.first == group; });
}

bool is_group_folder(const fs::path& config_dir, const std::string& key) {
  std::error_code ec;
  return key.find('.') == std::string::npos && fs::is_directory(config_dir / key, ec);
}

// Applies one override to the group selections if it is a group override; false if it is
// a key override (left for later).
bool apply_group_override(const Override& o, const fs::path& config_dir, Selections& selections) {
  if (o.key.find('.') != std::string::npos) return false;
  auto it = find_group(selections, o.key);
  bool selected = it != selections.end();
  switch (o.kind) {
    case OverrideKind::kSet:
      if (!selected) return false;
      it->second = o.value_text;
      return true;
    case OverrideKind::kForceAdd:
    case OverrideKind::kAdd:
      if (selected) {
        if (o.kind == OverrideKind::kAdd)
          throw ConfigError(context_of(o) + "config group '" + o.key + "' is already chosen (" +
                            it->second + "); use '" + o.key + "=" + o.value_text +
                            "' to change it");
        it->second = o.value_text;
        return true;
      }
      if (!is_group_folder(config_dir, o.key)) return false;
      selections.emplace_back(o.key, o.value_text);
      return true;
    case OverrideKind::kRemove:
      if (!selected) return false;
      if (o.has_value && o.value_text != it->second)
        throw ConfigError(context_of(o) + "config group '" + o.key + "' is '" + it->second +
                          "', not '" + o.value_text + "'");
      selections.erase(it);
      return true;
  }
  return false;
}

bool valid_option_name(const std::string& option) {
  if (option.empty() || option.front() == '.') return false;
  return std::all_of(option.begin(), option.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

nlohmann::json load_group(const fs::path& config_dir, const std::string& group,
                          const std::string& option) {
  fs::path folder = config_dir / group;
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw ConfigError("config group '" + group + "': folder not found: " + folder.string());
  fs::path file = folder / (option + ".yaml");
  if (!valid_option_name(option) || !fs::is_regular_file(file, ec)) {
    auto options = group_options(config_dir, group);
    std::string message = "unknown option '" + option + "' for config group '" + group + "'" +
                          did_you_mean_clause(option, options);
    message += options.empty()
                   ? folder.string() + " has no .yaml files"
                   : "options in " + folder.string() + ": " + join(nearest_first(option, options));
    throw ConfigError(message);
  }
  nlohmann::json content = load_yaml_file(file);
  if (content.is_null()) return nlohmann::json::object();  // an empty file is an empty group
  if (!content.is_object())
    throw ConfigError(file.string() + ": a config group file must hold a mapping, not " +
                      kind_name(content));
  return content;
}

void apply_key_override(const Override& o, const TypeRules& types, nlohmann::json& config) {
  const std::string context = context_of(o);
  const auto parts = split_key(o.key, "override '" + o.text + "'");
  nlohmann::json* current = find_path(config, parts, context);
  switch (o.kind) {
    case OverrideKind::kSet:
      if (!current) throw_unknown_key(config, parts, context);
      *current = types.check(o.key, current, o.value, context);
      return;
    case OverrideKind::kAdd:
      if (current)
        throw ConfigError(context + "config key '" + o.key + "' already exists (" +
                          describe_value(*current) + "); set it with '" + o.key + "=" +
                          o.value_text + "' or use '++" + o.key + "=" + o.value_text + "'");
      parent_for_add(config, parts, context)[parts.back()] =
          types.check(o.key, nullptr, o.value, context);
      return;
    case OverrideKind::kForceAdd:
      if (current) {
        *current = types.check(o.key, current, o.value, context);
      } else {
        parent_for_add(config, parts, context)[parts.back()] =
            types.check(o.key, nullptr, o.value, context);
      }
      return;
    case OverrideKind::kRemove: {
      if (!current) throw_unknown_key(config, parts, context + "cannot remove: ");
      if (o.has_value && *current != o.value)
        throw ConfigError(context + "config key '" + o.key + "' is " + describe_value(*current) +
                          ", not " + describe_value(o.value) + "; not removed");
      nlohmann::json* parent =
          parts.size() == 1
              ? &config
              : find_path(config, std::vector<std::string>(parts.begin(), parts.end() - 1));
      parent->erase(parts.back());
      return;
    }
  }
}

}  // namespace

std::vector<std::string> group_options(const fs::path& config_dir, const std::string& group) {
  std::vector<std::string> options;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(config_dir / group, ec)) {
    if (entry.path().extension() == ".yaml" && entry.is_regular_file(ec))
      options.push_back(entry.path().stem().string());
  }
  std::sort(options.begin(), options.end());
  return options;
}

nlohmann::json compose_config(const fs::path& config_dir,
                              const std::vector<std::string>& overrides) {
  const fs::path root_file = config_dir / "config.yaml";
  nlohmann::json root = load_yaml_file(root_file);
  if (root.is_null()) root = nlohmann::json::object();
  if (!root.is_object())
    throw ConfigError(root_file.string() + ": must hold a mapping, not " + kind_name(root));

  Selections selections =
      read_defaults(root.value("defaults", nlohmann::json()), root_file.string());
  TypeRules types =
      TypeRules::from_json(root.value("_types", nlohmann::json()), root_file.string());
  root.erase("defaults");
  root.erase("_types");

  std::vector<Override> key_overrides;
  for (const auto& o : parse_overrides(overrides)) {
    if (!apply_group_override(o, config_dir, selections)) key_overrides.push_back(o);
  }

  nlohmann::json config = nlohmann::json::object();
  for (const auto& [group, option] : selections)
    config[group] = load_group(config_dir, group, option);
  deep_merge(config, root);

  for (const auto& o : key_overrides) {
    // A plain `x=y` for a group folder that the defaults do not list reads as an unknown
    // key; say how to add the group instead.
    if (o.kind == OverrideKind::kSet && !config.contains(o.key) &&
        is_group_folder(config_dir, o.key))
      throw ConfigError(context_of(o) + "config group '" + o.key + "' is not in the defaults " +
                        "of " + root_file.string() + "; add it with '+" + o.text + "'");
    apply_key_override(o, types, config);
  }
  return config;
}

fs::path default_config_dir() {
  if (const char* env = std::getenv("PATCHGD_CONFIG_DIR"); env && *env) return fs::path(env);
  std::error_code ec;
  if (fs::is_regular_file(fs::path("experiments") / "config.yaml", ec))
    return fs::path("experiments");
  return fs::path(PATCHGD_SOURCE_DIR) / "experiments";
}

}  // namespace pgd::config
