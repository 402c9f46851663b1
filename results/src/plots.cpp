// The figures: learning curves per run, accuracy vs memory cap per method, and peak memory and
// latency vs image side per method. Points use the tables' cell rule (cell_stats.h): the best
// setting, seeds averaged, so a figure and its table never disagree.
#include "results/src/plots.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>

#include "results/src/cell_stats.h"
#include "results/src/gnuplot_script.h"
#include "results/src/table_queries.h"
#include "results/src/table_template.h"

namespace pgd::results {
namespace fs = std::filesystem;

namespace {

std::string cfg(const RunFacts& run, const std::string& key) {
  return canonical_json(json_at_path(run.config, key));
}

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

ValueSpec spec_of(ValueSource source, const std::string& name, bool higher) {
  ValueSpec v;
  v.source = source;
  v.name = name;
  v.higher_is_better = higher;
  return v;
}

// Scale of each run's sweep; runs made outside a sweep (`patchgd run`) are "adhoc".
std::map<int64_t, std::string> scale_by_sweep(const std::vector<SweepInfo>& sweeps) {
  std::map<int64_t, std::string> scale;
  for (const auto& s : sweeps) scale[s.id] = s.scale.empty() ? "unspecified" : s.scale;
  return scale;
}

std::string scale_of(const std::map<int64_t, std::string>& scales, const RunFacts& run) {
  auto it = scales.find(run.sweep_id);
  return it == scales.end() ? "adhoc" : it->second;
}

std::vector<PlotSpec> learning_curves(const store::ResultStore& db,
                                      const std::vector<RunFacts>& runs, const fs::path& dir) {
  std::map<int64_t, const RunFacts*> by_id;
  for (const auto& r : runs) by_id[r.id] = &r;
  std::vector<PlotSpec> plots;
  for (int64_t id : runs_with_epoch_metrics(db)) {
    std::map<int64_t, double> val_acc, train_loss;
    for (const auto& p : epoch_metrics(db, id)) {
      if (p.split == "val" && p.name == "accuracy") val_acc[p.epoch] = p.value * 100.0;
      if (p.split == "train" && p.name == "loss") train_loss[p.epoch] = p.value;
    }
    if (val_acc.empty() && train_loss.empty()) continue;
    PlotSpec plot;
    plot.dir = dir;
    plot.stem = "run-" + std::to_string(id);
    plot.title = "run " + std::to_string(id);
    if (auto it = by_id.find(id); it != by_id.end()) {
      const RunFacts& r = *it->second;
      plot.title += ": " + cfg(r, "method.name") + " " + cfg(r, "backbone.name") + " " +
                    cfg(r, "dataset.name") + " " + cfg(r, "dataset.image_size") + "px, cap " +
                    cfg(r, "memory.cap") + ", seed " + std::to_string(r.seed) + " (" + r.status +
                    ")";
    }
    plot.xlabel = "epoch";
    plot.ylabel = "validation accuracy (%)";
    plot.y2label = "training loss";
    if (!val_acc.empty()) {
      PlotSeries s;
      s.title = "val accuracy";
      for (const auto& [e, v] : val_acc) s.rows.push_back({std::to_string(e), num(v)});
      plot.series.push_back(std::move(s));
    }
    if (!train_loss.empty()) {
      PlotSeries s;
      s.title = "train loss";
      s.axes = "x1y2";
      for (const auto& [e, v] : train_loss) s.rows.push_back({std::to_string(e), num(v)});
      plot.series.push_back(std::move(s));
    }
    plots.push_back(std::move(plot));
  }
  return plots;
}

// Points of one series: x (as canonical text) -> the done runs there.
using Points = std::map<std::string, std::vector<const RunFacts*>>;
// A figure's series, by method.
using SeriesByMethod = std::map<std::string, Points>;

std::vector<PlotSpec> accuracy_vs_cap(const std::vector<RunFacts>& runs,
                                      const std::map<int64_t, std::string>& scales,
                                      const fs::path& dir) {
  // One figure per (scale, dataset, image side, backbone): what else a cap changes is batch size.
  std::map<std::vector<std::string>, SeriesByMethod> groups;
  for (const auto& r : runs) {
    if (r.status != "done" || !r.summary.count("best_accuracy")) continue;
    const std::string cap = cfg(r, "memory.cap");
    if (parse_memory_size(cap) <= 0) continue;  // "none": no cap to put on the axis
    groups[{scale_of(scales, r), cfg(r, "dataset.name"), cfg(r, "dataset.image_size"),
            cfg(r, "backbone.name")}][cfg(r, "method.name")][cap]
        .push_back(&r);
  }
  const ValueSpec acc = spec_of(ValueSource::metric, "best_accuracy", true);
  std::vector<PlotSpec> plots;
  for (const auto& [key, methods] : groups) {
    std::set<std::string> caps;
    for (const auto& [m, points] : methods)
      for (const auto& [cap, rs] : points) caps.insert(cap);
    if (caps.size() < 2) continue;  // one cap is a table cell, not a curve
    PlotSpec plot;
    plot.dir = dir;
    plot.stem = file_safe(key[0] + "_" + key[1] + "_" + key[2] + "_" + key[3]);
    plot.title =
        "Accuracy vs memory cap: " + key[1] + " " + key[2] + "px, " + key[3] + " (" + key[0] + ")";
    plot.xlabel = "memory cap (GiB, log scale)";
    plot.ylabel = "best validation accuracy (%)";
    plot.logx = true;
    for (const auto& [method, points] : methods) {
      std::vector<std::pair<double, std::string>> ordered;
      for (const auto& [cap, rs] : points) ordered.emplace_back(parse_memory_size(cap), cap);
      std::sort(ordered.begin(), ordered.end());
      PlotSeries s;
      s.title = method;
      s.using_clause = "1:2:xtic(3)";
      for (const auto& [bytes, cap] : ordered) {
        const CellResult c = aggregate_cell(points.at(cap), acc);
        if (c.kind != CellKind::value) continue;
        s.rows.push_back({num(bytes / 1073741824.0), num(c.best * 100.0), cap});
      }
      if (!s.rows.empty()) plot.series.push_back(std::move(s));
    }
    if (!plot.series.empty()) plots.push_back(std::move(plot));
  }
  return plots;
}

std::vector<PlotSpec> versus_resolution(const std::vector<RunFacts>& runs,
                                        const std::map<int64_t, std::string>& scales,
                                        const fs::path& dir) {
  // One pair of figures per (scale, dataset, backbone, cap): the cap sets the batch size, and
  // with it the memory.
  std::map<std::vector<std::string>, SeriesByMethod> groups;
  for (const auto& r : runs) {
    if (r.status != "done") continue;
    groups[{scale_of(scales, r), cfg(r, "dataset.name"), cfg(r, "backbone.name"),
            cfg(r, "memory.cap")}][cfg(r, "method.name")][cfg(r, "dataset.image_size")]
        .push_back(&r);
  }
  struct Quantity {
    std::string suffix, ylabel;
    std::vector<std::pair<std::string, std::string>> measurements;  // name, series suffix
    double scale;
  };
  const std::vector<Quantity> quantities = {
      {"memory", "peak memory (MiB)", {{"peak_memory", ""}}, 1.0 / 1048576.0},
      {"latency",
       "latency (ms / image)",
       {{"train_latency_ms", " train"}, {"infer_latency_ms", " inference"}},
       1.0}};
  std::vector<PlotSpec> plots;
  for (const auto& [key, methods] : groups) {
    for (const auto& q : quantities) {
      PlotSpec plot;
      plot.dir = dir;
      plot.stem = file_safe(key[0] + "_" + key[1] + "_" + key[2] + "_" + key[3] + "-" + q.suffix);
      plot.title = (q.suffix == "memory" ? "Peak memory" : "Latency") +
                   std::string(" vs image side: ") + key[1] + ", " + key[2] + ", cap " + key[3] +
                   " (" + key[0] + ")";
      plot.xlabel = "image side (px, log scale)";
      plot.ylabel = q.ylabel;
      plot.logx = true;
      std::set<std::string> sides;
      for (const auto& [method, points] : methods)
        for (const auto& [name, suffix] : q.measurements) {
          std::vector<std::pair<double, std::string>> ordered;
          for (const auto& [side, rs] : points) ordered.emplace_back(std::atof(side.c_str()), side);
          std::sort(ordered.begin(), ordered.end());
          PlotSeries s;
          s.title = method + suffix;
          s.using_clause = "1:2:xtic(3)";
          const ValueSpec v = spec_of(ValueSource::measurement, name, false);
          for (const auto& [x, side] : ordered) {
            if (x <= 0) continue;
            const CellResult c = aggregate_cell(points.at(side), v);
            if (c.kind != CellKind::value) continue;
            s.rows.push_back({num(x), num(c.best * q.scale), side});
            sides.insert(side);
          }
          if (!s.rows.empty()) plot.series.push_back(std::move(s));
        }
      if (sides.size() >= 2) plots.push_back(std::move(plot));  // one side is not a trend
    }
  }
  return plots;
}

}  // namespace

std::vector<fs::path> render_plots(const store::ResultStore& db, const PlotOptions& opt) {
  static const std::vector<std::string> kinds = {"all", "curves", "memory-cap", "resolution"};
  if (std::find(kinds.begin(), kinds.end(), opt.which) == kinds.end())
    throw std::runtime_error("unknown plot kind '" + opt.which +
                             "'; valid: all, curves, memory-cap, resolution");
  if (opt.out_dir.empty()) throw std::runtime_error("render_plots: out_dir is empty");
  const fs::path gnuplot = find_gnuplot(opt.gnuplot);

  const auto runs = load_all_runs(db);
  const auto scales = scale_by_sweep(load_sweeps(db));
  std::vector<PlotSpec> plots;
  auto add = [&](std::vector<PlotSpec> more) {
    for (auto& p : more) plots.push_back(std::move(p));
  };
  const bool all = opt.which == "all";
  if (all || opt.which == "curves") add(learning_curves(db, runs, opt.out_dir / "curves"));
  if (all || opt.which == "memory-cap")
    add(accuracy_vs_cap(runs, scales, opt.out_dir / "memory-cap"));
  if (all || opt.which == "resolution")
    add(versus_resolution(runs, scales, opt.out_dir / "resolution"));

  draw_plots(gnuplot, plots);
  std::vector<fs::path> images;
  for (const auto& p : plots) {
    images.push_back(p.png());
    images.push_back(p.svg());
  }
  return images;
}

}  // namespace pgd::results
