// Learning curves: accuracy and loss per epoch, one colour per run (a seed of one setting),
// validation solid and training dashed, so seeds are compared on one chart.
#include <map>

#include "results/src/html_writer.h"
#include "results/src/report_sections.h"
#include "results/src/svg_chart.h"

namespace pgd::results {
namespace {

// Two or more epochs: one point is not a curve (the memory and latency sweeps run one epoch).
bool has_curve(const ReportRun& r) {
  std::map<int64_t, bool> epochs;
  for (const auto& p : r.epochs) epochs[p.epoch] = true;
  return epochs.size() >= 2;
}

ChartSeries series_of(const ReportRun& r, const std::string& split, const std::string& name,
                      double scale, const std::string& title, int colour) {
  ChartSeries s;
  s.name = title;
  s.colour = colour;
  s.dashed = split == "train";
  for (const auto& p : r.epochs)
    if (p.split == split && p.name == name) {
      ChartPoint pt;
      pt.x = static_cast<double>(p.epoch);
      pt.y = p.value * scale;
      s.points.push_back(pt);
    }
  return s;
}

ChartAxis epoch_axis(const std::vector<const ReportRun*>& runs) {
  ChartAxis x;
  x.label = "epoch";
  int64_t last = 0;
  for (const ReportRun* r : runs)
    for (const auto& p : r->epochs) last = std::max(last, p.epoch);
  // Few epochs: one tick each (automatic steps would put ticks between epochs).
  if (last <= 12)
    for (int64_t e = 0; e <= last; ++e)
      x.ticks.emplace_back(static_cast<double>(e), std::to_string(e));
  return x;
}

Chart curve_chart(const std::vector<const ReportRun*>& runs, const std::string& metric,
                  const std::string& id, const std::string& title) {
  const bool accuracy = metric == "accuracy";
  Chart c;
  c.id = id;
  c.title = title;
  c.x = epoch_axis(runs);
  c.y.label = accuracy ? "accuracy (%)" : "loss";
  c.y.has_min = true;
  c.y.min = 0;
  c.y.has_max = accuracy;
  c.y.max = 100;
  // One run: its two lines are the legend. Several: one entry per seed, and the line styles
  // explained once, rather than "seed N validation" and "seed N training" for every seed.
  const bool single = runs.size() == 1;
  int colour = 0;
  for (const ReportRun* r : runs) {
    const std::string seed = "seed " + std::to_string(r->record.seed);
    for (const std::string split : {"val", "train"}) {
      const bool val = split == "val";
      ChartSeries s = series_of(*r, split, metric, accuracy ? 100.0 : 1.0,
                                single ? (val ? "validation" : "training") : seed, colour);
      s.in_legend = single || val;
      if (!s.points.empty()) c.series.push_back(std::move(s));
    }
    ++colour;
  }
  if (!single) c.styles = {{"validation", false}, {"training", true}};
  return c;
}

}  // namespace

std::string curve_charts(const std::vector<const ReportRun*>& runs, const std::string& id,
                         const std::string& title) {
  std::vector<const ReportRun*> with_curves;
  for (const ReportRun* r : runs)
    if (has_curve(*r)) with_curves.push_back(r);
  if (with_curves.empty()) return "";
  return element(
      "div", attr("class", "charts"),
      chart_svg(curve_chart(with_curves, "accuracy", id + "-accuracy", title + ": accuracy")) +
          chart_svg(curve_chart(with_curves, "loss", id + "-loss", title + ": loss")));
}

}  // namespace pgd::results
