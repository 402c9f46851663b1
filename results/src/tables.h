#pragma once
// The paper's tables, regenerated from the results database (`patchgd table`).
// Layouts are data: results/templates/<table>.yaml (see results/templates/README.md).
#include <filesystem>
#include <string>
#include <vector>

#include "harness/store/result_store.h"
#include "results/src/table_grid.h"
#include "results/src/unknown_name_error.h"

namespace pgd::results {

std::filesystem::path default_templates_dir();  // PATCHGD_SOURCE_DIR/results/templates
std::filesystem::path default_reference_csv();  // PATCHGD_SOURCE_DIR/results/paper_reference.csv

struct TableOptions {
  std::string table;                 // empty = every template that has runs
  std::vector<std::string> formats;  // md, latex, csv; empty = all three
  std::filesystem::path out_dir;     // render_tables writes <out_dir>/<table>-<scale>.<ext>
  std::string scale;                 // empty = the scale of the table's most recent sweep
  std::filesystem::path templates_dir = default_templates_dir();  // empty = the default
  std::filesystem::path reference_csv = default_reference_csv();  // empty = the default
};

// The tables opt.templates_dir has templates for, sorted (what `table` may name).
std::vector<std::string> table_names(const TableOptions& opt);

// Writes the tables and returns the files written. A table with no sweep feeding it is skipped
// when rendering all tables; a named one is rendered anyway (every cell "—"), at scale "paper"
// when no scale is given. Throws UnknownNameError naming the valid tables for an unknown table,
// the valid formats for an unknown format, and the file for an unwritable output.
std::vector<std::filesystem::path> render_tables(const store::ResultStore& db,
                                                 const TableOptions& opt);

// The tables render_tables writes, laid out but not written (for the HTML report): the same
// choice of templates, sweeps and scale. Throws as render_tables does for an unknown table.
std::vector<Grid> table_grids(const store::ResultStore& db, const TableOptions& opt);

// One table as text, for printing. `format` is md, latex or csv; opt.table and opt.formats are
// ignored.
std::string render_table(const store::ResultStore& db, const std::string& table,
                         const std::string& format, const TableOptions& opt);

}  // namespace pgd::results
