#pragma once
// A value written back as override text that the grammar reads back to exactly that value
// (type included): how a multirun or a sweep grid spells each job's `key=value`. Strings stay
// plain when they read back unchanged (gd, 4GB, data/x.csv) and are single-quoted otherwise
// ('3', 'true', 'a,b', ' lead'); floats always read back as floats (1.0, 1e-5, inf).
#include <string>

#include <nlohmann/json.hpp>

namespace pgd::config {

// Throws ConfigError for a mapping key that no override can spell (an empty key, or one with
// a character the grammar never allows unquoted, such as '#').
std::string format_override_value(const nlohmann::json& value);

}  // namespace pgd::config
