// careflow demo: the main job on a synthetic council, end to end, for a first look and for the
// README's first command. Generates ten years of returns, reads them, prints what it found, and
// writes the needs-assessment report (with its forecast); the report's path is printed last.
// Each step is the use case the other commands run (api/), so the demo shows exactly what
// `careflow synth`, `ingest` and `report` would write.
#include <fmt/format.h>

#include <filesystem>

#include "careflow/api/ingest.hpp"
#include "careflow/api/needs_assessment.hpp"
#include "careflow/api/synthesise.hpp"
#include "careflow/core/history_counts.hpp"
#include "careflow/io/table_writers.hpp"
#include "command.hpp"
#include "config.hpp"
#include "output.hpp"
#include "returns_check.hpp"

namespace careflow::cli {
namespace {

struct Options {
  std::string out = "demo-output";
  uint64_t seed = 1;
  int population = 400;
  int forecast_runs = 200;
};

int run(const Options& o, const std::vector<std::string>& command) {
  namespace fs = std::filesystem;
  // Everything is written into a temporary folder that replaces `o.out` whole at the end.
  OutputFolder folder;
  if (!open_output(folder, "demo", o.out, {})) return 2;
  const fs::path out = folder.path(), shown(o.out);
  const fs::path returns = out / "returns";
  const api::Config config = cli::config();
  api::SynthesiseRequest sq;
  sq.options.first_year = 2016;
  sq.options.last_year = 2025;
  sq.options.seed = o.seed;
  sq.options.population = o.population;
  sq.out_dir = returns.string();
  fmt::print("1. Generating ten years of synthetic returns for a council of about {} children looked after...\n",
             o.population);
  const auto synthetic = api::synthesise(config, sq);
  if (!print_messages(synthetic, "demo")) return 2;
  const auto& truth = synthetic.truth;
  fmt::print("   {} children, {} episodes -> {}\n", truth.children, truth.episodes, (shown / "returns").string());

  fmt::print("2. Reading the returns into one care history...\n");
  const auto read = api::ingest(config, {{{returns.string()}, std::nullopt}});
  if (stop_on_unusable_returns(read.report, "demo")) return 2;
  const History& h = read.history;
  const auto c = count(h);
  fmt::print("   {} children, {} episodes, {} periods of care, {} placements; {} repairs, {} errors\n", c.children,
             c.episodes, c.periods, c.placements, read.report.problems.count(Severity::repair),
             read.report.problems.count(Severity::error));
  fmt::print("\n   {:<10} {:>14} {:>10} {:>10}\n", "Year", "At 31 March", "Started", "Ceased");
  for (const auto& y : c.years)
    fmt::print("   {:<10} {:>14} {:>10} {:>10}\n", y.year.label(), y.looked_after_at_31_march, y.started, y.ceased);

  std::string err;
  if (!write_xlsx(read.summary, (out / "ingest-summary.xlsx").string(), &err)) {
    fmt::print(stderr, "careflow demo: {}\n", err);
    return 2;
  }
  fmt::print("\n   Summary workbook: {}\n", (shown / "ingest-summary.xlsx").string());

  fmt::print("3. Writing the needs assessment, with a {}-run forecast and an example scenario...\n", o.forecast_runs);
  api::NeedsAssessmentRequest q;
  q.returns.inputs = {returns.string()};
  q.out_dir = (out / "report").string();
  // A synthetic council has no published figures to compare with: the section says so.
  q.area = "A synthetic council";
  q.forecast_runs = o.forecast_runs;
  q.seed = o.seed;
  // An example scenario, so that the demo shows a strategy against the baseline (the scenario
  // file format is in docs/forecast.md; careflow report --scenario FILE takes the same).
  forecast::Scenario edge;
  edge.name = "edge of care";
  const Date start = h.data_end() + 1;
  edge.description = "An edge-of-care service for adolescents: entries of 10-15 year-olds down 20% from " + start.to_iso();
  edge.entry_changes.push_back({10, 15, 1.0 + -0.20, start});
  q.scenarios.push_back(std::move(edge));
  const auto r = api::needs_assessment(config, q);
  if (stop_on_unusable_returns(r.ingest, "demo") || !print_messages(r, "demo")) return 2;
  Manifest m;
  m.command = command;
  m.suppression = true;
  if (truth.postcodes) m.reference_data = config.reference.dir().value_or("");
  if (!commit_output(folder, "demo", m)) return 2;
  fmt::print("   {} tables (CSV, XLSX, JSON) in {}\n\nReport:\n{}\n", r.tables, (shown / "report").string(),
             (shown / "report" / "report.html").string());
  return 0;
}

const Register reg{{"demo", [](CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("demo", "Run the main job end to end on a synthetic council's returns");
  cmd->add_option("--out", opts->out, "Output folder (default demo-output)");
  cmd->add_option("--seed", opts->seed, "Random seed for the synthetic returns");
  cmd->add_option("--population", opts->population, "Children looked after at 31 March in the synthetic council");
  cmd->add_option("--forecast-runs", opts->forecast_runs, "Microsimulation runs for the report's forecast (default 200)")
      ->check(CLI::Range(1, 100000));
  cmd->callback([opts, cmd, &exit_code] { exit_code = run(*opts, manifest_command(*cmd)); });
}}};

}  // namespace
}  // namespace careflow::cli
