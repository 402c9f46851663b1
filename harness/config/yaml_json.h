#pragma once
// YAML in, JSON out. Scalars are typed by the YAML 1.2 core schema (yaml-cpp itself hands
// back strings): plain `3` is an int, `1e-3` a float, `true` a bool, `~`/`null` null, and
// anything quoted stays a string. Every error names the file (or override) with line and
// column, so a typo in a sweep file points at itself.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace YAML {
class Node;
}

namespace pgd::config {

// Reads a whole file. Throws ConfigError naming the path when it is missing or unreadable,
// and the path, line and column when it is malformed or repeats a key.
nlohmann::json load_yaml_file(const std::filesystem::path& file);
// As above, keeping mappings in file order (sweep grids are ordered: first key slowest).
nlohmann::ordered_json load_yaml_file_ordered(const std::filesystem::path& file);

// Parses `text`; `origin` names where it came from in error messages.
nlohmann::json parse_yaml(const std::string& text, const std::string& origin);

// Converts an already-parsed node.
nlohmann::json yaml_to_json(const YAML::Node& node, const std::string& origin);
nlohmann::ordered_json yaml_to_ordered_json(const YAML::Node& node, const std::string& origin);

// The value an unquoted (plain) scalar stands for under the core schema. Throws ConfigError
// naming `origin` for an integer outside the 64-bit range.
nlohmann::json type_plain_scalar(const std::string& text, const std::string& origin = "value");

}  // namespace pgd::config
