// An independent check at council scale: careflow synth records, from its own simulation (not by
// reading the files back), how many children were looked after at each 31 March and how many
// periods of care started and ended in each year. The analyses, run on the returns it wrote,
// must agree exactly.
#include <gtest/gtest.h>

#include <filesystem>

#include "careflow/analyse/analyse.hpp"
#include "careflow/io/ingest.hpp"
#include "careflow/synth/synth.hpp"
#include "io/temp_returns.hpp"

using namespace careflow;

TEST(SynthCrossCheck, StockStartersAndCeasersMatchTheSimulation) {
  careflow::testing::TempReturns tr;
  synth::SynthOptions so;
  so.first_year = 2022;
  so.last_year = 2025;
  so.population = 250;
  so.seed = 5;
  so.threads = 1;
  const auto truth = synth::generate(so, tr.root());
  IngestReport report;
  const History h = ingest({tr.root()}, std::nullopt, report);
  const auto a = analyse::assess(h, {});
  const analyse::Table* stock = nullptr;
  const analyse::Table* flows = nullptr;
  for (const auto& t : a.tables) {
    if (t.table.id == "looked_after_at_31_march") stock = &t;
    if (t.table.id == "flows_by_year") flows = &t;
  }
  ASSERT_TRUE(stock && flows);
  ASSERT_EQ(truth.years.size(), stock->table.rows.size());
  const size_t la = stock->table.column_index("looked_after"), st = flows->table.column_index("started"),
               ce = flows->table.column_index("ceased");
  for (size_t i = 0; i < truth.years.size(); ++i) {
    const auto& y = truth.years[i];
    EXPECT_EQ(std::get<std::string>(stock->table.rows[i][0]), CollectionYear{y.year}.label());
    EXPECT_EQ(std::get<double>(stock->table.rows[i][la]), static_cast<double>(y.looked_after_31_march)) << y.year;
    EXPECT_EQ(std::get<double>(flows->table.rows[i][st]), static_cast<double>(y.starters)) << y.year;
    EXPECT_EQ(std::get<double>(flows->table.rows[i][ce]), static_cast<double>(y.ceasers)) << y.year;
  }
}
