// The three table writers. They share one header model: for each printed column a stack of
// labels (column keys, then the value when a table has several, then ours/paper), so that the
// Markdown header, the LaTeX multi-level header and the CSV columns cannot disagree.
#include "results/src/table_formats.h"
#include "results/src/unknown_name_error.h"

#include <cstdio>
#include <stdexcept>

namespace pgd::results {
namespace {

std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

// 12 significant digits: exact for what we store (bytes, fractions) without float noise.
std::string raw_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

}  // namespace

std::string table_caption(const Grid& g) {
  std::string sweeps;
  for (const auto& s : g.sweep_names) sweeps += (sweeps.empty() ? "" : ", ") + s;
  std::string sides;
  for (const int64_t s : g.image_sides)
    sides += (sides.empty() ? "" : ", ") + std::to_string(s) + "²";
  return g.tmpl.title + " (scale: " + (g.scale.empty() ? "unspecified" : g.scale) +
         (sides.empty() ? "" : "; images " + sides) +
         "; sweeps: " + (sweeps.empty() ? "none" : sweeps) + ")";
}

std::vector<std::string> header_stack(const Grid& g, const GridColumn& col) {
  std::vector<std::string> stack = g.col_labels[col.combo];
  if (g.tmpl.values.size() > 1 || g.tmpl.columns.keys.empty())
    stack.push_back(g.tmpl.values[col.value].label);
  if (g.show_reference) stack.push_back(col.reference ? "paper" : "ours");
  return stack;
}

std::string cell_text(const Grid& g, std::size_t r, const GridColumn& col) {
  if (col.reference) return g.reference[r][col.combo][col.value];
  return format_cell(g.cells[r][col.combo][col.value], g.tmpl.values[col.value]);
}

std::string table_note(const Grid& g) {
  std::string note =
      "Best setting per cell; mean ± 95 % Student-t half-width over seeds when n > 1. "
      "OOM: the run exceeded its memory cap (peak measured). — : no runs.";
  if (g.show_reference)
    note += " paper: published value (arXiv 2301.13817); empty where it was not available to us.";
  return note;
}

const std::vector<std::string>& table_formats() {
  static const std::vector<std::string> formats = {"md", "latex", "csv"};
  return formats;
}

std::string format_extension(const std::string& format) {
  if (format == "md") return ".md";
  if (format == "latex") return ".tex";
  if (format == "csv") return ".csv";
  throw UnknownNameError("unknown table format '" + format + "'; valid formats: md, latex, csv");
}

std::string write_grid(const Grid& grid, const std::string& format) {
  if (format == "md") return to_markdown(grid);
  if (format == "latex") return to_latex(grid);
  if (format == "csv") return to_csv(grid);
  throw UnknownNameError("unknown table format '" + format + "'; valid formats: md, latex, csv");
}

std::string to_markdown(const Grid& g) {
  const auto layout = g.layout();
  std::string out = "**" + md_escape(table_caption(g)) + "**\n\n|";
  for (const auto& k : g.tmpl.rows.keys) out += " " + md_escape(k.label) + " |";
  for (const auto& col : layout) {
    // The reference column sits right after its own cell, so "paper" is label enough.
    std::string label;
    if (col.reference) {
      label = "paper";
    } else {
      auto stack = header_stack(g, col);
      if (g.show_reference) stack.pop_back();
      for (const auto& s : stack) label += (label.empty() ? "" : " · ") + s;
    }
    out += " " + md_escape(label) + " |";
  }
  out += "\n|";
  for (std::size_t i = 0; i < g.tmpl.rows.keys.size(); ++i) out += " --- |";
  for (std::size_t i = 0; i < layout.size(); ++i) out += " ---: |";
  out += "\n";
  for (std::size_t r = 0; r < g.row_combos.size(); ++r) {
    out += "|";
    for (const auto& l : g.row_labels[r]) out += " " + md_escape(l) + " |";
    for (const auto& col : layout) {
      const std::string t = md_escape(cell_text(g, r, col));
      out += t.empty() ? " |" : " " + t + " |";
    }
    out += "\n";
  }
  return out + "\n" + table_note(g) + "\n";
}

std::string latex_escape(const std::string& text) {
  static const std::vector<std::pair<std::string, std::string>> unicode = {
      {"±", "$\\pm$"},         {"—", "---"},       {"–", "--"},       {"²", "$^2$"},
      {"³", "$^3$"},           {"×", "$\\times$"}, {"·", "$\\cdot$"}, {"ζ", "$\\zeta$"},
      {"ε", "$\\varepsilon$"}, {"≤", "$\\leq$"},   {"≥", "$\\geq$"},  {"µ", "$\\mu$"},
      {"→", "$\\to$"}};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool matched = false;
    for (const auto& [from, to] : unicode)
      if (text.compare(i, from.size(), from) == 0) {
        out += to;
        i += from.size();
        matched = true;
        break;
      }
    if (matched) continue;
    const char c = text[i++];
    switch (c) {
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '&':
      case '%':
      case '$':
      case '#':
      case '_':
      case '{':
      case '}':
        out += '\\';
        out += c;
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string to_latex(const Grid& g) {
  const auto layout = g.layout();
  const std::size_t nrk = g.tmpl.rows.keys.size();
  std::vector<std::vector<std::string>> stacks;
  for (const auto& col : layout) stacks.push_back(header_stack(g, col));
  const std::size_t levels = stacks.empty() ? 0 : stacks[0].size();

  std::string out = "% " + table_caption(g) +
                    "\n% Generated by patchgd from the results database; do not edit.\n";
  out += "\\begin{tabular}{" + std::string(nrk, 'l') + std::string(layout.size(), 'r') +
         "}\n\\toprule\n";
  // Upper levels: runs of equal labels (equal all the way up) become one \multicolumn.
  for (std::size_t level = 0; level + 1 < levels; ++level) {
    std::string line(nrk > 0 ? nrk - 1 : 0, '&');
    std::string rules;
    for (std::size_t i = 0; i < layout.size();) {
      std::size_t j = i + 1;
      auto same = [&](std::size_t a, std::size_t b) {
        for (std::size_t l = 0; l <= level; ++l)
          if (stacks[a][l] != stacks[b][l]) return false;
        return true;
      };
      while (j < layout.size() && same(i, j)) ++j;
      const std::size_t first = nrk + i + 1, last = nrk + j;
      line += (nrk + i > 0 ? " & " : "") + std::string("\\multicolumn{") + std::to_string(j - i) +
              "}{c}{" + latex_escape(stacks[i][level]) + "}";
      rules += "\\cmidrule(lr){" + std::to_string(first) + "-" + std::to_string(last) + "}";
      i = j;
    }
    out += line + " \\\\\n" + rules + "\n";
  }
  std::string last;
  for (std::size_t k = 0; k < nrk; ++k)
    last += (k ? " & " : "") + latex_escape(g.tmpl.rows.keys[k].label);
  for (std::size_t i = 0; i < layout.size(); ++i)
    last += (nrk + i > 0 ? " & " : "") + latex_escape(levels ? stacks[i][levels - 1] : "");
  out += last + " \\\\\n\\midrule\n";
  for (std::size_t r = 0; r < g.row_combos.size(); ++r) {
    std::string line;
    for (std::size_t k = 0; k < nrk; ++k)
      line += (k ? " & " : "") + latex_escape(g.row_labels[r][k]);
    for (std::size_t i = 0; i < layout.size(); ++i)
      line += (nrk + i > 0 ? " & " : "") + latex_escape(cell_text(g, r, layout[i]));
    out += line + " \\\\\n";
  }
  return out + "\\bottomrule\n\\end{tabular}\n";
}

std::string to_csv(const Grid& g) {
  std::vector<std::string> header = {"table", "scale", "row", "column"};
  for (const auto& k : g.tmpl.rows.keys) header.push_back(k.key);
  for (const auto& k : g.tmpl.columns.keys) header.push_back(k.key);
  for (const char* h : {"metric", "cell", "mean", "std", "ci95_half_width", "n", "status",
                        "oom_peak_bytes", "best_run", "paper"})
    header.push_back(h);
  std::string out = csv_line(header);
  for (std::size_t r = 0; r < g.row_combos.size(); ++r)
    for (std::size_t c = 0; c < g.col_combos.size(); ++c)
      for (std::size_t v = 0; v < g.tmpl.values.size(); ++v) {
        const CellResult& cell = g.cells[r][c][v];
        const bool has = cell.kind == CellKind::value;
        std::vector<std::string> f = {g.tmpl.name, g.scale, g.row_key(r), g.col_key(c)};
        f.insert(f.end(), g.row_combos[r].begin(), g.row_combos[r].end());
        f.insert(f.end(), g.col_combos[c].begin(), g.col_combos[c].end());
        f.push_back(g.tmpl.values[v].name);
        f.push_back(format_cell(cell, g.tmpl.values[v]));
        f.push_back(has ? raw_number(cell.best) : "");
        f.push_back(has ? raw_number(cell.spread) : "");
        f.push_back(has && cell.n > 1 ? raw_number(cell.half_width) : "");
        f.push_back(has ? std::to_string(cell.n) : "0");
        f.push_back(cell_kind_name(cell.kind));
        f.push_back(cell.kind == CellKind::oom && cell.oom_peak >= 0 ? raw_number(cell.oom_peak)
                                                                     : "");
        f.push_back(has ? std::to_string(cell.best_run) : "");
        f.push_back(g.reference[r][c][v]);
        out += csv_line(f);
      }
  return out;
}

}  // namespace pgd::results
