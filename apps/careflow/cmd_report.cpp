// careflow report: the needs assessment from raw returns: an HTML report for a head of service,
// an XLSX workbook and CSV/JSON tables for an analyst. Disclosure control is on by default.
#include <fmt/format.h>

#include <filesystem>

#include "careflow/api/needs_assessment.hpp"
#include "command.hpp"
#include "config.hpp"
#include "output.hpp"
#include "la_check.hpp"
#include "returns_check.hpp"

namespace careflow::cli {
namespace {

struct Options {
  std::vector<std::string> inputs;
  std::string out, la, year, reference_date, data, population, unit_costs, projection, area;
  int from = 0, to = 0, forecast_runs = -1, backtest_runs = -1;
  uint64_t seed = 1;
  bool no_suppression = false;
  std::vector<std::string> filters, scenarios;
  LaCheckOptions la_check;
};

int run(const Options& o, const std::vector<std::string>& command) {
  api::NeedsAssessmentRequest q;
  if (!o.year.empty()) {
    q.returns.year = parse_collection_year(o.year);
    if (!q.returns.year) {
      fmt::print(stderr, "careflow report: '{}' is not a collection year (e.g. 2025 or 2024/25)\n", o.year);
      return 2;
    }
  }
  if (!o.reference_date.empty()) {
    const auto d = parse_date(o.reference_date);
    if (!d) {
      fmt::print(stderr, "careflow report: reference date '{}': {}\n", o.reference_date, describe(d.error));
      return 2;
    }
    q.reference_date = d.date;
  }
  if (!o.data.empty()) set_data_dir(o.data);
  api::Config config = cli::config();
  config.suppression = !o.no_suppression;
  // The output folder first: an --out that cannot be written is said before any work.
  std::vector<std::string> inputs = o.inputs;
  for (const auto& f : {o.population, o.unit_costs, o.projection})
    if (!f.empty()) inputs.push_back(f);
  inputs.insert(inputs.end(), o.scenarios.begin(), o.scenarios.end());
  OutputFolder folder;
  if (!open_output(folder, "report", o.out, inputs)) return 2;
  q.returns.inputs = o.inputs;
  q.out_dir = folder.path().string();
  q.la = o.la;
  q.la_mismatch_ok = o.la_check.mismatch_ok;
  q.area = o.area;
  q.first_year = o.from;
  q.last_year = o.to;
  q.filters = o.filters;
  q.population_file = o.population;
  q.projection_file = o.projection;
  q.unit_costs_file = o.unit_costs;
  q.scenario_files = o.scenarios;
  q.forecast_runs = o.forecast_runs;
  q.backtest_runs = o.backtest_runs;
  q.seed = o.seed;
  const auto r = api::needs_assessment(config, q);
  if (stop_on_unusable_returns(r.ingest, "report")) return 2;
  if (config.timing) print_stage_times(r.ingest);
  if (r.children) {
    print_data_quality(r.ingest, "report");
    fmt::print("careflow report: {} children, {} periods of care, {} to {}\n", r.children, r.periods_of_care,
               r.first_year, r.last_year);
  }
  if (!print_messages(r, "report")) return 2;
  Manifest m;
  m.command = command;
  m.suppression = config.suppression;
  m.reference_data = config.reference.dir().value_or("");
  if (!commit_output(folder, "report", m)) return 2;
  for (const auto& n : r.notes) fmt::print("  note: {}\n", n);
  if (!config.suppression) fmt::print("  WARNING: disclosure control is off; do not publish these outputs\n");
  const std::filesystem::path out(o.out);
  fmt::print("Wrote {} tables (CSV in {}, {}, {})\n{}\n", r.tables, (out / "csv").string(),
             (out / "needs_assessment.xlsx").string(), (out / "tables.json").string(), (out / "report.html").string());
  return r.data_errors() ? 1 : 0;
}

const Register reg{{"report", [](CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("report", "Needs assessment from SSDA903 returns: HTML report, XLSX workbook, CSV/JSON tables");
  cmd->add_option("inputs", opts->inputs, "Return folders or files (as for careflow ingest)")->required();
  cmd->add_option("--out", opts->out, "Folder to write report.html, needs_assessment.xlsx, tables.json and csv/")->required();
  cmd->add_option("--la", opts->la, "The council's ONS code (E08000025) or DfE number (330): population and name");
  cmd->add_option("--year", opts->year, "Collection year for inputs whose name does not say");
  cmd->add_option("--reference-date", opts->reference_date, "Date of 'today' (default: 31 March of the last return)");
  cmd->add_option("--from", opts->from, "First collection year analysed (e.g. 2021)");
  cmd->add_option("--to", opts->to, "Last collection year analysed (e.g. 2025)");
  cmd->add_option("--filter", opts->filters, "Restrict to sex=M|F, age=under1|1-4|5-9|10-15|16+, uasc=yes|no, ls=CODE (repeatable)");
  cmd->add_flag("--no-suppression", opts->no_suppression, "Show counts of 1 to 5 (internal use only: never publish)");
  cmd->add_option("--data", opts->data, "Reference data folder (default: CAREFLOW_DATA or ../shared/data/public)");
  cmd->add_option("--population", opts->population, "CSV year,population: the council's mid-year 0-17 population");
  cmd->add_option("--unit-costs", opts->unit_costs, "CSV placement_category,weekly_cost (docs/groupings.md)");
  cmd->add_option("--projection", opts->projection, "CSV year,age,population: projected children by single year of age");
  cmd->add_option("--area", opts->area, "Name of the area shown in the report");
  opts->la_check.add_to(cmd);
  cmd->add_option("--forecast-runs", opts->forecast_runs, "Microsimulation runs for the Forecast section (default: 200, or fewer (at least 50) for a history so large that 200 would not fit the report's time budget; 0: no forecast)")
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--scenario", opts->scenarios,
                  "Scenario file (TOML, as for careflow forecast) drawn against the baseline in the Forecast section; repeatable");
  cmd->add_option("--backtest-runs", opts->backtest_runs,
                  "Runs per forecast of the Forecast section's backtest (default: chosen to keep the report quick; 0: no backtest)")
      ->check(CLI::Range(-1, 100000));
  cmd->add_option("--seed", opts->seed, "Random seed of the forecast (default 1)");
  cmd->callback([opts, cmd, &exit_code] { exit_code = run(*opts, manifest_command(*cmd)); });
}}};

}  // namespace
}  // namespace careflow::cli
