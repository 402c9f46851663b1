#pragma once
// Dotted-key access to a config tree (a JSON object of objects), with the errors a person
// needs when a key is wrong: the full dotted key, the nearest valid key and the valid keys
// at that level.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgd::config {

// The node at `parts`, or nullptr if some part is missing. Throws ConfigError when a part
// runs into a value that is not a mapping (`train.epochs.x`).
// `context` prefixes error messages (e.g. "override 'x=1': ").
const nlohmann::json* find_path(const nlohmann::json& root, const std::vector<std::string>& parts,
                                const std::string& context = "");
nlohmann::json* find_path(nlohmann::json& root, const std::vector<std::string>& parts,
                          const std::string& context = "");

// Throws the "unknown config key" error for `parts`, which find_path did not find:
//   unknown config key 'train.epoch'; did you mean 'train.epochs'? valid keys under 'train':
//   epochs, eval_every, ...
[[noreturn]] void throw_unknown_key(const nlohmann::json& root,
                                    const std::vector<std::string>& parts,
                                    const std::string& context = "");

// The mapping that holds the last part, creating missing mappings on the way (for `+key`).
// Throws when a part on the way holds a value that is not a mapping.
nlohmann::json& parent_for_add(nlohmann::json& root, const std::vector<std::string>& parts,
                               const std::string& context);

// Merges `over` into `base`: mappings merge key by key, anything else replaces.
void deep_merge(nlohmann::json& base, const nlohmann::json& over);

// "int", "float", "bool", "string", "list", "map" or "null".
std::string kind_name(const nlohmann::json& value);

// A value for a message: strings quoted, containers as compact YAML.
std::string describe_value(const nlohmann::json& value);

std::string dotted(const std::vector<std::string>& parts, size_t count);

}  // namespace pgd::config
