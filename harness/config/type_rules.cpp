#include "harness/config/type_rules.h"

#include "harness/config/config_error.h"
#include "harness/config/config_tree.h"
#include "harness/config/string_util.h"
#include "harness/config/yaml_emit.h"

namespace pgd::config {
namespace {

bool is_kind_word(const std::string& w) {
  return w == "int" || w == "float" || w == "number" || w == "bool" || w == "string" ||
         w == "list" || w == "map" || w == "null";
}

// Whether `value` is allowed by one `_types` entry; may promote an int to a float.
bool matches(const nlohmann::json& entry, const nlohmann::json& value, nlohmann::json* stored) {
  *stored = value;
  if (entry.is_null()) return value.is_null();  // `[null, string]` parses its null as null
  if (!entry.is_string()) return entry == value;
  const std::string word = entry.get<std::string>();
  if (!is_kind_word(word)) return value.is_string() && value.get<std::string>() == word;
  if (word == "number") return value.is_number();
  if (word == "float" && value.is_number_integer()) {
    *stored = value.get<double>();
    return true;
  }
  return kind_name(value) == word;
}

std::string entry_text(const nlohmann::json& entry) {
  return entry.is_string() ? entry.get<std::string>() : to_flow_yaml(entry);
}

}  // namespace

TypeRules TypeRules::from_json(const nlohmann::json& types, const std::string& origin) {
  TypeRules rules;
  if (types.is_null()) return rules;
  if (!types.is_object())
    throw ConfigError(origin + ": '_types' must map dotted keys to lists of kinds, got " +
                      kind_name(types));
  for (const auto& [key, entries] : types.items()) {
    if (entries.is_array() && !entries.empty()) {
      rules.allowed_[key] = entries.get<std::vector<nlohmann::json>>();
    } else if (entries.is_string()) {
      rules.allowed_[key] = {entries};
    } else {
      throw ConfigError(origin + ": '_types." + key +
                        "' must be a non-empty list of kinds (int, float, number, bool, string, "
                        "list, map, null) or literal values, got " +
                        describe_value(entries));
    }
  }
  return rules;
}

nlohmann::json TypeRules::check_declared(const std::string& key, const nlohmann::json& value,
                                         const std::string& context) const {
  const auto& entries = allowed_.at(key);
  nlohmann::json stored;
  // Exact kinds first, so `[float, int]` keeps an int an int.
  for (const auto& e : entries)
    if (matches(e, value, &stored) && kind_name(stored) == kind_name(value)) return stored;
  for (const auto& e : entries)
    if (matches(e, value, &stored)) return stored;
  std::vector<std::string> words;
  for (const auto& e : entries) words.push_back(entry_text(e));
  throw ConfigError(context + "config key '" + key + "': value " + describe_value(value) + " (" +
                    kind_name(value) + ") is not allowed; expected one of: " + join(words) +
                    " (declared in _types)");
}

nlohmann::json TypeRules::check(const std::string& key, const nlohmann::json* current,
                                const nlohmann::json& value, const std::string& context) const {
  if (value.is_null()) return value;  // null means "unset" for every key
  if (declares(key)) return check_declared(key, value, context);
  if (current == nullptr || current->is_null()) return value;
  const std::string want = kind_name(*current), got = kind_name(value);
  if (want == got) return value;
  if (want == "float" && got == "int") return value.get<double>();
  throw ConfigError(context + "config key '" + key + "': value " + describe_value(value) + " is " +
                    got + "; expected " + want + " like its default " + describe_value(*current) +
                    " (declare other types for it in config.yaml's _types)");
}

}  // namespace pgd::config
