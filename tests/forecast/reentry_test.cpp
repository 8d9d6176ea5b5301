#include <gtest/gtest.h>

#include <cmath>

#include "careflow/forecast/microsim.hpp"
#include "careflow/forecast/simulated_history.hpp"

#include "hand_history.hpp"

using namespace careflow;
using namespace careflow::forecast;

// with_reentries(p) (hand_history.hpp): children enter at 8 (1,500 a year, no trend) and leave at
// a constant hazard 1/100 a day; 85% of leavers aged 5+ go home (E4A), 15% to an SGO (E45)
// (simulated_history's routes). Of those who went home, a share p comes back 30 + Exp(mean 300)
// days later (simulate_history's rule).
using careflow::forecast::testing::with_reentries;

// The re-entry hazard by time since leaving, by hand: after going home the survival (not yet
// back) is S(t) = 1 for t < 30 and 1 - p (1 - e^{-(t - 30)/300}) after, so the cumulative hazard
// at one year is -ln(1 - p (1 - e^{-335/300})) = 0.40995 for p = 0.5 (about 3,800 re-entries
// behind it: s.e. ~2%); exactly 0 before day 30; and 0 for ever after an SGO.
TEST(Reentry, HazardBySinceLeavingMatchesTheSimulatedRule) {
  const History h = simulate_history(with_reentries(0.5));
  MicrosimSettings s;
  s.as_of = CollectionYear{2025}.end();
  s.reentry = true;
  s.trend = false;
  const MicrosimModel m = fit_microsim(h, s);
  const double H365 = -std::log(1 - 0.5 * (1 - std::exp(-335.0 / 300)));
  EXPECT_NEAR(H365, 0.40995, 1e-5);
  const int band = 2;  // left aged 5-9
  EXPECT_DOUBLE_EQ(m.reenter[0][band].cumulative(30), 0.0);
  EXPECT_NEAR(m.reenter[0][band].cumulative(365) / H365, 1.0, 0.07);
  EXPECT_DOUBLE_EQ(m.reenter[1][band].cumulative(3000), 0.0);
  EXPECT_GT(m.left_before.size(), 1000u);
}

// Entrants net of re-entries, and the steady state with re-entries simulated. New entrants:
// lambda = 1,500 a year, so the fitted arrivals must sum to 1,500/365.25 a day (3-year window,
// ~4,500 entrants: s.e. 1.5%), not 1,500 plus the ~1,100 re-entries a year. Each period ends at
// 1/100 a day and leads to another with probability h p = 0.85 x 0.5, so the steady state is
// N = lambda / (mu (1 - h p)) = (1500 / 365.25) x 100 / 0.575 = 714.2, with re-entries at
// N mu h p = 3.035 a day, 1,108 in the first financial year (365 days). Counting re-entries both
// as arrivals and as re-entries would give N = 1,243.
TEST(Reentry, SteadyStateWithoutDoubleCounting) {
  const History h = simulate_history(with_reentries(0.5));
  MicrosimSettings s;
  s.as_of = CollectionYear{2025}.end();
  s.years = 2;
  s.runs = 40;
  s.trend = false;
  s.reentry = true;
  s.arrivals_window_days = 3 * 365;
  const MicrosimModel m = fit_microsim(h, s);
  double per_day = 0;
  for (double x : m.arrivals_per_day) per_day += x;
  EXPECT_NEAR(per_day * 365.25 / 1500, 1.0, 0.05);
  const MicrosimResult r = simulate(m, s, Scenario{});
  const double steady = 1500 / 365.25 * 100 / 0.575;
  EXPECT_NEAR(steady, 714.2, 0.05);
  for (size_t month : {11u, 23u}) {
    double mean = 0;
    for (int run = 0; run < r.runs; ++run) mean += r.total(run, month);
    EXPECT_NEAR(mean / r.runs / steady, 1.0, 0.06) << month;
  }
  double re = 0;
  for (int run = 0; run < r.runs; ++run) re += r.reentries[static_cast<size_t>(run) * r.fy_count];
  EXPECT_NEAR(re / r.runs / (steady / 100 * 0.425 * 365), 1.0, 0.08);
}

// Off (--no-reentry), the model is as before: no leavers to bring back, arrivals include re-entries.
TEST(Reentry, OffLeavesTheModelAsBefore) {
  const History h = simulate_history(with_reentries(0.5));
  MicrosimSettings s;
  s.as_of = CollectionYear{2025}.end();
  s.trend = false;
  s.reentry = false;
  s.arrivals_window_days = 3 * 365;
  const MicrosimModel m = fit_microsim(h, s);
  EXPECT_TRUE(m.left_before.empty());
  double per_day = 0;
  for (double x : m.arrivals_per_day) per_day += x;
  // 1,500 new entrants + ~1,108 re-entries a year.
  EXPECT_NEAR(per_day * 365.25 / (1500 + 1108), 1.0, 0.06);
}
