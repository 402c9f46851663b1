// The report's figures, from the same cell rule as the tables (cell_stats.h: the best setting,
// seeds averaged, 95 % interval), so a point and its table cell never disagree:
//  - accuracy vs memory cap, per method, error bars, OOM cells marked (caps as categories, so
//    "no cap" has a place beside the caps);
//  - peak memory vs image side on log–log axes, OOM cells marked at the peak they reached;
//  - latency vs image side (training and inference), log–log;
//  - learning curves per cell: the runs of one setting, seeds overlaid.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "results/src/cell_stats.h"
#include "results/src/html_writer.h"
#include "results/src/report_sections.h"
#include "results/src/svg_chart.h"

namespace pgd::results {
namespace {

using Runs = std::vector<const ReportRun*>;
// A figure's key (the settings it holds fixed) -> method -> x value -> the runs there.
using Groups =
    std::map<std::vector<std::string>, std::map<std::string, std::map<std::string, Runs>>>;

ValueSpec value_spec(ValueSource source, const std::string& name, const std::string& format,
                     bool higher) {
  ValueSpec v;
  v.source = source;
  v.name = name;
  v.format = format;
  v.higher_is_better = higher;
  return v;
}

// One colour per method across every figure (methods sorted by name).
std::map<std::string, int> method_colours(const std::vector<ReportRun>& runs) {
  std::set<std::string> methods;
  for (const auto& r : runs) methods.insert(config_text(r, "method.name"));
  std::map<std::string, int> colours;
  for (const auto& m : methods) colours.emplace(m, static_cast<int>(colours.size()));
  return colours;
}

std::vector<const RunFacts*> facts_of(const Runs& runs) {
  std::vector<const RunFacts*> out;
  for (const ReportRun* r : runs) out.push_back(&r->facts);
  return out;
}

// A cell as a chart point: its mean (× scale) with the 95 % interval, or an OOM cross at the
// peak it reached (`oom_scale` > 0) or on the bottom edge. nullopt for a cell with nothing.
std::optional<ChartPoint> cell_point(const Runs& runs, const ValueSpec& v, double x, double scale,
                                     double oom_scale, const std::string& where) {
  const CellResult c = aggregate_cell(facts_of(runs), v);
  ChartPoint p;
  p.x = x;
  p.tip = where + ": " + format_cell(c, v);
  if (c.kind == CellKind::oom) {
    p.oom = true;
    if (oom_scale > 0 && c.oom_peak >= 0) p.y = c.oom_peak * oom_scale;
    return p;
  }
  if (c.kind != CellKind::value) return std::nullopt;
  p.y = c.best * scale;
  if (c.n > 1 && std::isfinite(c.half_width)) {
    p.low = (c.best - c.half_width) * scale;
    p.high = (c.best + c.half_width) * scale;
  }
  return p;
}

std::string figure(const std::string& svg, const std::string& caption) {
  return element("figure", "", svg + text_element("figcaption", "", caption));
}

std::string subsection(const std::string& id, const std::string& title, const std::string& intro,
                       const std::string& figures) {
  const std::string body = figures.empty()
                               ? "<p class=\"empty\">No runs with the data for this figure.</p>"
                               : element("div", attr("class", "charts"), figures);
  return element(
      "div", attr("id", id) + attr("class", "plot-group"),
      text_element("h3", "", title) + text_element("p", attr("class", "note"), intro) + body);
}

std::string setting_title(const std::vector<std::string>& key) {
  return (key[0].empty() ? "single runs" : key[0]) + " (" + key[1] + "): " + key[2];
}

// Caps in size order, "none" (no cap) last.
std::vector<std::string> ordered_caps(const std::map<std::string, std::map<std::string, Runs>>& m) {
  std::set<std::string> caps;
  for (const auto& [method, by_cap] : m)
    for (const auto& [cap, runs] : by_cap) caps.insert(cap);
  std::vector<std::string> out(caps.begin(), caps.end());
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    const double x = parse_memory_size(a), y = parse_memory_size(b);
    return std::make_pair(x <= 0, x) < std::make_pair(y <= 0, y);
  });
  return out;
}

std::string accuracy_vs_cap(const std::vector<ReportRun>& runs,
                            const std::map<std::string, int>& colours) {
  Groups groups;
  for (const auto& r : runs)
    groups[{r.sweep, r.scale,
            config_text(r, "dataset.name") + " " + config_text(r, "dataset.image_size") + "², " +
                backbone_text(r)}][config_text(r, "method.name")][config_text(r, "memory.cap")]
        .push_back(&r);
  const ValueSpec acc = value_spec(ValueSource::metric, "last_accuracy", "percent", true);
  std::string figures;
  int n = 0;
  for (const auto& [key, methods] : groups) {
    const std::vector<std::string> caps = ordered_caps(methods);
    if (caps.size() < 2) continue;  // one cap is a table cell, not a comparison
    Chart c;
    c.title = setting_title(key);
    c.x.label = "memory cap";
    c.x.categorical = true;
    for (std::size_t i = 0; i < caps.size(); ++i)
      c.x.ticks.emplace_back(static_cast<double>(i), caps[i] == "none" ? "no cap" : caps[i]);
    c.y.label = "last-epoch val. accuracy (%)";
    c.y.has_min = c.y.has_max = true;
    c.y.max = 100;
    bool any = false;
    for (const auto& [method, by_cap] : methods) {
      ChartSeries s;
      s.name = method;
      s.colour = colours.at(method);
      for (std::size_t i = 0; i < caps.size(); ++i) {
        const auto it = by_cap.find(caps[i]);
        if (it == by_cap.end()) continue;
        if (auto p = cell_point(it->second, acc, static_cast<double>(i), 100.0, 0,
                                method + ", cap " + caps[i]))
          s.points.push_back(*p);
      }
      any = any || !s.points.empty();
      c.series.push_back(std::move(s));
    }
    if (!any) continue;
    c.id = "plot-cap-" + std::to_string(++n);
    figures += figure(chart_svg(c),
                      "Mean over seeds with its 95 % interval; × at the bottom: "
                      "every run of that cell ran out of memory.");
  }
  return subsection("plots-memory-cap", "Accuracy vs memory cap",
                    "One figure per sweep and setting with two caps or more; the last epoch's "
                    "validation accuracy, as the claims use.",
                    figures);
}

// Peak memory or latency against the image side, one figure per sweep, dataset, backbone, cap.
struct SideQuantity {
  std::string id, title, ylabel;
  std::vector<std::pair<std::string, std::string>> measurements;  // name, series suffix
  double scale;
  bool oom_at_peak;
};

std::string versus_side(const std::vector<ReportRun>& runs,
                        const std::map<std::string, int>& colours, const SideQuantity& q) {
  Groups groups;
  for (const auto& r : runs)
    groups[{r.sweep, r.scale,
            config_text(r, "dataset.name") + ", " + backbone_text(r) + ", cap " +
                config_text(r, "memory.cap")}][config_text(r, "method.name")]
          [config_text(r, "dataset.image_size")]
              .push_back(&r);
  std::string figures;
  int n = 0;
  for (const auto& [key, methods] : groups) {
    Chart c;
    c.title = setting_title(key);
    c.x.label = "image side (px, log scale)";
    c.x.log = c.y.log = true;
    c.y.label = q.ylabel;
    std::set<double> sides;
    for (const auto& [method, by_side] : methods)
      for (std::size_t m = 0; m < q.measurements.size(); ++m) {
        const auto& [name, suffix] = q.measurements[m];
        ChartSeries s;
        s.name = method + suffix;
        s.colour = colours.at(method);
        s.dashed = m > 0;
        const ValueSpec v = value_spec(ValueSource::measurement, name, "fixed", false);
        for (const auto& [side, cell_runs] : by_side) {
          const double x = std::atof(side.c_str());
          if (x <= 0) continue;
          auto p = cell_point(cell_runs, v, x, q.scale, q.oom_at_peak ? q.scale : 0,
                              method + suffix + " at " + side + "²");
          if (!p || (p->oom && !q.oom_at_peak)) continue;
          s.points.push_back(*p);
          sides.insert(x);
        }
        std::sort(s.points.begin(), s.points.end(),
                  [](const ChartPoint& a, const ChartPoint& b) { return a.x < b.x; });
        if (!s.points.empty()) c.series.push_back(std::move(s));
      }
    if (sides.size() < 2) continue;  // one side is not a trend
    c.id = "plot-" + q.id + "-" + std::to_string(++n);
    for (double s : sides) c.x.ticks.emplace_back(s, tick_label(s));
    figures += figure(chart_svg(c), "Mean over seeds with its 95 % interval where n > 1." +
                                        std::string(q.oom_at_peak ? " ×: out of memory, at the "
                                                                    "peak it reached."
                                                                  : ""));
  }
  return subsection("plots-" + q.id, q.title + " vs image side",
                    "One figure per sweep, dataset, backbone and cap with two sides or more.",
                    figures);
}

// The runs of one setting (same sweep, same config but for the seed), in order of their first
// run, as the runs list shows them.
std::vector<Runs> cells_of(const std::vector<ReportRun>& runs) {
  std::map<std::pair<int64_t, std::string>, std::size_t> index;
  std::vector<Runs> cells;
  for (const auto& r : runs) {
    nlohmann::json c = r.record.config;
    if (c.is_object()) c.erase("seed");
    const auto key = std::make_pair(
        r.record.sweep_id, c.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    const auto [it, added] = index.emplace(key, cells.size());
    if (added) cells.emplace_back();
    cells[it->second].push_back(&r);
  }
  return cells;
}

std::string learning_curves(const std::vector<ReportRun>& runs) {
  std::string figures;
  int n = 0;
  for (const Runs& cell_runs : cells_of(runs)) {
    const ReportRun& first = *cell_runs.front();
    const std::string title = (first.sweep.empty() ? "single run" : first.sweep) + ": " +
                              config_text(first, "method.name") + ", " + backbone_text(first) +
                              ", " + config_text(first, "dataset.image_size") + "², cap " +
                              config_text(first, "memory.cap");
    const std::string charts = curve_charts(cell_runs, "curves-cell-" + std::to_string(++n), title);
    if (charts.empty()) continue;
    std::string links;
    for (const ReportRun* r : cell_runs)
      links += (links.empty() ? "" : ", ") + run_link(r->record.id) + " " +
               status_badge(r->record.status);
    figures += element("div", attr("class", "cell-curves"),
                       text_element("h4", "", title) + charts +
                           element("p", attr("class", "note"), "runs: " + links));
  }
  const std::string body =
      figures.empty() ? "<p class=\"empty\">No run has two epochs or more.</p>" : figures;
  return element("div", attr("id", "plots-curves") + attr("class", "plot-group"),
                 "<h3>Learning curves per cell</h3><p class=\"note\">The runs of one setting "
                 "(seeds) overlaid: one colour per seed, validation solid, training dashed.</p>" +
                     body);
}

}  // namespace

std::string plots_section(const std::vector<ReportRun>& runs) {
  const auto colours = method_colours(runs);
  const SideQuantity memory{
      "memory",        "Peak memory", "peak memory (MiB, log scale)", {{"peak_memory", ""}},
      1.0 / 1048576.0, true};
  const SideQuantity latency{
      "latency",
      "Latency",
      "ms per image (log scale)",
      {{"train_latency_ms", " training"}, {"infer_latency_ms", " inference"}},
      1.0,
      false};
  return element("section", attr("id", "plots"),
                 "<h2>Plots</h2>" + accuracy_vs_cap(runs, colours) +
                     versus_side(runs, colours, memory) + versus_side(runs, colours, latency) +
                     learning_curves(runs));
}

}  // namespace pgd::results
