// Speed of `careflow synth`: simulation alone, and simulation plus writing the returns, for a
// typical council and for England (10 collection years). Run on demand, never in CI:
//   cmake --build build --target bench_synth_bench && ./build/bench/bench_synth_bench
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "careflow/synth/model.hpp"
#include "careflow/synth/synth.hpp"

namespace {

careflow::synth::SynthOptions options(bool national) {
  careflow::synth::SynthOptions o;
  o.first_year = 2016;
  o.last_year = 2025;
  o.seed = 7;
  o.national = national;
  return o;
}

void BM_Simulate(benchmark::State& state) {
  const auto o = options(state.range(0) != 0);
  size_t episodes = 0;
  for (auto _ : state) {
    const auto world = careflow::synth::simulate(o);
    episodes = 0;
    for (const auto& c : world.children) episodes += c.episodes.size();
    benchmark::DoNotOptimize(episodes);
  }
  state.counters["episodes"] = static_cast<double>(episodes);
}
BENCHMARK(BM_Simulate)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Generate(benchmark::State& state) {
  const auto o = options(state.range(0) != 0);
  const auto dir = std::filesystem::temp_directory_path() / ("careflow_synth_bench_" + std::to_string(::getpid()));
  for (auto _ : state) {
    const auto truth = careflow::synth::generate(o, dir.string());
    benchmark::DoNotOptimize(truth.episodes);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Generate)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
