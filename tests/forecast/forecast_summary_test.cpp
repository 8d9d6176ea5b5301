// A forecast's headline figures as typed values (summarise_forecast), from a model run built by
// hand, and the tables made from them. Percentiles are type 7 (R's default): of n sorted values
// the p-th is at position h = (n - 1) p, interpolated between its neighbours.
#include <gtest/gtest.h>

#include "careflow/forecast/forecast.hpp"

namespace careflow::forecast {
namespace {

// Origin 31 March 2025, 61 days (1 April to 31 May 2025), two month ends, five runs.
//   Numbers in care (kind 0 only): April 10, 20, 30, 40, 50 by run; May 100..104.
//     April: h = 4p: p5 = 10 + 0.2 x 10 = 12, p25 = 20, p50 = 30, p75 = 40, p95 = 40 + 0.8 x 10 = 48; mean 30.
//     May: p5 = 100.2, p25 = 101, p50 = 102, p75 = 103, p95 = 103.8; mean 102.
//   Full care orders in April: 1..5 by run: p5 = 1.2, p50 = 3, p95 = 4.8; other groups 0.
//   Stock-flow: one state in care, expected 200 + day; variance 100 on day 30 (s.d. 10: band
//     230 +/- 19.6 = 210.4 to 249.6) and 1e6 on day 61 (s.d. 1000: 261 - 1960 < 0, so the band is
//     0 to 2221).
//   Spend: run r spends 1000 (r + 1) in April, nothing in May: financial year 2025-26 totals
//     1000..5000, p5 = 1200, p50 = 3000, p95 = 4800, mean 3000; the stock-flow model spends 100
//     a day, 61 days in the year: 6100.
ModelRun hand_run() {
  ModelRun run;
  auto& r = run.microsim;
  r.start = Date::from_ymd(2025, 3, 31);
  r.days = 61;
  r.runs = 5;
  r.month_ends = {Date::from_ymd(2025, 4, 30), Date::from_ymd(2025, 5, 31)};
  r.by_kind.assign(size_t(5 * 2 * kKindCount), 0.0f);
  r.by_legal.assign(size_t(5 * 2 * kLegalGroupCount), 0.0f);
  r.spend.assign(5 * 2, 0.0);
  for (int run_i = 0; run_i < 5; ++run_i) {
    r.by_kind[size_t((run_i * 2 + 0) * kKindCount)] = float(10 * (run_i + 1));
    r.by_kind[size_t((run_i * 2 + 1) * kKindCount)] = float(100 + run_i);
    r.by_legal[size_t((run_i * 2 + 0) * kLegalGroupCount + int(LegalGroup::full_care_order))] = float(run_i + 1);
    r.spend[size_t(run_i * 2)] = 1000.0 * (run_i + 1);
  }
  r.first_fy = 2026;
  r.fy_count = 1;
  auto& p = run.projection;
  p.start = r.start;
  p.in_care_states = 1;
  for (int d = 1; d <= 61; ++d) {
    p.mean.push_back({200.0 + d});
    p.variance.push_back({d == 61 ? 1e6 : 100.0});
  }
  run.stock_flow_daily_spend.assign(61, 100.0);
  return run;
}

ForecastSettings hand_settings() {
  ForecastSettings s;
  s.as_of = Date::from_ymd(2025, 3, 31);
  s.seed = 7;
  return s;
}

TEST(ForecastSummary, FromAHandBuiltRun) {
  const ForecastSummary f = summarise_forecast(hand_settings(), hand_run());
  EXPECT_EQ(f.runs, 5);
  EXPECT_EQ(f.seed, 7u);
  ASSERT_EQ(f.total.size(), 2u);
  const auto& apr = f.total[0];
  EXPECT_EQ(apr.month_end, Date::from_ymd(2025, 4, 30));
  EXPECT_NEAR(apr.microsim.p5, 12, 1e-9);
  EXPECT_NEAR(apr.microsim.p25, 20, 1e-9);
  EXPECT_NEAR(apr.microsim.p50, 30, 1e-9);
  EXPECT_NEAR(apr.microsim.p75, 40, 1e-9);
  EXPECT_NEAR(apr.microsim.p95, 48, 1e-9);
  EXPECT_NEAR(apr.microsim_mean, 30, 1e-9);
  EXPECT_NEAR(apr.stock_flow, 230, 1e-9);
  EXPECT_NEAR(apr.stock_flow_low, 210.4, 1e-9);
  EXPECT_NEAR(apr.stock_flow_high, 249.6, 1e-9);
  const auto& may = f.total[1];
  EXPECT_NEAR(may.microsim.p5, 100.2, 1e-6);
  EXPECT_NEAR(may.microsim.p50, 102, 1e-9);
  EXPECT_NEAR(may.microsim.p95, 103.8, 1e-6);
  EXPECT_NEAR(may.microsim_mean, 102, 1e-9);
  EXPECT_NEAR(may.stock_flow, 261, 1e-9);
  EXPECT_EQ(may.stock_flow_low, 0);
  EXPECT_NEAR(may.stock_flow_high, 2221, 1e-9);

  // Month ends in order, every group within each.
  ASSERT_EQ(f.by_legal_status.size(), size_t(2 * kLegalGroupCount));
  const auto& fco = f.by_legal_status[int(LegalGroup::full_care_order)];
  EXPECT_EQ(fco.month_end, Date::from_ymd(2025, 4, 30));
  EXPECT_EQ(fco.group, LegalGroup::full_care_order);
  EXPECT_NEAR(fco.microsim.p5, 1.2, 1e-6);
  EXPECT_NEAR(fco.microsim.p50, 3, 1e-9);
  EXPECT_NEAR(fco.microsim.p95, 4.8, 1e-6);
  EXPECT_EQ(f.by_legal_status[kLegalGroupCount].month_end, Date::from_ymd(2025, 5, 31));
  EXPECT_EQ(f.by_legal_status[kLegalGroupCount + int(LegalGroup::full_care_order)].microsim.p95, 0);

  ASSERT_EQ(f.spend.size(), 1u);
  EXPECT_EQ(f.spend[0].financial_year, 2026);
  EXPECT_EQ(f.spend[0].days_in_forecast, 61);
  EXPECT_NEAR(f.spend[0].microsim.p5, 1200, 1e-9);
  EXPECT_NEAR(f.spend[0].microsim.p50, 3000, 1e-9);
  EXPECT_NEAR(f.spend[0].microsim.p95, 4800, 1e-9);
  EXPECT_NEAR(f.spend[0].microsim_mean, 3000, 1e-9);
  EXPECT_NEAR(f.spend[0].stock_flow, 6100, 1e-9);
}

// The tables made from the summary: the baseline's named plainly, a scenario's after it; the
// cells are the summary's.
TEST(ForecastSummary, TablesFromTheSummary) {
  const ForecastSummary f = summarise_forecast(hand_settings(), hand_run());
  const OutputTable total = forecast_total_table(Scenario{}, f);
  EXPECT_EQ(total.id, "forecast_total");
  ASSERT_EQ(total.rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(total.rows[0][0]), "2025-04-30");
  EXPECT_NEAR(std::get<double>(total.rows[0][total.column_index("p95")]), 48, 1e-9);
  EXPECT_NEAR(std::get<double>(total.rows[1][total.column_index("stock_flow_high")]), 2221, 1e-9);
  EXPECT_NE(total.notes.find("over 5 runs, seed 7"), std::string::npos) << total.notes;

  Scenario sc;
  sc.name = "Fewer entries!";
  sc.return_home_factor = 1.2;
  const OutputTable spend = spend_by_financial_year_table(sc, f);
  EXPECT_EQ(spend.id, "spend_by_financial_year_fewer_entries_");
  EXPECT_TRUE(spend.title.ends_with(" (scenario 'Fewer entries!')")) << spend.title;
  ASSERT_EQ(spend.rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(spend.rows[0][0]), "2025-26");
  EXPECT_EQ(std::get<double>(spend.rows[0][1]), 61);
  EXPECT_NEAR(std::get<double>(spend.rows[0][spend.column_index("stock_flow")]), 6100, 1e-9);
}

}  // namespace
}  // namespace careflow::forecast
