// Scenario levers on re-entry and legal status: effects derived by hand (or by an independent
// deterministic calculation) on histories with known dynamics.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "careflow/forecast/forecast.hpp"
#include "careflow/forecast/microsim.hpp"
#include "careflow/forecast/simulated_history.hpp"
#include "hand_history.hpp"

using namespace careflow;
using namespace careflow::forecast;
using careflow::forecast::testing::mean_legal;
using careflow::forecast::testing::section20_then_care_order;
using careflow::forecast::testing::with_reentries;

namespace {
// with_reentries(0.5) (hand_history.hpp): reentry_test.cpp's history.
MicrosimSettings reentry_settings() {
  MicrosimSettings s;
  s.as_of = CollectionYear{2025}.end();
  s.years = 2;
  s.runs = 40;
  s.trend = false;
  s.reentry = true;
  s.arrivals_window_days = 3 * 365;
  return s;
}
double mean_total(const MicrosimResult& r, size_t month) {
  double t = 0;
  for (int run = 0; run < r.runs; ++run) t += r.total(run, month);
  return t / r.runs;
}

// Independent check: the expected number in care on days 1..days after T by a deterministic
// renewal equation on the true dynamics (not the fitted model), with the re-entry hazard after a
// return home multiplied by f from T on. In care: N(t+1) = N(t) - mu N(t) + lambda + R(t+1); a
// child who went home s days ago is not yet back with probability S(s) = 1 for s < 30, else
// 1 - p (1 - e^{-(s - 30)/300}); multiplying the hazard by f from T makes it S(s)^f for leavers
// after T and S(a) (S(a + t)/S(a))^f for those who left a days before T. Before T the system is in
// its steady state N0 = lambda / (mu (1 - 0.85 p)) = 714.2, with 0.85 mu N0 going home each day.
std::vector<double> renewal(double f, int days) {
  const double mu = 1.0 / 100, lambda = 1500 / 365.25, home = 0.85, p = 0.5;
  auto S = [&](double s) { return s < 30 ? 1.0 : 1 - p * (1 - std::exp(-(s - 30) / 300)); };
  const double N0 = lambda / (mu * (1 - home * p));
  std::vector<double> back(days + 1, 0.0);  // re-entries on day t of children who left before T
  for (int a = 0; a < 6000; ++a) {
    const double Sa = S(a);
    double prev = 1.0;
    for (int t = 1; t <= days; ++t) {
      const double cur = std::pow(S(a + t) / Sa, f);
      back[t] += home * mu * N0 * Sa * (prev - cur);
      prev = cur;
    }
  }
  std::vector<double> N{N0}, home_leavers{0.0}, Sf(days + 1);
  for (int s = 0; s <= days; ++s) Sf[s] = std::pow(S(s), f);
  for (int t = 1; t <= days; ++t) {
    double r = back[t];
    for (int j = 1; j < t; ++j) r += home_leavers[j] * (Sf[t - j - 1] - Sf[t - j]);
    const double n = N.back();
    N.push_back(n - mu * n + lambda + r);
    home_leavers.push_back(home * mu * n);
  }
  return N;
}
}  // namespace

// The renewal calculation reproduces the hand-derived steady state without the lever (714.2,
// reentry_test.cpp), and gives, halving the re-entry hazard after a return home from the forecast
// date, 568.1 at one year and 556.2 at two (ratios 0.795 and 0.779 to the baseline; the new steady
// state is lambda / (mu (1 - 0.85 q)) with q = 1 - 0.5^0.5 the share of those home who come back
// in the end: 546.8, ratio 0.766); with no re-entry at all (factor 0), 418.4 and 410.9 (ratios
// 0.586 and 0.575; by hand lambda/mu + (N0 - lambda/mu) e^{-3.65} = 418.6 at one year, everyone in
// care at T leaving at 1/100 a day and nobody coming back). The simulation, with fitted hazards
// (re-entry's cumulative hazard at a year 1.8% low, reentry_test.cpp) and common random numbers,
// must give the same ratios within 0.03 (its 40 runs' noise on a ratio is ~0.01); with factor 0,
// no re-entry at all in any run.
TEST(ScenarioLevers, HalvingReentryAfterAReturnHomeLowersTheStockAsDerived) {
  const auto N1 = renewal(1.0, 731), Nh = renewal(0.5, 731), N0 = renewal(0.0, 731);
  EXPECT_NEAR(N1[365], 714.2, 0.1);
  EXPECT_NEAR(N1[730], 714.2, 0.1);
  EXPECT_NEAR(Nh[365] / N1[365], 0.795, 0.001);
  EXPECT_NEAR(Nh[730] / N1[730], 0.779, 0.001);
  EXPECT_NEAR(N0[365], 410.68 + (714.22 - 410.68) * std::exp(-3.65), 0.5);

  const History h = simulate_history(with_reentries(0.5));
  const MicrosimSettings s = reentry_settings();
  const MicrosimModel m = fit_microsim(h, s);
  const MicrosimResult base = simulate(m, s, Scenario{});
  Scenario half;
  half.name = "support after a return home";
  half.reentry_factor = 0.5;
  half.reentry_after = LeftHow::home;
  half.reentry_from = s.as_of + 1;
  EXPECT_FALSE(half.is_baseline());
  const MicrosimResult r = simulate(m, s, half);
  Scenario none = half;
  none.reentry_factor = 0.0;
  none.reentry_after = LeftHow::any;
  const MicrosimResult z = simulate(m, s, none);
  // Month ends from 30/04/2025: month 11 = 31/03/2026 (day 365), month 23 = 31/03/2027 (day 730).
  ASSERT_EQ(base.month_ends[11], Date::from_ymd(2026, 3, 31));
  for (auto [month, day] : {std::pair<size_t, int>{11, 365}, {23, 730}}) {
    const double b = mean_total(base, month);
    EXPECT_NEAR(b / 714.2, 1.0, 0.06) << month;  // as reentry_test.cpp
    EXPECT_NEAR(mean_total(r, month) / b, Nh[day] / N1[day], 0.03) << month;
    EXPECT_NEAR(mean_total(z, month) / b, N0[day] / N1[day], 0.03) << month;
  }
  double re_base = 0, re_half = 0, re_none = 0;
  for (size_t i = 0; i < base.reentries.size(); ++i) re_base += base.reentries[i], re_half += r.reentries[i], re_none += z.reentries[i];
  EXPECT_EQ(re_none, 0.0);
  EXPECT_LT(re_half, 0.8 * re_base);
}

// The lever for those who left any other way acts on nobody here (after an SGO the hazard of coming
// back is 0), so the forecast is the baseline's draw for draw.
TEST(ScenarioLevers, ReentryLeverActsOnlyOnTheLeaversNamed) {
  const History h = simulate_history(with_reentries(0.5));
  MicrosimSettings s = reentry_settings();
  s.years = 1;
  s.runs = 10;
  const MicrosimModel m = fit_microsim(h, s);
  const MicrosimResult base = simulate(m, s, Scenario{});
  Scenario other;
  other.reentry_factor = 0.5;
  other.reentry_after = LeftHow::other;
  const MicrosimResult r = simulate(m, s, other);
  EXPECT_EQ(r.by_kind, base.by_kind);
  EXPECT_EQ(r.reentries, base.reentries);
}

// Faster proceedings, by hand. The fitted hazard of leaving section 20 (with a year or more left in
// care) is 0 before day 91 and 1/9 a day from it (legal_status_test.cpp), and every change goes to
// a full care order (p = 1), so doubling the section 20 -> full care order hazard doubles it all:
// an entrant moves on day ceil(91 + E / (2/9)), mean 91 + 1/(1 - e^{-2/9}) = 96.0185 (baseline
// 100.509), and by Little's law (one entrant a day) 96.0 children are on section 20 once those on it
// at T have moved (months 6 and 12); halving it gives 91 + 1/(1 - e^{-1/18}) = 109.51. Legal status
// has its own random stream and does not act on leaving, so numbers by placement are the baseline's
// draw for draw, and everyone not on section 20 is on a full care order. Tolerance 2.5 (s.d. ~0.7
// over 200 runs, as in legal_status_test.cpp).
TEST(ScenarioLevers, FasterProceedingsShortenSection20ByHand) {
  const History h = section20_then_care_order();
  MicrosimSettings s;
  s.as_of = CollectionYear{2023}.end();
  s.years = 1;
  s.runs = 200;
  s.trend = false;
  s.parameter_uncertainty = false;
  const MicrosimModel m = fit_microsim(h, s);
  const MicrosimResult base = simulate(m, s, Scenario{});
  Scenario fast;
  fast.legal_change = LegalChangeLever{LegalGroup::section20, LegalGroup::full_care_order, 2.0, s.as_of + 1};
  EXPECT_FALSE(fast.is_baseline());
  const MicrosimResult r = simulate(m, s, fast);
  Scenario slow = fast;
  slow.legal_change->factor = 0.5;
  const MicrosimResult q = simulate(m, s, slow);
  EXPECT_EQ(r.by_kind, base.by_kind);
  const double by_hand_fast = 91 + 1 / (1 - std::exp(-2.0 / 9)), by_hand_slow = 91 + 1 / (1 - std::exp(-1.0 / 18));
  EXPECT_NEAR(by_hand_fast, 96.0185, 1e-4);
  EXPECT_NEAR(by_hand_slow, 109.51, 1e-2);
  for (size_t month : {5u, 11u}) {
    EXPECT_NEAR(mean_legal(base, month, LegalGroup::section20), 100.509, 2.5) << month;
    EXPECT_NEAR(mean_legal(r, month, LegalGroup::section20), by_hand_fast, 2.5) << month;
    EXPECT_NEAR(mean_legal(q, month, LegalGroup::section20), by_hand_slow, 2.5) << month;
    for (int run = 0; run < r.runs; ++run)
      EXPECT_EQ(r.legal(run, month, static_cast<int>(LegalGroup::section20)) +
                    r.legal(run, month, static_cast<int>(LegalGroup::full_care_order)),
                r.total(run, month));
  }
  // A lever on another group (interim care orders, which nobody holds) changes nothing.
  Scenario other;
  other.legal_change = LegalChangeLever{LegalGroup::interim_care_order, LegalGroup::full_care_order, 3.0, s.as_of + 1};
  EXPECT_EQ(simulate(m, s, other).by_legal, base.by_legal);
}

TEST(ScenarioLevers, TomlKeys) {
  Scenario sc;
  const auto err = parse_scenario_toml(R"(
[reentry]
factor = 0.5
after = "home"
from = 2025-04-01
[legal_status]
from_group = "interim_care_order"
to_group = "full_care_order"
change = 0.5
from = "2025-10-01"
)", sc);
  ASSERT_FALSE(err) << *err;
  EXPECT_DOUBLE_EQ(sc.reentry_factor, 0.5);
  EXPECT_EQ(sc.reentry_after, LeftHow::home);
  EXPECT_EQ(sc.reentry_from, Date::from_ymd(2025, 4, 1));
  EXPECT_TRUE(sc.reentry_applies(0));
  EXPECT_FALSE(sc.reentry_applies(1));
  ASSERT_TRUE(sc.legal_change.has_value());
  EXPECT_EQ(sc.legal_change->from_group, LegalGroup::interim_care_order);
  EXPECT_EQ(sc.legal_change->to_group, LegalGroup::full_care_order);
  EXPECT_DOUBLE_EQ(sc.legal_change->factor, 1.5);
  EXPECT_EQ(sc.legal_change->from, Date::from_ymd(2025, 10, 1));
  Scenario any;
  ASSERT_FALSE(parse_scenario_toml("[legal_status]\nfrom_group = \"section_20\"\nfactor = 2\n", any));
  EXPECT_FALSE(any.legal_change->to_group.has_value());
  Scenario bad;
  EXPECT_TRUE(parse_scenario_toml("[reentry]\nafter = \"home\"\n", bad));                      // no factor
  EXPECT_TRUE(parse_scenario_toml("[reentry]\nfactor = 0.5\nafter = \"sometimes\"\n", bad));  // unknown route
  EXPECT_TRUE(parse_scenario_toml("[reentry]\nfactor = -1\n", bad));
  EXPECT_TRUE(parse_scenario_toml("[legal_status]\nfrom_group = \"C1\"\nfactor = 2\n", bad));  // codes are not groups
  EXPECT_TRUE(parse_scenario_toml("[legal_status]\nfrom_group = \"section_20\"\nto_group = \"section_20\"\nfactor = 2\n", bad));
}

// The stock-flow model's re-entry shares, by hand on the history with known dynamics: new entrants
// arrive at lambda = 1,500 a year and re-entries at N mu h p = 3.035 a day = 1,108.6 a year in the
// steady state (reentry_test.cpp), so re-entries are 1,108.6 / 2,608.6 = 0.425 of all entries, all
// of them after a return home (nobody comes back after an SGO). With the re-entry lever at 0 from
// the start, the model's entries become the new entrants alone in every state, so its long-run
// stock (20 years on, where the starting stock has gone) falls to about 1 - 0.425 = 0.575 of the
// baseline's (exactly so if every state had the same share; tolerance 0.03). Entry changes now
// act on new entrants only: a 20% cut of every age scales entries by 1 - 0.2 (1 - r).
TEST(ScenarioLevers, StockFlowSeparatesReentriesFromNewEntrants) {
  const History h = simulate_history(with_reentries(0.5));
  const Date T = CollectionYear{2025}.end();
  const StockFlowModel m = fit_stock_flow(h, {T - 364, T, {}});
  const ReentryShares r = stock_flow_reentry_shares(h, m, T - 364, T);
  double all = 0, re_home = 0, re_other = 0;
  for (size_t s = 0; s < r.size(); ++s) {
    all += m.entries[s];
    re_home += m.entries[s] * r[s][0];
    re_other += m.entries[s] * r[s][1];
    EXPECT_LE(r[s][0] + r[s][1], 1.0 + 1e-12);
  }
  EXPECT_NEAR(re_home / all, 1108.6 / 2608.6, 0.03);
  EXPECT_EQ(re_other, 0.0);

  Scenario none;
  none.reentry_factor = 0.0;
  none.reentry_from = T + 1;
  const int days = 20 * 365;
  const auto base = project(m, days);
  const auto scen = project(m, days, stock_flow_entry_multiplier(none, m.space, T, r));
  EXPECT_NEAR(scen.total(days) / base.total(days), 1 - 1108.6 / 2608.6, 0.03);
  // Without the shares (the model as before) the lever cannot reach the stock-flow model.
  EXPECT_FALSE(stock_flow_entry_multiplier(none, m.space, T));

  Scenario cut;
  cut.entry_changes.push_back({0, 17, 0.8, T + 1});
  const auto mult = stock_flow_entry_multiplier(cut, m.space, T, r);
  for (int s = 0; s < m.space.in_care(); ++s)
    EXPECT_NEAR(mult(s, T + 10), 1 - 0.2 * (1 - r[s][0] - r[s][1]), 1e-12);
  EXPECT_NEAR(mult(0, T), 1.0, 1e-12);  // before the change's date
}
