#include "harness/config/override_format.h"

#include <cmath>

#include "harness/config/config_error.h"
#include "harness/config/hydra_typing.h"
#include "harness/config/override.h"
#include "harness/config/string_util.h"

namespace pgd::config {
namespace {

// The value `text` stands for as an override value, or nullopt when it does not parse.
std::optional<nlohmann::json> read_back(const std::string& text) {
  try {
    Override o = parse_override("k=" + text);
    if (o.sweep) return std::nullopt;
    return o.value;
  } catch (const ConfigError&) {
    return std::nullopt;
  }
}

// Exact comparison that keeps int and float apart (nlohmann's == says 1 == 1.0).
bool same(const nlohmann::json& a, const nlohmann::json& b) {
  return a.type() == b.type() && a == b;
}

std::string format_string(const std::string& s) {
  auto plain = read_back(s);
  if (plain && same(*plain, nlohmann::json(s))) return s;
  return quote(s);
}

std::string format_key(const std::string& key) {
  std::string text = escape_unquoted(key);
  auto back = read_back("{" + text + ": 0}");
  if (!back || !back->contains(key))
    throw ConfigError("the mapping key '" + key + "' cannot be written in an override");
  return text;
}

}  // namespace

std::string format_override_value(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::number_float: {
      double v = value.get<double>();
      if (std::isnan(v)) return "nan";
      if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
      return format_double(v);
    }
    case nlohmann::json::value_t::string:
      return format_string(value.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::vector<std::string> items;
      for (const auto& item : value) items.push_back(format_override_value(item));
      return "[" + join(items) + "]";
    }
    case nlohmann::json::value_t::object: {
      std::vector<std::string> items;
      for (const auto& [key, item] : value.items())
        items.push_back(format_key(key) + ": " + format_override_value(item));
      return "{" + join(items) + "}";
    }
    default:
      return value.dump();  // integers
  }
}

}  // namespace pgd::config
