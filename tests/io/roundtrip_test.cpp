// careflow synth -> careflow ingest: the history built from the generated files must have
// exactly the generator's own counts (children, episodes, periods, placements, and the stock,
// starters and ceasers of every year). The generator counts from its simulation, never from
// the files, so this checks the writer, the reader and the model against each other.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "careflow/io/ingest.hpp"
#include "careflow/report/ingest_summary.hpp"
#include "careflow/synth/synth.hpp"

using namespace careflow;

namespace {

struct Case {
  uint64_t seed;
  int population;
  int first_year, last_year;
  double trend;
};

class RoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(RoundTrip, IngestMatchesGroundTruth) {
  const Case c = GetParam();
  synth::SynthOptions o;
  o.seed = c.seed;
  o.population = c.population;
  o.first_year = c.first_year;
  o.last_year = c.last_year;
  o.trend_per_year = c.trend;
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() / ("careflow_roundtrip_" + std::to_string(rd()));
  const synth::GroundTruth truth = synth::generate(o, dir.string());

  IngestReport report;
  const History h = ingest({dir.string()}, std::nullopt, report);
  const HistoryCounts counts = count(h);

  EXPECT_EQ(report.problems.count(Severity::error), 0u);
  EXPECT_EQ(report.problems.count(Severity::repair), 0u);  // clean synthetic data needs no repair
  EXPECT_EQ(static_cast<int64_t>(counts.children), truth.children);
  EXPECT_EQ(static_cast<int64_t>(counts.episodes), truth.episodes);
  EXPECT_EQ(static_cast<int64_t>(counts.periods), truth.periods_of_care);
  EXPECT_EQ(static_cast<int64_t>(counts.placements), truth.placements);
  ASSERT_EQ(counts.years.size(), truth.years.size());
  for (size_t i = 0; i < truth.years.size(); ++i) {
    SCOPED_TRACE(truth.years[i].year);
    EXPECT_EQ(counts.years[i].year.end_year, truth.years[i].year);
    EXPECT_EQ(static_cast<int64_t>(counts.years[i].looked_after_at_31_march), truth.years[i].looked_after_31_march);
    EXPECT_EQ(static_cast<int64_t>(counts.years[i].started), truth.years[i].starters);
    EXPECT_EQ(static_cast<int64_t>(counts.years[i].ceased), truth.years[i].ceasers);
  }
  for (const auto& t : report.tables) EXPECT_TRUE(t.balances());
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(SeedsAndSizes, RoundTrip,
                         ::testing::Values(Case{1, 400, 2021, 2025, 0.0},   // a typical council
                                           Case{2, 60, 2016, 2025, 0.0},    // a small one, ten years
                                           Case{3, 1500, 2023, 2025, 0.05}, // a large one with a trend
                                           Case{4, 250, 2025, 2025, 0.0})); // a single year

}  // namespace
