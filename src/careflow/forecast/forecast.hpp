// One forecast: both models fitted on a history as at a date, projected with a scenario, and the
// results as output tables (numbers, spend, exits, the stock-flow model's rates, and the
// scenario's difference from the baseline with intervals from paired runs).
#pragma once

#include <vector>

#include "careflow/core/history.hpp"
#include "careflow/forecast/microsim.hpp"
#include "careflow/forecast/scenario.hpp"
#include "careflow/forecast/stock_flow.hpp"
#include "careflow/io/output_table.hpp"
#include "careflow/io/table_arithmetic.hpp"

namespace careflow::forecast {

struct ForecastSettings {
  Date as_of;                 // forecast origin; default: the history's data end
  int years = 5;
  int runs = 1000;
  uint64_t seed = 1;
  int reference_days = 365;   // stock-flow reference window ending at as_of
  int arrivals_window_days = 365;
  bool trend = true;
  double trend_prior_sd = 0.05;  // MicrosimSettings::trend_prior_sd
  bool reentry = true;           // MicrosimSettings::reentry
  AgeBands bands;
  MicrosimSettings microsim() const;
};

// The share of the stock-flow model's entries into each state that are re-entries (a new period
// of a child with an earlier one in the data, as the microsimulation counts them), by how the
// earlier period ended ([0] home: E4A, E4B, E13; [1] any other way), over the reference window
// [R0, R1]. The model itself keeps one entry rate per state (the sector's model); the shares let
// scenarios treat the two kinds of arrival as the microsimulation does.
using ReentryShares = std::vector<std::array<double, 2>>;
ReentryShares stock_flow_reentry_shares(const History& h, const StockFlowModel& m, Date R0, Date R1);

// Stock-flow entry multiplier for a scenario: a band's new entrants are scaled by the scenario's
// factor for the ages it covers, weighted by the years of the band each change covers; its
// re-entrants (shares from stock_flow_reentry_shares; none if empty) by the re-entry lever's
// factor from its date instead -- the inflow of re-entries scaled, a first-order stand-in for the
// hazard the microsimulation scales.
EntryMultiplier stock_flow_entry_multiplier(const Scenario& sc, const StateSpace& sp, Date start,
                                            const ReentryShares& reentry_share = {});

struct ModelRun {
  StockFlowModel stock_flow;
  ReentryShares stock_flow_reentry_share;  // filled for scenarios acting on entries or re-entry
  StockFlowProjection projection;
  MicrosimResult microsim;
  std::vector<double> stock_flow_daily_spend;  // day 1..days
};

ModelRun run_models(const History& h, const ForecastSettings& s, const Scenario& sc,
                    const StockFlowModel* fitted_sf = nullptr, const MicrosimModel* fitted_ms = nullptr);

// Tables of one scenario's forecast.
std::vector<OutputTable> forecast_tables(const ForecastSettings& s, const Scenario& sc, const ModelRun& run);
// Scenario minus baseline by financial year: children at the year end and spend in the year.
OutputTable scenario_difference_table(const Scenario& sc, const ModelRun& base, const ModelRun& scen);
// What disclosure control must protect in a forecast table: the events the stock-flow model's
// rates rest on (stock_flow_rates) are counts of children's moves; the forecasts themselves are
// model outputs and have nothing to declare.
DisclosureSpec disclosure_spec(const OutputTable& t);

// Looked after at the end of `d` by placement kind, children with a known date of birth only
// (as the models see them).
std::array<double, kKindCount> actual_by_kind(const History& h, Date d);
// The same by legal status group (LegalGroup): the group of the latest episode begun by `d`, as
// the microsimulation reads the status of a child in care at its origin.
std::array<double, kLegalGroupCount> actual_by_legal_group(const History& h, Date d);

}  // namespace careflow::forecast
