#pragma once
// Writing a laid-out table (Grid) as Markdown, LaTeX (booktabs tabular) or CSV (one line per
// cell, with raw numbers beside the printed text, for other tools).
#include <string>
#include <vector>

#include "results/src/table_grid.h"

namespace pgd::results {

// md | latex | csv
const std::vector<std::string>& table_formats();
// The file extension of a format: md -> ".md", latex -> ".tex", csv -> ".csv".
std::string format_extension(const std::string& format);
// Throws naming the valid formats when `format` is unknown.
std::string write_grid(const Grid& grid, const std::string& format);

std::string to_markdown(const Grid& grid);
std::string to_latex(const Grid& grid);
std::string to_csv(const Grid& grid);

// The pieces every writer shares (the HTML report's too): the caption (title, scale, image
// sides, sweeps); the labels stacked above one printed column, outermost first; a cell's printed
// text.
std::string table_caption(const Grid& grid);
std::vector<std::string> header_stack(const Grid& grid, const GridColumn& col);
std::string cell_text(const Grid& grid, std::size_t row, const GridColumn& col);
// The note under a table: how to read its cells (and the paper column, when shown).
std::string table_note(const Grid& grid);

// Escapes LaTeX specials and maps the Unicode our labels and cells use (±, —, ², ζ, ...).
std::string latex_escape(const std::string& text);

}  // namespace pgd::results
