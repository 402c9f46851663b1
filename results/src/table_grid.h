#pragma once
// A table laid out but not yet written: row and column combinations, one CellResult per
// (row, column, value), and the published value beside each. The writers (table_formats.cpp)
// turn it into Markdown, LaTeX or CSV.
#include <filesystem>
#include <string>
#include <vector>

#include "results/src/cell_stats.h"
#include "results/src/paper_reference.h"
#include "results/src/table_queries.h"
#include "results/src/table_template.h"

namespace pgd::results {

// One printed column: a value of a column combination, or the published value beside it.
struct GridColumn {
  std::size_t combo = 0;
  std::size_t value = 0;
  bool reference = false;
};

struct Grid {
  TableTemplate tmpl;
  std::string scale;                     // the scale whose sweeps filled it
  std::vector<std::string> sweep_names;  // those sweeps, for the caption
  std::vector<int64_t> image_sides;      // distinct dataset.image_size of its runs, ascending
  bool show_reference = false;           // published values are shown at scale "paper" only
  std::vector<std::vector<std::string>> row_combos, col_combos;  // canonical values per key
  std::vector<std::vector<std::string>> row_labels, col_labels;  // the same, as labels
  std::vector<std::vector<std::vector<CellResult>>> cells;       // [row][combo][value]
  std::vector<std::vector<std::vector<std::string>>> reference;  // [row][combo][value], verbatim

  std::vector<GridColumn> layout() const;
  // Labels joined with " / ": how paper_reference.csv names a cell's row and column.
  std::string row_key(std::size_t r) const;
  std::string col_key(std::size_t c) const;
};

// Lays out `runs` (already those of the table's sweeps at `scale`). At scale "paper" the
// template's paper combinations are shown even when empty, and `reference` entries of this table
// are placed beside their cells; an entry naming a cell the table does not have is an error
// (naming `reference_file` and its line), so the file cannot silently drift from the templates.
Grid build_grid(const TableTemplate& tmpl, const std::string& scale,
                const std::vector<std::string>& sweep_names, const std::vector<RunFacts>& runs,
                const std::vector<ReferenceEntry>& reference,
                const std::filesystem::path& reference_file);

}  // namespace pgd::results
