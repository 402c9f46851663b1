// Laying out a table: which row and column combinations it has, in which order, and which runs
// fall into each cell.
#include "results/src/table_grid.h"

#include "results/src/cell_setting.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>

namespace pgd::results {
namespace {

using Combo = std::vector<std::string>;

Combo combo_of(const RunFacts& run, const Axis& axis) {
  Combo c;
  for (const auto& k : axis.keys) c.push_back(canonical_json(json_at_path(run.config, k.key)));
  return c;
}

bool comparable_sizes(const std::string& a, const std::string& b) {
  char* end = nullptr;
  auto number = [&](const std::string& s) {
    return !s.empty() && (std::strtod(s.c_str(), &end), *end == '\0');
  };
  if (number(a) && number(b)) return true;
  return parse_memory_size(a) >= 0 && parse_memory_size(b) >= 0;
}

// Listed values in their listed order, then the others in natural order, key by key.
bool combo_less(const Axis& axis, const Combo& a, const Combo& b) {
  for (std::size_t i = 0; i < axis.keys.size(); ++i) {
    if (a[i] == b[i]) continue;
    const std::size_t ra = axis.keys[i].listed_rank(a[i]), rb = axis.keys[i].listed_rank(b[i]);
    const std::size_t unlisted = axis.keys[i].labels.size();
    // A listed and an unlisted size (4GB from the paper, 1GB from a smoke run) go in size
    // order; the template's order holds among listed values.
    if ((ra == unlisted) != (rb == unlisted) && comparable_sizes(a[i], b[i]))
      return natural_less(a[i], b[i]);
    if (ra != rb) return ra < rb;
    return natural_less(a[i], b[i]);
  }
  return false;
}

std::vector<Combo> axis_combos(const Axis& axis, const std::vector<RunFacts>& runs,
                               bool paper_scale) {
  if (axis.keys.empty()) return {Combo{}};  // one column per value
  std::vector<Combo> combos;
  std::set<Combo> seen;
  if (paper_scale)
    for (const auto& c : axis.paper)
      if (seen.insert(c).second) combos.push_back(c);
  std::vector<Combo> extra;
  for (const auto& run : runs) {
    Combo c = combo_of(run, axis);
    if (seen.insert(c).second) extra.push_back(std::move(c));
  }
  std::sort(extra.begin(), extra.end(),
            [&](const Combo& a, const Combo& b) { return combo_less(axis, a, b); });
  combos.insert(combos.end(), extra.begin(), extra.end());
  return combos;
}

std::vector<std::string> labels_of(const Axis& axis, const Combo& c) {
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < axis.keys.size(); ++i) labels.push_back(axis.keys[i].label_of(c[i]));
  return labels;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string s;
  for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? " / " : "") + parts[i];
  return s;
}

}  // namespace

std::vector<GridColumn> Grid::layout() const {
  std::vector<GridColumn> columns;
  for (std::size_t c = 0; c < col_combos.size(); ++c)
    for (std::size_t v = 0; v < tmpl.values.size(); ++v) {
      columns.push_back({c, v, false});
      if (show_reference) columns.push_back({c, v, true});
    }
  return columns;
}

std::string Grid::row_key(std::size_t r) const { return joined(row_labels.at(r)); }
std::string Grid::col_key(std::size_t c) const { return joined(col_labels.at(c)); }

Grid build_grid(const TableTemplate& tmpl, const std::string& scale,
                const std::vector<std::string>& sweep_names, const std::vector<RunFacts>& runs,
                const std::vector<ReferenceEntry>& reference,
                const std::filesystem::path& reference_file) {
  Grid g;
  g.tmpl = tmpl;
  g.scale = scale;
  g.sweep_names = sweep_names;
  // The caption names the image sides actually run: a mini or smoke table must not pass for
  // the paper's 512² one.
  std::set<int64_t> sides;
  for (const auto& run : runs) {
    const auto side = json_at_path(run.config, "dataset.image_size");
    if (side && side->is_number_integer()) sides.insert(side->get<int64_t>());
  }
  g.image_sides.assign(sides.begin(), sides.end());
  const bool paper_scale = scale == "paper";
  g.show_reference = paper_scale;
  g.row_combos = axis_combos(tmpl.rows, runs, paper_scale);
  g.col_combos = axis_combos(tmpl.columns, runs, paper_scale);
  for (const auto& c : g.row_combos) g.row_labels.push_back(labels_of(tmpl.rows, c));
  for (const auto& c : g.col_combos) g.col_labels.push_back(labels_of(tmpl.columns, c));

  std::map<std::pair<Combo, Combo>, std::vector<const RunFacts*>> by_cell;
  for (const auto& run : runs)
    by_cell[{combo_of(run, tmpl.rows), combo_of(run, tmpl.columns)}].push_back(&run);

  const std::size_t nv = tmpl.values.size();
  g.cells.assign(g.row_combos.size(), std::vector<std::vector<CellResult>>(
                                          g.col_combos.size(), std::vector<CellResult>(nv)));
  g.reference.assign(g.row_combos.size(), std::vector<std::vector<std::string>>(
                                              g.col_combos.size(), std::vector<std::string>(nv)));
  for (std::size_t r = 0; r < g.row_combos.size(); ++r)
    for (std::size_t c = 0; c < g.col_combos.size(); ++c) {
      auto it = by_cell.find({g.row_combos[r], g.col_combos[c]});
      if (it == by_cell.end()) continue;
      for (std::size_t v = 0; v < nv; ++v) {
        CellResult& cell = g.cells[r][c][v];
        cell = aggregate_cell(it->second, tmpl.values[v]);
        if (cell.kind != CellKind::value || tmpl.setting.empty()) continue;
        for (const RunFacts* run : it->second)
          if (run->id == cell.best_run) cell.setting = describe_setting(*run, tmpl.setting);
      }
    }

  if (!g.show_reference) return g;
  std::map<std::string, std::size_t> rows, cols, vals;
  for (std::size_t r = 0; r < g.row_combos.size(); ++r) rows.emplace(g.row_key(r), r);
  for (std::size_t c = 0; c < g.col_combos.size(); ++c) cols.emplace(g.col_key(c), c);
  for (std::size_t v = 0; v < nv; ++v) vals.emplace(tmpl.values[v].name, v);
  for (const auto& e : reference) {
    if (e.table != tmpl.name) continue;
    auto r = rows.find(e.row);
    auto c = cols.find(e.column);
    auto v = vals.find(e.metric);
    if (r == rows.end() || c == cols.end() || v == vals.end()) {
      std::string what = r == rows.end()   ? "row '" + e.row + "'"
                         : c == cols.end() ? "column '" + e.column + "'"
                                           : "metric '" + e.metric + "'";
      std::string valid;
      if (r == rows.end())
        for (const auto& [k, i] : rows) valid += (valid.empty() ? "" : "; ") + k;
      else if (c == cols.end())
        for (const auto& [k, i] : cols)
          valid += (valid.empty() ? "" : "; ") + (k.empty() ? "(empty)" : k);
      else
        for (const auto& [k, i] : vals) valid += (valid.empty() ? "" : "; ") + k;
      throw std::runtime_error("paper reference " + reference_file.string() + ":" +
                               std::to_string(e.line) + ": table '" + tmpl.name + "' has no " +
                               what + " (valid: " + valid + ")");
    }
    g.reference[r->second][c->second][v->second] = e.value;
  }
  return g;
}

}  // namespace pgd::results
