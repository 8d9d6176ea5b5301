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
