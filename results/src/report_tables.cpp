// The paper's tables in HTML: the same Grid `patchgd tables` writes as Markdown, LaTeX and CSV
// (table_formats.h), with its multi-level header as rows of colspans, the paper's value beside
// a cell where the grid shows one, and each value linking to the run behind it.
#include <algorithm>

#include "results/src/cell_stats.h"
#include "results/src/html_writer.h"
#include "results/src/report_sections.h"
#include "results/src/table_formats.h"

namespace pgd::results {
namespace {

// Header rows: the row keys span every level; above the values, runs of columns whose labels
// agree down to a level become one cell (as in the LaTeX writer).
std::string header_html(const Grid& g, const std::vector<GridColumn>& layout) {
  std::vector<std::vector<std::string>> stacks;
  for (const auto& col : layout) stacks.push_back(header_stack(g, col));
  const std::size_t levels = stacks.empty() ? 1 : std::max<std::size_t>(stacks[0].size(), 1);
  std::string rows;
  for (std::size_t level = 0; level < levels; ++level) {
    std::string row;
    if (level == 0)
      for (const auto& k : g.tmpl.rows.keys)
        row += text_element("th", attr("rowspan", std::to_string(levels)) + attr("scope", "col"),
                            k.label);
    auto same = [&](std::size_t a, std::size_t b) {
      for (std::size_t l = 0; l <= level; ++l)
        if (stacks[a][l] != stacks[b][l]) return false;
      return true;
    };
    for (std::size_t i = 0; i < layout.size();) {
      std::size_t j = i + 1;
      while (j < layout.size() && level < stacks[i].size() && same(i, j)) ++j;
      const std::string label = level < stacks[i].size() ? stacks[i][level] : "";
      const std::string span = j - i > 1 ? attr("colspan", std::to_string(j - i)) : "";
      row += text_element("th", span + attr("scope", j - i > 1 ? "colgroup" : "col"), label);
      i = j;
    }
    rows += element("tr", "", row);
  }
  return element("thead", "", rows);
}

// "52.7 ± 16.1 (n=3)", "OOM (peak 51.3 MiB)" -> the value, then its parenthesis on a line of its
// own in small print: a table of eight such columns then fits 1280 px without scrolling.
std::string cell_content(const std::string& text) {
  const std::size_t n = text.find(" (");
  if (n == std::string::npos) return html_escape(text);
  // The space stays, so copied text reads as in the other formats.
  return html_escape(text.substr(0, n)) + " " +
         text_element("span", attr("class", "n"), text.substr(n + 1));
}

std::string cell_html(const Grid& g, std::size_t r, const GridColumn& col,
                      const std::set<int64_t>& run_ids) {
  const std::string text = cell_text(g, r, col);
  if (col.reference) return text_element("td", attr("class", "paper"), text);
  const CellResult& c = g.cells[r][col.combo][col.value];
  const std::string cls = attr("class", "cell-" + cell_kind_name(c.kind));
  if (c.kind == CellKind::value && run_ids.count(c.best_run))
    return element("td", cls,
                   element("a",
                           attr("href", "#" + run_anchor(c.best_run)) +
                               attr("title", "the first run of the best setting"),
                           cell_content(text)));
  return element("td", cls, cell_content(text));
}

}  // namespace

std::string grid_html(const Grid& g, const std::set<int64_t>& run_ids) {
  const auto layout = g.layout();
  std::string body;
  for (std::size_t r = 0; r < g.row_combos.size(); ++r) {
    std::string row;
    for (const auto& label : g.row_labels[r])
      row += text_element("th", attr("scope", "row"), label);
    for (const auto& col : layout) row += cell_html(g, r, col, run_ids);
    body += element("tr", "", row);
  }
  return element("table", attr("class", "paper-table"),
                 header_html(g, layout) + element("tbody", "", body));
}

std::string tables_section(const std::vector<Grid>& grids, const std::set<int64_t>& run_ids) {
  std::string out = "<h2>Tables</h2>";
  if (grids.empty())
    out += "<p class=\"empty\">No tables: no sweep in the database feeds a table template.</p>";
  for (const Grid& g : grids)
    out += element("figure", attr("id", "table-" + html_id(g.tmpl.name)) + attr("class", "table"),
                   text_element("figcaption", "", table_caption(g)) +
                       element("div", attr("class", "scroll"), grid_html(g, run_ids)) +
                       text_element("p", attr("class", "note"), table_note(g)));
  return element("section", attr("id", "tables"), out);
}

}  // namespace pgd::results
