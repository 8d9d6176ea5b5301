// Small, dependency-free SVG charts for self-contained HTML reports (no scripts, no network):
// line charts with comparators (numeric or year-labelled x axis, straight or step lines, shaded
// bands for forecast percentiles), scatter with a fitted line, funnel plots with limit curves,
// and single, grouped or stacked bar charts with a marker for values withheld by disclosure
// control. Each function returns one <svg> element as text, ready to paste into a page.
#pragma once

#include <string>
#include <vector>

namespace careflow::report {

struct ChartOptions {
  std::string title, x_label, y_label;
  int width = 720, height = 420;
  bool log_x = false;          // log scale on x (funnel plots over council populations)
  // Categorical x axis: x values are indices 0..n-1, labelled with these ("2024/25"). Lines only.
  std::vector<std::string> x_categories = {};
  bool legend_right = false;   // legend in a right margin (many series) instead of over the plot
};

// A named set of points drawn as a line (line_chart) or markers (scatter).
struct Series {
  std::string name;
  std::vector<double> x, y;    // NaN y values leave a gap
  std::string colour = "#1f4e79";
  bool dashed = false;
  bool step = false;           // hold each value until the next x (Kaplan-Meier curves)
  // withheld[i]: y[i] was withheld by disclosure control (y is NaN); marked "c" on the base line
  // so that a reader sees a withheld value, not a missing one.
  std::vector<bool> withheld = {};
};

// A shaded area between two curves (forecast percentile bands), drawn under the lines.
struct Band {
  std::string name;
  std::vector<double> x, lo, hi;
  std::string colour = "#9dc3e6";
  double opacity = 0.5;
};

// The i-th colour of the Okabe-Ito palette (distinguishable with common colour-vision deficiencies).
const char* palette(size_t i);

// A point worth naming on the chart (the chosen council, outliers).
struct Label { double x, y; std::string text; };

std::string line_chart(const ChartOptions& o, const std::vector<Series>& lines, const std::vector<Band>& bands = {});
// Points plus an optional fitted line (drawn over the points' x range) and labels.
std::string scatter_chart(const ChartOptions& o, const Series& points, const Series* fitted = nullptr,
                          const std::vector<Label>& labels = {});
// Points (x = population, y = rate), a horizontal centre line and limit curves (each a Series,
// e.g. 95% dashed, 99.8% solid); `highlight` points are drawn larger and labelled.
std::string funnel_chart(const ChartOptions& o, const Series& points, double centre,
                         const std::vector<Series>& limits, const std::vector<Label>& highlight = {});
// One bar per category; `highlight` is the index drawn in the accent colour (-1: none).
std::string bar_chart(const ChartOptions& o, const std::vector<std::string>& categories,
                      const std::vector<double>& values, int highlight = -1);

// Horizontal bars, one group per category (long labels stay readable), one bar per series
// (series[k].y[i] is category i's value); stacked: the series' bars end to end. A NaN value is
// left out, and marked "c" when the series flags it withheld.
std::string grouped_bar_chart(const ChartOptions& o, const std::vector<std::string>& categories,
                              const std::vector<Series>& series, bool stacked = false);

// Escapes text for SVG/HTML content and attributes.
std::string xml_escape(const std::string& s);

// The mapping from data to pixels, exposed so that tests can check where things are drawn.
struct Scale {
  double d0, d1, p0, p1; bool log = false;
  double operator()(double v) const;
};
// "Nice" axis ticks (1, 2, 5 x 10^k steps) covering [lo, hi].
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

}  // namespace careflow::report
