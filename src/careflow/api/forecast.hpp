// Use case: forecast numbers in care and placement spend (careflow forecast), by the sector's
// stock-flow model and by microsimulation, for a baseline and any number of named scenarios
// compared with it; tables under disclosure control, fan charts, and the scenarios kept with
// their results.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "careflow/api/config.hpp"
#include "careflow/api/ingest.hpp"
#include "careflow/api/model_settings.hpp"
#include "careflow/api/outcome.hpp"
#include "careflow/core/date.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/forecast/scenario.hpp"

namespace careflow::api {

// Levers written as the CLI's flags write them, making one scenario named "flags" when any is
// set. They are read here, not by the caller, because their dates default to the day after the
// origin, which is known only once the returns are read. Each is built as a value
// (forecast::EntryChange, MixShift, LegalChangeLever, the re-entry fields), checked as a scenario
// file's lever is and refused with the file's message (forecast/scenario.hpp); a caller that has
// its levers as values gives a forecast::Scenario in ForecastRequest::scenarios instead.
struct LeverFlags {
  std::vector<std::string> entries;  // AGES:CHANGE[:FROM], e.g. 10-15:-20%:2025-04-01
  std::vector<std::string> shifts;   // FROM_KIND:TO_KIND:CHILDREN:YEARS, e.g. foster_ifa:foster_in_house:21:3
  std::string reentry_change;        // FACTOR[:home|other|any][:FROM], e.g. 0.5:home
  std::string legal_change;          // FROM_GROUP:TO_GROUP:FACTOR[:FROM], e.g. interim_care_order:full_care_order:1.5
  double return_home = 1.0;          // returns home within 6 months multiplied by this
  double population_growth = 0.0;    // yearly growth applied to entries
  bool any() const {
    return !entries.empty() || !shifts.empty() || return_home != 1.0 || population_growth != 0.0 ||
           !reentry_change.empty() || !legal_change.empty();
  }
};

// Simulated children a forecast's runs may cost when their number is chosen: about 10 CPU-seconds
// (docs/forecast.md, section 6), so that England's forecast with intervals takes under 10 s on
// two cores (issue #13 item 5).
inline constexpr double kForecastRunBudget = 5e7;

struct ForecastRequest {
  Returns returns;
  int simulated = 0;  // > 0: forecast a simulated history with this seed instead of returns (a demo)
  // The origin; default: the end of the latest return. Outside the returns it is refused.
  std::optional<Date> as_of;
  int years = 5;
  // Microsimulation runs; 0: chosen, 1,000 (percentiles steady to a child for a council), or fewer
  // where 1,000 would simulate more than kForecastRunBudget children (a national history), never
  // under 200 (enough for the 5th and 95th percentiles of a large number).
  int runs = 0;
  uint64_t seed = 1;
  ModelSettings model;
  // Costs of the baseline, and of every scenario from a file or the flags unless it says otherwise.
  std::string unit_costs_file;  // CSV placement_category,weekly_cost; default: illustrative costs
  double inflation = 0.0;       // yearly, applied each April
  // Scenarios, in this order: files (TOML, docs/forecast.md; kept in out_dir/scenarios/, so two
  // files of one name are refused), values (costed as they say: forecast::Scenario::costs), then
  // the flags' scenario.
  std::vector<std::string> scenario_files;
  std::vector<forecast::Scenario> scenarios;
  LeverFlags levers;
  // Where the tables (CSV, forecast.json, forecast.xlsx), relations.json, the fan charts
  // (forecast_total*.svg) and the scenario files go; empty: nothing is written.
  std::string out_dir;
};

struct ForecastResult : Outcome {
  IngestReport ingest;  // what reading the returns found (none for a simulated history)
  // The fitted model, as the terminal's first line says it.
  Date as_of;
  size_t children_in_care = 0;    // at the origin
  double entrants_per_year = 0;   // the microsimulation's arrival rate, a year
  double trend_growth = 0;        // yearly growth of entrants after the prior (0.023: +2.3% a year)
  double trend_se = 0;            // its standard error, on the log scale
  int runs = 0, years = 0;
  bool runs_chosen = false;  // fewer than 1,000 runs were chosen to keep within kForecastRunBudget
  uint64_t seed = 0;
  // What the terminal shows: each forecast's spend by financial year (a scenario's followed by
  // its difference from the baseline, before disclosure control: model outputs), then the
  // totals at each 31 March of the baseline (and of any scenario that changes only costs).
  std::vector<OutputTable> shown;
  size_t tables = 0;    // tables written (each as CSV, and in forecast.json and forecast.xlsx)
  double seconds = 0;   // reading, fitting, running and disclosure control (not writing)
};

ForecastResult forecast(const Config& config, const ForecastRequest& request);

}  // namespace careflow::api
