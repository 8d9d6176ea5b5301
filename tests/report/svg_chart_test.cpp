// SVG charts: where things are drawn (checked against the pixel mapping worked out by hand),
// gaps for missing values, escaping, and that each chart is one self-contained <svg> element.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "careflow/report/svg_chart.hpp"

using namespace careflow::report;

static size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = 0; (p = s.find(what, p)) != std::string::npos; p += what.size()) ++n;
  return n;
}

TEST(SvgScale, LinearAndLog) {
  const Scale lin{0, 100, 64, 696};
  EXPECT_DOUBLE_EQ(lin(0), 64);
  EXPECT_DOUBLE_EQ(lin(50), 380);  // halfway between 64 and 696
  const Scale lg{1000, 100000, 0, 200, true};
  EXPECT_DOUBLE_EQ(lg(10000), 100);  // one decade of two
}

TEST(SvgTicks, NiceSteps) {
  EXPECT_EQ(nice_ticks(0, 100, 5), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(nice_ticks(3, 17, 3), (std::vector<double>{5, 10, 15}));
  EXPECT_TRUE(nice_ticks(1, 1).empty());
}

TEST(SvgText, Escaped) {
  EXPECT_EQ(xml_escape("Bournemouth, Christchurch & Poole <\"x\">"),
            "Bournemouth, Christchurch &amp; Poole &lt;&quot;x&quot;&gt;");
  ChartOptions o{"A & B", "x", "y"};
  const auto svg = line_chart(o, {{"S<1>", {0, 1}, {0, 1}}});
  EXPECT_NE(svg.find("A &amp; B"), std::string::npos);
  EXPECT_EQ(svg.find("A & B"), std::string::npos);
  EXPECT_NE(svg.find("S&lt;1&gt;"), std::string::npos);
}

TEST(SvgLine, OnePolylinePerRunAndGapsAtMissing) {
  ChartOptions o{"t", "x", "y"};
  Series a{"a", {1, 2, 3, 4, 5}, {1, 2, std::nan(""), 4, 5}};
  Series b{"b", {1, 5}, {0, 10}, "#000", true};
  const auto svg = line_chart(o, {a, b});
  EXPECT_EQ(count(svg, "<polyline"), 3u);  // a splits in two at the missing value; b is one
  EXPECT_EQ(count(svg, "stroke-dasharray"), 2u);  // b's line and its legend entry
  EXPECT_EQ(count(svg, "<svg"), 1u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(SvgScatter, PointsAtTheirPixels) {
  // Width 720, height 420: x axis from 64 to 696; y from 368 (bottom) to 40 (top). y range
  // [0, 10] padded 5% each way -> [-0.5, 10.5]. Point (5, 5): x = 380, y = 368 - 5.5/11*328 = 204.
  ChartOptions o{"t", "x", "y"};
  Series pts{"p", {0, 5, 10}, {0, 5, 10}};
  Series fit{"fit", {0, 10}, {0, 10}, "#c00"};
  const auto svg = scatter_chart(o, pts, &fit, {{5, 5, "Chosen"}});
  EXPECT_NE(svg.find("cx=\"380.0\" cy=\"204.0\""), std::string::npos) << svg;
  EXPECT_EQ(count(svg, "<circle"), 4u);  // three points and one label marker
  EXPECT_EQ(count(svg, "<polyline"), 1u);
  EXPECT_NE(svg.find(">Chosen<"), std::string::npos);
}

TEST(SvgFunnel, CentreLimitsAndPoints) {
  ChartOptions o{"f", "population", "rate"};
  o.log_x = true;
  Series pts{"Councils", {1000, 10000, 100000}, {80, 60, 70}};
  std::vector<Series> lim{{"95%", {1000, 100000}, {40, 65}, "#00f", true}, {"", {1000, 100000}, {100, 75}, "#00f", true}};
  const auto svg = funnel_chart(o, pts, 70, lim, {{10000, 60, "Here"}});
  EXPECT_EQ(count(svg, "<circle"), 4u);
  EXPECT_EQ(count(svg, "<polyline"), 2u);
  // On the log axis 10,000 is halfway between 1,000 and 100,000: x = (64 + 696) / 2 = 380.
  EXPECT_NE(svg.find("cx=\"380.0\""), std::string::npos);
  // Limit curves wider than the points widen the axis: 100 to 1,000,000 puts 10,000 at the middle
  // again, and the curves start at the left axis (x = 64).
  std::vector<Series> wide{{"95%", {100, 1000000}, {30, 69}, "#00f", true}};
  const auto svg2 = funnel_chart(o, pts, 70, wide);
  EXPECT_NE(svg2.find("cx=\"380.0\""), std::string::npos);
  EXPECT_NE(svg2.find("points=\"64.0,"), std::string::npos) << svg2;
}

TEST(SvgBar, OneBarPerValueHighlightInAccent) {
  ChartOptions o{"b", "", "rate"};
  const auto svg = bar_chart(o, {"A", "B", "C"}, {10, 20, std::nan("")}, 1);
  EXPECT_EQ(count(svg, "<rect"), 2u);  // the missing value draws no bar
  EXPECT_EQ(count(svg, "#c00000"), 1u);
}

// Year labels: four categories spread over the x axis 64..696 at 64, 274.7, 485.3 and 696. A
// withheld value breaks the line (two polylines) and is marked "c" at its place, x = 485.3.
TEST(SvgLine, YearLabelsAndWithheldMarker) {
  ChartOptions o{"Starters", "", "children"};
  o.x_categories = {"2021/22", "2022/23", "2023/24", "2024/25"};
  Series s{"Started", {0, 1, 2, 3}, {1, 2, std::nan(""), 4}};
  s.withheld = {false, false, true, false};
  const auto svg = line_chart(o, {s});
  EXPECT_EQ(count(svg, "<polyline"), 2u);
  EXPECT_EQ(count(svg, "class=\"withheld\""), 1u);
  EXPECT_NE(svg.find("class=\"withheld\" x=\"485.3\""), std::string::npos) << svg;
  EXPECT_NE(svg.find(">2021/22</text>"), std::string::npos);
  EXPECT_NE(svg.find("x=\"696.0\" y=\"384\" text-anchor=\"middle\">2024/25<"), std::string::npos) << svg;
  // A NaN that was merely missing (not withheld) gets no marker.
  s.withheld.clear();
  EXPECT_EQ(count(line_chart(o, {s}), "class=\"withheld\""), 0u);
}

// A step line holds each value until the next x: (0,1) (10,1) (10,0.5) (20,0.5) (20,0.25) —
// five vertices for three points.
TEST(SvgLine, StepLineForKaplanMeier) {
  ChartOptions o{"KM", "days", "share"};
  Series s{"All", {0, 10, 20}, {1, 0.5, 0.25}};
  s.step = true;
  const auto svg = line_chart(o, {s});
  const auto at = svg.find("points=\"");
  ASSERT_NE(at, std::string::npos);
  const auto pts = svg.substr(at + 8, svg.find('"', at + 8) - at - 8);
  EXPECT_EQ(count(pts, ","), 5u) << pts;
  s.step = false;
  const auto plain = line_chart(o, {s});
  const auto at2 = plain.find("points=\"");
  EXPECT_EQ(count(plain.substr(at2 + 8, plain.find('"', at2 + 8) - at2 - 8), ","), 3u);
}

// A band from lo {1,2,3} to hi {3,4,5}: one polygon of six vertices, drawn under the lines. The
// y axis runs from 0 to 5 + 5% = 5.25 over pixels 368..40, so hi = 3 at x = 0 is at
// 368 - 3 / 5.25 x 328 = 180.6, the polygon's first vertex.
TEST(SvgLine, ShadedBand) {
  ChartOptions o{"Fan", "years", "children"};
  Band b{"5-95", {0, 1, 2}, {1, 2, 3}, {3, 4, 5}};
  Series m{"Median", {0, 1, 2}, {2, 3, 4}};
  const auto svg = line_chart(o, {m}, {b});
  EXPECT_EQ(count(svg, "<polygon"), 1u);
  EXPECT_NE(svg.find("points=\"64.0,180.6 "), std::string::npos) << svg;
  const auto at = svg.find("<polygon");
  const auto pts = svg.substr(svg.find("points=\"", at) + 8);
  EXPECT_EQ(count(pts.substr(0, pts.find('"')), ","), 6u);
  EXPECT_LT(at, svg.find("<polyline"));  // under the median line
  EXPECT_NE(svg.find(">5-95<"), std::string::npos);  // in the legend
}

// Horizontal bars: labels take 220 px on the left, one series leaves a 24 px right margin, so
// the plot is 720 - 220 - 24 = 476 px wide; the axis for a maximum of 10 ends at 10 (ticks
// 0, 2, ... 10): 10 spans 476 px and 5 spans 238. The withheld value is marked "c".
TEST(SvgBar, GroupedBarsWithWithheldMarker) {
  ChartOptions o{"Placements", "children", ""};
  Series s{"n", {}, {10, std::nan(""), 5}};
  s.withheld = {false, true, false};
  const auto svg = grouped_bar_chart(o, {"A", "B", "C"}, {s});
  EXPECT_EQ(count(svg, "<rect"), 2u);
  EXPECT_NE(svg.find("width=\"476.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("width=\"238.0\""), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"withheld\""), 1u);
}

// Stacked: 2 then 3 end to end. Two series take a 190 px legend margin: plot 720 - 220 - 190 =
// 310 px for 0..5, so 2 is 124 px from x = 220 and 3 is 186 px from x = 344.
TEST(SvgBar, StackedBars) {
  ChartOptions o{"Spend", "£m", ""};
  const auto svg = grouped_bar_chart(o, {"2025-26"}, {{"In-house", {}, {2}, "#111"}, {"External", {}, {3}, "#222"}}, true);
  EXPECT_NE(svg.find("x=\"220.0\" y=\"40\" width=\"124.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("x=\"344.0\" y=\"40\" width=\"186.0\""), std::string::npos);
  EXPECT_NE(svg.find(">External<"), std::string::npos);
}
