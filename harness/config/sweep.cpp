#include "harness/config/sweep.h"

#include <algorithm>
#include <map>
#include <utility>

#include "harness/config/compose.h"
#include "harness/config/config_error.h"
#include "harness/config/config_hash.h"
#include "harness/config/config_tree.h"
#include "harness/config/multirun.h"
#include "harness/config/sha256.h"
#include "harness/config/string_util.h"
#include "harness/config/yaml_emit.h"
#include "harness/config/yaml_json.h"

namespace fs = std::filesystem;

namespace pgd::config {
namespace {

using OJson = nlohmann::ordered_json;

const std::vector<std::string> kTopKeys = {"name", "description", "table", "overrides",
                                           "grid", "cases",       "seeds", "scales"};
const std::vector<std::string> kScaleKeys = {"overrides", "grid", "cases", "seeds"};
// A sweep without a `scales` section is the same at every scale, but the scale name must
// still be one of these, so a typo does not silently run the wrong size.
const std::vector<std::string> kStandardScales = {"smoke", "default", "mini", "paper"};

struct GridAxis {
  std::string key;
  std::vector<std::string> values;  // value texts, as an override would spell them
};

// The parts a sweep file and each of its scales may hold.
struct Section {
  std::vector<std::string> overrides;
  std::vector<GridAxis> grid;
  std::vector<std::vector<std::string>> cases;
  bool has_cases = false;
  std::vector<int64_t> seeds;  // each cell once per seed (`seed=` is its last override)
  bool has_seeds = false;
};

void check_keys(const OJson& map, const std::vector<std::string>& allowed,
                const std::string& where) {
  for (const auto& item : map.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
    throw ConfigError(where + ": unknown key '" + item.key() + "'" +
                      did_you_mean_clause(item.key(), allowed) + "valid keys: " + join(allowed));
  }
}

std::string read_string(const OJson& doc, const std::string& key, const std::string& fallback,
                        const std::string& where) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return fallback;
  if (!it->is_string())
    throw ConfigError(where + ": '" + key + "' must be a string, not " + it->type_name());
  return it->get<std::string>();
}

// A list of override strings (a single string counts as a list of one).
std::vector<std::string> read_override_list(const OJson& value, const std::string& where) {
  if (value.is_null()) return {};
  if (value.is_string()) return {value.get<std::string>()};
  if (!value.is_array())
    throw ConfigError(where + " must be a list of overrides like [train.epochs=1], not " +
                      std::string(value.type_name()));
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string())
      throw ConfigError(where + ": " + item.dump() + " is not an override like key=value");
    out.push_back(item.get<std::string>());
  }
  return out;
}

void reject_sweeps(const std::vector<std::string>& overrides, const std::string& where) {
  for (const auto& o : overrides)
    if (is_sweep_override(o))
      throw ConfigError(where + ": override '" + o + "' sweeps values; sweep a key under " +
                        "'grid' instead (quote the value if the commas are meant literally)");
}

std::vector<std::string> grid_values(const std::string& key, const OJson& value,
                                     const std::string& where) {
  const std::string origin = where + " '" + key + "'";
  std::vector<std::string> out;
  if (value.is_string()) {
    out = sweep_values(value.get<std::string>(), origin);
  } else if (value.is_array()) {
    // Each element is written back as override text; strings that YAML would re-type or
    // that hold commas come out quoted, so `[a,b]` sweeps two values, never three.
    for (const auto& item : value) out.push_back(to_flow_yaml(nlohmann::json(item)));
  } else if (value.is_object()) {
    throw ConfigError(origin + " must be a multirun string (a,b or range(...)) or a list, " +
                      "not a mapping");
  } else {
    out.push_back(to_flow_yaml(nlohmann::json(value)));
  }
  if (out.empty()) throw ConfigError(origin + " has no values");
  return out;
}

std::vector<GridAxis> read_grid(const OJson& value, const std::string& where) {
  if (value.is_null()) return {};
  if (!value.is_object())
    throw ConfigError(where + " must map override keys to values, not " +
                      std::string(value.type_name()));
  std::vector<GridAxis> axes;
  for (const auto& item : value.items())
    axes.push_back({item.key(), grid_values(item.key(), item.value(), where)});
  return axes;
}

std::vector<std::vector<std::string>> read_cases(const OJson& value, const std::string& where) {
  if (value.is_null()) return {};
  if (!value.is_array())
    throw ConfigError(where + " must be a list of override lists, not " +
                      std::string(value.type_name()));
  std::vector<std::vector<std::string>> cases;
  for (size_t i = 0; i < value.size(); ++i) {
    std::string at = where + "[" + std::to_string(i) + "]";
    cases.push_back(read_override_list(value[i], at));
    reject_sweeps(cases.back(), at);
  }
  return cases;
}

std::vector<int64_t> read_seeds(const OJson& value, const std::string& where) {
  if (!value.is_array() || value.empty())
    throw ConfigError(where + " must be a non-empty list of integer seeds like [1, 2, 3]");
  std::vector<int64_t> seeds;
  for (const auto& v : value) {
    if (!v.is_number_integer())
      throw ConfigError(where + ": seed " + v.dump() + " is not an integer");
    const int64_t seed = v.get<int64_t>();
    if (std::find(seeds.begin(), seeds.end(), seed) != seeds.end())
      throw ConfigError(where + ": seed " + std::to_string(seed) + " is listed twice");
    seeds.push_back(seed);
  }
  return seeds;
}

Section read_section(const OJson& doc, const std::string& where) {
  Section s;
  if (doc.is_null()) return s;
  if (auto it = doc.find("overrides"); it != doc.end())
    s.overrides = read_override_list(*it, where + ": 'overrides'");
  reject_sweeps(s.overrides, where + ": 'overrides'");
  if (auto it = doc.find("grid"); it != doc.end()) s.grid = read_grid(*it, where + ": 'grid'");
  if (auto it = doc.find("cases"); it != doc.end()) {
    s.cases = read_cases(*it, where + ": 'cases'");
    s.has_cases = true;
  }
  if (auto it = doc.find("seeds"); it != doc.end()) {
    s.seeds = read_seeds(*it, where + ": 'seeds'");
    s.has_seeds = true;
  }
  return s;
}

// The scale's settings over the sweep's: overrides appended, grid keys replaced in place
// (new ones last), cases replaced when the scale has them.
void apply_scale(Section& base, const Section& scale) {
  base.overrides.insert(base.overrides.end(), scale.overrides.begin(), scale.overrides.end());
  for (const auto& axis : scale.grid) {
    auto it = std::find_if(base.grid.begin(), base.grid.end(),
                           [&](const GridAxis& a) { return a.key == axis.key; });
    if (it != base.grid.end())
      it->values = axis.values;
    else
      base.grid.push_back(axis);
  }
  if (scale.has_cases) {
    base.cases = scale.cases;
    base.has_cases = true;
  }
  if (scale.has_seeds) {
    base.seeds = scale.seeds;
    base.has_seeds = true;
  }
}

Section select_scale(const OJson& doc, const std::string& scale, const std::string& where) {
  Section section = read_section(doc, where);
  auto scales = doc.find("scales");
  if (scales == doc.end() || scales->is_null()) {
    if (std::find(kStandardScales.begin(), kStandardScales.end(), scale) == kStandardScales.end())
      throw ConfigError(where + ": unknown scale '" + scale + "'; this file has no 'scales' " +
                        "section, so it runs the same at " + join(kStandardScales));
    return section;
  }
  if (!scales->is_object())
    throw ConfigError(where + ": 'scales' must map scale names (smoke, mini, paper) to settings");
  auto chosen = scales->find(scale);
  if (chosen == scales->end()) {
    std::vector<std::string> names;
    for (const auto& item : scales->items()) names.push_back(item.key());
    throw ConfigError(where + ": unknown scale '" + scale +
                      "'; scales in this file: " + join(names));
  }
  const std::string scale_where = where + ": scale '" + scale + "'";
  if (!chosen->is_null() && !chosen->is_object())
    throw ConfigError(scale_where + " must be a mapping of overrides, grid and cases");
  for (const auto& item : scales->items())
    if (item.value().is_object())
      check_keys(item.value(), kScaleKeys, where + ": scale '" + item.key() + "'");
  apply_scale(section, read_section(*chosen, scale_where));
  return section;
}

// Every combination of one `key=value` per axis, first axis slowest (itertools.product).
std::vector<std::vector<std::string>> grid_points(const std::vector<GridAxis>& grid) {
  std::vector<std::vector<std::string>> points = {{}};
  for (const auto& axis : grid) {
    std::vector<std::vector<std::string>> next;
    next.reserve(points.size() * axis.values.size());
    for (const auto& point : points) {
      for (const auto& value : axis.values) {
        next.push_back(point);
        next.back().push_back(axis.key + "=" + value);
      }
    }
    points = std::move(next);
  }
  return points;
}

}  // namespace

SweepPlan load_sweep(const fs::path& file, const std::string& scale_name,
                     const std::vector<std::string>& extra_overrides, const fs::path& config_dir) {
  const std::string scale = scale_name.empty() ? kDefaultSweepScale : scale_name;
  const std::string where = "sweep file " + file.string();
  OJson doc = load_yaml_file_ordered(file);
  if (!doc.is_object()) throw ConfigError(where + ": must hold a mapping with a 'grid'");
  check_keys(doc, kTopKeys, where);

  SweepPlan plan;
  plan.file = file;
  plan.scale = scale;
  plan.name = read_string(doc, "name", file.stem().string(), where);
  plan.description = read_string(doc, "description", "", where);
  plan.table = read_string(doc, "table", plan.name, where);

  Section section = select_scale(doc, scale, where);
  std::vector<std::vector<std::string>> cases = section.cases;
  if (cases.empty()) cases.push_back({});
  const auto extras = expand_multirun(extra_overrides);
  std::vector<std::vector<std::string>> seed_overrides;
  for (int64_t seed : section.seeds) seed_overrides.push_back({"seed=" + std::to_string(seed)});
  if (seed_overrides.empty()) seed_overrides.push_back({});

  nlohmann::json grid_order = nlohmann::json::array();
  for (const auto& axis : section.grid) grid_order.push_back(axis.key);
  plan.spec = {{"sweep", nlohmann::json(doc)},
               {"scale", scale},
               {"extra_overrides", extra_overrides},
               {"grid_order", grid_order}};
  plan.spec_hash = sha256_hex(canonical_json(plan.spec));

  std::map<std::string, int64_t> seen;  // hash -> index, to refuse duplicate cells
  for (const auto& point : grid_points(section.grid)) {
    for (const auto& case_overrides : cases) {
      for (const auto& extra : extras) {
        for (const auto& seed : seed_overrides) {
          SweepCell cell;
          cell.index = static_cast<int64_t>(plan.cells.size());
          using Part = const std::vector<std::string>*;
          for (Part part : {Part(&section.overrides), Part(&point), Part(&case_overrides),
                            Part(&extra), Part(&seed)})
            cell.overrides.insert(cell.overrides.end(), part->begin(), part->end());
          try {
            cell.config = compose_config(config_dir, cell.overrides);
          } catch (const ConfigError& e) {
            throw ConfigError(where + " (scale " + scale + "), cell " + std::to_string(cell.index) +
                              " [" + join(cell.overrides, " ") + "]: " + e.what());
          }
          cell.hash = config_hash(cell.config);
          auto [it, fresh] = seen.emplace(cell.hash, cell.index);
          if (!fresh)
            throw ConfigError(where + " (scale " + scale + "): cells " +
                              std::to_string(it->second) + " [" +
                              join(plan.cells[it->second].overrides, " ") + "] and " +
                              std::to_string(cell.index) + " [" + join(cell.overrides, " ") +
                              "] resolve to the same config (hash " + cell.hash.substr(0, 12) +
                              "); a grid key or case has no effect");
          plan.cells.push_back(std::move(cell));
        }
      }
    }
  }
  return plan;
}

fs::path resolve_sweep_file(const std::string& name_or_path, const fs::path& config_dir) {
  std::error_code ec;
  if (fs::is_regular_file(name_or_path, ec)) return name_or_path;
  const fs::path folder = config_dir / "sweeps";
  fs::path candidate = folder / (name_or_path + ".yaml");
  if (name_or_path.find('/') == std::string::npos && fs::is_regular_file(candidate, ec))
    return candidate;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder, ec))
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  std::string message = "sweep '" + name_or_path + "' not found (neither a file nor " +
                        candidate.string() + ")" + did_you_mean_clause(name_or_path, names);
  message += names.empty()
                 ? folder.string() + " has no sweep files"
                 : "sweeps in " + folder.string() + ": " + join(nearest_first(name_or_path, names));
  throw ConfigError(message);
}

}  // namespace pgd::config
