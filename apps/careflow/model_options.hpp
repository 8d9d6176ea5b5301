// The forecasting model's settings that `forecast` and `backtest` share: one definition, so a
// backtest always tests the model a forecast runs, with the same flags and defaults.
#pragma once

#include <CLI/CLI.hpp>

#include "careflow/api/model_settings.hpp"

namespace careflow::cli {

struct ModelOptions {
  int reference_days = 365;
  bool no_trend = false;
  double trend_prior_sd = 0.05;
  bool no_reentry = false;
  bool no_legal_exits = false;
  double trend_change_sd = api::ModelSettings{}.trend_change_sd;

  void add_to(CLI::App* cmd) {
    cmd->add_option("--reference-days", reference_days, "Reference window for rates and entrants, in days (default 365)")
        ->check(CLI::Range(30, 3650));
    cmd->add_flag("--no-trend", no_trend, "Do not extrapolate the trend in entrants");
    cmd->add_flag("--no-reentry", no_reentry,
                  "Count re-entries among arrivals instead of simulating children who left coming back (the model before November 2026)");
    cmd->add_flag("--no-legal-exits", no_legal_exits,
                  "Let children in care at the origin leave by age at entry and time in care only, not also by their legal status "
                  "(the model before December 2026)");
    cmd->add_option("--trend-prior-sd", trend_prior_sd,
                    "Prior s.d. of the yearly log growth of entrants; the fitted trend is shrunk towards 0 by it (default 0.05; inf: no shrinkage)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--trend-change-sd", trend_change_sd,
                    "S.d. of a change of trend in entrants after the origin, per year, for the intervals (default 0.065, "
                    "calibrated on the test bench: docs/forecast.md; 0: the past trend carries on unchanged)")
        ->check(CLI::Range(0.0, 1.0));
  }
  // As the use cases take them (api::ForecastRequest, api::BacktestRequest).
  api::ModelSettings settings() const {
    api::ModelSettings m;
    m.reference_days = reference_days;
    m.trend = !no_trend;
    m.trend_prior_sd = trend_prior_sd;
    m.reentry = !no_reentry;
    m.trend_change_sd = trend_change_sd;
    m.exits_by_legal_status = !no_legal_exits;
    return m;
  }
};

}  // namespace careflow::cli
