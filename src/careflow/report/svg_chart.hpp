// Small, dependency-free SVG charts for self-contained HTML reports (no scripts, no network):
// line charts with comparators, scatter with a fitted line, funnel plots with limit curves, and
// bar charts. Each function returns one <svg> element as text, ready to paste into a page.
#pragma once

#include <string>
#include <vector>

namespace careflow::report {

struct ChartOptions {
  std::string title, x_label, y_label;
  int width = 720, height = 420;
  bool log_x = false;          // log scale on x (funnel plots over council populations)
};

// A named set of points drawn as a line (line_chart) or markers (scatter).
struct Series {
  std::string name;
  std::vector<double> x, y;    // NaN y values leave a gap
  std::string colour = "#1f4e79";
  bool dashed = false;
};

// A point worth naming on the chart (the chosen council, outliers).
struct Label { double x, y; std::string text; };

std::string line_chart(const ChartOptions& o, const std::vector<Series>& lines);
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
