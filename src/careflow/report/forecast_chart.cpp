#include "careflow/report/forecast_chart.hpp"

#include <fmt/format.h>

namespace careflow::report {

std::string forecast_fan_chart(const std::vector<forecast::MonthEndTotal>& total, Date as_of, const std::string& title,
                               const Series* actual) {
  Band outer{"5th to 95th percentile", {}, {}, {}, "#9dc3e6", 0.55}, inner{"25th to 75th percentile", {}, {}, {}, "#2e75b6", 0.45};
  Series median{"Median (microsimulation)", {}, {}, "#1f4e79"}, sf{"Stock-flow model", {}, {}, "#c55a11", true};
  for (const auto& m : total) {
    const double x = (m.month_end - as_of) / 365.25;
    outer.x.push_back(x), outer.lo.push_back(m.microsim.p5), outer.hi.push_back(m.microsim.p95);
    inner.x.push_back(x), inner.lo.push_back(m.microsim.p25), inner.hi.push_back(m.microsim.p75);
    median.x.push_back(x), median.y.push_back(m.microsim.p50);
    sf.x.push_back(x), sf.y.push_back(m.stock_flow);
  }
  ChartOptions o{title, fmt::format("Years from {}", as_of.to_iso()), "Children looked after", 760, 380};
  o.legend_right = true;
  std::vector<Series> lines;
  if (actual) lines.push_back(*actual);
  lines.push_back(std::move(median));
  lines.push_back(std::move(sf));
  return line_chart(o, lines, {outer, inner});
}

}  // namespace careflow::report
