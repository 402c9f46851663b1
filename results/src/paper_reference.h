#pragma once
// The paper's published numbers, as data: results/paper_reference.csv with the columns
// table,row,column,metric,value,source. `row` and `column` are the rendered labels of a cell
// joined with " / " (e.g. "GD / ResNet50", "4 GB"; column is empty for tables without column
// keys), `metric` is the template value's name, `value` is the published number as printed in
// the paper (in the table's unit), empty where we do not have it. Never filled by guesswork.
#include <filesystem>
#include <string>
#include <vector>

namespace pgd::results {

struct ReferenceEntry {
  std::string table, row, column, metric, value, source;
  int line = 0;  // 1-based line in the file, for error messages
};

// Throws naming the file and line on a malformed file (wrong header, wrong field count).
std::vector<ReferenceEntry> read_paper_reference(const std::filesystem::path& csv);

// RFC 4180 fields: quoted when they hold a comma, quote or line break.
std::vector<std::vector<std::string>> parse_csv(const std::string& text,
                                                const std::filesystem::path& file);
std::string csv_field(const std::string& field);
std::string csv_line(const std::vector<std::string>& fields);

}  // namespace pgd::results
