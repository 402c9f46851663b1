#include "harness/config/config_view.h"

#include <sstream>

namespace pgd::config {
namespace {

std::string render(const nlohmann::json& v) {
  if (v.is_string()) return "'" + v.get<std::string>() + "'";
  return v.dump();
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i ? ", " : "") + words[i];
  return out;
}

}  // namespace

ConfigView::ConfigView(const nlohmann::json& root, std::string path)
    : node_(&root), path_(std::move(path)) {}

std::string ConfigView::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void ConfigView::fail(const std::string& key, const std::string& expected) const {
  std::ostringstream os;
  os << "config key '" << key_path(key) << "': ";
  if (node_->is_object() && node_->contains(key))
    os << "value " << render((*node_)[key]) << " is invalid; expected " << expected;
  else
    os << "missing; expected " << expected;
  throw ConfigError(os.str());
}

bool ConfigView::has(const std::string& key) const {
  return node_->is_object() && node_->contains(key);
}

bool ConfigView::is_null(const std::string& key) const {
  return !has(key) || (*node_)[key].is_null();
}

const nlohmann::json& ConfigView::value(const std::string& key) const {
  if (!has(key)) fail(key, "a value");
  return (*node_)[key];
}

ConfigView ConfigView::at(const std::string& key) const {
  const auto& v = value(key);
  if (!v.is_object()) fail(key, "a mapping");
  return ConfigView(v, key_path(key));
}

std::string ConfigView::get_string(const std::string& key) const {
  const auto& v = value(key);
  if (!v.is_string()) fail(key, "a string");
  return v.get<std::string>();
}

int64_t ConfigView::get_int(const std::string& key) const {
  const auto& v = value(key);
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) return static_cast<int64_t>(d);
  }
  fail(key, "an integer");
}

double ConfigView::get_double(const std::string& key) const {
  const auto& v = value(key);
  if (!v.is_number()) fail(key, "a number");
  return v.get<double>();
}

bool ConfigView::get_bool(const std::string& key) const {
  const auto& v = value(key);
  if (!v.is_boolean()) fail(key, "true or false");
  return v.get<bool>();
}

std::vector<int64_t> ConfigView::get_int_list(const std::string& key) const {
  const auto& v = value(key);
  if (!v.is_array()) fail(key, "a list of integers");
  std::vector<int64_t> out;
  for (const auto& e : v) {
    if (!e.is_number_integer()) fail(key, "a list of integers");
    out.push_back(e.get<int64_t>());
  }
  return out;
}

std::vector<double> ConfigView::get_double_list(const std::string& key) const {
  const auto& v = value(key);
  if (!v.is_array()) fail(key, "a list of numbers");
  std::vector<double> out;
  for (const auto& e : v) {
    if (!e.is_number()) fail(key, "a list of numbers");
    out.push_back(e.get<double>());
  }
  return out;
}

std::string ConfigView::get_string_or(const std::string& key, const std::string& fallback) const {
  return is_null(key) ? fallback : get_string(key);
}
int64_t ConfigView::get_int_or(const std::string& key, int64_t fallback) const {
  return is_null(key) ? fallback : get_int(key);
}
double ConfigView::get_double_or(const std::string& key, double fallback) const {
  return is_null(key) ? fallback : get_double(key);
}
bool ConfigView::get_bool_or(const std::string& key, bool fallback) const {
  return is_null(key) ? fallback : get_bool(key);
}

int64_t ConfigView::get_int_in(const std::string& key, int64_t lo, int64_t hi) const {
  int64_t v = get_int(key);
  if (v < lo || v > hi)
    fail(key, "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

double ConfigView::get_double_in(const std::string& key, double lo, double hi, bool lo_open) const {
  double v = get_double(key);
  if ((lo_open ? v <= lo : v < lo) || v > hi) {
    std::ostringstream os;
    os << "a number in " << (lo_open ? "(" : "[") << lo << ", " << hi << "]";
    fail(key, os.str());
  }
  return v;
}

std::string ConfigView::get_choice(const std::string& key,
                                   const std::vector<std::string>& choices) const {
  std::string v = get_string(key);
  for (const auto& c : choices)
    if (c == v) return v;
  fail(key, "one of: " + join(choices));
}

}  // namespace pgd::config
