// Interim inline-SVG charts for the needs-assessment report (line, step, grouped bar). The shared
// chart module (report/svg_chart.hpp, branch `benchmark`) is not on main yet; when it lands these
// calls move to it and this file goes. Output is plain SVG text: no scripts, no fonts to fetch.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace careflow::report {

struct Series {
  std::string name;
  std::vector<std::optional<double>> values;  // one per x label; none = gap (withheld or missing)
};

struct ChartSpec {
  std::string title;
  std::string y_label;
  std::vector<std::string> x_labels;
  std::vector<Series> series;
  bool step = false;  // draw lines as steps (survival curves)
  int width = 680, height = 300;
};

std::string line_chart_svg(const ChartSpec& c);
// Horizontal grouped bars: one group per x label, one bar per series.
std::string bar_chart_svg(const ChartSpec& c);

// Escapes &, <, >, " and ' for HTML and SVG text.
std::string escape_xml(const std::string& s);

}  // namespace careflow::report
