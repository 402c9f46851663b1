#include "results/src/yaml_keys.h"

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace pgd::results {
namespace fs = std::filesystem;

void fail_key(const fs::path& file, const std::string& key, const std::string& what) {
  throw std::runtime_error(file.string() + ": key '" + key + "': " + what);
}

void check_keys(const YAML::Node& node, const fs::path& file, const std::string& where,
                const std::set<std::string>& allowed) {
  for (const auto& kv : node) {
    const std::string k = kv.first.as<std::string>();
    if (allowed.count(k)) continue;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    fail_key(file, where.empty() ? k : where + "." + k,
             "unknown key (expected one of: " + list + ")");
  }
}

std::string required_string(const YAML::Node& node, const fs::path& file, const std::string& key,
                            const std::string& where) {
  const YAML::Node v = node[key];
  if (!v || !v.IsScalar() || v.Scalar().empty())
    fail_key(file, where.empty() ? key : where + "." + key, "missing or not a string");
  return v.Scalar();
}

bool parse_double(const std::string& text, double* out) {
  if (text.empty()) return false;
  const char* begin = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end != begin + text.size()) return false;
  // strtod accepts "inf"/"nan"/hex; config values never are, and treating them as words is safer.
  for (char c : text)
    if (std::isalpha(static_cast<unsigned char>(c)) && c != 'e' && c != 'E') return false;
  *out = v;
  return true;
}

}  // namespace pgd::results
