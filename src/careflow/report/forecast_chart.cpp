#include "careflow/report/forecast_chart.hpp"

#include <fmt/format.h>

namespace careflow::report {

std::string forecast_fan_chart(const std::vector<forecast::MonthEndTotal>& total, Date as_of, const std::string& title,
                               const Series* actual) {
  // The bands are the microsimulation's spread around the presented forecast (forecast.hpp,
  // MonthEndTotal::presented): the line to plan on and the range around it.
  Band outer{"5th to 95th percentile", {}, {}, {}, "#9dc3e6", 0.55}, inner{"25th to 75th percentile", {}, {}, {}, "#2e75b6", 0.45};
  Series presented{"Forecast to plan on", {}, {}, "#1f4e79"};
  Series median{"Microsimulation median", {}, {}, "#7f7f7f", true}, sf{"Stock-flow model", {}, {}, "#c55a11", true};
  for (const auto& m : total) {
    const double x = (m.month_end - as_of) / 365.25;
    const double shift = m.presented - m.microsim_mean;
    auto at_least_0 = [](double v) { return v < 0 ? 0.0 : v; };
    outer.x.push_back(x), outer.lo.push_back(at_least_0(m.microsim.p5 + shift)), outer.hi.push_back(m.microsim.p95 + shift);
    inner.x.push_back(x), inner.lo.push_back(at_least_0(m.microsim.p25 + shift)), inner.hi.push_back(m.microsim.p75 + shift);
    presented.x.push_back(x), presented.y.push_back(m.presented);
    median.x.push_back(x), median.y.push_back(m.microsim.p50);
    sf.x.push_back(x), sf.y.push_back(m.stock_flow);
  }
  ChartOptions o{title, fmt::format("Years from {}", as_of.to_iso()), "Children looked after", 760, 380};
  o.legend_right = true;
  std::vector<Series> lines;
  if (actual) lines.push_back(*actual);
  lines.push_back(std::move(presented));
  lines.push_back(std::move(median));
  lines.push_back(std::move(sf));
  return line_chart(o, lines, {outer, inner});
}

}  // namespace careflow::report
