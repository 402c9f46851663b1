#pragma once
// The Hydra-style override grammar of the `patchgd` command line:
//   key.path=value     set an existing key (type-checked against its default)
//   +key.path=value    add a key that does not exist yet
//   ++key.path=value   add or set
//   ~key.path          remove a key; ~key.path=value removes it only if it holds that value
//   group=option       choose a config group file (dataset=panda); decided by compose_config,
//                      which knows the groups: the grammar sees it as a plain set
// Values are YAML: 3 is an int, 1e-3 a float, true a bool, null/~ null, 'a' a string, [a, b]
// a list, {a: 1} a mapping, anything else a string; an empty value is the empty string.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgd::config {

enum class OverrideKind { kSet, kAdd, kForceAdd, kRemove };

struct Override {
  OverrideKind kind = OverrideKind::kSet;
  std::string key;         // dotted path, e.g. "train.epochs"
  bool has_value = false;  // false only for `~key`
  std::string value_text;  // the text after '=', as typed (group options are read from it)
  nlohmann::json value;    // value_text typed by YAML rules (null when !has_value)
  std::string text;        // the whole override, for error messages
};

// Throws ConfigError naming the override and the expected forms when it is malformed.
Override parse_override(const std::string& text);
std::vector<Override> parse_overrides(const std::vector<std::string>& texts);

// The value text typed by YAML rules; `origin` names the override in errors.
nlohmann::json parse_override_value(const std::string& value_text, const std::string& origin);

// "", "+", "++" or "~".
std::string override_prefix(OverrideKind kind);

// Splits a dotted key into its parts; throws ConfigError (naming `origin`) on empty parts or
// characters outside [A-Za-z0-9_-].
std::vector<std::string> split_key(const std::string& dotted, const std::string& origin);

}  // namespace pgd::config
