#include "harness/config/override.h"

#include <cctype>

#include "harness/config/config_error.h"
#include "harness/config/yaml_json.h"

namespace pgd::config {
namespace {

const char* kForms =
    "expected key.path=value, +key.path=value, ++key.path=value, ~key.path, ~key.path=value "
    "or group=option";

bool key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

}  // namespace

std::string override_prefix(OverrideKind kind) {
  switch (kind) {
    case OverrideKind::kSet:
      return "";
    case OverrideKind::kAdd:
      return "+";
    case OverrideKind::kForceAdd:
      return "++";
    case OverrideKind::kRemove:
      return "~";
  }
  return "";
}

std::vector<std::string> split_key(const std::string& dotted, const std::string& origin) {
  std::vector<std::string> parts;
  std::string part;
  auto finish = [&] {
    if (part.empty())
      throw ConfigError(origin + ": key '" + dotted + "' has an empty part; " + kForms);
    parts.push_back(part);
    part.clear();
  };
  for (char c : dotted) {
    if (c == '.') {
      finish();
    } else if (key_char(c)) {
      part += c;
    } else {
      throw ConfigError(origin + ": key '" + dotted + "' has the character '" + std::string(1, c) +
                        "'; keys are words of letters, digits, '_' and " + "'-' joined by '.'");
    }
  }
  finish();
  return parts;
}

nlohmann::json parse_override_value(const std::string& value_text, const std::string& origin) {
  // Hydra reads `key=` as the empty string, not null.
  if (value_text.empty()) return "";
  char first = value_text.front();
  bool structured = first == '[' || first == '{' || first == '\'' || first == '"';
  nlohmann::json value;
  try {
    value = parse_yaml(value_text, origin);
  } catch (const ConfigError&) {
    // Text that merely looks odd to YAML (`@home`, `*x`) is a string; text that opens a
    // list, mapping or quote and fails to parse is a mistake worth reporting.
    if (structured) throw;
    return value_text;
  }
  // A comment (`#x`) or a bare anchor parses to null: only real null words mean null.
  if (value.is_null()) {
    nlohmann::json plain = type_plain_scalar(value_text, origin);
    return plain.is_null() ? nlohmann::json(nullptr) : nlohmann::json(value_text);
  }
  return value;
}

Override parse_override(const std::string& text) {
  Override o;
  o.text = text;
  const std::string origin = "override '" + text + "'";
  size_t pos = 0;
  if (text.rfind("++", 0) == 0) {
    o.kind = OverrideKind::kForceAdd;
    pos = 2;
  } else if (text.rfind("+", 0) == 0) {
    o.kind = OverrideKind::kAdd;
    pos = 1;
  } else if (text.rfind("~", 0) == 0) {
    o.kind = OverrideKind::kRemove;
    pos = 1;
  }
  size_t eq = text.find('=', pos);
  o.key = text.substr(pos, eq == std::string::npos ? std::string::npos : eq - pos);
  if (o.key.empty()) throw ConfigError(origin + ": no key; " + kForms);
  split_key(o.key, origin);
  if (eq == std::string::npos) {
    if (o.kind != OverrideKind::kRemove) throw ConfigError(origin + ": no '=value'; " + kForms);
    return o;
  }
  o.has_value = true;
  o.value_text = text.substr(eq + 1);
  o.value = parse_override_value(o.value_text, origin);
  return o;
}

std::vector<Override> parse_overrides(const std::vector<std::string>& texts) {
  std::vector<Override> out;
  out.reserve(texts.size());
  for (const auto& t : texts) out.push_back(parse_override(t));
  return out;
}

}  // namespace pgd::config
