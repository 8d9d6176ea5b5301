#include "careflow/forecast/stock_flow.hpp"

#include <gtest/gtest.h>

#include "careflow/io/ingest.hpp"
#include "io/temp_returns.hpp"

using namespace careflow;
using namespace careflow::forecast;
using careflow::testing::kEpisodesHeader;
using careflow::testing::kHeaderHeader;
using careflow::testing::TempReturns;

namespace {
Date d(int y, int m, int day) { return Date::from_ymd(y, m, day); }

// The research note's worked example (cs-demand-model.md section 7.1): six children in one
// 2022-23 return. Expected values are those the unmodified regional model produced (section 7.3).
History worked_example(TempReturns& tr) {
  tr.write("2022_23", "header.csv", std::string(kHeaderHeader) +
           "1001,1,15/06/2012,WBRI,,,\n1002,2,20/05/2006,WBRI,,,\n1003,2,01/03/2022,WBRI,,,\n"
           "1004,1,02/02/2016,WBRI,,,\n1005,1,10/10/2010,WBRI,,,\n1006,1,25/12/2004,WBRI,,,\n");
  tr.write("2022_23", "episodes.csv", std::string(kEpisodesHeader) +
           "1001,10/01/2021,S,C2,N1,U4,PR1,01/09/2022,X1,,,,\n"
           "1001,01/09/2022,P,C2,N1,K2,PR4,,,,,,\n"
           "1002,01/11/2021,S,V2,N1,U6,PR4,15/08/2022,X1,,,,\n"
           "1002,15/08/2022,P,V2,N1,H5,PR4,31/01/2023,E5,,,,\n"
           "1003,10/04/2022,S,C2,N1,U4,PR1,,,,,,\n"
           "1004,01/07/2022,S,V2,N1,U1,PR1,01/12/2022,E4A,,,,\n"
           "1005,05/05/2020,S,C2,N1,K2,PR4,10/10/2022,X1,,,,\n"
           "1005,10/10/2022,L,C1,N1,K2,PR4,,,,,,\n"
           "1006,01/03/2019,S,C2,N1,U5,PR4,25/12/2022,E17,,,,\n");
  IngestReport r;
  return ingest({tr.folder("2022_23")}, std::nullopt, r);
}
}  // namespace

TEST(StockFlow, ReproducesSocialFinanceRegionalWorkedExample) {
  TempReturns tr;
  const History h = worked_example(tr);
  ASSERT_EQ(h.children.size(), 6u);
  StockFlowSettings set{d(2022, 4, 1), d(2023, 3, 31), {}};
  const StockFlowModel m = fit_stock_flow(h, set);
  const StateSpace& sp = m.space;
  const int b0 = 0, b1 = 1, b5 = 2, b10 = 3, b16 = 4;
  const auto F = Broad::fostering, R = Broad::residential, S = Broad::supported;
  // Starting stock at 31/03/2023: 1 to 5 F 1 (child 1003 turned 1 on 01/03/2023), 10-16 R 2.
  EXPECT_EQ(m.initial[sp.state(b1, F)], 1);
  EXPECT_EQ(m.initial[sp.state(b10, R)], 2);
  double total0 = 0;
  for (int s = 0; s < sp.in_care(); ++s) total0 += m.initial[s];
  EXPECT_EQ(total0, 3);
  // Rates (section 7.3).
  EXPECT_NEAR(m.rate[sp.state(b10, F)][sp.state(b10, R)], 1.0 / 127, 1e-12);
  EXPECT_NEAR(m.rate[sp.state(b10, F)][sp.state(b16, F)], 1.0 / 127, 1e-12);
  EXPECT_NEAR(m.rate[sp.state(b16, F)][sp.not_in_care(b16)], 1.0 / 268, 1e-12);
  EXPECT_NEAR(m.rate[sp.state(b16, F)][sp.state(b16, S)], 0.5 / 268, 1e-12);
  EXPECT_NEAR(m.rate[sp.state(b16, S)][sp.not_in_care(b16)], 1.0 / 169, 1e-12);
  EXPECT_NEAR(m.rate[sp.state(b5, F)][sp.state(b10, F)], 1.0 / 228, 1e-12);
  EXPECT_NEAR(m.rate[sp.state(b5, F)][sp.not_in_care(b5)], 1.0 / 228, 1e-12);
  EXPECT_NEAR(m.rate[sp.state(b0, F)][sp.state(b1, F)], 1.0 / 325, 1e-12);
  double others = 0;
  for (int s = 0; s < sp.size(); ++s)
    for (int t = 0; t < sp.size(); ++t) others += m.rate[s][t];
  EXPECT_NEAR(others, 2.0 / 127 + 1.5 / 268 + 1.0 / 169 + 2.0 / 228 + 1.0 / 325, 1e-12);  // nothing else
  EXPECT_NEAR(m.entries[sp.state(b0, F)], 1.0 / 365, 1e-12);
  EXPECT_NEAR(m.entries[sp.state(b5, F)], 1.0 / 365, 1e-12);

  const auto p = project(m, 365);
  // Day 1: total 3.005479, variance 2/365.
  EXPECT_NEAR(p.total(1), 3.005479, 1e-6);
  EXPECT_NEAR(p.total_variance(1), 2.0 / 365, 1e-9);
  // Day 2 and 30 states.
  EXPECT_NEAR(p.mean[1][sp.state(b1, F)], 1.000008, 1e-6);
  EXPECT_NEAR(p.mean[1][sp.state(b5, F)], 0.005455, 1e-6);
  EXPECT_NEAR(p.mean[1][sp.state(b0, F)], 0.005471, 1e-6);
  EXPECT_NEAR(p.mean[29][sp.state(b10, F)], 0.004171, 1e-6);
  EXPECT_NEAR(p.mean[29][sp.state(b10, R)], 2.000326, 1e-6);
  EXPECT_NEAR(p.mean[29][sp.state(b0, F)], 0.078628, 1e-6);
  // Day 365 (30/03/2024).
  EXPECT_NEAR(p.mean[364][sp.state(b1, F)], 1.398719, 1e-6);
  EXPECT_NEAR(p.mean[364][sp.state(b10, F)], 0.079441, 1e-6);
  EXPECT_NEAR(p.mean[364][sp.state(b10, R)], 2.135330, 1e-6);
  EXPECT_NEAR(p.mean[364][sp.state(b16, F)], 0.074038, 1e-6);
  EXPECT_NEAR(p.mean[364][sp.state(b16, S)], 0.012381, 1e-6);
  EXPECT_NEAR(p.mean[364][sp.state(b5, F)], 0.299798, 1e-6);
  EXPECT_NEAR(p.mean[364][sp.state(b0, F)], 0.601281, 1e-6);
  EXPECT_NEAR(p.mean[364][sp.not_in_care(b5)], 0.350101, 1e-6);
  EXPECT_NEAR(p.mean[364][sp.not_in_care(b16)], 0.048911, 1e-6);
  EXPECT_NEAR(p.total(365), 4.600988, 1e-6);
  EXPECT_NEAR(p.total_variance(365), 4.461878, 1e-6);
  // Historic placement proportions (person-days in the window): fostering friend/relative
  // 153/1066, in-house 509/1066, IFA 404/1066; residential external 1; supported 1.
  EXPECT_NEAR(m.kind_share[static_cast<int>(Kind::foster_relative)], 153.0 / 1066, 1e-12);
  EXPECT_NEAR(m.kind_share[static_cast<int>(Kind::foster_in_house)], 509.0 / 1066, 1e-12);
  EXPECT_NEAR(m.kind_share[static_cast<int>(Kind::foster_ifa)], 404.0 / 1066, 1e-12);
  EXPECT_NEAR(m.kind_share[static_cast<int>(Kind::residential_external)], 1.0, 1e-12);
  EXPECT_NEAR(m.kind_share[static_cast<int>(Kind::supported)], 1.0, 1e-12);
}

// Hand-computed two-state chains (the d2i unit tests, section 7.4): 100 in A, A->B 0.1 a day:
// A = 100 * 0.9^d, so day 1 90, day 2 81, day 5 59.049, day 25 7.179.
TEST(StockFlow, TwoStateHandComputed) {
  const std::vector<std::vector<double>> one_way{{0, 0.1}, {0, 0}};
  auto x = step_days(one_way, {}, {100, 0}, 1);
  EXPECT_NEAR(x[0], 90, 1e-9);
  x = step_days(one_way, {}, {100, 0}, 2);
  EXPECT_NEAR(x[0], 81, 1e-9);
  x = step_days(one_way, {}, {100, 0}, 5);
  EXPECT_NEAR(x[0], 59.049, 1e-9);
  EXPECT_NEAR(x[1], 40.951, 1e-9);
  x = step_days(one_way, {}, {100, 0}, 25);
  EXPECT_NEAR(x[0], 100 * std::pow(0.9, 25), 1e-9);
  EXPECT_NEAR(x[0], 7.18, 0.01);
  // A->B 0.1, B->A 0.05: day 1 90/10; day 2: A = 0.9*90 + 0.05*10 = 81.5. Steady state A = 100/3;
  // A - 100/3 shrinks by (1 - 0.15) a day: day 25 A = 100/3 + (200/3) 0.85^25 = 34.48.
  const std::vector<std::vector<double>> both{{0, 0.1}, {0.05, 0}};
  x = step_days(both, {}, {100, 0}, 2);
  EXPECT_NEAR(x[0], 81.5, 1e-9);
  x = step_days(both, {}, {100, 0}, 25);
  EXPECT_NEAR(x[0], 100.0 / 3 + 200.0 / 3 * std::pow(0.85, 25), 1e-9);
  EXPECT_NEAR(x[0], 34.5, 0.05);
  // With entries e into A and exit rate mu from A the steady state is e / mu: 2 a day, 1/50.
  const std::vector<std::vector<double>> exit{{0, 0.02}, {0, 0}};
  x = step_days(exit, {2, 0}, {0, 0}, 5000);
  EXPECT_NEAR(x[0], 100, 1e-6);
}
