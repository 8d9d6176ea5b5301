// The forecast test bench (docs/forecast.md, "The test bench"): synthetic councils with dynamics
// drawn per council (synth::bench_council), each written out, read back as any council's returns
// are, and backtested from every origin; the points of all councils pooled. Shared by the test
// in tests/forecast/bench_battery_test.cpp (a few small councils) and the tool
// bench/forecast_battery.cpp (the whole battery, for the table in docs/forecast.md).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "careflow/io/ingest.hpp"
#include "careflow/forecast/backtest.hpp"
#include "careflow/synth/synth.hpp"

namespace careflow::bench_battery {

struct CouncilResult {
  int index = 0;
  synth::SynthOptions options;
  std::vector<forecast::BacktestPoint> points;
  bool usable = true;  // the written returns read back without a fatal problem
};

// Writes council `index` under `scratch` (removed afterwards), reads it back and backtests it
// with `settings` (the backtest's defaults: those of `careflow backtest`).
inline CouncilResult run_council(int index, const forecast::BacktestSettings& settings,
                                 const std::filesystem::path& scratch) {
  CouncilResult r;
  r.index = index;
  r.options = synth::bench_council(index);
  const auto dir = scratch / ("council_" + std::to_string(::getpid()) + "_" + std::to_string(index));
  std::filesystem::remove_all(dir);
  synth::generate(r.options, dir.string());
  IngestReport report;
  const History h = ingest({dir.string()}, std::nullopt, report);
  std::filesystem::remove_all(dir);
  r.usable = report.usable();
  if (r.usable) r.points = forecast::backtest(h, settings);
  return r;
}

// The figure of `model`, `measure` and `horizon` (0: all) in a summary; nullptr when absent.
inline const forecast::BacktestSummary* find(const std::vector<forecast::BacktestSummary>& s, const std::string& model,
                                             const std::string& measure, int horizon) {
  for (const auto& x : s)
    if (x.model == model && x.measure == measure && x.horizon == horizon) return &x;
  return nullptr;
}

}  // namespace careflow::bench_battery
