#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <tuple>

#include "careflow/forecast/backtest.hpp"
#include "careflow/forecast/forecast.hpp"
#include "careflow/forecast/simulated_history.hpp"

using namespace careflow;
using namespace careflow::forecast;

// Stock-flow model built by hand: entrants 2 a day into 10-15 fostering, leaving care at 1/200 a
// day and ageing into 16+ at 1/1000 a day; 16+ leave at 1/300. Steady state: N(10-15) =
// 2 / (1/200 + 1/1000) = 333.33 and N(16+) = N(10-15) (1/1000) / (1/300) = 100. Cutting entries of
// 10-15s by 20% moves both steady states down by 20%: 266.67 and 80.
TEST(Scenario, EntryCutMovesTheStockFlowSteadyStateByHand) {
  StockFlowModel m;
  const auto& sp = m.space;
  const int S = sp.size();
  const int teen = sp.state(3, Broad::fostering), older = sp.state(4, Broad::fostering);
  m.rate.assign(S, std::vector<double>(S, 0.0));
  m.entries.assign(S, 0.0);
  m.initial.assign(S, 0.0);
  m.rate[teen][sp.not_in_care(3)] = 1.0 / 200;
  m.rate[teen][older] = 1.0 / 1000;
  m.rate[older][sp.not_in_care(4)] = 1.0 / 300;
  m.entries[teen] = 2;
  m.initial[teen] = 1000.0 / 3;
  m.initial[older] = 100;
  m.start = Date::from_ymd(2025, 3, 31);
  const int days = 20 * 365;
  const auto base = project(m, days);
  EXPECT_NEAR(base.mean[days - 1][teen], 1000.0 / 3, 1e-6);
  EXPECT_NEAR(base.mean[days - 1][older], 100, 1e-6);
  Scenario cut;
  cut.entry_changes.push_back({10, 15, 0.8, m.start + 1});
  const auto scen = project(m, days, stock_flow_entry_multiplier(cut, sp, m.start));
  EXPECT_NEAR(scen.mean[days - 1][teen], 800.0 / 3, 1e-3);
  EXPECT_NEAR(scen.mean[days - 1][older], 80, 1e-3);
  // A change to ages 14-15 only covers 2 of the band's 6 years: factor 1 - 0.2 * 2/6.
  Scenario part;
  part.entry_changes.push_back({14, 15, 0.8, m.start + 1});
  const auto p = project(m, days, stock_flow_entry_multiplier(part, sp, m.start));
  EXPECT_NEAR(p.mean[days - 1][teen], 1000.0 / 3 * (1 - 0.2 / 3), 1e-3);
}

TEST(Scenario, TomlFileIsRead) {
  Scenario sc;
  const auto err = parse_scenario_toml(R"(
name = "edge of care"
population_growth = 0.01
[[entries]]
ages = [10, 15]
change = -0.20
from = 2025-04-01
[return_home]
factor = 1.25
within_days = 182
from = "2025-04-01"
[[shift]]
from_kind = "foster_ifa"
to_kind = "foster_in_house"
children = 21
start = 2025-04-01
end = 2028-03-31
[costs]
inflation = 0.03
[costs.weekly]
foster_ifa = 1000
)", sc);
  ASSERT_FALSE(err) << *err;
  EXPECT_EQ(sc.name, "edge of care");
  ASSERT_EQ(sc.entry_changes.size(), 1u);
  EXPECT_DOUBLE_EQ(sc.entry_changes[0].factor, 0.8);
  EXPECT_EQ(sc.entry_changes[0].age_from, 10);
  EXPECT_EQ(sc.entry_changes[0].from, Date::from_ymd(2025, 4, 1));
  EXPECT_DOUBLE_EQ(sc.return_home_factor, 1.25);
  EXPECT_EQ(sc.return_home_from, Date::from_ymd(2025, 4, 1));
  ASSERT_EQ(sc.shifts.size(), 1u);
  EXPECT_EQ(sc.shifts[0].to_kind, Kind::foster_in_house);
  // Half-way through the three years, half the children have moved.
  const Date mid = Date::from_ymd(2025, 4, 1) + (Date::from_ymd(2028, 3, 31) - Date::from_ymd(2025, 4, 1)) / 2;
  EXPECT_NEAR(sc.shifted(sc.shifts[0], mid), 10.5, 0.01);
  EXPECT_DOUBLE_EQ(sc.costs.weekly[static_cast<size_t>(Kind::foster_ifa)], 1000);
  EXPECT_FALSE(sc.costs.illustrative);
  // Inflation steps each April: 2026-27 is the second forecast year from a 31/03/2025 origin.
  EXPECT_NEAR(sc.costs.inflation_factor(Date::from_ymd(2026, 6, 1), Date::from_ymd(2025, 3, 31)), 1.03, 1e-12);
  EXPECT_NEAR(sc.costs.inflation_factor(Date::from_ymd(2025, 6, 1), Date::from_ymd(2025, 3, 31)), 1.0, 1e-12);
  // Growth 1% a year compounds daily on entries (365 days = 365/365.25 years); the 20% cut applies
  // to 12-year-olds from April 2025.
  EXPECT_NEAR(sc.entry_multiplier(12, Date::from_ymd(2026, 3, 31), Date::from_ymd(2025, 3, 31)),
              0.8 * std::pow(1.01, 365 / 365.25), 1e-12);
  EXPECT_NEAR(sc.entry_multiplier(5, Date::from_ymd(2025, 3, 31), Date::from_ymd(2025, 3, 31)), 1.0, 1e-12);
  Scenario bad;
  EXPECT_TRUE(parse_scenario_toml("[[shift]]\nfrom_kind = \"nonsense\"\n", bad));
  EXPECT_TRUE(parse_scenario_toml("name = ", bad));
}

// Summary arithmetic on two hand-made points: errors +10% and -5%: MAPE 7.5, bias +2.5; the
// first actual (100) is outside its 80% interval [95, 105], the second inside.
TEST(Backtest, SummaryArithmetic) {
  std::vector<BacktestPoint> pts{
      {"microsim", "total", Date::from_ymd(2020, 3, 31), 1, 100, 110, 105, 115, 95, 125, true},
      {"microsim", "total", Date::from_ymd(2021, 3, 31), 1, 200, 190, 180, 220, 170, 230, true}};
  const auto s = summarise(pts);
  ASSERT_EQ(s.size(), 2u);  // horizon "all" and 1y
  for (const auto& x : s) {
    EXPECT_NEAR(x.mape, 7.5, 1e-12);
    EXPECT_NEAR(x.bias, 2.5, 1e-12);
    EXPECT_NEAR(x.cover80, 50, 1e-12);
    EXPECT_NEAR(x.cover95, 100, 1e-12);
  }
}

// On a small simulated history: origins are the 31 Marches with three years before and one after;
// actual and naive values agree with the core's own count of children looked after.
TEST(Backtest, OriginsAndActualsFromTheHistory) {
  SimulatedHistorySettings ss;
  ss.first_year = 2018;
  ss.last_year = 2024;
  ss.entrants_per_year = 120;
  ss.seed = 4;
  const History h = simulate_history(ss);
  BacktestSettings bs;
  bs.runs = 20;
  const auto pts = backtest(h, bs);
  // Data 01/04/2017 to 31/03/2024. Origins need three years before (from 31/03/2020: exactly
  // 1,095 days) and one after: 31/03/2020, 2021, 2022, 2023 with horizons up to 3, 3, 2, 1
  // years: 9 (origin, horizon) pairs x (3 models x 5 measures + 2 models x 7 legal status groups),
  // and the presented forecast's copy of one of them for each measure (5 + 7).
  EXPECT_EQ(pts.size(), 9u * (4 * 5 + 3 * 7));
  // Every simulated child is on a full care order (C2) throughout: by legal status, the full care
  // order's points are the total's exactly (actual, microsimulation mean and intervals, naive) and
  // every other group is 0 in the returns and in every run.
  std::map<std::tuple<std::string, int, int>, const BacktestPoint*> totals;
  for (const auto& p : pts)
    if (p.measure == "total") totals[{p.model, p.origin.days(), p.horizon}] = &p;
  int legal_points = 0;
  for (const auto& p : pts) {
    if (!p.measure.starts_with(kLegalMeasurePrefix)) continue;
    ++legal_points;
    EXPECT_NE(p.model, "stock_flow");
    EXPECT_NE(p.chosen, "stock_flow");
    if (p.measure == "ls_full_care_order") {
      const auto* t = totals.at({p.model, p.origin.days(), p.horizon});
      EXPECT_DOUBLE_EQ(p.actual, t->actual);
      EXPECT_NEAR(p.forecast, t->forecast, 1e-3);
      EXPECT_NEAR(p.lo80, t->lo80, 1e-3);
      EXPECT_NEAR(p.hi95, t->hi95, 1e-3);
    } else {
      EXPECT_EQ(p.actual, 0.0) << p.measure;
      EXPECT_EQ(p.forecast, 0.0) << p.measure;
      EXPECT_EQ(p.hi95, 0.0) << p.measure;
    }
  }
  EXPECT_EQ(legal_points, 9 * 3 * 7);
  for (const auto& p : pts) {
    if (p.measure != "total") continue;
    const Date target = Date::from_ymd(p.origin.year() + p.horizon, 3, 31);
    EXPECT_EQ(p.actual, static_cast<double>(h.count_looked_after_on(target)));
    if (p.model == "naive") {
      EXPECT_EQ(p.forecast, static_cast<double>(h.count_looked_after_on(p.origin)));
    }
    if (p.model == "microsim") {
      EXPECT_LE(p.lo95, p.lo80);
      EXPECT_LE(p.lo80, p.hi80);
      EXPECT_LE(p.hi80, p.hi95);
    }
  }
}

// The presented forecast: the average of the microsimulation's and no change's, with the
// microsimulation's intervals moved to it. By hand: origins 31 March 2019, 2020, 2021, horizon 1
// year, actual 100 each time; the microsimulation forecasts 110 (interval 90-130, 80-140), the
// stock-flow model 120, no change 95: presented (110 + 95) / 2 = 102.5, intervals 82.5-122.5 and
// 72.5-132.5, 2.5% off each time. Its evidence after 31 March 2022: three forecasts, MAPE 2.5%;
// the best single model no change, 5%.
TEST(Backtest, PresentedForecastIsTheAverageOfTheMicrosimulationAndNoChange) {
  std::vector<BacktestPoint> pts;
  for (int y : {2019, 2020, 2021}) {
    const Date origin = Date::from_ymd(y, 3, 31);
    pts.push_back({"microsim", "total", origin, 1, 100, 110, 90, 130, 80, 140, true});
    pts.push_back({"stock_flow", "total", origin, 1, 100, 120, 100, 140, 90, 150, true});
    pts.push_back({"naive", "total", origin, 1, 100, 95, 0, 0, 0, 0, false});
  }
  // A measure with no change's forecast missing: the microsimulation's is presented as it is.
  pts.push_back({"microsim", "fostering", Date::from_ymd(2019, 3, 31), 1, 50, 55, 45, 65, 40, 70, true});
  const auto presented = presented_points(pts);
  ASSERT_EQ(presented.size(), 4u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(presented[i].model, "presented");
    EXPECT_EQ(presented[i].chosen, "combined");
    EXPECT_DOUBLE_EQ(presented[i].forecast, 102.5);
    EXPECT_DOUBLE_EQ(presented[i].lo80, 82.5);
    EXPECT_DOUBLE_EQ(presented[i].hi80, 122.5);
    EXPECT_DOUBLE_EQ(presented[i].lo95, 72.5);
    EXPECT_DOUBLE_EQ(presented[i].hi95, 132.5);
    EXPECT_TRUE(presented[i].has_interval);
  }
  EXPECT_EQ(presented[3].chosen, "microsim");
  EXPECT_DOUBLE_EQ(presented[3].forecast, 55);
  // Before any outcome is known (31 March 2019): no evidence yet.
  const auto then = choose_presented(pts, "total", Date::from_ymd(2019, 3, 31));
  EXPECT_EQ(then.model, "combined");
  EXPECT_EQ(then.evidence, 0u);
  // After the last outcome (31 March 2022): 2.5% over three, against no change's 5.0%.
  const auto now = choose_presented(pts, "total", Date::from_ymd(2022, 3, 31));
  EXPECT_EQ(now.model, "combined");
  EXPECT_EQ(now.evidence, 3u);
  EXPECT_DOUBLE_EQ(now.mape, 2.5);
  EXPECT_EQ(now.next_model, "naive");
  EXPECT_DOUBLE_EQ(now.next_mape, 5.0);
  const auto fostering = choose_presented(pts, "fostering", Date::from_ymd(2022, 3, 31));
  EXPECT_EQ(fostering.model, "microsim");
  EXPECT_EQ(fostering.evidence, 1u);
  EXPECT_NEAR(fostering.mape, 10.0, 1e-12);
  EXPECT_TRUE(fostering.next_model.empty());
  // The presented forecasts' summary: MAPE 2.5; every interval held 100.
  std::vector<BacktestPoint> all = pts;
  all.insert(all.end(), presented.begin(), presented.end());
  bool found = false;
  for (const auto& x : summarise(all))
    if (x.model == "presented" && x.measure == "total" && x.horizon == 0) {
      found = true;
      EXPECT_NEAR(x.mape, 2.5, 1e-9);
      EXPECT_DOUBLE_EQ(x.cover80, 100.0);
    }
  EXPECT_TRUE(found);
}
