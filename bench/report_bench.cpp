// Speed of the needs assessment: the analyses (analyse::assess) and writing every output
// (HTML, XLSX, CSV, JSON with disclosure control), for a typical council and for England, ten
// collection years each, generated once by careflow synth before timing. Run on demand:
//   cmake --build build --target bench_report_bench && ./build/bench/bench_report_bench
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "careflow/analyse/analyse.hpp"
#include "careflow/io/ingest.hpp"
#include "careflow/report/needs_assessment.hpp"
#include "careflow/synth/synth.hpp"

namespace {

const careflow::History& history_for(bool national) {
  static std::map<bool, careflow::History> histories;
  auto it = histories.find(national);
  if (it != histories.end()) return it->second;
  careflow::synth::SynthOptions o;
  o.first_year = 2016;
  o.last_year = 2025;
  o.seed = 17;
  o.national = national;
  if (!national) o.population = 400;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("careflow_report_bench_" + std::to_string(::getpid()) + (national ? "_national" : "_council"));
  careflow::synth::generate(o, dir.string());
  careflow::IngestReport report;
  auto h = careflow::ingest({dir.string()}, std::nullopt, report);
  std::filesystem::remove_all(dir);
  return histories.emplace(national, std::move(h)).first->second;
}

void BM_Assess(benchmark::State& state) {
  const auto& h = history_for(state.range(0) != 0);
  size_t tables = 0;
  for (auto _ : state) {
    const auto a = careflow::analyse::assess(h, {});
    tables = a.tables.size();
    benchmark::DoNotOptimize(a.tables.data());
  }
  state.counters["episodes"] = static_cast<double>(h.episodes.size());
  state.counters["tables"] = static_cast<double>(tables);
}
BENCHMARK(BM_Assess)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_WriteReport(benchmark::State& state) {
  const auto& h = history_for(state.range(0) != 0);
  const auto a = careflow::analyse::assess(h, {});
  const auto dir = std::filesystem::temp_directory_path() / ("careflow_report_bench_out_" + std::to_string(::getpid()));
  for (auto _ : state) {
    careflow::report::ReportFiles files;
    careflow::report::write_report(a, dir.string(), {}, files);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_WriteReport)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
