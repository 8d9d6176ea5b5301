// The forecasting model's settings that the forecast and the backtest share: one definition, so
// that a backtest always tests the model a forecast runs (careflow forecast and backtest take
// the same flags with the same defaults).
#pragma once

namespace careflow::api {

struct ModelSettings {
  int reference_days = 365;     // the window for rates and entrants, in days up to the origin
  bool trend = true;            // extrapolate the trend in entrants
  double trend_prior_sd = 0.05; // prior s.d. of the yearly log growth of entrants (inf: no shrinkage)
  bool reentry = true;          // simulate children who left coming back (false: count them among arrivals)
  double trend_change_sd = 0.065;  // s.d. of a change of trend after the origin, per year (0: none)
  bool exits_by_legal_status = true;  // children in care at the origin leave by their legal status too

  // Sets them on forecast::ForecastSettings or forecast::BacktestSettings.
  template <class Settings>
  void apply(Settings& s) const {
    s.reference_days = reference_days;
    s.trend = trend;
    s.trend_prior_sd = trend_prior_sd;
    s.reentry = reentry;
    s.trend_change_sd = trend_change_sd;
    s.exits_by_legal_status = exits_by_legal_status;
  }
};

}  // namespace careflow::api
