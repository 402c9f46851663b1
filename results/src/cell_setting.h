#pragma once
// What a table prints beside a cell's number when the cell chose between several settings
// (the equal-memory table: each method at its best setting under a cap): the chosen variant's
// distinguishing config values and measurements, e.g. "batch 6, checkpoint stages".
#include <filesystem>
#include <string>
#include <vector>

#include "results/src/table_queries.h"
#include "results/src/table_template.h"

namespace YAML {
class Node;
}

namespace pgd::results {

// A `setting:` list of {key: dotted.path | measurement: name, label, hide: [..], format: mib}.
// Throws std::runtime_error naming `file` and the entry under `where`.
std::vector<SettingItem> parse_setting_items(const YAML::Node& node,
                                             const std::filesystem::path& file,
                                             const std::string& where);

// "label value" for each item the run has and does not hide, joined with ", ".
std::string describe_setting(const RunFacts& run, const std::vector<SettingItem>& items);

// Runs whose config differs only in the seed: one setting (variant).
std::string variant_key(const RunFacts& run);

}  // namespace pgd::results
