// A council's own figures beside the published ones, comparisons with neighbours and the funnel
// on the real public data, and the command when reference data is absent. (The benchmark page
// is report's: tests/report/benchmark_page_test.cpp.)
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "careflow/benchmark/analysis.hpp"
#include "shared_data.hpp"

using namespace careflow;
using namespace careflow::benchmark;

TEST(OwnData, AgreesWithinRoundingAndFlagsTheRest) {
  REQUIRE_SHARED_DATA(d);
  // Published for Hartlepool (805): 2024 336 at 31 March, 131 started, 118 ceased, population
  // 20,541, rate 164; 2025: 332, 126, 131, population 21,090, rate 157.
  const std::vector<OwnYear> own{{2024, 336, 131, 118}, {2025, 333, 126, 131}, {2010, 1, 1, 1}};
  const auto c = compare_own(*d, 805, own);
  ASSERT_EQ(c.size(), 12u);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(c[i].disagrees) << c[i].measure;
  EXPECT_NEAR(c[3].own, 336.0 / 20541 * 1e4, 1e-9);  // 163.57, published 164
  EXPECT_TRUE(c[4].disagrees);                        // 333 against 332: counts are exact
  EXPECT_EQ(c[4].published.value(), 332);
  EXPECT_FALSE(c[5].disagrees);
  // 333 / 21,090 = 157.9 per 10,000: published 157, so beyond rounding too.
  EXPECT_TRUE(c[7].disagrees);
  // 2010: population not published, so there is no rate to compare (never a silent "agree" on zero).
  EXPECT_FALSE(c[11].published.has_value());
  EXPECT_FALSE(c[11].disagrees);
}

TEST(OwnData, CouncilThatDidNotExistSaysSo) {
  REQUIRE_SHARED_DATA(d);
  // Cumberland (942) was created in 2023: its 2022 row is "z" (not applicable).
  const auto c = compare_own(*d, 942, {{2022, 10, 5, 5}});
  EXPECT_EQ(c[0].published_marker, "not applicable");
  EXPECT_FALSE(c[0].disagrees);
}

TEST(Compare, HartlepoolAgainstNeighboursAndEngland) {
  REQUIRE_SHARED_DATA(d);
  const auto c = compare(*d, 805, 2025, Measure::rate);
  EXPECT_EQ(c.council.value(), 157);
  EXPECT_EQ(c.england.value(), 67);  // England 2025: 81,770 at 31 March, 67 per 10,000
  // Ranked by hand over the 151 councils with a published 2025 rate: two are higher.
  EXPECT_EQ(c.of, 151);
  EXPECT_EQ(c.rank, 3);
  EXPECT_EQ(c.quartile, 4);
  // 2025 model neighbours of Hartlepool: 807 394 393 890 806 390 840 876 372 340, all reporting.
  EXPECT_EQ(c.neighbours_found, 10);
  ASSERT_TRUE(c.neighbours_mean);
  EXPECT_GT(*c.neighbours_median, 0);
}

TEST(Funnel, CountsAndLimitsOnPublicData) {
  REQUIRE_SHARED_DATA(d);
  const auto f = funnel(*d, 2025);
  // 152 councils report in 2025; City of London's count is suppressed ("c"), so 151 are plotted.
  EXPECT_EQ(f.points.size(), 151u);
  EXPECT_EQ(f.excluded.size(), 1u);
  // Centre from councils' own counts: 81,766 over their populations; England's published rate is 67.
  EXPECT_NEAR(f.national_rate, 67, 0.5);
  for (auto& p : f.points) {
    EXPECT_LT(p.lo998, p.lo95);
    EXPECT_LT(p.hi95, p.hi998);
    const bool above = p.count > (p.hi998 * p.population / 1e4);
    EXPECT_EQ(above, p.outside == 2) << p.name;
    // Allowing for between-council variation widens the 99.8% limits.
    EXPECT_LT(p.od_lo998, p.lo998);
    EXPECT_GT(p.od_hi998, p.hi998);
    if (p.od_outside) {
      EXPECT_EQ(p.outside, 2 * p.od_outside) << p.name;
    }
  }
  // Councils vary far more than Poisson chance: phi well above 1 (about 50 in 2025).
  EXPECT_GT(f.phi, 10);
  EXPECT_GT(f.tau2, 0);
}

TEST(Command, MissingReferenceDataIsNamed) {
  const std::string out = ::testing::TempDir() + "careflow_bench_missing.txt";
  const std::string cmd = std::string(CAREFLOW_CLI_PATH) +
                          " benchmark --la 805 --year 2025 --data /nonexistent/ref --out " + ::testing::TempDir() +
                          "bm_none 2> " + out;
  const int rc = std::system(cmd.c_str());
  EXPECT_NE(rc, 0);
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find(kClaSeries), std::string::npos) << ss.str();
}

TEST(Lait, UnitCostAgainstNeighboursHandChecked) {
  REQUIRE_SHARED_DATA_WITH(d, true);
  const LaitMeasure m{"LACFinance", "weekly unit cost"};
  const auto c = compare_lait(*d, 805, 2025, m);
  // LAIT LACFinance 2024-25 (OT): Hartlepool 1,995. Neighbours (2025 model) 807 2235, 394 2130,
  // 393 2575, 890 2010, 806 "-" (no value), 390 1815, 840 2035, 876 1870, 372 2160, 340 2015:
  // nine values, sum 18,845, mean 2,093.89, median 2,035.
  EXPECT_EQ(c.council.value(), 1995);
  EXPECT_EQ(c.neighbours_found, 9);
  EXPECT_NEAR(c.neighbours_mean.value(), 18845.0 / 9, 1e-9);
  EXPECT_EQ(c.neighbours_median.value(), 2035);
  // Counted with Python over councils reporting in 2025 with a value: 150, of which 105 higher.
  EXPECT_EQ(c.of, 150);
  EXPECT_EQ(c.rank, 106);
  // Published aggregates: England (LAIT pseudo-LA 970) 2,100; North East (980) 1,860.
  EXPECT_EQ(c.england.value(), 2100);
  EXPECT_EQ(c.region.value(), 1860);
}
