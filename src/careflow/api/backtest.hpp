// Use case: how well would the forecasts have done (careflow backtest)? Origins every 31 March
// with enough history; both models and a no-change forecast against what happened, by total,
// placement category and legal-status group, with interval coverage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "careflow/api/config.hpp"
#include "careflow/api/ingest.hpp"
#include "careflow/api/model_settings.hpp"
#include "careflow/api/outcome.hpp"
#include "careflow/forecast/backtest.hpp"

namespace careflow::api {

struct BacktestRequest {
  Returns returns;
  // > 0: backtest on this many simulated histories with known dynamics (seeds 1..N) instead,
  // with `entrants` a year growing by `growth` a year.
  int simulated = 0;
  double growth = 0.04, entrants = 300;
  int runs = 200;    // microsimulation runs per forecast
  int horizon = 3;   // longest horizon, in years
  uint64_t seed = 1;
  ModelSettings model;
  // Where backtest_summary.csv, backtest_points.csv, backtest.json, backtest.xlsx and
  // relations.json go; empty: nothing is written.
  std::string out_dir;
};

struct BacktestResult : Outcome {
  IngestReport ingest;   // what reading the returns found (none for simulated histories)
  std::string notes;     // how it was run, as the summary table's note says
  std::vector<forecast::BacktestSummary> summary;  // by model, measure and horizon (0: all)
  size_t tables = 0;     // tables written
  double seconds = 0;    // reading and backtesting (not writing)
};

BacktestResult backtest(const Config& config, const BacktestRequest& request);

}  // namespace careflow::api
