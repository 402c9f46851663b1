// Loading and checking table templates (results/templates/*.yaml). A template is data, so every
// mistake in one is reported with its file and key rather than showing up as an empty table.
#include "results/src/table_template.h"

#include "results/src/cell_setting.h"
#include "results/src/unknown_name_error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "harness/config/byte_size.h"
#include "results/src/yaml_keys.h"

namespace pgd::results {
namespace fs = std::filesystem;

namespace {

std::string format_number_canonical(double v) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

AxisKey parse_axis_key(const YAML::Node& node, const fs::path& file, const std::string& where) {
  if (!node.IsMap()) fail_key(file, where, "expected a map with key, label, labels");
  check_keys(node, file, where, {"key", "label", "labels"});
  AxisKey k;
  k.key = required_string(node, file, "key", where);
  k.label = node["label"] ? node["label"].as<std::string>() : k.key;
  if (const YAML::Node labels = node["labels"]) {
    if (!labels.IsMap()) fail_key(file, where + ".labels", "expected a map value -> label");
    std::set<std::string> seen;
    for (const auto& kv : labels) {  // yaml-cpp keeps document order: it is the display order
      const std::string value = canonical_scalar(kv.first.Scalar());
      if (!seen.insert(value).second)
        fail_key(file, where + ".labels", "value '" + value + "' twice");
      k.labels.emplace_back(value, kv.second.as<std::string>());
    }
  }
  return k;
}

Axis parse_axis(const YAML::Node& node, const fs::path& file, const std::string& where,
                bool required) {
  Axis axis;
  if (!node) {
    if (required) fail_key(file, where, "missing");
    return axis;
  }
  if (!node.IsMap()) fail_key(file, where, "expected a map with keys and paper");
  check_keys(node, file, where, {"keys", "paper"});
  const YAML::Node keys = node["keys"];
  if (!keys || !keys.IsSequence() || (required && keys.size() == 0))
    fail_key(file, where + ".keys", "missing or not a list of keys");
  for (std::size_t i = 0; i < keys.size(); ++i)
    axis.keys.push_back(parse_axis_key(keys[i], file, where + ".keys[" + std::to_string(i) + "]"));
  if (const YAML::Node paper = node["paper"]) {
    if (!paper.IsSequence())
      fail_key(file, where + ".paper", "expected a list of value combinations");
    std::set<std::vector<std::string>> seen;
    for (std::size_t i = 0; i < paper.size(); ++i) {
      const std::string at = where + ".paper[" + std::to_string(i) + "]";
      std::vector<std::string> combo;
      if (paper[i].IsScalar()) {
        combo.push_back(canonical_scalar(paper[i].Scalar()));
      } else if (paper[i].IsSequence()) {
        for (const auto& v : paper[i]) combo.push_back(canonical_scalar(v.Scalar()));
      } else {
        fail_key(file, at, "expected a value or a list of values");
      }
      if (combo.size() != axis.keys.size())
        fail_key(file, at,
                 "has " + std::to_string(combo.size()) + " values for " +
                     std::to_string(axis.keys.size()) + " keys");
      if (!seen.insert(combo).second) fail_key(file, at, "listed twice");
      axis.paper.push_back(std::move(combo));
    }
  }
  return axis;
}

}  // namespace

ValueSpec parse_value_spec(const YAML::Node& node, const fs::path& file, const std::string& where) {
  if (!node.IsMap()) fail_key(file, where, "expected a map with metric or measurement");
  check_keys(node, file, where, {"metric", "measurement", "label", "format", "decimals", "better"});
  ValueSpec v;
  if (node["metric"] && node["measurement"])
    fail_key(file, where, "has both metric and measurement");
  if (node["metric"]) {
    v.source = ValueSource::metric;
    v.name = required_string(node, file, "metric", where);
  } else if (node["measurement"]) {
    v.source = ValueSource::measurement;
    v.name = required_string(node, file, "measurement", where);
  } else {
    fail_key(file, where, "needs metric (summary metric, epoch -1) or measurement");
  }
  v.label = node["label"] ? node["label"].as<std::string>() : v.name;
  v.format = node["format"] ? node["format"].as<std::string>() : "fixed";
  static const std::vector<std::pair<std::string, int>> formats = {
      {"percent", 1}, {"fixed", 2}, {"ms", 1}, {"mib", 1}, {"gib", 2}, {"count", 0}};
  auto f = std::find_if(formats.begin(), formats.end(),
                        [&](const auto& p) { return p.first == v.format; });
  if (f == formats.end())
    fail_key(file, where + ".format",
             "'" + v.format + "' is not one of percent, fixed, ms, mib, gib, count");
  v.decimals = node["decimals"] ? node["decimals"].as<int>() : f->second;
  if (v.decimals < 0 || v.decimals > 9) fail_key(file, where + ".decimals", "must be 0..9");
  // Latency and memory are costs; everything else we tabulate (accuracy, QWK, throughput) is
  // better when higher. A template can say otherwise.
  const bool cost = v.name.find("latency") != std::string::npos ||
                    v.name.find("memory") != std::string::npos || v.name == "parameters";
  v.higher_is_better = !cost;
  if (const YAML::Node better = node["better"]) {
    const std::string b = better.as<std::string>();
    if (b == "higher")
      v.higher_is_better = true;
    else if (b == "lower")
      v.higher_is_better = false;
    else
      fail_key(file, where + ".better", "'" + b + "' is not higher or lower");
  }
  return v;
}

namespace {

// The suffix every listed label adds to its value ("512" → "512²"), or "" when they differ.
std::string common_label_suffix(const std::vector<std::pair<std::string, std::string>>& labels) {
  std::string suffix;
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto& [value, label] = labels[i];
    if (label.size() <= value.size() || label.compare(0, value.size(), value) != 0) return "";
    const std::string s = label.substr(value.size());
    if (i > 0 && s != suffix) return "";
    suffix = s;
  }
  return suffix;
}

}  // namespace

std::string AxisKey::label_of(const std::string& canonical) const {
  for (const auto& [value, label] : labels)
    if (value == canonical) return label;
  if (canonical.empty()) return "—";  // a key the run's config lacks (GD has no f_s)
  // Values the template does not list (smoke and mini sizes, caps) are labelled the way the
  // listed ones are: "64" as "64²" beside "512²", "1GB" as "1 GB" beside "4 GB".
  double number;
  if (parse_double(canonical, &number)) return canonical + common_label_suffix(labels);
  if (parse_memory_size(canonical) >= 0) {
    const size_t unit = canonical.find_first_not_of("0123456789.");
    if (unit != std::string::npos && unit > 0)
      return canonical.substr(0, unit) + " " + canonical.substr(unit);
  }
  return canonical;
}

std::size_t AxisKey::listed_rank(const std::string& canonical) const {
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i].first == canonical) return i;
  return labels.size();
}

std::string canonical_json(const nlohmann::json* value) {
  if (value == nullptr) return "";
  if (value->is_string()) return canonical_scalar(value->get<std::string>());
  if (value->is_boolean()) return value->get<bool>() ? "true" : "false";
  if (value->is_number_integer() || value->is_number_unsigned())
    return format_number_canonical(value->get<double>());
  if (value->is_number_float()) return format_number_canonical(value->get<double>());
  if (value->is_null()) return "null";
  return value->dump();
}

std::string canonical_scalar(const std::string& text) {
  double v;
  if (parse_double(text, &v)) return format_number_canonical(v);
  return text;
}

const nlohmann::json* json_at_path(const nlohmann::json& config, const std::string& dotted) {
  const nlohmann::json* at = &config;
  std::size_t start = 0;
  while (start <= dotted.size()) {
    const std::size_t dot = dotted.find('.', start);
    const std::string part =
        dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!at->is_object()) return nullptr;
    auto it = at->find(part);
    if (it == at->end()) return nullptr;
    at = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return at;
}

double parse_memory_size(const std::string& text) {
  try {
    const auto bytes = config::parse_bytes(text);
    return bytes ? static_cast<double>(*bytes) : -1;
  } catch (const std::invalid_argument&) {
    return -1;
  }
}

bool natural_less(const std::string& a, const std::string& b) {
  auto key = [](const std::string& s) {
    double v;
    if (parse_double(s, &v)) return std::make_pair(0, v);
    const double bytes = parse_memory_size(s);
    if (bytes >= 0) return std::make_pair(1, bytes);
    if (s.empty() || s == "none" || s == "null") return std::make_pair(3, 0.0);
    return std::make_pair(2, 0.0);
  };
  const auto ka = key(a), kb = key(b);
  if (ka != kb) return ka < kb;
  return a < b;
}

TableTemplate load_table_template(const fs::path& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("table template " + file.string() + ": " + e.what());
  }
  if (!root.IsMap()) fail_key(file, "(root)", "expected a map");
  TableTemplate t;
  t.file = file;
  t.name = file.stem().string();
  try {
    check_keys(root, file, "", {"title", "sweep", "rows", "columns", "values", "setting"});
    t.title = required_string(root, file, "title", "");
    t.sweep = required_string(root, file, "sweep", "");
    t.rows = parse_axis(root["rows"], file, "rows", true);
    t.columns = parse_axis(root["columns"], file, "columns", false);
    const YAML::Node values = root["values"];
    if (!values || !values.IsSequence() || values.size() == 0)
      fail_key(file, "values", "missing or not a non-empty list");
    for (std::size_t i = 0; i < values.size(); ++i)
      t.values.push_back(parse_value_spec(values[i], file, "values[" + std::to_string(i) + "]"));
    if (const YAML::Node setting = root["setting"])
      t.setting = parse_setting_items(setting, file, "setting");
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("table template " + file.string() + ": " + e.what());
  }
  std::set<std::string> keys;
  for (const Axis* axis : {&t.rows, &t.columns})
    for (const auto& k : axis->keys)
      if (!keys.insert(k.key).second) fail_key(file, k.key, "used twice as a row or column key");
  if (!t.columns.paper.empty() && t.columns.keys.empty())
    fail_key(file, "columns.paper", "given without column keys");
  return t;
}

std::vector<std::string> table_names(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw std::runtime_error("table templates folder " + dir.string() + " does not exist");
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

TableTemplate load_named_template(const fs::path& dir, const std::string& name) {
  const std::vector<std::string> names = table_names(dir);
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw UnknownNameError("unknown table '" + name + "'; valid tables (" + dir.string() +
                           "): " + (list.empty() ? "(none)" : list));
  }
  return load_table_template(dir / (name + ".yaml"));
}

}  // namespace pgd::results
