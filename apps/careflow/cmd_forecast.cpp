// careflow forecast: numbers and spend, by the sector's stock-flow model and by microsimulation,
// for a baseline and any number of named scenarios compared with it.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "careflow/api/forecast.hpp"
#include "careflow/core/date.hpp"
#include "careflow/core/output_table.hpp"
#include "command.hpp"
#include "config.hpp"
#include "returns_check.hpp"
#include "model_options.hpp"
#include "output.hpp"

namespace careflow::cli {
namespace {

struct Options {
  std::vector<std::string> inputs;
  std::string year, as_of, out, unit_costs;
  std::vector<std::string> scenarios, entries, shifts;
  std::string reentry_change, legal_change;
  int years = 5, runs = 0;
  uint64_t seed = 1;
  ModelOptions model;
  double return_home = 1.0, population_growth = 0.0, inflation = 0.0;
  int simulated = 0;
  bool no_suppression = false;
};

void print_table(const OutputTable& t, size_t max_rows = 40) {
  fmt::print("\n{}\n", t.title);
  std::vector<size_t> width(t.columns.size());
  for (size_t c = 0; c < t.columns.size(); ++c) width[c] = t.columns[c].label.size();
  for (size_t i = 0; i < t.rows.size() && i < max_rows; ++i)
    for (size_t c = 0; c < t.rows[i].size(); ++c)
      width[c] = std::max(width[c], format_cell(t.rows[i][c], t.columns[c].decimals).size());
  for (size_t c = 0; c < t.columns.size(); ++c) fmt::print("  {:>{}}", t.columns[c].label, width[c]);
  fmt::print("\n");
  for (size_t i = 0; i < t.rows.size() && i < max_rows; ++i) {
    for (size_t c = 0; c < t.rows[i].size(); ++c) fmt::print("  {:>{}}", format_cell(t.rows[i][c], t.columns[c].decimals), width[c]);
    fmt::print("\n");
  }
  if (t.rows.size() > max_rows) fmt::print("  ... {} more rows\n", t.rows.size() - max_rows);
}

int run(const Options& o, const std::vector<std::string>& command) {
  api::ForecastRequest q;
  if (!o.as_of.empty()) {
    const auto p = parse_date(o.as_of);
    if (!p) {
      fmt::print(stderr, "careflow forecast: cannot read --as-of '{}'\n", o.as_of);
      return 2;
    }
    q.as_of = p.date;
  }
  api::Config config = cli::config();
  config.suppression = !o.no_suppression;
  // The output folder first: an --out that cannot be written is said before any work.
  std::vector<std::string> inputs = o.inputs;
  if (!o.unit_costs.empty()) inputs.push_back(o.unit_costs);
  inputs.insert(inputs.end(), o.scenarios.begin(), o.scenarios.end());
  OutputFolder folder;
  if (!o.out.empty() && !open_output(folder, "forecast", o.out, inputs)) return 2;
  q.returns.inputs = o.inputs;
  if (!o.year.empty()) q.returns.year = parse_collection_year(o.year);
  q.simulated = o.simulated;
  q.years = o.years;
  q.runs = o.runs;
  q.seed = o.seed;
  q.model = o.model.settings();
  q.unit_costs_file = o.unit_costs;
  q.inflation = o.inflation;
  q.scenario_files = o.scenarios;
  q.levers.entries = o.entries;
  q.levers.shifts = o.shifts;
  q.levers.reentry_change = o.reentry_change;
  q.levers.legal_change = o.legal_change;
  q.levers.return_home = o.return_home;
  q.levers.population_growth = o.population_growth;
  if (!o.out.empty()) q.out_dir = folder.path().string();
  const auto r = api::forecast(config, q);
  if (stop_on_unusable_returns(r.ingest, "forecast")) return 2;
  print_data_quality(r.ingest, "forecast");
  if (!print_messages(r, "forecast")) return 2;
  fmt::print("careflow forecast: {} children in care at {}; entrants {:.1f} a year (trend {:+.1f}% a year after the prior, s.d. {:.1f}); "
             "{} runs x {} years, seed {}{}\n",
             r.children_in_care, r.as_of.to_iso(), r.entrants_per_year, 100 * r.trend_growth, 100 * r.trend_se, r.runs, r.years,
             r.seed, r.runs_chosen ? " (fewer than the usual 1000 for a history this large, to keep to about 10 s; --runs sets them)" : "");
  for (const auto& t : r.shown) print_table(t);
  fmt::print("\nForecast took {:.1f} s\n", r.seconds);
  if (!o.out.empty()) {
    Manifest m;
    m.command = command;
    m.suppression = config.suppression;
    if (!commit_output(folder, "forecast", m)) return 2;
    fmt::print("Wrote {} tables to {} (CSV, forecast.json, forecast.xlsx, relations.json, fan charts forecast_total*.svg)\n",
               r.tables, o.out);
    if (!config.suppression) fmt::print("  WARNING: disclosure control is off; do not publish these outputs\n");
  }
  return 0;
}

const Register reg{{"forecast", [](CLI::App& app, int& exit_code) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("forecast", "Forecast numbers in care and placement spend, with scenarios");
  cmd->add_option("inputs", o->inputs, "Return folders or files (as for careflow ingest)");
  cmd->add_option("--year", o->year, "Collection year for inputs whose name does not say");
  cmd->add_option("--years", o->years, "Years to forecast (default 5)")->check(CLI::Range(1, 20));
  cmd->add_option("--runs", o->runs, "Microsimulation runs (default 1000, or fewer, at least 200, for a history so large that 1000 would take more than about 10 s: England)")->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", o->seed, "Random seed (default 1)");
  cmd->add_option("--as-of", o->as_of, "Forecast origin (default: end of the latest return)");
  o->model.add_to(cmd);
  cmd->add_option("--scenario", o->scenarios, "Scenario file (TOML; see docs/forecast.md); repeatable");
  cmd->add_option("--entries", o->entries, "Change entries: AGES:CHANGE[:FROM], e.g. 10-15:-20%:2025-04-01; repeatable");
  cmd->add_option("--return-home", o->return_home, "Multiply returns home within 6 months by this factor (e.g. 1.2)");
  cmd->add_option("--shift", o->shifts, "Move children: FROM_KIND:TO_KIND:CHILDREN:YEARS, e.g. foster_ifa:foster_in_house:21:3");
  cmd->add_option("--reentry-change", o->reentry_change,
                  "Multiply the hazard of coming back into care: FACTOR[:home|other|any][:FROM], e.g. 0.5:home (support after a return home)");
  cmd->add_option("--legal-change", o->legal_change,
                  "Multiply the hazard of a legal status change: FROM_GROUP:TO_GROUP:FACTOR[:FROM], e.g. interim_care_order:full_care_order:1.5");
  cmd->add_option("--population-growth", o->population_growth, "Yearly growth applied to entries (e.g. 0.01)");
  cmd->add_option("--unit-costs", o->unit_costs, "CSV of placement_category,weekly_cost (default: illustrative costs; docs/groupings.md)");
  cmd->add_option("--inflation", o->inflation, "Yearly cost inflation applied each April (e.g. 0.03)");
  cmd->add_option("--simulated", o->simulated, "Forecast a simulated history with this seed instead of returns (demo)");
  cmd->add_option("--out", o->out, "Folder for the tables (CSV, JSON, XLSX)");
  cmd->add_flag("--no-suppression", o->no_suppression,
                "Show counts of 1 to 5 under the stock-flow rates (internal use only: never publish)");
  cmd->callback([o, cmd, &exit_code] {
    if (o->inputs.empty() && o->simulated == 0) throw CLI::ValidationError("inputs", "give returns or --simulated SEED");
    exit_code = run(*o, manifest_command(*cmd));
  });
}}};

}  // namespace
}  // namespace careflow::cli
