// Benchmark subsystem at national scale: every council for every year, 2010-2025. Run on demand:
//   build/bench/bench_benchmark_bench   (needs the shared reference data folder)
#include <benchmark/benchmark.h>

#include "careflow/benchmark/analysis.hpp"
#include "careflow/benchmark/direct_measures.hpp"
#include "careflow/report/benchmark_page.hpp"
#include "careflow/io/reference_tables.hpp"

using namespace careflow::benchmark;

static const PublicData& data() {
  // The folder comes from CAREFLOW_DATA or ../shared/data/public (see reference_data.hpp).
  static const PublicData d = load_public_data(careflow::published_file_reader(careflow::ReferenceFolder::standard()));
  return d;
}

// Loading every reference file the subsystem reads.
static void BM_LoadPublicData(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(load_public_data(careflow::published_file_reader(careflow::ReferenceFolder::standard())));
}
BENCHMARK(BM_LoadPublicData)->Unit(benchmark::kMillisecond);

// Every council, every year: comparisons on four measures, funnel, need model (Poisson and
// negative binomial, with both O/E intervals for every council) and change; plus, from 2013, the
// eight CIN/CP/S251 measures and (in the years the tables cover) the three starter/ceaser breakdowns.
static void BM_AllCouncilsAllYears(benchmark::State& state) {
  const auto& d = data();
  if (d.cla.empty()) { state.SkipWithError("reference data not found"); return; }
  for (auto _ : state) {
    size_t n = 0;
    for (int y = 2010; y <= 2025; ++y) {
      const auto f = funnel(d, y);
      const auto m = need_model(d, y);
      const auto c = change(d, y - 5, y);
      n += f.points.size() + m.rows.size() + c.size();
      for (auto* a : d.councils_in(y))
        for (auto ms : {Measure::rate, Measure::starters, Measure::ceasers, Measure::stock})
          benchmark::DoNotOptimize(compare(d, a->la_number, y, ms));
      if (y >= 2013) {
        std::vector<std::vector<double>> all;  // every council's value, once per measure and year
        for (auto& dm : direct_measures()) all.push_back(direct_values(d, y, dm));
        for (auto* a : d.councils_in(y)) {
          for (size_t k = 0; k < all.size(); ++k)
            benchmark::DoNotOptimize(compare_direct(d, a->la_number, y, direct_measures()[k], &all[k]));
          if (y >= 2018 && y <= 2022)
            for (auto g : {"Category of need", "Legal status"})
              benchmark::DoNotOptimize(compare_breakdown(d, a->la_number, y, "starters", g));
          if (y >= 2020 && y <= 2024)
            benchmark::DoNotOptimize(compare_breakdown(d, a->la_number, y, "ceasers", "Reason episode ceased"));
        }
      }
    }
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_AllCouncilsAllYears)->Unit(benchmark::kMillisecond);

// The full report (all tables, HTML with charts) for one council.
static void BM_OneCouncilReport(benchmark::State& state) {
  const auto& d = data();
  if (d.cla.empty()) { state.SkipWithError("reference data not found"); return; }
  for (auto _ : state) benchmark::DoNotOptimize(careflow::report::build_benchmark_report(d, 805, 2025));
}
BENCHMARK(BM_OneCouncilReport)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
