#include "harness/config/yaml_emit.h"

#include <cctype>

#include "harness/config/config_error.h"
#include "harness/config/string_util.h"
#include "harness/config/yaml_json.h"

namespace pgd::config {
namespace {

bool plain_start(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/';
}
bool plain_char(char c) { return plain_start(c) || c == '+' || c == '-' || c == ' '; }

bool single_quotable(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

std::string quoted(const std::string& s) {
  if (!single_quotable(s)) return nlohmann::json(s).dump();  // JSON escapes are YAML escapes
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

bool plain_syntax(const std::string& s) {
  if (s.empty() || !plain_start(s.front()) || s.back() == ' ') return false;
  for (char c : s)
    if (!plain_char(c)) return false;
  return true;
}

// Conservative: only words, paths and sizes go unquoted. Everything with YAML or override
// syntax in it (":", ",", "#", brackets, quotes, "=", parentheses) is quoted, so the text
// is safe in block, flow and override positions alike.
bool can_be_plain(const std::string& s) {
  if (!plain_syntax(s)) return false;
  try {
    return type_plain_scalar(s).is_string();
  } catch (const ConfigError&) {
    return false;  // a huge integer literal: quote it so it stays a string
  }
}

std::string scalar(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::number_integer:
      return std::to_string(v.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return std::to_string(v.get<uint64_t>());
    case nlohmann::json::value_t::number_float:
      return format_double(v.get<double>());
    case nlohmann::json::value_t::string:
      return yaml_string(v.get<std::string>());
    default:
      throw ConfigError("cannot write a " + std::string(v.type_name()) + " as YAML");
  }
}

std::string key_text(const std::string& key) {
  // Keys read back as their text whatever they look like ("3" stays "3"), except that
  // yaml-cpp turns a plain null word into a null key: quote those, and any syntax.
  if (!plain_syntax(key)) return quoted(key);
  try {
    return type_plain_scalar(key, "key").is_null() ? quoted(key) : key;
  } catch (const ConfigError&) {
    return key;  // a huge integer: still read back as text
  }
}

bool has_mapping(const nlohmann::json& list) {
  for (const auto& item : list)
    if (item.is_object() && !item.empty()) return true;
  return false;
}

void emit_map(const nlohmann::json& map, int indent, std::string& out);

// Writes `value` after "key:" or "- " (the caller has written that prefix).
void emit_value(const nlohmann::json& value, int indent, std::string& out) {
  if (value.is_object() && !value.empty()) {
    out += "\n";
    emit_map(value, indent + 2, out);
  } else if (value.is_array() && has_mapping(value)) {
    out += "\n";
    for (const auto& item : value) {
      out += std::string(indent + 2, ' ') + "-";
      if (item.is_object() && !item.empty()) {
        // The item's first key shares the "- " line; the rest align under it.
        std::string block;
        emit_map(item, indent + 4, block);
        out += " " + block.substr(indent + 4);
      } else {
        out += " " + to_flow_yaml(item) + "\n";
      }
    }
  } else {
    out += " " + to_flow_yaml(value) + "\n";
  }
}

void emit_map(const nlohmann::json& map, int indent, std::string& out) {
  for (const auto& [key, value] : map.items()) {
    out += std::string(indent, ' ') + key_text(key) + ":";
    emit_value(value, indent, out);
  }
}

}  // namespace

std::string yaml_string(const std::string& s) { return can_be_plain(s) ? s : quoted(s); }

std::string to_flow_yaml(const nlohmann::json& value) {
  if (value.is_array()) {
    std::vector<std::string> items;
    for (const auto& item : value) items.push_back(to_flow_yaml(item));
    return "[" + join(items) + "]";
  }
  if (value.is_object()) {
    std::vector<std::string> items;
    for (const auto& [key, item] : value.items())
      items.push_back(key_text(key) + ": " + to_flow_yaml(item));
    return "{" + join(items) + "}";
  }
  return scalar(value);
}

std::string to_yaml(const nlohmann::json& value) {
  if (!value.is_object() || value.empty()) return to_flow_yaml(value) + "\n";
  std::string out;
  emit_map(value, 0, out);
  return out;
}

}  // namespace pgd::config
