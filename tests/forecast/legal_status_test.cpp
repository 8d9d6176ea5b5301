#include <gtest/gtest.h>

#include <cmath>

#include "careflow/forecast/forecast.hpp"
#include "careflow/forecast/microsim.hpp"
#include "hand_history.hpp"

using namespace careflow;
using namespace careflow::forecast;
using careflow::forecast::testing::add_hand_child;
using careflow::forecast::testing::mean_legal;
using careflow::forecast::testing::section20_then_care_order;

namespace {
// section20_then_care_order() (hand_history.hpp): 1,095 children entering on V2 and moving to C2
// after exactly 100 days; returns 2020/21 .. 2022/23; forecast from 31 March 2023 (day 1094).
MicrosimSettings settings() {
  MicrosimSettings s;
  s.as_of = CollectionYear{2023}.end();
  s.years = 1;
  s.runs = 200;
  s.trend = false;
  s.parameter_uncertainty = false;
  return s;
}
}  // namespace

TEST(LegalStatus, GroupsFollowDfEPublications) {
  auto g = [](const char* c) { return legal_group_of(codes::legal_status.find(c)); };
  EXPECT_EQ(g("C1"), LegalGroup::interim_care_order);
  EXPECT_EQ(g("C2"), LegalGroup::full_care_order);
  EXPECT_EQ(g("E1"), LegalGroup::placement_order);
  EXPECT_EQ(g("D1"), LegalGroup::placement_order);
  EXPECT_EQ(g("V2"), LegalGroup::section20);
  for (const char* c : {"L1", "L2", "L3"}) EXPECT_EQ(g(c), LegalGroup::detained) << c;
  for (const char* c : {"J1", "J2", "J3"}) EXPECT_EQ(g(c), LegalGroup::youth_justice) << c;
  for (const char* c : {"V3", "V4"}) EXPECT_EQ(g(c), LegalGroup::other) << c;
  EXPECT_EQ(legal_group_of(kNoCode), LegalGroup::other);
}

// By hand. The hazard of leaving section 20: no change before day 100, so 0 on the grid's
// intervals below [91, 122). In [91, 122): the 995 children who started by day 994 changed (9
// days at risk each, 8,955 days); the 100 still on V2 at T (durations 0..99) add
// 1 + 2 + ... + 8 = 36 days. Rate r = 995 / 8,991; later intervals, with no one at risk, carry it.
// Full care orders: no change, hazard 0. By the time to the end of care: only runs that began a
// year or more before T (days 0..729: 730 children, all still in care, so the band ">= 365
// days") count, 730 changes in 730 x 9 days: r2 = 1/9 exactly; the other bands have no data and
// fall back to r. Nobody leaves, so the simulation uses r2. Entrants: all on V2. An entrant's
// change falls at ceil(91 + E/r2) days, E ~ Exp(1), whose mean is 91 + 1 / (1 - e^{-1/9}) =
// 100.509; with one entrant a day and nobody leaving, by Little's law the expected number on V2
// once the children in care at T have all moved (months 6 and 12) is 100.509, and everyone else
// is on a full care order. Poisson noise: s.d. ~10 a run, 0.7 over 200 runs; tolerance 2.5.
TEST(LegalStatus, Section20ThenCareOrderAfterExactly100Days) {
  const History h = section20_then_care_order();
  const MicrosimSettings s = settings();
  const MicrosimModel m = fit_microsim(h, s);
  const auto v2 = static_cast<int>(LegalGroup::section20), c2 = static_cast<int>(LegalGroup::full_care_order);
  const int band = 1;  // aged 2: band 1-4
  const double r = 995.0 / 8991.0;
  const Hazard& hz = m.legal_change[v2][band];
  EXPECT_DOUBLE_EQ(hz.cumulative(91), 0.0);
  EXPECT_NEAR(hz.cumulative(122) - hz.cumulative(91), 31 * r, 1e-12);
  EXPECT_NEAR(hz.cumulative(200) - hz.cumulative(122), 78 * r, 1e-12);
  EXPECT_DOUBLE_EQ(m.legal_change[c2][band].cumulative(5000), 0.0);
  const Hazard& h2 = m.legal_change_by_remaining[v2][band][2];
  EXPECT_DOUBLE_EQ(h2.cumulative(91), 0.0);
  EXPECT_NEAR(h2.cumulative(122) - h2.cumulative(91), 31.0 / 9, 1e-12);
  EXPECT_NEAR(m.legal_change_by_remaining[v2][band][0].cumulative(122) - m.legal_change_by_remaining[v2][band][0].cumulative(91),
              31 * r, 1e-12);
  // Entrants start on V2; a change from V2 goes to C2.
  EXPECT_DOUBLE_EQ(m.first_legal[2].back(), m.first_legal[2][v2]);
  EXPECT_DOUBLE_EQ(m.first_legal[2][v2 - 1], 0.0);
  EXPECT_DOUBLE_EQ(m.legal_next[v2][band][c2] - m.legal_next[v2][band][c2 - 1], m.legal_next[v2][band].back());
  // Children in care at T carry their status and its start.
  ASSERT_EQ(m.in_care.size(), 1095u);
  int on_v2 = 0;
  for (const auto& c : m.in_care) on_v2 += c.legal == LegalGroup::section20;
  EXPECT_EQ(on_v2, 100);

  const MicrosimResult res = simulate(m, s, Scenario{});
  const double expected_v2 = 91 + 1 / (1 - std::exp(-1.0 / 9));
  EXPECT_NEAR(expected_v2, 100.509, 0.001);
  for (size_t month : {5u, 11u}) {
    EXPECT_NEAR(mean_legal(res, month, LegalGroup::section20), expected_v2, 2.5) << month;
    for (auto g : {LegalGroup::interim_care_order, LegalGroup::placement_order, LegalGroup::detained, LegalGroup::youth_justice,
                   LegalGroup::other})
      EXPECT_EQ(mean_legal(res, month, g), 0.0);
    // Every child is in exactly one group: the legal tallies add up to the total run by run.
    for (int run = 0; run < res.runs; ++run)
      ASSERT_EQ(res.legal(run, month, v2) + res.legal(run, month, c2), res.total(run, month));
  }
  // In the first month the 100 children on V2 at T are still mostly there: those with durations
  // under 61 days at T (61 of them) cannot have moved by 30 April (at most 91 days), so at least
  // 61 plus April's entrants (mean 30, none of whom can move) are on V2.
  for (int run = 0; run < res.runs; ++run) EXPECT_GE(res.legal(run, 0, v2), 61.0f);
}

// The legal status pathway has its own random stream: making it different leaves every other
// output of every run identical (totals, kinds, spend), so adding it moved no earlier figure.
TEST(LegalStatus, PathwayDoesNotDisturbTheOtherDraws) {
  const History h = section20_then_care_order();
  MicrosimSettings s = settings();
  s.runs = 20;
  s.parameter_uncertainty = true;
  const MicrosimModel m = fit_microsim(h, s);
  MicrosimModel m2 = m;
  for (auto& a : m2.first_legal) a = {1, 1, 1, 1, 1, 1, 1};  // entrants on interim care orders instead
  for (auto& a : m2.first_legal_by_remaining)
    for (auto& r : a) r = {1, 1, 1, 1, 1, 1, 1};
  const MicrosimResult a = simulate(m, s, Scenario{}), b = simulate(m2, s, Scenario{});
  EXPECT_EQ(a.by_kind, b.by_kind);
  EXPECT_EQ(a.by_band, b.by_band);
  EXPECT_EQ(a.spend, b.spend);
  EXPECT_NE(a.by_legal, b.by_legal);
}

// The CLI's and report's table: one row per month end and group, percentiles ordered.
TEST(LegalStatus, ForecastTableHasEveryGroupEveryMonth) {
  const History h = section20_then_care_order();
  ForecastSettings fs;
  fs.as_of = CollectionYear{2023}.end();
  fs.years = 1;
  fs.runs = 20;
  fs.trend = false;
  const ModelRun run = run_models(h, fs, Scenario{});
  const auto tables = forecast_tables(fs, Scenario{}, run);
  const OutputTable* t = nullptr;
  for (const auto& x : tables)
    if (x.id == "forecast_by_legal_status") t = &x;
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->rows.size(), 12u * kLegalGroupCount);
}

// Legal status by the time to the end of care, on a hand-built history: 200 children enter on
// section 20 on 1 April 2019 .. 2021 (one every ~5 days). Odd ones go home on section 20 after 50
// days (E4A); even ones move to an interim care order after 60 days and stay. Forecast from
// 31 March 2023; every run began a year or more before it. By hand, section 20 with < 182 days
// to the end of care: no change ever (hazard 0); with >= 365 days: every child changes at day 60,
// at risk 60 - 30 = 30 days each in [30, 61) -- rate 1/30 there, 0 before. Pooled over both
// (legal_change), [30, 61) has 100 changes in 100 x 30 + 100 x 20 days: rate 1/50.
TEST(LegalStatus, ChangeHazardDependsOnTheTimeLeftInCare) {
  History h;
  for (int y = 2020; y <= 2023; ++y) h.years.push_back(CollectionYear{y});
  const Date first = Date::from_ymd(2019, 4, 1);
  for (int i = 0; i < 200; ++i) {
    const Date d = first + i * 5;
    if (i % 2) add_hand_child(h, d - 3000, {{{d, d + 50, "V2", "E4A"}}});
    else add_hand_child(h, d - 3000, {{{d, d + 60, "V2", "X1"}, {d + 60, Date::open(), "C1", ""}}});
  }
  MicrosimSettings s;
  s.as_of = CollectionYear{2023}.end();
  s.trend = false;
  const MicrosimModel m = fit_microsim(h, s);
  const auto v2 = static_cast<int>(LegalGroup::section20);
  ASSERT_EQ(age_on(first - 3000, first), 8);  // 3000 days: 8.2 years, band 5-9
  auto rate_in = [](const Hazard& hz, double a, double b) { return (hz.cumulative(b) - hz.cumulative(a)) / (b - a); };
  const int b = 2;
  EXPECT_DOUBLE_EQ(m.legal_change_by_remaining[v2][b][0].cumulative(400), 0.0);
  EXPECT_DOUBLE_EQ(m.legal_change_by_remaining[v2][b][2].cumulative(30), 0.0);
  EXPECT_NEAR(rate_in(m.legal_change_by_remaining[v2][b][2], 30, 61), 1.0 / 30, 1e-12);
  EXPECT_NEAR(rate_in(m.legal_change[v2][b], 30, 61), 1.0 / 50, 1e-12);
}

// The status at entry by the length of the period (the exit is drawn first). One child a day
// enters care, aged 2, on 1 April 2019 .. 31 March 2023 (i = 0 .. 1460; returns 2019/20 ..
// 2022/23; forecast from 31 March 2023 = day 1460): odd ones on section 20, going home after 50
// days (still open at T if that is later), even ones on an interim care order, staying. By hand,
// the periods that began 1-4 years before T (i = 0 .. 1094, all ended or open a year on) are 547
// on V2 lasting 50 days (band < 182) and 548 on C1 still open (band >= 365), nothing in between
// (empty: the mix of all entrants, here half and half). Nobody changes status. So in the
// simulation an entrant is on V2 exactly when its stay is under 182 days; with S the fitted
// survival in care (nobody leaves after day 61, so S(181) = S(infinity)) and lambda entrants a
// day, entrants on V2 at 31 March 2024 (day 366) number sum_{k=0}^{365} lambda (S(k) - S(181)):
// in care k days after entry and leaving by day 181. The 25 children on V2 at T (durations
// u = 1, 3, .., 49) keep it and are still there with probability S(366 + u) / S(u). Without the
// length, half the entrants who stay (~0.54 x 366 / 2 ~ 100) would be on V2 as well.
TEST(LegalStatus, StatusAtEntryDependsOnTheLengthOfTheStay) {
  History h;
  for (int y = 2020; y <= 2023; ++y) h.years.push_back(CollectionYear{y});
  const Date first = Date::from_ymd(2019, 4, 1), T = CollectionYear{2023}.end();
  ASSERT_EQ(T - first, 1460);
  for (int i = 0; i <= 1460; ++i) {
    const Date d = first + i;
    if (i % 2 == 0) add_hand_child(h, d - 830, {{{d, Date::open(), "C1", ""}}});
    else if (d + 50 <= T) add_hand_child(h, d - 830, {{{d, d + 50, "V2", "E4A"}}});
    else add_hand_child(h, d - 830, {{{d, Date::open(), "V2", ""}}});
  }
  MicrosimSettings s = settings();
  // The status at entry alone: children on section 20 at T would otherwise leave by their
  // status's ratio too (ChildrenInCareLeaveByTheirStatus), which the sum below does not model.
  s.exits_by_legal_status = false;
  const MicrosimModel m = fit_microsim(h, s);
  const auto v2 = static_cast<size_t>(LegalGroup::section20), c1 = static_cast<size_t>(LegalGroup::interim_care_order);
  ASSERT_EQ(age_on(first - 830, first), 2);
  for (int a = 0; a < 18; ++a) {  // one age only: every age borrows it
    const auto& short_stay = m.first_legal_by_remaining[a][0];
    const auto& long_stay = m.first_legal_by_remaining[a][2];
    ASSERT_EQ(short_stay.size(), static_cast<size_t>(kLegalGroupCount));
    ASSERT_EQ(long_stay.size(), static_cast<size_t>(kLegalGroupCount));
    EXPECT_DOUBLE_EQ(short_stay.back(), 547.0);
    EXPECT_DOUBLE_EQ(short_stay[v2] - short_stay[v2 - 1], 547.0);
    EXPECT_DOUBLE_EQ(long_stay.back(), 548.0);
    EXPECT_DOUBLE_EQ(long_stay[c1], 548.0);  // C1 is the first group
    EXPECT_TRUE(m.first_legal_by_remaining[a][1].empty());
  }
  // Entrants of the last 3 years (i = 365 .. 1460): 548 on each.
  EXPECT_DOUBLE_EQ(m.first_legal[2][c1], 548.0);
  EXPECT_DOUBLE_EQ(m.first_legal[2].back(), 1096.0);

  const Hazard& leave = m.leave[2];
  auto S = [&](double t) { return std::exp(-leave.cumulative(t)); };
  ASSERT_NEAR(S(181), S(5000), 1e-12);  // nobody leaves after day 61
  ASSERT_GT(1 - S(181), 0.3);
  double lambda = 0;
  for (double x : m.arrivals_per_day) lambda += x;
  double expected = 0;
  for (int k = 0; k <= 365; ++k) expected += lambda * std::max(0.0, S(k) - S(181));
  int at_t = 0;
  for (const auto& c : m.in_care)
    if (c.legal == LegalGroup::section20) {
      const double u = T - c.period_start;
      expected += S(366 + u) / S(u), ++at_t;
    }
  EXPECT_EQ(at_t, 25);
  const MicrosimResult res = simulate(m, s, Scenario{});
  // Poisson noise: ~sqrt(expected) a run, under 0.5 over 200 runs; tolerance 2.
  EXPECT_NEAR(mean_legal(res, 11, LegalGroup::section20), expected, 2.0);
  EXPECT_GT(expected, 15.0);
  EXPECT_LT(expected, 45.0);
}

// The runs a forecast can afford (issue #13 item 5). By hand: at 31 March 2025, A (in care since
// 2023) and B (from 1 June 2024) are in care, and B and C (1 October 2024 to 1 January 2025)
// started in the year to then: a 5-year run simulates 2 + 2 x 5 = 12 children. A budget of 6,000
// affords 500 runs; a huge one the most (1,000); one of 12 the fewest (200).
TEST(ForecastRuns, WithinABudgetOfSimulatedChildren) {
  History h;
  for (int y = 2023; y <= 2025; ++y) h.years.push_back(CollectionYear{y});
  const Date T = Date::from_ymd(2025, 3, 31);
  add_hand_child(h, Date::from_ymd(2010, 1, 1), {{{Date::from_ymd(2022, 6, 1), Date::open(), "C2", ""}}});
  add_hand_child(h, Date::from_ymd(2012, 1, 1), {{{Date::from_ymd(2024, 6, 1), Date::open(), "V2", ""}}});
  add_hand_child(h, Date::from_ymd(2014, 1, 1), {{{Date::from_ymd(2024, 10, 1), Date::from_ymd(2025, 1, 1), "V2", "E4A"}}});
  EXPECT_DOUBLE_EQ(forecast::simulated_children_per_run(h, T, 5), 12.0);
  EXPECT_EQ(forecast::runs_within_budget(h, T, 5, 1000, 200, 6000), 500);
  EXPECT_EQ(forecast::runs_within_budget(h, T, 5, 1000, 200, 1e12), 1000);
  EXPECT_EQ(forecast::runs_within_budget(h, T, 5, 1000, 200, 12), 200);
}

// Leaving by legal status at the origin (MicrosimModel::legal_exit_observed). One child a day
// enters care, aged 5, from 1 April 2018 to 31 March 2023 (returns 2018/19 .. 2022/23, forecast
// from 31 March 2023): odd ones on section 20, going home after exactly 300 days; even ones on a
// full care order, staying. The leaving hazard (by age at entry and time in care) does not know
// the status: at 300 days half of those in care leave. By hand, at each anniversary c of the
// origin (T - 1 .. T - 4 years; T - 5 years is the data's first day, when the one child in care
// is on a care order) the children on section 20 then are those who entered in the 300 days up
// to c, 150 of them, and all leave before T: 600 exits observed; none on care orders. The
// expected exits are shared between the two groups (as many of each cross day 300 between c and
// T, and nobody leaves at any other time in care), so section 20's
// ratio is about 2 and care orders' about 0 (shrunk by 10 pseudo-exits: 10 / (E + 10)), each
// relative to all groups' (about 1 here).
TEST(LegalStatus, ChildrenInCareLeaveByTheirStatus) {
  History h;
  for (int y = 2019; y <= 2023; ++y) h.years.push_back(CollectionYear{y});
  const Date first = Date::from_ymd(2018, 4, 1), T = CollectionYear{2023}.end();
  int i = 0;
  for (Date d = first; d <= T; d = d + 1, ++i) {
    const Date dob = Date::from_ymd(2013, 1, 1) + (d - first);
    if (i % 2 && d + 300 <= T) add_hand_child(h, dob, {{{d, d + 300, "V2", "E4A"}}});
    else if (i % 2) add_hand_child(h, dob, {{{d, Date::open(), "V2", ""}}});
    else add_hand_child(h, dob, {{{d, Date::open(), "C2", ""}}});
  }
  MicrosimSettings s = settings();
  ASSERT_EQ(s.as_of, T);
  const MicrosimModel m = fit_microsim(h, s);
  const auto v2 = static_cast<int>(LegalGroup::section20), c2 = static_cast<int>(LegalGroup::full_care_order);
  EXPECT_DOUBLE_EQ(m.legal_exit_observed[v2], 600.0);
  EXPECT_DOUBLE_EQ(m.legal_exit_observed[c2], 0.0);
  // Each group's children cross day 300 alike: 150 a year each, four years.
  EXPECT_NEAR(m.legal_exit_expected[v2], m.legal_exit_expected[c2], 0.1 * m.legal_exit_expected[c2]);
  EXPECT_GT(m.legal_exit_ratio(v2), 1.6);
  EXPECT_LT(m.legal_exit_ratio(c2), 0.05);
  // Relative to all groups' observed / expected (600 / (E_v2 + E_c2), the other groups empty).
  const double level = 600.0 / (m.legal_exit_expected[v2] + m.legal_exit_expected[c2]);
  EXPECT_DOUBLE_EQ(m.legal_exit_level(), level);
  EXPECT_NEAR(m.legal_exit_ratio(c2), 10.0 / (m.legal_exit_expected[c2] + 10.0) / level, 1e-12);
  EXPECT_NEAR(m.legal_exit_ratio(v2), 610.0 / (m.legal_exit_expected[v2] + 10.0) / level, 1e-12);

  // In the forecast the children on section 20 at T leave sooner, those on care orders later.
  s.exits_by_legal_status = false;
  const MicrosimModel without = fit_microsim(h, s);
  EXPECT_DOUBLE_EQ(without.legal_exit_expected[v2], 0.0);
  const MicrosimResult r_with = simulate(m, settings(), Scenario{});
  const MicrosimResult r_without = simulate(without, s, Scenario{});
  const size_t month = 8;  // 31 December 2023, 275 days on
  ASSERT_EQ(r_with.month_ends[month], Date::from_ymd(2023, 12, 31));
  EXPECT_LT(mean_legal(r_with, month, LegalGroup::section20), mean_legal(r_without, month, LegalGroup::section20));
  EXPECT_GT(mean_legal(r_with, month, LegalGroup::full_care_order), mean_legal(r_without, month, LegalGroup::full_care_order));
  // By then every child on section 20 at T who had 275 days or more (all but those who entered in
  // the last 25 days: 12 or 13) has gone home in fact; with the ratio the forecast keeps fewer of
  // them than without: of the 150 on section 20 at T, without it about half stay past day 300.
}
