// chart_svg: a fixed 560-unit-wide frame (viewBox, so it scales), axes with ticks and grid,
// one polyline + markers + error bars per series, OOM crosses, and a legend that wraps below.
#include "results/src/svg_chart.h"

#include <algorithm>
#include <cstdio>

#include "results/src/html_writer.h"

namespace pgd::results {
namespace {

constexpr double kWidth = 560, kLeft = 62, kRight = 546, kTop = 34, kBottom = 268;
constexpr double kLegendRow = 18;
// Okabe & Ito's colour-blind-safe palette (yellow left out: unreadable on white).
const char* const kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                "#E69F00", "#56B4E9", "#000000", "#999999"};

std::string colour(int i) { return kPalette[static_cast<unsigned>(i) % 8u]; }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Characters, not bytes: labels hold "²" and "×".
std::size_t glyphs(const std::string& s) {
  std::size_t n = 0;
  for (const unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

bool shown(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }
double unit(double v, bool log) { return log ? std::log10(v) : v; }

double nice_step(double span, int target) {
  const double raw = span / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

struct Range {
  double lo = 0, hi = 1;
  bool log = false;
  double to_px(double v, double px_lo, double px_hi) const {
    const double a = unit(lo, log), b = unit(hi, log);
    return px_lo + (unit(v, log) - a) / (b - a) * (px_hi - px_lo);
  }
};

// The axis's extent: fixed ends where given, else the data's, widened when it is one value and
// (linear) rounded out to whole ticks so the frame starts and ends on a labelled line.
Range axis_range(const ChartAxis& axis, const std::vector<double>& values) {
  Range r;
  r.log = axis.log;
  if (axis.categorical) {
    r.lo = -0.5;
    r.hi = static_cast<double>(std::max<std::size_t>(axis.ticks.size(), 1)) - 0.5;
    return r;
  }
  std::vector<double> v;
  for (double x : values)
    if (shown(x, axis.log)) v.push_back(x);
  for (const auto& t : axis.ticks)
    if (shown(t.first, axis.log)) v.push_back(t.first);
  double lo = v.empty() ? (axis.log ? 1 : 0) : *std::min_element(v.begin(), v.end());
  double hi = v.empty() ? (axis.log ? 10 : 1) : *std::max_element(v.begin(), v.end());
  if (axis.has_min) lo = axis.min;
  if (axis.has_max) hi = axis.max;
  if (hi <= lo) {
    if (axis.log) {
      lo /= 2, hi *= 2;
    } else {
      const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
      lo -= pad, hi += pad;
    }
  }
  if (axis.log) {
    // A margin of a sixteenth of a decade keeps markers off the frame.
    if (!axis.has_min) lo /= 1.15;
    if (!axis.has_max) hi *= 1.15;
  } else {
    const double step = nice_step(hi - lo, 5);
    if (!axis.has_min) lo = std::floor(lo / step) * step;
    if (!axis.has_max) hi = std::ceil(hi / step) * step;
  }
  r.lo = lo;
  r.hi = hi;
  return r;
}

std::vector<std::pair<double, std::string>> ticks_of(const ChartAxis& axis, const Range& r) {
  std::vector<std::pair<double, std::string>> out;
  const double lo = std::min(r.lo, r.hi), hi = std::max(r.lo, r.hi);
  if (!axis.ticks.empty()) {
    for (const auto& t : axis.ticks)
      if (t.first >= lo - 1e-9 * std::fabs(lo) && t.first <= hi * (1 + 1e-9) + 1e-12)
        out.push_back(t);
    return out;
  }
  for (double v : axis_ticks(r.lo, r.hi, r.log)) out.emplace_back(v, tick_label(v));
  return out;
}

std::string text(double x, double y, const std::string& anchor, const std::string& extra,
                 const std::string& content) {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\"" + extra +
         ">" + html_escape(content) + "</text>";
}

std::string line(double x1, double y1, double x2, double y2, const std::string& style) {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
         num(y2) + "\" " + style + "/>";
}

struct Frame {
  Range x, y;
  double dodge = 0;  // added to x (categorical axes: this series' offset within its category)
  double px(double v) const { return x.to_px(v + dodge, kLeft, kRight); }
  // Clamped into the frame: a fixed axis end (accuracy 0–100) may cut an error bar.
  double py(double v) const { return std::clamp(y.to_px(v, kBottom, kTop), kTop, kBottom); }
};

std::string axes_svg(const Chart& c, const Frame& f) {
  std::string out;
  for (const auto& [v, label] : ticks_of(c.y, f.y)) {
    const double y = f.py(v);
    out += line(kLeft, y, kRight, y, "class=\"grid\"");
    out += text(kLeft - 6, y + 4, "end", "", label);
  }
  for (const auto& [v, label] : ticks_of(c.x, f.x)) {
    const double x = f.px(v);
    out += line(x, kBottom, x, kBottom + 5, "class=\"tick\"");
    out += text(x, kBottom + 18, "middle", "", label);
  }
  out += "<rect class=\"frame\" x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" +
         num(kRight - kLeft) + "\" height=\"" + num(kBottom - kTop) + "\"/>";
  out += text((kLeft + kRight) / 2, kBottom + 38, "middle", "", c.x.label);
  const double mid = (kTop + kBottom) / 2;
  out += text(16, mid, "middle", " transform=\"rotate(-90 16 " + num(mid) + ")\"", c.y.label);
  return out;
}

std::string cross(double x, double y, const std::string& stroke) {
  const std::string style = "stroke=\"" + stroke + "\" stroke-width=\"2.5\"";
  return line(x - 5, y - 5, x + 5, y + 5, style) + line(x - 5, y + 5, x + 5, y - 5, style);
}

std::string point_svg(const ChartPoint& p, const Frame& f, const std::string& stroke) {
  const std::string tip = p.tip.empty() ? "" : "<title>" + html_escape(p.tip) + "</title>";
  const double x = f.px(p.x);
  if (p.oom) {
    const double y = shown(p.y, f.y.log) ? f.py(p.y) : kBottom - 8;
    return "<g class=\"oom\">" + tip + cross(x, y, stroke) +
           text(x + 8, y - 6, "start", " class=\"oom-label\"", "OOM") + "</g>";
  }
  std::string out;
  if (shown(p.low, f.y.log) && shown(p.high, f.y.log)) {
    const std::string style = "stroke=\"" + stroke + "\" stroke-width=\"1.5\"";
    const double lo = f.py(p.low), hi = f.py(p.high);
    out += line(x, lo, x, hi, style) + line(x - 4, lo, x + 4, lo, style) +
           line(x - 4, hi, x + 4, hi, style);
  }
  return out + "<circle cx=\"" + num(x) + "\" cy=\"" + num(f.py(p.y)) + "\" r=\"3.5\" fill=\"" +
         stroke + "\">" + tip + "</circle>";
}

bool drawable(const ChartPoint& p, const Frame& f) {
  return shown(p.x, f.x.log) && (p.oom || shown(p.y, f.y.log));
}

std::string series_svg(const ChartSeries& s, const Frame& f) {
  const std::string stroke = colour(s.colour);
  std::string path;
  for (const auto& p : s.points)
    if (!p.oom && drawable(p, f)) path += num(f.px(p.x)) + "," + num(f.py(p.y)) + " ";
  std::string out = "<g class=\"series\">";
  if (std::count(path.begin(), path.end(), ' ') >= 2)
    out += "<polyline fill=\"none\" stroke=\"" + stroke + "\" stroke-width=\"2\"" +
           (s.dashed ? " stroke-dasharray=\"6 4\"" : "") + " points=\"" + path + "\"/>";
  for (const auto& p : s.points)
    if (drawable(p, f)) out += point_svg(p, f, stroke);
  return out + "</g>";
}

// Legend items left to right, wrapping; returns the SVG and sets the number of rows.
std::string legend_svg(const Chart& c, bool any_oom, int* rows) {
  std::string out;
  double x = kLeft, y = kBottom + 58;
  *rows = 0;
  auto place = [&](double width) {
    if (*rows == 0 || x + width > kRight) {
      x = kLeft;
      y += *rows == 0 ? 0 : kLegendRow;
      ++*rows;
    }
  };
  auto entry = [&](const std::string& name, const std::string& stroke, bool dashed) {
    const double width = 34 + 6.5 * static_cast<double>(glyphs(name));
    place(width);
    const std::string style = "stroke=\"" + stroke + "\" stroke-width=\"2\"" +
                              (dashed ? " stroke-dasharray=\"6 4\"" : "");
    out += line(x, y - 4, x + 22, y - 4, style) + text(x + 28, y, "start", "", name);
    x += width + 12;
  };
  for (const auto& s : c.series)
    if (s.in_legend) entry(s.name, colour(s.colour), s.dashed);
  for (const auto& [name, dashed] : c.styles) entry(name, "#59636e", dashed);
  if (any_oom) {
    place(140);
    out += cross(x + 8, y - 4, "#333") + text(x + 22, y, "start", "", "OOM: over its memory cap");
  }
  return out;
}

// The title, squeezed to the frame's width when it would run past it (about 8 units a glyph).
std::string title_svg(const std::string& title) {
  const double room = kWidth - 16;
  const std::string fit =
      8.0 * static_cast<double>(glyphs(title)) > room
          ? " textLength=\"" + num(room) + "\" lengthAdjust=\"spacingAndGlyphs\""
          : "";
  return text(kWidth / 2, 20, "middle", " class=\"chart-title\"" + fit, title);
}

}  // namespace

std::vector<double> axis_ticks(double lo, double hi, bool log, int target) {
  if (hi < lo) std::swap(lo, hi);
  std::vector<double> out;
  if (log) {
    if (lo <= 0) return out;
    const bool fine = std::log10(hi / lo) < 2;
    for (int k = static_cast<int>(std::floor(std::log10(lo))); k <= std::ceil(std::log10(hi)); ++k)
      for (double m : {1.0, 2.0, 5.0}) {
        const double v = m * std::pow(10.0, k);
        if ((m == 1.0 || fine) && v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push_back(v);
      }
    if (out.size() >= 3) return out;
    out.clear();  // a narrow range (40–70 MiB): plain steps read better than one lone tick
    for (double v : axis_ticks(lo, hi, false, target))
      if (v > 0) out.push_back(v);
    return out;
  }
  if (!(hi > lo)) return {lo};
  const double step = nice_step(hi - lo, target);
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    out.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  return out;
}

std::string tick_label(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  if (std::string(buf).find('e') != std::string::npos) std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::string chart_svg(const Chart& c) {
  std::vector<double> xs, ys;
  bool any_oom = false, any = false;
  for (const auto& s : c.series)
    for (const auto& p : s.points) {
      xs.push_back(p.x);
      for (double v : {p.y, p.low, p.high}) ys.push_back(v);
      any_oom = any_oom || p.oom;
    }
  Frame f{axis_range(c.x, xs), axis_range(c.y, ys)};
  std::string body = axes_svg(c, f);
  const double n = static_cast<double>(c.series.size());
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    f.dodge = c.x.categorical ? (static_cast<double>(i) - (n - 1) / 2) * std::min(0.1, 0.5 / n) : 0;
    body += series_svg(c.series[i], f);
    for (const auto& p : c.series[i].points) any = any || drawable(p, f);
  }
  f.dodge = 0;
  if (!any) body += text((kLeft + kRight) / 2, (kTop + kBottom) / 2, "middle", "", "no data");
  int rows = 0;
  body += legend_svg(c, any_oom, &rows);
  const double height = kBottom + 48 + rows * kLegendRow;
  return "<svg" + attr("id", c.id) + " class=\"chart\" viewBox=\"0 0 " + num(kWidth) + " " +
         num(height) + "\" role=\"img\"" + attr("aria-label", c.title) + ">" + title_svg(c.title) +
         body + "</svg>";
}

}  // namespace pgd::results
