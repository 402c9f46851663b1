#pragma once
// Reading the results' own YAML files (table templates, claims): one error style,
// "FILE: key 'where.key': what", shared by every reader.
#include <filesystem>
#include <set>
#include <string>

#include <yaml-cpp/yaml.h>

namespace pgd::results {

[[noreturn]] void fail_key(const std::filesystem::path& file, const std::string& key,
                           const std::string& what);
// Every key of the map `node` (at `where`, "" = top level) must be in `allowed`.
void check_keys(const YAML::Node& node, const std::filesystem::path& file, const std::string& where,
                const std::set<std::string>& allowed);
// node[key] as a non-empty scalar, else an error naming where.key.
std::string required_string(const YAML::Node& node, const std::filesystem::path& file,
                            const std::string& key, const std::string& where);
// Strict: the whole text must be a number (so "4GB" and "1/4" stay strings; "inf", "nan" and hex
// are words).
bool parse_double(const std::string& text, double* out);

}  // namespace pgd::results
