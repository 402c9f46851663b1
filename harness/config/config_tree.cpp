#include "harness/config/config_tree.h"

#include "harness/config/config_error.h"
#include "harness/config/string_util.h"
#include "harness/config/yaml_emit.h"

namespace pgd::config {
namespace {

[[noreturn]] void throw_not_mapping(const nlohmann::json& node,
                                    const std::vector<std::string>& parts, size_t depth,
                                    const std::string& context) {
  throw ConfigError(context + "config key '" + dotted(parts, parts.size()) + "': '" +
                    dotted(parts, depth) + "' is " + kind_name(node) + " " + describe_value(node) +
                    ", not a mapping, so it has no key '" + parts[depth] + "'");
}

template <class Json>
Json* find_impl(Json& root, const std::vector<std::string>& parts, const std::string& context) {
  Json* node = &root;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!node->is_object()) throw_not_mapping(*node, parts, i, context);
    auto it = node->find(parts[i]);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

}  // namespace

std::string dotted(const std::vector<std::string>& parts, size_t count) {
  std::vector<std::string> head(parts.begin(), parts.begin() + count);
  return join(head, ".");
}

std::string kind_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return "bool";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "int";
    case nlohmann::json::value_t::number_float:
      return "float";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::array:
      return "list";
    case nlohmann::json::value_t::object:
      return "map";
    default:
      return value.type_name();
  }
}

std::string describe_value(const nlohmann::json& value) {
  if (value.is_string()) return "'" + value.get<std::string>() + "'";
  return to_flow_yaml(value);
}

const nlohmann::json* find_path(const nlohmann::json& root, const std::vector<std::string>& parts,
                                const std::string& context) {
  return find_impl(root, parts, context);
}

nlohmann::json* find_path(nlohmann::json& root, const std::vector<std::string>& parts,
                          const std::string& context) {
  return find_impl(root, parts, context);
}

void throw_unknown_key(const nlohmann::json& root, const std::vector<std::string>& parts,
                       const std::string& context) {
  // Walk to the deepest mapping that exists; the first missing part is the mistake.
  const nlohmann::json* node = &root;
  size_t depth = 0;
  while (depth < parts.size() && node->is_object() && node->contains(parts[depth])) {
    node = &(*node)[parts[depth]];
    ++depth;
  }
  if (depth == parts.size())
    throw ConfigError(context + "config key '" + dotted(parts, depth) +
                      "' exists");  // caller misuse; say so plainly
  if (!node->is_object()) throw_not_mapping(*node, parts, depth, context);

  std::vector<std::string> keys;
  for (const auto& item : node->items()) keys.push_back(item.key());
  const std::string& missing = parts[depth];
  std::string prefix = depth ? dotted(parts, depth) + "." : "";
  std::string message = context + "unknown config key '" + dotted(parts, parts.size()) + "'" +
                        did_you_mean_clause(missing, keys, prefix);
  std::string level = depth ? "under '" + dotted(parts, depth) + "'" : "at the top level";
  if (keys.empty())
    message += "there are no keys " + level;
  else
    message += "valid keys " + level + ": " + join(nearest_first(missing, keys));
  throw ConfigError(message);
}

nlohmann::json& parent_for_add(nlohmann::json& root, const std::vector<std::string>& parts,
                               const std::string& context) {
  nlohmann::json* node = &root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!node->is_object()) throw_not_mapping(*node, parts, i, context);
    node = &(*node)[parts[i]];  // creates null, made a mapping below
    if (node->is_null()) *node = nlohmann::json::object();
  }
  if (!node->is_object()) throw_not_mapping(*node, parts, parts.size() - 1, context);
  return *node;
}

void deep_merge(nlohmann::json& base, const nlohmann::json& over) {
  if (!base.is_object() || !over.is_object()) {
    base = over;
    return;
  }
  for (const auto& [key, value] : over.items()) {
    auto it = base.find(key);
    if (it == base.end())
      base[key] = value;
    else
      deep_merge(*it, value);
  }
}

}  // namespace pgd::config
