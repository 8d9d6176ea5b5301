// The forecast fan chart, the one drawing the report's Forecast section and careflow forecast's
// forecast_total*.svg share: its size, labels, legend (the actual numbers only when given) and
// bands.
#include "careflow/report/forecast_chart.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace careflow;

namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = 0; (p = s.find(what, p)) != std::string::npos; p += what.size()) ++n;
  return n;
}

std::vector<forecast::MonthEndTotal> two_month_ends(Date as_of) {
  forecast::MonthEndTotal a, b;
  a.month_end = as_of + 30;
  a.microsim = {90, 95, 100, 105, 110};
  a.stock_flow = 101;
  b.month_end = as_of + 61;
  b.microsim = {85, 93, 102, 108, 120};
  b.stock_flow = 103;
  return {a, b};
}

}  // namespace

TEST(ForecastChart, BandsMedianAndStockFlowWithOrWithoutActual) {
  const Date as_of = Date::from_ymd(2025, 3, 31);
  const auto total = two_month_ends(as_of);
  const std::string fan = report::forecast_fan_chart(total, as_of, "Forecast & more");
  EXPECT_EQ(count(fan, "<svg"), 1u);
  EXPECT_NE(fan.find("width=\"760\""), std::string::npos) << fan.substr(0, 200);
  EXPECT_NE(fan.find("Forecast &amp; more"), std::string::npos);
  EXPECT_NE(fan.find("Years from 2025-03-31"), std::string::npos);
  for (auto name : {"5th to 95th percentile", "25th to 75th percentile", "Forecast to plan on",
                    "Microsimulation median", "Stock-flow model"})
    EXPECT_EQ(count(fan, name), 1u) << name;
  EXPECT_EQ(fan.find("Actual"), std::string::npos);

  report::Series actual{"Actual", {-1.0, 0.0}, {98, 99}, "#000000"};
  const std::string with = report::forecast_fan_chart(total, as_of, "Forecast", &actual);
  EXPECT_EQ(count(with, "Actual"), 1u);
  // Drawn first: its legend entry comes before the median's.
  EXPECT_LT(with.find("Actual"), with.find("Microsimulation median"));
}
