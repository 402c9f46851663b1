// render_tables / render_table: choose the template, its sweeps and scale, lay the table out
// and write it.
#include "results/src/tables.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "results/src/gnuplot_script.h"  // file_safe
#include "results/src/paper_reference.h"
#include "results/src/table_formats.h"
#include "results/src/table_grid.h"
#include "results/src/table_queries.h"
#include "results/src/table_template.h"

namespace pgd::results {
namespace fs = std::filesystem;

namespace {

fs::path templates_dir_of(const TableOptions& opt) {
  return opt.templates_dir.empty() ? default_templates_dir() : opt.templates_dir;
}
fs::path reference_of(const TableOptions& opt) {
  return opt.reference_csv.empty() ? default_reference_csv() : opt.reference_csv;
}

// The scale a table is shown at: the requested one, or that of the newest sweep feeding it.
// Empty when nothing feeds the table and no scale was requested.
std::string pick_scale(const std::vector<SweepInfo>& sweeps, const TableTemplate& t,
                       const std::string& wanted) {
  if (!wanted.empty()) return wanted;
  const SweepInfo* newest = nullptr;
  for (const auto& s : sweeps) {
    if (s.table != t.sweep) continue;
    if (!newest ||
        std::make_pair(s.created_at, s.id) > std::make_pair(newest->created_at, newest->id))
      newest = &s;
  }
  return newest ? newest->scale : "";
}

struct Prepared {
  Grid grid;
  bool has_sweeps = false;
};

Prepared prepare(const store::ResultStore& db, const std::vector<SweepInfo>& sweeps,
                 const TableTemplate& t, const TableOptions& opt,
                 const std::vector<ReferenceEntry>& reference) {
  std::string scale = pick_scale(sweeps, t, opt.scale);
  Prepared p;
  if (scale.empty()) scale = "paper";  // nothing ran: show the paper's layout, every cell "—"
  std::vector<int64_t> ids;
  std::vector<std::string> names;
  for (const auto& s : sweeps)
    if (s.table == t.sweep && s.scale == scale) {
      ids.push_back(s.id);
      names.push_back(s.name);
    }
  p.has_sweeps = !ids.empty();
  p.grid = build_grid(t, scale, names, load_runs(db, ids), reference, reference_of(opt));
  return p;
}

void check_formats(const std::vector<std::string>& formats) {
  for (const auto& f : formats) format_extension(f);  // throws naming the valid ones
}

}  // namespace

fs::path default_templates_dir() { return fs::path(PATCHGD_SOURCE_DIR) / "results" / "templates"; }
fs::path default_reference_csv() {
  return fs::path(PATCHGD_SOURCE_DIR) / "results" / "paper_reference.csv";
}

std::vector<std::string> table_names(const TableOptions& opt) {
  return table_names(templates_dir_of(opt));
}

std::string render_table(const store::ResultStore& db, const std::string& table,
                         const std::string& format, const TableOptions& opt) {
  format_extension(format);
  const TableTemplate t = load_named_template(templates_dir_of(opt), table);
  const auto reference = read_paper_reference(reference_of(opt));
  return write_grid(prepare(db, load_sweeps(db), t, opt, reference).grid, format);
}

std::vector<fs::path> render_tables(const store::ResultStore& db, const TableOptions& opt) {
  const std::vector<std::string> formats = opt.formats.empty() ? table_formats() : opt.formats;
  check_formats(formats);
  const std::vector<Grid> grids = table_grids(db, opt);
  if (opt.out_dir.empty()) throw std::runtime_error("render_tables: out_dir is empty");
  std::error_code ec;
  fs::create_directories(opt.out_dir, ec);
  if (ec)
    throw std::runtime_error("render_tables: cannot create " + opt.out_dir.string() + ": " +
                             ec.message());

  std::vector<fs::path> written;
  for (const Grid& g : grids) {
    for (const auto& f : formats) {
      const fs::path file =
          opt.out_dir / (g.tmpl.name + "-" + file_safe(g.scale) + format_extension(f));
      std::ofstream out(file, std::ios::binary);
      out << write_grid(g, f);
      out.close();
      if (!out) throw std::runtime_error("render_tables: cannot write " + file.string());
      written.push_back(file);
    }
  }
  return written;
}

std::vector<Grid> table_grids(const store::ResultStore& db, const TableOptions& opt) {
  const fs::path dir = templates_dir_of(opt);
  std::vector<TableTemplate> templates;
  if (opt.table.empty()) {
    for (const auto& name : table_names(dir))
      templates.push_back(load_table_template(dir / (name + ".yaml")));
  } else {
    templates.push_back(load_named_template(dir, opt.table));
  }
  const auto reference = read_paper_reference(reference_of(opt));
  const auto sweeps = load_sweeps(db);
  std::vector<Grid> grids;
  for (const auto& t : templates) {
    Prepared p = prepare(db, sweeps, t, opt, reference);
    if (opt.table.empty() && !p.has_sweeps) continue;  // nothing ran for it: not an error
    grids.push_back(std::move(p.grid));
  }
  return grids;
}

}  // namespace pgd::results
