// Forecasting at national scale: a simulated history of England's size (about 40,000 entrants a
// year, ~80,000 in care, ten collection years). Targets (docs/forecast.md): stock-flow fit + 5-year
// projection under 1 s; 1,000-run x 5-year microsimulation under 30 s on 2 cores; under 1 GB.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "careflow/forecast/forecast.hpp"
#include "careflow/forecast/simulated_history.hpp"

using namespace careflow;
using namespace careflow::forecast;

namespace {
const History& national() {
  static const History h = [] {
    SimulatedHistorySettings s;
    s.entrants_per_year = 40000;
    s.late_hazard = 1.0 / 1500;
    s.annual_growth = 0.02;
    s.seed = 2024;
    return simulate_history(s);
  }();
  return h;
}
double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}
}  // namespace

static void BM_StockFlowFitAndProject5y(benchmark::State& state) {
  const History& h = national();
  for (auto _ : state) {
    const StockFlowModel m = fit_stock_flow(h, {h.data_end() - 364, h.data_end(), {}});
    const auto p = project(m, 5 * 365 + 1);
    benchmark::DoNotOptimize(p.total(5 * 365));
    state.counters["in_care_start"] = [&] { double t = 0; for (int s = 0; s < m.space.in_care(); ++s) t += m.initial[s]; return t; }();
    state.counters["in_care_5y"] = p.total(5 * 365);
  }
  state.counters["children"] = static_cast<double>(h.children.size());
  state.counters["episodes"] = static_cast<double>(h.episodes.size());
  state.counters["peak_rss_mb"] = peak_rss_mb();
}
BENCHMARK(BM_StockFlowFitAndProject5y)->Unit(benchmark::kMillisecond)->Iterations(3);

static void BM_MicrosimFit(benchmark::State& state) {
  const History& h = national();
  MicrosimSettings s;
  s.as_of = h.data_end();
  for (auto _ : state) {
    const MicrosimModel m = fit_microsim(h, s);
    benchmark::DoNotOptimize(m.in_care.size());
  }
  state.counters["peak_rss_mb"] = peak_rss_mb();
}
BENCHMARK(BM_MicrosimFit)->Unit(benchmark::kMillisecond)->Iterations(3);

static void BM_Microsim5y(benchmark::State& state) {
  const History& h = national();
  MicrosimSettings s;
  s.as_of = h.data_end();
  s.years = 5;
  s.runs = static_cast<int>(state.range(0));
  const MicrosimModel m = fit_microsim(h, s);
  for (auto _ : state) {
    const MicrosimResult r = simulate(m, s, Scenario{});
    benchmark::DoNotOptimize(r.spend.data());
    state.counters["in_care_start"] = static_cast<double>(m.in_care.size());
    state.counters["median_in_care_5y"] = [&] {
      std::vector<double> v(r.runs);
      for (int i = 0; i < r.runs; ++i) v[i] = r.total(i, r.month_ends.size() - 1);
      return quantile(v, 0.5);
    }();
  }
  state.counters["peak_rss_mb"] = peak_rss_mb();
}
// 4 runs: for instruction counts under callgrind, repeatable on a loaded machine. One TBB thread
// (taskset: TBB takes its thread count from the affinity mask) and simulate() itself toggled: a
// pattern ending in '*' also matches the lambdas inside it, whose entries toggle collection off
// again, and with two threads the waiting thread's spinning is counted (both halved or doubled
// the counts of earlier notes, docs/forecast.md section 6):
//   taskset -c 0 valgrind --tool=callgrind --collect-atstart=no --toggle-collect='careflow::forecast::simulate(careflow::forecast::MicrosimModel const&, careflow::forecast::MicrosimSettings const&, careflow::forecast::Scenario const&)'
//     bench_forecast_bench --benchmark_filter='Microsim5y/4/'
BENCHMARK(BM_Microsim5y)->Arg(4)->Arg(100)->Arg(1000)->Unit(benchmark::kSecond)->Iterations(1);

BENCHMARK_MAIN();
