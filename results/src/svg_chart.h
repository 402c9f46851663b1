#pragma once
// Line charts as inline SVG, written directly (no gnuplot): the report stays one file that any
// machine with a results database can write, every label goes through the same HTML escaping
// as the rest of the page, and the charts scale with the page (viewBox) on a phone.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace pgd::results {

struct ChartPoint {
  double x = 0;
  double y = NAN;    // NaN on an OOM point: no value, drawn on the bottom edge
  double low = NAN;  // error bar ends in y units; NaN = no bar (one seed)
  double high = NAN;
  bool oom = false;  // drawn as a cross labelled "OOM", not joined to the line
  std::string tip;   // hover text (an SVG <title>)
};

struct ChartSeries {
  std::string name;
  std::vector<ChartPoint> points;  // in x order
  int colour = 0;                  // index into the palette
  bool dashed = false;
  bool in_legend = true;  // false: a companion series the legend need not repeat
};

struct ChartAxis {
  std::string label;
  bool log = false;
  bool has_min = false, has_max = false;  // fixed ends (e.g. 0 and 100 for accuracy)
  double min = 0, max = 0;
  // Tick positions with their labels; empty = chosen from the data (1-2-5 steps, or powers of
  // ten on a log axis). Categories are ticks at 0, 1, 2, ... with a half step of margin.
  std::vector<std::pair<double, std::string>> ticks;
  bool categorical = false;
};

struct Chart {
  std::string id;  // the <svg> element's id
  std::string title;
  ChartAxis x, y;
  std::vector<ChartSeries> series;
  // Grey legend entries that explain line styles (name, dashed), e.g. {"training", true}.
  std::vector<std::pair<std::string, bool>> styles;
};

// The chart as an <svg> element. Points that a log axis cannot show (≤ 0) and NaN values other
// than OOM points are left out; a chart with nothing to show says so inside the frame. On a
// categorical x axis the series are set a little apart, so error bars at one category do not
// hide each other.
std::string chart_svg(const Chart& chart);

// Tick values for [lo, hi]: multiples of 1, 2 or 5 × 10^k on a linear axis, about `target` of
// them; on a log axis powers of ten (with 2× and 5× when the range spans under two decades).
std::vector<double> axis_ticks(double lo, double hi, bool log, int target = 5);
// A tick label: up to four significant digits, no exponent ("0.25", "4096", "12000").
std::string tick_label(double v);

}  // namespace pgd::results
