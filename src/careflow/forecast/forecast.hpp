// One forecast: both models fitted on a history as at a date, projected with a scenario, and the
// results as output tables (numbers, spend, exits, the stock-flow model's rates, and the
// scenario's difference from the baseline with intervals from paired runs).
#pragma once

#include <vector>

#include "careflow/core/history.hpp"
#include "careflow/forecast/microsim.hpp"
#include "careflow/forecast/scenario.hpp"
#include "careflow/forecast/stock_flow.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/core/table_arithmetic.hpp"

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
  double trend_change_sd = 0.065;  // MicrosimSettings::trend_change_sd
  bool reentry = true;           // MicrosimSettings::reentry
  bool exits_by_legal_status = true;  // MicrosimSettings::exits_by_legal_status
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
  // Children looked after at the origin (known date of birth, as actual_by_kind): no change's
  // forecast, half of the presented one (kPresentedMicrosimWeight, backtest.hpp).
  double looked_after_at_origin = 0;
};

// Children one microsimulation run simulates over `years` from `as_of`: those in care then plus
// a year's entrants (the year to `as_of`) for each year. What a run costs is in proportion.
double simulated_children_per_run(const History& h, Date as_of, int years);

// Runs for a forecast within a budget of simulated children: `most`, or fewer where `most` runs
// would simulate more than `budget` children, but never fewer than `fewest`.
int runs_within_budget(const History& h, Date as_of, int years, int most, int fewest, double budget);

ModelRun run_models(const History& h, const ForecastSettings& s, const Scenario& sc,
                    const StockFlowModel* fitted_sf = nullptr, const MicrosimModel* fitted_ms = nullptr);

// A scenario's name as it appears in table ids and file names: lower case, [a-z0-9_] ("scenario" if none is left).
std::string scenario_id(const std::string& name);

// ---- One forecast's headline figures, typed (what the report and the CLI chart and print) ----

// The spread of a figure over the microsimulation's runs (type 7 quantiles, as `quantile`).
struct Percentiles {
  double p5 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0;
};

// The forecast careflow presents: the average of the microsimulation's mean and no change (the
// number at the origin carried forward), with the microsimulation's spread around it. Equal
// weights, set a priori, not fitted: on the forecast test bench (docs/forecast.md §5, "The
// presented forecast") the average beat both of its parts and the stock-flow model on the total
// and on nearly every category and legal-status group (total MAPE 4.25 / 5.96 / 7.58% at 1 / 2 /
// 3 years against 4.42 / 6.41 / 8.22 for the microsimulation and 4.54 / 6.48 / 8.16 for no
// change), while choosing a model per council by its own past forecasts (the rule before
// December 2026) did worse than the microsimulation alone (4.46 / 6.45 / 8.43): a council's past
// holds too few forecasts to tell the models apart.
inline constexpr double kPresentedMicrosimWeight = 0.5;

// Children looked after at a month end: both models, and the forecast presented.
struct MonthEndTotal {
  Date month_end;
  Percentiles microsim;
  double microsim_mean = 0;
  double stock_flow = 0, stock_flow_low = 0, stock_flow_high = 0;  // expectation and its 95% band (mean +/- 1.96 s.d., low >= 0)
  // The forecast careflow presents (backtest.hpp, kPresentedMicrosimWeight): the average of the
  // microsimulation's mean and the number at the origin, with the microsimulation's 5th and 95th
  // percentiles moved by as much as its mean (low >= 0). A scenario's is the baseline's presented
  // forecast plus the scenario's paired difference from the baseline (microsimulation means).
  double presented = 0, presented_low = 0, presented_high = 0;
};

// Children looked after at a month end in one legal status group (microsimulation).
struct MonthEndLegalStatus {
  Date month_end;
  LegalGroup group = LegalGroup::other;
  Percentiles microsim;
};

// Placement spend in one financial year: the days of it the forecast covers, the spread of the
// microsimulation's runs, their mean, and the stock-flow model's expectation. Years the forecast
// does not reach are left out.
struct FinancialYearSpend {
  int financial_year = 0;  // end year (2026 = 2025-26)
  double days_in_forecast = 0;
  Percentiles microsim;
  double microsim_mean = 0, stock_flow = 0;
};

struct ForecastSummary {
  Date as_of;
  int runs = 0;
  uint64_t seed = 0;
  std::vector<MonthEndTotal> total;                   // month ends in order; empty when nothing was forecast
  std::vector<MonthEndLegalStatus> by_legal_status;   // month ends in order, groups in LegalGroup order within each
  std::vector<FinancialYearSpend> spend;              // financial years in order
};

// `baseline`: for a scenario, the baseline's summary (its presented forecast is the baseline's
// plus the scenario's difference); none for the baseline itself.
ForecastSummary summarise_forecast(const ForecastSettings& s, const ModelRun& run, const ForecastSummary* baseline = nullptr);

// Tables of one scenario's forecast (forecast_total, by placement, age band and legal status,
// the stock-flow states, spend by financial year and quarter, exits, re-entries; the baseline's
// stock-flow rates).
// `baseline`: for a scenario, the baseline's summary (summarise_forecast).
std::vector<OutputTable> forecast_tables(const ForecastSettings& s, const Scenario& sc, const ModelRun& run,
                                         const ForecastSummary* baseline = nullptr);
// Two of them on their own, from the summary: numbers at each month end (forecast_total) and
// spend by financial year (spend_by_financial_year), with the scenario's suffix and title.
OutputTable forecast_total_table(const Scenario& sc, const ForecastSummary& f);
OutputTable spend_by_financial_year_table(const Scenario& sc, const ForecastSummary& f);
// What forecast_by_legal_status's notes say its groups are.
extern const char* const kLegalStatusGroupsNote;
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
