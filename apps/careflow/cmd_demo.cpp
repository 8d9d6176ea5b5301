// careflow demo: the main job on a synthetic council, end to end, for a first look and for the
// README's first command. Generates ten years of returns, reads them, prints what it found, and
// writes the needs-assessment report (with its forecast); the report's path is printed last.
#include <fmt/format.h>

#include <filesystem>

#include "careflow/analyse/analyse.hpp"
#include "careflow/io/table_writers.hpp"
#include "careflow/report/ingest_summary.hpp"
#include "careflow/forecast/scenario.hpp"
#include "careflow/io/reference_data.hpp"
#include "careflow/report/needs_assessment.hpp"
#include "careflow/synth/synth.hpp"
#include "command.hpp"
#include "output.hpp"

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
  synth::SynthOptions so;
  so.first_year = 2016;
  so.last_year = 2025;
  so.seed = o.seed;
  so.population = o.population;
  fmt::print("1. Generating ten years of synthetic returns for a council of about {} children looked after...\n",
             o.population);
  const auto truth = synth::generate(so, returns.string());
  fmt::print("   {} children, {} episodes -> {}\n", truth.children, truth.episodes, (shown / "returns").string());

  fmt::print("2. Reading the returns into one care history...\n");
  IngestReport report;
  const History h = ingest({returns.string()}, std::nullopt, report);
  const auto c = count(h);
  fmt::print("   {} children, {} episodes, {} periods of care, {} placements; {} repairs, {} errors\n", c.children,
             c.episodes, c.periods, c.placements, report.problems.count(Severity::repair),
             report.problems.count(Severity::error));
  fmt::print("\n   {:<10} {:>14} {:>10} {:>10}\n", "Year", "At 31 March", "Started", "Ceased");
  for (const auto& y : c.years)
    fmt::print("   {:<10} {:>14} {:>10} {:>10}\n", y.year.label(), y.looked_after_at_31_march, y.started, y.ceased);

  std::string err;
  const auto tables = ingest_summary_tables(h, report);
  if (!write_xlsx(tables, (out / "ingest-summary.xlsx").string(), &err)) {
    fmt::print(stderr, "careflow demo: {}\n", err);
    return 2;
  }
  fmt::print("\n   Summary workbook: {}\n", (shown / "ingest-summary.xlsx").string());

  fmt::print("3. Writing the needs assessment, with a {}-run forecast and an example scenario...\n", o.forecast_runs);
  const NeedsAssessmentReference reference = load_needs_assessment_reference();
  analyse::Options ao;
  ao.reference = &reference;
  const auto a = analyse::assess(h, ao);
  report::ReportOptions ro;
  ro.area_label = "A synthetic council";
  // A synthetic council has no published figures to compare with: the section says so.
  ro.extra.push_back(report::compare_section("", a.years.empty() ? 0 : a.years.back().end_year));
  report::ForecastSectionOptions fo;
  fo.runs = o.forecast_runs;
  fo.seed = o.seed;
  // An example scenario, so that the demo shows a strategy against the baseline (the scenario
  // file format is in docs/forecast.md; careflow report --scenario FILE takes the same).
  forecast::Scenario edge;
  if (auto e = forecast::parse_scenario_toml(fmt::format("name = \"edge of care\"\n"
                                                        "description = \"An edge-of-care service for adolescents: entries of "
                                                        "10-15 year-olds down 20% from {}\"\n"
                                                        "[[entries]]\nages = [10, 15]\nchange = -0.20\nfrom = {}\n",
                                                        (h.data_end() + 1).to_iso(), (h.data_end() + 1).to_iso()),
                                             edge)) {
    fmt::print(stderr, "careflow demo: {}\n", *e);
    return 2;
  }
  fo.scenarios.push_back(std::move(edge));
  ro.extra.push_back(report::forecast_section(h, fo));
  report::ReportFiles files;
  if (!report::write_report(a, (out / "report").string(), ro, files, &err)) {
    fmt::print(stderr, "careflow demo: {}\n", err);
    return 2;
  }
  Manifest m;
  m.command = command;
  m.suppression = true;
  if (truth.postcodes) m.reference_data = reference_data_dir().value_or("");
  if (!commit_output(folder, "demo", m)) return 2;
  fmt::print("   {} tables (CSV, XLSX, JSON) in {}\n\nReport:\n{}\n", files.csv.size(), (shown / "report").string(),
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
