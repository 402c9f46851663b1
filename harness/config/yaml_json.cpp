#include "harness/config/yaml_json.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "harness/config/config_error.h"

namespace pgd::config {
namespace {

const std::string kStrTag = "tag:yaml.org,2002:str";

std::string where(const std::string& origin, const YAML::Mark& mark) {
  if (mark.is_null()) return origin;
  return origin + " at line " + std::to_string(mark.line + 1) + ", column " +
         std::to_string(mark.column + 1);
}

// Parses a whole integer literal in `base`; nullopt-like flag on overflow.
bool parse_int(const std::string& digits, int base, bool negative, int64_t* out) {
  errno = 0;
  unsigned long long magnitude = std::strtoull(digits.c_str(), nullptr, base);
  if (errno == ERANGE) return false;
  const unsigned long long max_pos = std::numeric_limits<int64_t>::max();
  if (negative) {
    if (magnitude > max_pos + 1ULL) return false;
    *out = magnitude == max_pos + 1ULL ? std::numeric_limits<int64_t>::min()
                                       : -static_cast<int64_t>(magnitude);
  } else {
    if (magnitude > max_pos) return false;
    *out = static_cast<int64_t>(magnitude);
  }
  return true;
}

template <class Json>
Json convert(const YAML::Node& node, const std::string& origin) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar: {
      // "!" is the non-specific tag yaml-cpp gives quoted and block scalars: always strings.
      if (node.Tag() == "!" || node.Tag() == kStrTag) return node.Scalar();
      return type_plain_scalar(node.Scalar(), where(origin, node.Mark()));
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(convert<Json>(item, origin));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : node) {
        const YAML::Node& key = kv.first;
        if (!key.IsScalar())
          throw ConfigError(where(origin, key.Mark()) + ": mapping keys must be plain words");
        const std::string& name = key.Scalar();
        // yaml-cpp keeps repeated keys; silently taking one would hide a mistake.
        if (out.contains(name))
          throw ConfigError(where(origin, key.Mark()) + ": duplicate key '" + name + "'");
        out[name] = convert<Json>(kv.second, origin);
      }
      return out;
    }
  }
  return nullptr;
}

YAML::Node parse_node(const std::string& text, const std::string& origin) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError("malformed YAML in " + where(origin, e.mark) + ": " + e.msg);
  }
}

std::string read_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw ConfigError("config file not found: " + file.string());
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError("cannot read config file: " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

nlohmann::json type_plain_scalar(const std::string& text, const std::string& origin) {
  // YAML 1.2 core schema, https://yaml.org/spec/1.2.2/#1032-tag-resolution
  static const std::regex null_re("~|null|Null|NULL");
  static const std::regex true_re("true|True|TRUE");
  static const std::regex false_re("false|False|FALSE");
  static const std::regex int_re("[-+]?[0-9]+");
  static const std::regex oct_re("0o[0-7]+");
  static const std::regex hex_re("0x[0-9a-fA-F]+");
  static const std::regex float_re("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex inf_re("[-+]?\\.(inf|Inf|INF)");
  static const std::regex nan_re("\\.(nan|NaN|NAN)");

  if (text.empty() || std::regex_match(text, null_re)) return nullptr;
  if (std::regex_match(text, true_re)) return true;
  if (std::regex_match(text, false_re)) return false;
  int64_t value = 0;
  auto integer = [&](const std::string& digits, int base, bool negative) -> nlohmann::json {
    if (!parse_int(digits, base, negative, &value))
      throw ConfigError(origin + ": integer " + text + " does not fit in 64 bits");
    return value;
  };
  if (std::regex_match(text, int_re)) {
    bool negative = text[0] == '-';
    bool signed_ = text[0] == '-' || text[0] == '+';
    return integer(text.substr(signed_ ? 1 : 0), 10, negative);
  }
  if (std::regex_match(text, oct_re)) return integer(text.substr(2), 8, false);
  if (std::regex_match(text, hex_re)) return integer(text.substr(2), 16, false);
  if (std::regex_match(text, float_re)) return std::strtod(text.c_str(), nullptr);
  if (std::regex_match(text, inf_re))
    return text[0] == '-' ? -std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::infinity();
  if (std::regex_match(text, nan_re)) return std::numeric_limits<double>::quiet_NaN();
  return text;
}

nlohmann::json yaml_to_json(const YAML::Node& node, const std::string& origin) {
  return convert<nlohmann::json>(node, origin);
}

nlohmann::ordered_json yaml_to_ordered_json(const YAML::Node& node, const std::string& origin) {
  return convert<nlohmann::ordered_json>(node, origin);
}

nlohmann::json parse_yaml(const std::string& text, const std::string& origin) {
  return yaml_to_json(parse_node(text, origin), origin);
}

nlohmann::json load_yaml_file(const std::filesystem::path& file) {
  return parse_yaml(read_file(file), file.string());
}

nlohmann::ordered_json load_yaml_file_ordered(const std::filesystem::path& file) {
  return yaml_to_ordered_json(parse_node(read_file(file), file.string()), file.string());
}

}  // namespace pgd::config
