#pragma once
// JSON out as YAML, for people (`patchgd config show`) and for override values. The output
// reads back through load_yaml_file/compose_config to the same JSON: a string that YAML
// would re-type ("true", "3", "null", "") or that holds syntax (",", ": ", "#") is quoted, and
// a literal "${" is escaped ("\${") so that composing the YAML does not resolve it.
#include <string>

#include <nlohmann/json.hpp>

namespace pgd::config {

// Block style: nested mappings indented by two, lists of scalars inline ([5, 4, 3]), lists
// holding mappings as "- " items. Ends with a newline.
std::string to_yaml(const nlohmann::json& value);

// One line (flow style), e.g. `[1, 2]`, `{a: 1}`, `'a,b'`: the text an override needs to set
// `value` (`key=<text>`), never read as a multirun sweep.
std::string to_flow_yaml(const nlohmann::json& value);

// A string as a YAML scalar: plain when it reads back unchanged, else quoted.
std::string yaml_string(const std::string& s);

}  // namespace pgd::config
