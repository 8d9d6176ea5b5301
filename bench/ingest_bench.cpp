// Speed and memory of reading returns into a care history: a typical council and England, ten
// collection years each, generated once by careflow synth before timing. Run on demand:
//   cmake --build build --target bench_ingest_bench && ./build/bench/bench_ingest_bench
// Peak memory is the process's maximum resident set (getrusage), reported as a counter.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "careflow/io/ingest.hpp"
#include "careflow/synth/synth.hpp"

namespace {

const std::string& returns_for(bool national) {
  static std::map<bool, std::string> dirs;
  auto it = dirs.find(national);
  if (it != dirs.end()) return it->second;
  careflow::synth::SynthOptions o;
  o.first_year = 2016;
  o.last_year = 2025;
  o.seed = 11;
  o.national = national;
  if (!national) o.population = 400;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("careflow_ingest_bench_" + std::to_string(::getpid()) + (national ? "_national" : "_council"));
  careflow::synth::generate(o, dir.string());
  return dirs.emplace(national, dir.string()).first->second;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// Page faults were a third of ingest time at national scale (docs/benchmarks.md): count them.
long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

void BM_Ingest(benchmark::State& state) {
  const bool national = state.range(0) != 0;
  const std::string& dir = returns_for(national);
  size_t episodes = 0, children = 0;
  const long faults_before = minor_faults();
  for (auto _ : state) {
    careflow::IngestReport report;
    const auto h = careflow::ingest({dir}, std::nullopt, report);
    episodes = h.episodes.size();
    children = h.children.size();
    benchmark::DoNotOptimize(h.periods.data());
  }
  state.counters["episodes"] = static_cast<double>(episodes);
  state.counters["children"] = static_cast<double>(children);
  state.counters["peak_rss_MB"] = peak_rss_mb();
  state.counters["minor_faults_per_run"] =
      static_cast<double>(minor_faults() - faults_before) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Ingest)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), ec))
    if (e.path().filename().string().rfind("careflow_ingest_bench_" + std::to_string(::getpid()), 0) == 0)
      std::filesystem::remove_all(e.path(), ec);
  return 0;
}
