#include "results/src/cell_setting.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "results/src/yaml_keys.h"

namespace pgd::results {
namespace {

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::vector<SettingItem> parse_setting_items(const YAML::Node& node,
                                             const std::filesystem::path& file,
                                             const std::string& where) {
  if (!node.IsSequence())
    fail_key(file, where, "expected a list of {key | measurement, label, hide, format}");
  std::vector<SettingItem> items;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string w = where + "[" + std::to_string(i) + "]";
    const YAML::Node n = node[i];
    if (!n.IsMap()) fail_key(file, w, "expected {key | measurement, label, hide}");
    check_keys(n, file, w, {"key", "measurement", "label", "hide", "format"});
    SettingItem item;
    if (n["key"] && n["measurement"]) fail_key(file, w, "give key or measurement, not both");
    if (n["key"]) {
      item.from_config = true;
      item.name = n["key"].as<std::string>();
    } else if (n["measurement"]) {
      item.name = n["measurement"].as<std::string>();
    } else {
      fail_key(file, w, "missing key or measurement");
    }
    item.label = n["label"] ? n["label"].as<std::string>() : item.name;
    if (n["format"]) {
      item.format = n["format"].as<std::string>();
      if (item.format != "mib" || item.from_config)
        fail_key(file, w + ".format", "only a measurement takes a format, and only mib");
    }
    if (const YAML::Node hide = n["hide"]) {
      if (!hide.IsSequence()) fail_key(file, w + ".hide", "expected a list of values");
      for (const auto& h : hide) item.hide.push_back(canonical_scalar(h.as<std::string>()));
    }
    items.push_back(std::move(item));
  }
  return items;
}

std::string describe_setting(const RunFacts& run, const std::vector<SettingItem>& items) {
  std::string out;
  for (const auto& item : items) {
    std::string value;
    if (item.from_config) {
      const nlohmann::json* v = json_at_path(run.config, item.name);
      if (!v) continue;
      value = canonical_json(v);
    } else {
      const auto it = run.measurements.find(item.name);
      if (it == run.measurements.end() || std::isnan(it->second)) continue;
      value = item.format == "mib" ? number_text(std::round(it->second / 1048576.0)) + " MiB"
                                   : number_text(it->second);
    }
    if (std::find(item.hide.begin(), item.hide.end(), value) != item.hide.end()) continue;
    out += (out.empty() ? "" : ", ") + item.label + " " + value;
  }
  return out;
}

std::string variant_key(const RunFacts& run) {
  nlohmann::json c = run.config;
  if (c.is_object()) c.erase("seed");
  return c.dump();  // object keys are sorted, so the dump is canonical
}

}  // namespace pgd::results
