// Interim inline-SVG charts for the needs-assessment report (line with year labels, step,
// grouped bar with withheld markers). Written before the shared chart module (report/svg_chart)
// reached main; that module has no categorical x axis, step lines or grouped bars yet, so these
// stay (in their own namespace) until it does. Output is plain SVG text: no scripts, no fonts.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace careflow::report::interim {

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

}  // namespace careflow::report::interim
