// On synthetic national data (England-sized, from careflow synth), the England-level totals the
// analyses produce must equal the generator's own ground truth, which it counts from its
// simulation and never from the files: stock at 31 March, starters, ceasers, and ceasers by
// reason. Release builds only: under the sanitizers a national run is too slow for CI.
#include <gtest/gtest.h>

#include <map>

#include "analyse/fixture.hpp"
#include "careflow/analyse/analyse.hpp"
#include "careflow/io/ingest.hpp"
#include "careflow/synth/synth.hpp"
#include "io/temp_returns.hpp"

using namespace careflow;

TEST(National, EnglandTotalsMatchTheGroundTruth) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "national scale is run in the release build only";
#endif
  careflow::testing::TempReturns tr;
  synth::SynthOptions so;
  so.first_year = 2024;
  so.last_year = 2025;
  so.national = true;
  so.seed = 3;
  const auto truth = synth::generate(so, tr.root());
  IngestReport report;
  const History h = ingest({tr.root()}, std::nullopt, report);
  const auto a = analyse::assess(h, {});
  const OutputTable& stock = careflow::testing::table(a, "looked_after_at_31_march").table;
  const OutputTable& flows = careflow::testing::table(a, "flows_by_year").table;
  const OutputTable& reasons = careflow::testing::table(a, "ceasers_by_reason").table;
  ASSERT_EQ(truth.years.size(), 2u);
  for (size_t i = 0; i < truth.years.size(); ++i) {
    const auto& y = truth.years[i];
    SCOPED_TRACE(y.year);
    EXPECT_GT(y.looked_after_31_march, 70000);  // England-sized
    EXPECT_EQ(std::get<double>(stock.rows[i][stock.column_index("looked_after")]), double(y.looked_after_31_march));
    EXPECT_EQ(std::get<double>(flows.rows[i][flows.column_index("started")]), double(y.starters));
    EXPECT_EQ(std::get<double>(flows.rows[i][flows.column_index("ceased")]), double(y.ceasers));
    // Ceasers by reason: the generator counts by REC code; group them as DfE does.
    std::map<std::string, double> expected;
    for (const auto& [rec, n] : y.ceasers_by_rec) {
      const auto g = cease_group(codes::reason_episode_ceased.find(rec));
      ASSERT_TRUE(g.has_value()) << rec;
      expected[std::string(label(*g))] += static_cast<double>(n);
    }
    size_t col = reasons.columns.size();
    for (size_t c = 0; c < reasons.columns.size(); ++c)
      if (reasons.columns[c].label == CollectionYear{y.year}.label()) col = c;
    ASSERT_LT(col, reasons.columns.size());
    double total = 0;
    for (const auto& row : reasons.rows) {
      const auto& name = std::get<std::string>(row[0]);
      if (name == "Total") {
        EXPECT_EQ(std::get<double>(row[col]), double(y.ceasers));
        continue;
      }
      const double got = std::holds_alternative<double>(row[col]) ? std::get<double>(row[col]) : 0.0;
      EXPECT_EQ(got, expected[name]) << name;
      total += got;
    }
    EXPECT_EQ(total, double(y.ceasers));
  }
}
