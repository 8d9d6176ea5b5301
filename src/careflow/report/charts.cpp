#include "careflow/report/charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace careflow::report::interim {
namespace {

// Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
constexpr const char* kColours[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                                    "#D55E00", "#000000", "#F0E442", "#999999"};
const char* colour(size_t i) { return kColours[i % std::size(kColours)]; }

// A "nice" axis maximum and step for values up to `v`.
std::pair<double, double> nice_axis(double v) {
  if (v <= 0) return {1, 0.25};
  const double raw = v / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  return {std::ceil(v / step) * step, step};
}

std::string fmt_tick(double v) {
  if (std::fabs(v) >= 1e6) return fmt::format("{:.1f}m", v / 1e6);
  if (std::fabs(v) >= 1e4) return fmt::format("{:.0f}k", v / 1e3);
  if (v == std::floor(v)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.1f}", v);
}

double max_value(const ChartSpec& c) {
  double m = 0;
  for (const auto& s : c.series)
    for (const auto& v : s.values)
      if (v) m = std::max(m, *v);
  return m;
}

std::string header(const ChartSpec& c) {
  return fmt::format(R"svg(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" aria-label="{2}" font-family="Arial, Helvetica, sans-serif" font-size="11">)svg"
                     "<title>{2}</title><rect width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>",
                     c.width, c.height, escape_xml(c.title));
}

std::string legend(const ChartSpec& c, int x, int y) {
  std::string s;
  for (size_t i = 0; i < c.series.size(); ++i) {
    const int yy = y + static_cast<int>(i) * 15;
    s += fmt::format(R"svg(<rect x="{}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}">{}</text>)svg", x, yy,
                     colour(i), x + 14, yy + 9, escape_xml(c.series[i].name.size() > 30 ? c.series[i].name.substr(0, 29) + "..." : c.series[i].name));
  }
  return s;
}

}  // namespace

std::string escape_xml(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string line_chart_svg(const ChartSpec& c) {
  const int left = 56, right = 210, top = 16, bottom = 40;
  const int pw = c.width - left - right, ph = c.height - top - bottom;
  const auto [ymax, ystep] = nice_axis(max_value(c));
  std::string s = header(c);
  for (double v = 0; v <= ymax + 1e-9; v += ystep) {
    const double y = top + ph - v / ymax * ph;
    s += fmt::format(R"svg(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#dddddd"/><text x="{}" y="{:.1f}" text-anchor="end">{}</text>)svg",
                     left, left + pw, y, y, left - 4, y + 4, fmt_tick(v));
  }
  const size_t n = c.x_labels.size();
  const auto xpos = [&](size_t i) { return n <= 1 ? left + pw / 2.0 : left + pw * static_cast<double>(i) / (n - 1); };
  const size_t every = std::max<size_t>(1, n / 10);
  for (size_t i = 0; i < n; i += every)
    s += fmt::format(R"svg(<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>)svg", xpos(i), top + ph + 16,
                     escape_xml(c.x_labels[i]));
  s += fmt::format(R"svg(<text x="12" y="{}" transform="rotate(-90 12 {})" text-anchor="middle">{}</text>)svg", top + ph / 2,
                   top + ph / 2, escape_xml(c.y_label));
  for (size_t k = 0; k < c.series.size(); ++k) {
    std::string path;
    bool pen = false;
    double last_y = 0;
    for (size_t i = 0; i < n && i < c.series[k].values.size(); ++i) {
      const auto& v = c.series[k].values[i];
      if (!v) {
        pen = false;
        continue;
      }
      const double x = xpos(i), y = top + ph - *v / ymax * ph;
      if (!pen) path += fmt::format("M{:.1f},{:.1f}", x, y);
      else if (c.step) path += fmt::format(" L{:.1f},{:.1f} L{:.1f},{:.1f}", x, last_y, x, y);
      else path += fmt::format(" L{:.1f},{:.1f}", x, y);
      if (!c.step) s += fmt::format(R"svg(<circle cx="{:.1f}" cy="{:.1f}" r="2.5" fill="{}"/>)svg", x, y, colour(k));
      pen = true;
      last_y = y;
    }
    if (!path.empty())
      s += fmt::format(R"svg(<path d="{}" fill="none" stroke="{}" stroke-width="2"/>)svg", path, colour(k));
  }
  s += legend(c, left + pw + 12, top);
  s += "</svg>";
  return s;
}

std::string bar_chart_svg(const ChartSpec& c) {
  const size_t groups = c.x_labels.size(), per = std::max<size_t>(1, c.series.size());
  const int left = 220, right = 150, top = 10, bottom = 28;
  const int bar = 11;
  ChartSpec sized = c;
  sized.height = std::max(c.height / 2, top + bottom + static_cast<int>(groups * (per * bar + 6)));
  const int pw = sized.width - left - right, ph = sized.height - top - bottom;
  const auto [xmax, xstep] = nice_axis(max_value(c));
  std::string s = header(sized);
  for (double v = 0; v <= xmax + 1e-9; v += xstep) {
    const double x = left + v / xmax * pw;
    s += fmt::format(R"svg(<line x1="{:.1f}" x2="{:.1f}" y1="{}" y2="{}" stroke="#dddddd"/><text x="{:.1f}" y="{}" text-anchor="middle">{}</text>)svg",
                     x, x, top, top + ph, x, top + ph + 14, fmt_tick(v));
  }
  s += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="middle">{}</text>)svg", left + pw / 2, top + ph + 26,
                   escape_xml(c.y_label));
  for (size_t g = 0; g < groups; ++g) {
    const int gy = top + static_cast<int>(g * (per * bar + 6));
    s += fmt::format(R"svg(<text x="{}" y="{}" text-anchor="end">{}</text>)svg", left - 6, gy + static_cast<int>(per * bar) / 2 + 4,
                     escape_xml(c.x_labels[g].substr(0, 40)));
    for (size_t k = 0; k < c.series.size(); ++k) {
      if (g >= c.series[k].values.size()) continue;
      const auto& v = c.series[k].values[g];
      const int y = gy + static_cast<int>(k) * bar;
      if (!v) {
        s += fmt::format(R"svg(<text x="{}" y="{}" fill="#666666">c</text>)svg", left + 3, y + 9);
        continue;
      }
      s += fmt::format(R"svg(<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}"/>)svg", left, y,
                       std::max(0.0, *v / xmax * pw), bar - 2, colour(k));
    }
  }
  if (c.series.size() > 1) s += legend(sized, left + pw + 12, top);
  s += "</svg>";
  return s;
}

}  // namespace careflow::report::interim
