#include <gtest/gtest.h>

#include <cmath>

#include "careflow/forecast/backtest.hpp"
#include "hand_history.hpp"

using namespace careflow;
using namespace careflow::forecast;
using careflow::forecast::testing::section20_then_care_order;


// The backtest by legal status on that history, by hand. Origins: 31 March 2020, 2021, 2022
// (three years of data before, one after), horizons up to 3, 2, 1 years: 6 forecasts.
// * Actual on V2 at any 31 March: the children who entered in the 100 days up to it: 100 exactly.
//   On C2: everyone else, (days from 1 April 2017 to the date, inclusive) - 100.
// * Naive: the origin's counts, so its V2 error is 0 exactly and its C2 error is 365 or 366 days of
//   entrants per year of horizon: MAPE = mean of (target - origin days) / C2(target).
// * Microsimulation: with everyone staying, the hazard of leaving V2 by the time left in care
//   (>= 365 days) is 0 before day 91 and 1/9 a day in [91, 122) (each change comes 9 days into
//   that interval; legal_status_test.cpp), so an entrant's change falls at ceil(91 + E/(1/9)) days,
//   mean 91 + 1/(1 - e^{-1/9}) = 100.509, and by Little's law (one entrant a day) 100.5 children
//   on V2 once the origin's V2 children have moved, i.e. at every target. Noise on a run's mean:
//   Poisson arrivals (s.d. 10) and the entry level's parameter draw (Gamma with n = 365: s.d. 5%,
//   5 children): s.d. of the mean over 200 runs ~0.8; tolerance 4 (5 s.d.). The other groups (C1,
//   E1, L, J, other) never occur: 0 in the returns and in every run.
TEST(BacktestLegalStatus, Section20ThenCareOrderByHand) {
  const History h = section20_then_care_order(2018, 2023);  // six years: returns 2017/18 .. 2022/23
  BacktestSettings s;
  s.runs = 200;
  const auto pts = backtest(h, s);
  const Date first = Date::from_ymd(2017, 4, 1);
  auto c2_on = [&](Date d) { return static_cast<double>(d - first + 1) - 100; };
  int v2 = 0, c2 = 0, others = 0;
  double naive_ape = 0;
  for (const auto& p : pts) {
    if (!p.measure.starts_with(kLegalMeasurePrefix)) continue;
    const Date target = Date::from_ymd(p.origin.ymd().year + p.horizon, 3, 31);
    if (p.measure == "ls_section_20") {
      ++v2;
      EXPECT_EQ(p.actual, 100.0);
      if (p.model == "naive") { EXPECT_EQ(p.forecast, 100.0); }
      if (p.model == "microsim") {
        EXPECT_NEAR(p.forecast, 100.509, 4.0) << p.origin.to_iso() << " +" << p.horizon;
        EXPECT_LE(p.lo95, p.lo80);
        EXPECT_LE(p.lo80, p.forecast);
        EXPECT_LE(p.forecast, p.hi80);
        EXPECT_LE(p.hi80, p.hi95);
      }
    } else if (p.measure == "ls_full_care_order") {
      ++c2;
      EXPECT_EQ(p.actual, c2_on(target));
      if (p.model == "naive") {
        EXPECT_EQ(p.forecast, c2_on(p.origin));
        naive_ape += (target - p.origin) / c2_on(target);
      }
    } else {
      ++others;
      EXPECT_EQ(p.actual, 0.0) << p.measure;
      EXPECT_EQ(p.forecast, 0.0) << p.measure;
    }
  }
  // Two models and the presented copy of one of them, at each of the 6 (origin, horizon) pairs.
  EXPECT_EQ(v2, 6 * 3);
  EXPECT_EQ(c2, 6 * 3);
  EXPECT_EQ(others, 6 * 3 * 5);
  const auto summary = summarise(pts);
  bool seen_naive_c2 = false, seen_naive_v2 = false, seen_ms_v2 = false;
  for (const auto& x : summary) {
    if (x.horizon != 0) continue;
    if (x.model == "naive" && x.measure == "ls_full_care_order") {
      seen_naive_c2 = true;
      EXPECT_EQ(x.n, 6u);
      EXPECT_NEAR(x.mape, 100 * naive_ape / 6, 1e-9);
      EXPECT_NEAR(x.bias, -x.mape, 1e-9);  // no change is always too low as the stock grows
    }
    if (x.model == "naive" && x.measure == "ls_section_20") {
      seen_naive_v2 = true;
      EXPECT_EQ(x.mape, 0.0);
    }
    if (x.model == "microsim" && x.measure == "ls_section_20") {
      seen_ms_v2 = true;
      EXPECT_LT(x.mape, 4.0);  // each forecast within 4 of 100.5
      EXPECT_GE(x.cover95, 50.0);
    }
    // Groups that never occur have no actual above 0 and so no summary.
    EXPECT_TRUE(x.measure == "total" || !x.measure.starts_with(kLegalMeasurePrefix) || x.measure == "ls_section_20" ||
                x.measure == "ls_full_care_order")
        << x.measure;
  }
  EXPECT_TRUE(seen_naive_c2 && seen_naive_v2 && seen_ms_v2);
}
