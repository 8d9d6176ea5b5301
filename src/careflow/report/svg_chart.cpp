#include "careflow/report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace careflow::report {

std::string xml_escape(const std::string& s) {
  std::string r;
  r.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': r += "&amp;"; break;
      case '<': r += "&lt;"; break;
      case '>': r += "&gt;"; break;
      case '"': r += "&quot;"; break;
      case '\'': r += "&#39;"; break;
      default: r += c;
    }
  }
  return r;
}

double Scale::operator()(double v) const {
  if (log) {
    const double a = std::log10(d0), b = std::log10(d1);
    return p0 + (std::log10(std::max(v, 1e-300)) - a) / (b - a) * (p1 - p0);
  }
  return d1 == d0 ? (p0 + p1) / 2 : p0 + (v - d0) / (d1 - d0) * (p1 - p0);
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> t;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return t;
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) { step = m * mag; break; }
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    t.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  return t;
}

const char* palette(size_t i) {
  static constexpr const char* kColours[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                                             "#D55E00", "#000000", "#999999", "#F0E442"};
  return kColours[i % std::size(kColours)];
}

namespace {
constexpr int kLeft = 64, kRight = 24, kTop = 40, kBottom = 52, kLegendWidth = 190;

int right_margin(const ChartOptions& o) { return o.legend_right ? kLegendWidth : kRight; }

std::string num(double v) {
  if (std::abs(v) >= 1e6) return fmt::format("{:.1f}m", v / 1e6);
  if (std::abs(v) >= 1e4) return fmt::format("{:.0f}k", v / 1e3);
  if (v == std::floor(v)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.2g}", v);
}

struct Frame {
  Scale x, y;
  std::string out;
};

void bounds(const std::vector<const Series*>& ss, double& x0, double& x1, double& y0, double& y1) {
  x0 = y0 = std::numeric_limits<double>::infinity();
  x1 = y1 = -std::numeric_limits<double>::infinity();
  for (auto* s : ss)
    for (size_t i = 0; i < s->x.size() && i < s->y.size(); ++i) {
      if (!std::isfinite(s->x[i]) || !std::isfinite(s->y[i])) continue;
      x0 = std::min(x0, s->x[i]); x1 = std::max(x1, s->x[i]);
      y0 = std::min(y0, s->y[i]); y1 = std::max(y1, s->y[i]);
    }
  if (!std::isfinite(x0)) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
  if (x1 == x0) { x0 -= 1; x1 += 1; }
  if (y1 == y0) { y0 -= 1; y1 += 1; }
}

Frame open_frame(const ChartOptions& o, double x0, double x1, double y0, double y1, bool y_from_zero,
                 bool numeric_x = true) {
  Frame f;
  if (y_from_zero) y0 = std::min(0.0, y0);
  const double pad = (y1 - y0) * 0.05;
  y1 += pad;
  if (!y_from_zero) y0 -= pad;
  const int right = right_margin(o);
  f.x = Scale{x0, x1, double(kLeft), double(o.width - right), o.log_x && x0 > 0};
  f.y = Scale{y0, y1, double(o.height - kBottom), double(kTop), false};
  f.out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n<title>{2}</title>\n"
      "<text x=\"{3}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{2}</text>\n",
      o.width, o.height, xml_escape(o.title), kLeft);
  // Axes, ticks and grid.
  const double bx = o.height - kBottom;
  f.out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#333\"/>\n", kLeft, bx, o.width - right);
  f.out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#333\"/>\n", kLeft, kTop, bx);
  for (double t : nice_ticks(f.y.d0, f.y.d1)) {
    const double py = f.y(t);
    f.out += fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#ddd\"/>"
                         "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
                         kLeft, py, o.width - right, kLeft - 6, py + 4, num(t));
  }
  std::vector<double> xt;
  if (!o.x_categories.empty()) {
    const size_t n = o.x_categories.size(), every = (n + 9) / 10;
    for (size_t i = 0; i < n; i += every)
      f.out += fmt::format("<text x=\"{0:.1f}\" y=\"{1}\" text-anchor=\"middle\">{2}</text>\n", f.x(double(i)), bx + 16,
                           xml_escape(o.x_categories[i]));
  } else if (!numeric_x) {
  } else if (f.x.log) {
    for (double p = std::pow(10.0, std::floor(std::log10(x0))); p <= x1 * 1.0001; p *= 10)
      for (double m : {1.0, 2.0, 5.0})
        if (p * m >= x0 && p * m <= x1) xt.push_back(p * m);
  } else {
    xt = nice_ticks(x0, x1, 6);
  }
  for (double t : xt)
    f.out += fmt::format("<text x=\"{0:.1f}\" y=\"{1}\" text-anchor=\"middle\">{2}</text>\n", f.x(t), bx + 16, num(t));
  f.out += fmt::format("<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\">{2}</text>\n",
                       (kLeft + o.width - right) / 2, o.height - 10, xml_escape(o.x_label));
  f.out += fmt::format("<text transform=\"translate(14,{0}) rotate(-90)\" text-anchor=\"middle\">{1}</text>\n",
                       (kTop + bx) / 2, xml_escape(o.y_label));
  return f;
}

std::string polyline(const Frame& f, const Series& s, double width) {
  std::string r, pts;
  auto flush = [&] {
    if (!pts.empty())
      r += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{} points=\"{}\"/>\n", s.colour,
                       width, s.dashed ? " stroke-dasharray=\"6 4\"" : "", pts);
    pts.clear();
  };
  double last_y = 0;
  for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
    if (!std::isfinite(s.y[i]) || !std::isfinite(s.x[i])) { flush(); continue; }
    if (s.step && !pts.empty()) pts += fmt::format(" {:.1f},{:.1f}", f.x(s.x[i]), last_y);
    last_y = f.y(s.y[i]);
    pts += fmt::format("{}{:.1f},{:.1f}", pts.empty() ? "" : " ", f.x(s.x[i]), last_y);
  }
  flush();
  return r;
}

// "c" on the base line where a value was withheld by disclosure control.
std::string withheld_marks(const Frame& f, const Series& s) {
  std::string r;
  for (size_t i = 0; i < s.x.size() && i < s.withheld.size(); ++i)
    if (s.withheld[i] && std::isfinite(s.x[i]))
      r += fmt::format("<text class=\"withheld\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"{}\" "
                       "font-style=\"italic\">c<title>withheld</title></text>\n",
                       f.x(s.x[i]), f.y.p0 - 4, s.colour);
  return r;
}

std::string band_svg(const Frame& f, const Band& b) {
  std::string up, down;
  for (size_t i = 0; i < b.x.size() && i < b.lo.size() && i < b.hi.size(); ++i) {
    if (!std::isfinite(b.x[i]) || !std::isfinite(b.lo[i]) || !std::isfinite(b.hi[i])) continue;
    up += fmt::format("{}{:.1f},{:.1f}", up.empty() ? "" : " ", f.x(b.x[i]), f.y(b.hi[i]));
    down = fmt::format(" {:.1f},{:.1f}", f.x(b.x[i]), f.y(b.lo[i])) + down;
  }
  if (up.empty()) return "";
  return fmt::format("<polygon class=\"band\" fill=\"{}\" fill-opacity=\"{}\" stroke=\"none\" points=\"{}{}\"/>\n", b.colour,
                     b.opacity, up, down);
}

std::string legend(const ChartOptions& o, const std::vector<const Series*>& ss, const std::vector<Band>& bands = {}) {
  std::string r;
  int y = kTop + 4;
  const int x = o.legend_right ? o.width - kLegendWidth + 10 : o.width - kRight - 170;
  for (auto& b : bands) {
    if (b.name.empty()) continue;
    r += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"20\" height=\"10\" fill=\"{}\" fill-opacity=\"{}\"/>"
                     "<text x=\"{}\" y=\"{}\">{}</text>\n",
                     x, y - 5, b.colour, b.opacity, x + 25, y + 4, xml_escape(b.name));
    y += 16;
  }
  for (auto* s : ss) {
    if (s->name.empty()) continue;
    const std::string name = s->name.size() > 25 ? s->name.substr(0, 24) + "..." : s->name;
    r += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"2\"{4}/>"
                     "<text x=\"{5}\" y=\"{6}\">{7}</text>\n",
                     x, y, x + 20, s->colour, s->dashed ? " stroke-dasharray=\"6 4\"" : "", x + 25, y + 4, xml_escape(name));
    y += 16;
  }
  return r;
}

std::string labels_svg(const Frame& f, const std::vector<Label>& ls) {
  std::string r;
  for (auto& l : ls)
    r += fmt::format("<circle cx=\"{0:.1f}\" cy=\"{1:.1f}\" r=\"5\" fill=\"#c00000\"/>"
                     "<text x=\"{2:.1f}\" y=\"{3:.1f}\" fill=\"#c00000\">{4}</text>\n",
                     f.x(l.x), f.y(l.y), f.x(l.x) + 7, f.y(l.y) - 6, xml_escape(l.text));
  return r;
}

std::string points_svg(const Frame& f, const Series& s) {
  std::string r;
  for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
    if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]))
      r += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\" fill-opacity=\"0.6\"/>\n",
                       f.x(s.x[i]), f.y(s.y[i]), s.colour);
  return r;
}
}  // namespace

std::string line_chart(const ChartOptions& o, const std::vector<Series>& lines, const std::vector<Band>& bands) {
  std::vector<const Series*> ss;
  for (auto& s : lines) ss.push_back(&s);
  // Bands count towards the bounds as two curves each.
  std::vector<Series> edges;
  for (auto& b : bands) {
    edges.push_back({"", b.x, b.lo});
    edges.push_back({"", b.x, b.hi});
  }
  std::vector<const Series*> all = ss;
  for (auto& e : edges) all.push_back(&e);
  double x0, x1, y0, y1;
  bounds(all, x0, x1, y0, y1);
  if (!o.x_categories.empty()) {  // every category has its place, values or not
    x0 = 0;
    x1 = std::max<double>(1, double(o.x_categories.size()) - 1);
  }
  Frame f = open_frame(o, x0, x1, y0, y1, true);
  for (auto& b : bands) f.out += band_svg(f, b);
  for (auto& s : lines) f.out += polyline(f, s, 2) + withheld_marks(f, s);
  f.out += legend(o, ss, bands);
  return f.out + "</svg>\n";
}

std::string scatter_chart(const ChartOptions& o, const Series& points, const Series* fitted,
                          const std::vector<Label>& labels) {
  double x0, x1, y0, y1;
  bounds({&points}, x0, x1, y0, y1);
  Frame f = open_frame(o, x0, x1, y0, y1, false);
  f.out += points_svg(f, points);
  if (fitted) {
    Series clipped = *fitted;
    for (size_t i = 0; i < clipped.x.size(); ++i)
      if (clipped.x[i] < x0 || clipped.x[i] > x1) clipped.y[i] = std::nan("");
    f.out += polyline(f, clipped, 2);
  }
  f.out += labels_svg(f, labels);
  std::vector<const Series*> leg{&points};
  if (fitted) leg.push_back(fitted);
  f.out += legend(o, leg);
  return f.out + "</svg>\n";
}

std::string funnel_chart(const ChartOptions& o, const Series& points, double centre,
                         const std::vector<Series>& limits, const std::vector<Label>& highlight) {
  double x0, x1, y0, y1;
  bounds({&points}, x0, x1, y0, y1);
  // The x range covers the limit curves too, so that they never run past the axes.
  for (auto& l : limits)
    for (double x : l.x)
      if (std::isfinite(x) && (!o.log_x || x > 0)) { x0 = std::min(x0, x); x1 = std::max(x1, x); }
  Frame f = open_frame(o, x0, x1, std::min(y0, centre), std::max(y1, centre), true);
  auto clip = [&](Series s) {  // keep limit curves inside the plotting area
    for (auto& v : s.y) if (v > f.y.d1 || v < f.y.d0) v = std::nan("");
    return s;
  };
  for (auto& l : limits) f.out += polyline(f, clip(l), 1.5);
  f.out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#333\" stroke-width=\"1.5\"/>\n",
                       f.x(x0), f.y(centre), f.x(x1));
  f.out += points_svg(f, points);
  f.out += labels_svg(f, highlight);
  std::vector<const Series*> leg{&points};
  for (auto& l : limits) leg.push_back(&l);
  f.out += legend(o, leg);
  return f.out + "</svg>\n";
}

std::string bar_chart(const ChartOptions& o, const std::vector<std::string>& cats, const std::vector<double>& values,
                      int highlight) {
  double hi = 0, lo = 0;
  for (double v : values) if (std::isfinite(v)) { hi = std::max(hi, v); lo = std::min(lo, v); }
  Frame f = open_frame(o, 0, std::max<double>(1, cats.size()), lo, hi == lo ? lo + 1 : hi, true, false);
  const double slot = (f.x.p1 - f.x.p0) / std::max<size_t>(1, cats.size());
  for (size_t i = 0; i < cats.size() && i < values.size(); ++i) {
    if (!std::isfinite(values[i])) continue;
    const double top = f.y(std::max(values[i], 0.0)), base = f.y(std::min(values[i], 0.0));
    f.out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{}: {}</title></rect>\n",
                         f.x.p0 + slot * (i + 0.1), top, slot * 0.8, base - top,
                         int(i) == highlight ? "#c00000" : "#1f4e79", xml_escape(cats[i]), num(values[i]));
    if (cats.size() <= 24)
      f.out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"end\" font-size=\"10\" transform=\"rotate(-35 {:.1f} {})\">{}</text>\n",
                           f.x.p0 + slot * (i + 0.5), o.height - kBottom + 14, f.x.p0 + slot * (i + 0.5),
                           o.height - kBottom + 14, xml_escape(cats[i]));
  }
  return f.out + "</svg>\n";
}

std::string grouped_bar_chart(const ChartOptions& o, const std::vector<std::string>& cats, const std::vector<Series>& series,
                              bool stacked) {
  constexpr int left = 220, bar = 11, gap = 6;
  const int right = o.legend_right || series.size() > 1 ? kLegendWidth : kRight;
  const size_t per = stacked ? 1 : std::max<size_t>(1, series.size());
  const int group_h = int(per) * bar + gap;
  const int height = kTop + kBottom + int(cats.size()) * group_h;
  double hi = 0;
  for (size_t i = 0; i < cats.size(); ++i) {
    double sum = 0;
    for (auto& s : series)
      if (i < s.y.size() && std::isfinite(s.y[i])) {
        sum += std::max(0.0, s.y[i]);
        hi = std::max(hi, s.y[i]);
      }
    if (stacked) hi = std::max(hi, sum);
  }
  const auto ticks = nice_ticks(0, hi > 0 ? hi : 1);
  const Scale x{0, std::max(hi > 0 ? hi : 1, ticks.empty() ? 1 : ticks.back()), double(left), double(o.width - right)};
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n<title>{2}</title>\n"
      "<text x=\"{3}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{2}</text>\n",
      o.width, height, xml_escape(o.title), 8);
  const int bottom = height - kBottom;
  for (double t : ticks)
    out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>"
                       "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                       x(t), kTop, bottom, bottom + 16, num(t));
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", (left + o.width - right) / 2,
                     height - 10, xml_escape(o.x_label));
  for (size_t i = 0; i < cats.size(); ++i) {
    const int gy = kTop + int(i) * group_h;
    const std::string label = cats[i].size() > 31 ? cats[i].substr(0, 30) + "..." : cats[i];
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", left - 6, gy + int(per) * bar / 2 + 4,
                       xml_escape(label));
    double base = 0;
    for (size_t k = 0; k < series.size(); ++k) {
      const auto& s = series[k];
      const int y = gy + (stacked ? 0 : int(k) * bar);
      if (i >= s.y.size() || !std::isfinite(s.y[i])) {
        if (i < s.withheld.size() && s.withheld[i])
          out += fmt::format("<text class=\"withheld\" x=\"{:.1f}\" y=\"{}\" fill=\"#505a5f\" font-style=\"italic\">c"
                             "<title>withheld</title></text>\n",
                             x(base) + 3, y + 9);
        continue;
      }
      const double v = std::max(0.0, s.y[i]);
      out += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect>\n",
                         x(base), y, x(base + v) - x(base), bar - 2, s.colour, xml_escape(s.name), num(s.y[i]));
      if (stacked) base += v;
    }
  }
  if (right == kLegendWidth) {
    int y = kTop + 4;
    for (auto& s : series) {
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>\n",
                         o.width - kLegendWidth + 10, y - 5, s.colour, o.width - kLegendWidth + 25, y + 4,
                         xml_escape(s.name.size() > 25 ? s.name.substr(0, 24) + "..." : s.name));
      y += 16;
    }
  }
  return out + "</svg>\n";
}

}  // namespace careflow::report
