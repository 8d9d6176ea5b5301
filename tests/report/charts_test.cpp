// The interim SVG charts: valid-looking SVG, gaps where values are withheld, text escaped.
#include "careflow/report/charts.hpp"

#include <gtest/gtest.h>

using namespace careflow::report::interim;

namespace {
size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}
}  // namespace

// Values 1, 2, (withheld), 4: the line breaks at the gap, so its path has two "M" moves and
// three points are drawn.
TEST(Charts, LineChartBreaksAtWithheldValues) {
  ChartSpec c;
  c.title = "Starters & ceasers <2025>";
  c.y_label = "children";
  c.x_labels = {"2021/22", "2022/23", "2023/24", "2024/25"};
  c.series = {{"Started", {1.0, 2.0, std::nullopt, 4.0}}};
  const auto svg = line_chart_svg(c);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(count(svg, "<circle"), 3u);
  const auto path = svg.substr(svg.find("<path d=\""), 200);
  EXPECT_EQ(count(path.substr(0, path.find("\" fill")), "M"), 2u);
  EXPECT_NE(svg.find("Starters &amp; ceasers &lt;2025&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("<2025>"), std::string::npos);
}

// Bars: one rect per visible value, "c" where a value is withheld; a bar of the maximum value
// spans the plot width and half the maximum spans half of it.
TEST(Charts, BarChartShowsWithheldAsC) {
  ChartSpec c;
  c.title = "t";
  c.x_labels = {"A", "B", "C"};
  c.series = {{"n", {10.0, std::nullopt, 5.0}}};
  const auto svg = bar_chart_svg(c);
  EXPECT_EQ(count(svg, "<rect x=\"220\""), 2u);
  EXPECT_NE(svg.find(">c</text>"), std::string::npos);
  // Plot width = 680 - 220 - 150 = 310; axis max for 10 is 10: widths 310.0 and 155.0.
  EXPECT_NE(svg.find("width=\"310.0\""), std::string::npos);
  EXPECT_NE(svg.find("width=\"155.0\""), std::string::npos);
}

TEST(Charts, EscapeXml) { EXPECT_EQ(escape_xml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;"); }
