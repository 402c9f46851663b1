#include "harness/config/config_hash.h"

#include <algorithm>

#include "harness/config/config_error.h"
#include "harness/config/sha256.h"
#include "harness/config/string_util.h"

namespace pgd::config {
namespace {

void write_string(const std::string& s, std::string& out) {
  try {
    out += nlohmann::json(s).dump();
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string("config value is not valid UTF-8 and cannot be hashed: ") +
                      e.what());
  }
}

void write(const nlohmann::json& v, std::string& out) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      out += "null";
      return;
    case nlohmann::json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case nlohmann::json::value_t::number_integer:
      out += std::to_string(v.get<int64_t>());
      return;
    case nlohmann::json::value_t::number_unsigned:
      out += std::to_string(v.get<uint64_t>());
      return;
    case nlohmann::json::value_t::number_float:
      out += format_double(v.get<double>());
      return;
    case nlohmann::json::value_t::string:
      write_string(v.get<std::string>(), out);
      return;
    case nlohmann::json::value_t::array: {
      out += '[';
      for (size_t i = 0; i < v.size(); ++i) {
        if (i) out += ',';
        write(v[i], out);
      }
      out += ']';
      return;
    }
    case nlohmann::json::value_t::object: {
      // nlohmann::json keeps keys sorted already; sorting here keeps the form canonical even
      // if the tree type ever changes to an insertion-ordered one.
      std::vector<std::string> keys;
      for (const auto& item : v.items()) keys.push_back(item.key());
      std::sort(keys.begin(), keys.end());
      out += '{';
      for (size_t i = 0; i < keys.size(); ++i) {
        if (i) out += ',';
        write_string(keys[i], out);
        out += ':';
        write(v.at(keys[i]), out);
      }
      out += '}';
      return;
    }
    default:
      throw ConfigError(std::string("config value of type ") + v.type_name() + " cannot be hashed");
  }
}

}  // namespace

const std::vector<std::string>& hash_excluded_keys() {
  static const std::vector<std::string> keys = {"threads"};
  return keys;
}

const std::vector<NeutralDefault>& hash_neutral_defaults() {
  static const std::vector<NeutralDefault> defaults = {
      {"method", "checkpoint", "off"},
      {"method", "input_size", 0},
      {"method", "inner_chunk", 0},
      {"dataset", "stream", false},
  };
  return defaults;
}

std::string canonical_json(const nlohmann::json& value) {
  std::string out;
  write(value, out);
  return out;
}

std::string config_hash(const nlohmann::json& resolved) {
  nlohmann::json content = resolved;
  if (content.is_object()) {
    for (const auto& key : hash_excluded_keys()) content.erase(key);
    for (const auto& d : hash_neutral_defaults()) {
      const auto section = content.find(d.section);
      if (section == content.end() || !section->is_object()) continue;
      const auto it = section->find(d.key);
      // Compared by kind and value: 0.0 or "0" is not the neutral 0.
      if (it == section->end()) continue;
      const bool same_kind =
          d.value.is_number_integer() ? it->is_number_integer() : it->type() == d.value.type();
      if (same_kind && *it == d.value) section->erase(it);
    }
  }
  return sha256_hex(canonical_json(content));
}

}  // namespace pgd::config
