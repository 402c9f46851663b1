#pragma once
// A paper table as data: results/templates/<name>.yaml says which sweep feeds it, which config
// keys make its rows and columns, and which metric or measurement fills its cells.
// See results/templates/README.md for the file format.
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace YAML {
class Node;
}

namespace pgd::results {

// One config key of an axis (a JSON path into runs.config, e.g. "method.name").
struct AxisKey {
  std::string key;
  std::string label;  // header of this key's column (rows) or header level (columns)
  // Canonical value -> label, in the order the table shows them; values not listed are shown
  // raw, after the listed ones.
  std::vector<std::pair<std::string, std::string>> labels;

  std::string label_of(const std::string& canonical) const;
  // Rank for ordering: listed values by position, the rest after them in natural order.
  std::size_t listed_rank(const std::string& canonical) const;
};

// Rows or columns: combinations of the keys' values.
struct Axis {
  std::vector<AxisKey> keys;
  // The paper's layout: combinations (one canonical value per key), in its order. At scale
  // "paper" these are shown even without runs, so that a missing cell is visible.
  std::vector<std::vector<std::string>> paper;
};

enum class ValueSource { metric, measurement };

// What fills a cell.
struct ValueSpec {
  ValueSource source = ValueSource::metric;
  std::string name;    // metrics.name (epoch -1, split val) or measurements.name
  std::string label;   // column header
  std::string format;  // percent | fixed | ms | mib | gib | count
  int decimals = 1;
  bool higher_is_better = true;
};

// One thing a table prints beside a cell's number when the cell chose between settings: a config
// value or a measurement of the chosen variant (results/src/cell_setting.h).
struct SettingItem {
  bool from_config = false;       // a config key (dotted path) rather than a measurement
  std::string name;               // the key or the measurement
  std::string label;              // printed before the value
  std::vector<std::string> hide;  // canonical values not printed (the neutral ones: off, 0)
  std::string format;             // measurements: "" (as stored) or mib
};

struct TableTemplate {
  std::string name;  // the file stem; what `patchgd table <name>` takes
  std::string title;
  std::string sweep;  // the `table` field of the sweeps (spec JSON) whose runs fill it
  Axis rows;
  Axis columns;  // may have no keys: then each value is one column
  std::vector<ValueSpec> values;
  // Printed beside each number: the chosen setting's values (cell_setting.h). Empty: nothing.
  std::vector<SettingItem> setting;
  std::filesystem::path file;
};

// Canonical text of a config value, so that YAML scalars and JSON values compare equal:
// numbers as %.12g (512, 0.125), strings as they are, booleans true/false, a missing key "".
std::string canonical_json(const nlohmann::json* value);
std::string canonical_scalar(const std::string& text);
// The value at a dotted path ("method.patch_size"), or nullptr when any part is missing.
const nlohmann::json* json_at_path(const nlohmann::json& config, const std::string& dotted);

// Ordering for values that have no listed rank: numbers and memory sizes ("96MB" < "4GB") by
// magnitude, then other strings, then "none" and missing values.
bool natural_less(const std::string& a, const std::string& b);
// "4GB" -> 4 * 2^30 bytes; nullopt-like -1 when the text is not a size.
double parse_memory_size(const std::string& text);

TableTemplate load_table_template(const std::filesystem::path& file);
// One `values` entry ({metric | measurement, label, format, decimals, better}); throws naming
// `file` and the key under `where` (e.g. "values[0].format").
ValueSpec parse_value_spec(const YAML::Node& node, const std::filesystem::path& file,
                           const std::string& where);
// The table names under `dir` (file stems of *.yaml), sorted.
std::vector<std::string> table_names(const std::filesystem::path& dir);
// Throws naming the valid tables when `name` has no template.
TableTemplate load_named_template(const std::filesystem::path& dir, const std::string& name);

}  // namespace pgd::results
