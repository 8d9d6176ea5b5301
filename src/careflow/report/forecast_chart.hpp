// The forecast fan chart: one drawing of a forecast's numbers in care for every page that shows
// one (the report's Forecast section, careflow forecast's forecast_total*.svg), so that they
// cannot drift apart.
#pragma once

#include <string>
#include <vector>

#include "careflow/core/date.hpp"
#include "careflow/forecast/forecast.hpp"
#include "careflow/report/svg_chart.hpp"

namespace careflow::report {

// Children looked after at each month end against years from the origin `as_of`: the presented
// forecast (MonthEndTotal::presented) with the microsimulation's 5-95 and 25-75 percentile ranges
// around it as shaded bands, the microsimulation's median and the stock-flow model's expectation
// (dashed). `actual` (may be null): the numbers known before the
// origin, drawn first (x in years from `as_of`; values withheld by disclosure control marked).
std::string forecast_fan_chart(const std::vector<forecast::MonthEndTotal>& total, Date as_of, const std::string& title,
                               const Series* actual = nullptr);

}  // namespace careflow::report
