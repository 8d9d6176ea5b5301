// Use case: the needs assessment (careflow report): the analyses of a council's returns, how it
// compares with others, the forecast with its backtest and any scenarios, written as an HTML
// report, an XLSX workbook, CSV and JSON of every table, with disclosure control by default.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "careflow/api/config.hpp"
#include "careflow/api/ingest.hpp"
#include "careflow/api/outcome.hpp"
#include "careflow/core/date.hpp"
#include "careflow/forecast/scenario.hpp"

namespace careflow::api {

struct NeedsAssessmentRequest {
  Returns returns;
  std::string out_dir;  // where the files go (the CLI's OutputFolder staging folder)
  std::string la;       // ONS code or DfE number: population, name, comparisons; checked against the returns
  bool la_mismatch_ok = false;
  std::string area;     // name shown in the report; default: the council's name and code
  int first_year = 0, last_year = 0;  // collection end years analysed; 0: the returns' own span
  std::optional<Date> reference_date;  // "today"; default: 31 March of the last return
  std::vector<std::string> filters;    // "sex=F", "age=10-15", "uasc=yes", "ls=C2"
  std::string population_file;         // CSV year,population; default: the published estimates
  std::string projection_file;         // CSV year,age,population
  std::string unit_costs_file;         // CSV placement_category,weekly_cost; default: illustrative costs
  std::vector<std::string> scenario_files;  // TOML, drawn against the baseline in the forecast section
  std::vector<forecast::Scenario> scenarios;  // the same as values (after those from files)
  int forecast_runs = -1;  // -1: chosen to keep the report quick; 0: no forecast
  int backtest_runs = -1;  // -1: chosen; 0: no backtest
  uint64_t seed = 1;
};

struct NeedsAssessmentResult : Outcome {
  IngestReport ingest;  // what reading the returns found (report.fatal: why they cannot be used)
  size_t children = 0, periods_of_care = 0;
  std::string first_year, last_year;  // labels, e.g. 2015/16
  std::vector<std::string> notes;     // the report's limitations, for the terminal too
  size_t tables = 0;                  // tables written (each as CSV, and in the workbook and tables.json)
  bool data_errors() const { return ingest.problems.count(Severity::error) > 0; }
};

NeedsAssessmentResult needs_assessment(const Config& config, const NeedsAssessmentRequest& request);

}  // namespace careflow::api
