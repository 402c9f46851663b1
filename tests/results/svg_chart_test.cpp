// Inline SVG charts: ticks a reader expects, escaped labels, log axes that drop what they cannot
// show, OOM crosses, error bars, and a frame that says "no data" rather than drawing nothing.
#include "results/src/svg_chart.h"

#include <gtest/gtest.h>

#include "results/src/html_writer.h"

namespace pgd::results {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SvgChartTest, LinearTicksAreOneTwoFiveSteps) {
  EXPECT_EQ(axis_ticks(0, 100, false), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(axis_ticks(0, 14, false), (std::vector<double>{0, 2, 4, 6, 8, 10, 12, 14}));
  EXPECT_EQ(axis_ticks(-1, 1, false), (std::vector<double>{-1, -0.5, 0, 0.5, 1}));
}

TEST(SvgChartTest, LogTicksArePowersOfTenOrFinerOverANarrowRange) {
  EXPECT_EQ(axis_ticks(0.5, 2000, true), (std::vector<double>{1, 10, 100, 1000}));
  EXPECT_EQ(axis_ticks(40, 600, true), (std::vector<double>{50, 100, 200, 500}));
  EXPECT_EQ(axis_ticks(40, 70, true), (std::vector<double>{40, 45, 50, 55, 60, 65, 70}));
}

TEST(SvgChartTest, TickLabelsHaveNoExponent) {
  EXPECT_EQ(tick_label(4096), "4096");
  EXPECT_EQ(tick_label(12000), "12000");
  EXPECT_EQ(tick_label(0.25), "0.25");
}

TEST(SvgChartTest, LabelsAreEscapedAndPointsDrawnWithBarsAndCrosses) {
  Chart c;
  c.id = "c1";
  c.title = "a <b> & \"c\"";
  c.x.label = "side";
  c.y.label = "MiB";
  c.x.log = c.y.log = true;
  ChartSeries s;
  s.name = "gd<script>";
  auto point = [](double x, double y) {
    ChartPoint p;
    p.x = x;
    p.y = y;
    return p;
  };
  s.points = {point(64, 50), point(128, 80), point(256, NAN), point(-1, 10), point(512, 0)};
  s.points[0].low = 45;
  s.points[0].high = 55;
  s.points[0].tip = "tip <1>";
  s.points[2].oom = true;  // the last two have no place on log axes
  c.series.push_back(s);
  const std::string svg = chart_svg(c);
  EXPECT_EQ(svg.rfind("<svg id=\"c1\" class=\"chart\" viewBox=\"0 0 560.0 ", 0), 0u) << svg;
  EXPECT_NE(svg.find(">a &lt;b&gt; &amp; &quot;c&quot;</text>"), std::string::npos);
  EXPECT_NE(svg.find(">gd&lt;script&gt;</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>tip &lt;1&gt;</title>"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(count(svg, "<circle"), 2u) << "two plottable points";
  EXPECT_EQ(count(svg, "<g class=\"oom\">"), 1u);
  EXPECT_NE(svg.find("OOM: over its memory cap"), std::string::npos) << "legend explains ×";
  EXPECT_EQ(svg.find("no data"), std::string::npos);
}

TEST(SvgChartTest, AnEmptyChartSaysSo) {
  Chart c;
  c.id = "empty";
  const std::string svg = chart_svg(c);
  EXPECT_NE(svg.find(">no data</text>"), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
}

TEST(HtmlWriterTest, EscapesEverythingThatCouldOpenMarkup) {
  EXPECT_EQ(html_escape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(attr("title", "\"><script>"), " title=\"&quot;&gt;&lt;script&gt;\"");
  EXPECT_EQ(text_element("td", attr("class", "x"), "1 < 2"), "<td class=\"x\">1 &lt; 2</td>");
}

TEST(HtmlWriterTest, IdsKeepSafeCharactersOnly) {
  EXPECT_EQ(html_id("needle-needs-resolution"), "needle-needs-resolution");
  EXPECT_EQ(html_id("a b/c\"<d>"), "a-b-c-d");
  EXPECT_EQ(html_id("  x  "), "x");
  EXPECT_EQ(html_id("<>"), "x");
}

}  // namespace
}  // namespace pgd::results
