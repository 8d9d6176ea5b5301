// careflow backtest: how well would the forecasts have done? Origins every 31 March with enough
// history; both models and a no-change baseline against what happened.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "careflow/io/ingest.hpp"
#include "careflow/forecast/backtest.hpp"
#include "careflow/forecast/simulated_history.hpp"
#include "careflow/io/relations_json.hpp"
#include "careflow/io/table_writers.hpp"
#include "careflow/report/disclosure.hpp"
#include "command.hpp"
#include "returns_check.hpp"
#include "model_options.hpp"
#include "output.hpp"

namespace careflow::cli {
namespace {
using namespace careflow::forecast;

struct Options {
  std::vector<std::string> inputs;
  std::string year, out;
  int runs = 200, horizon = 3, simulated = 0;
  uint64_t seed = 1;
  ModelOptions model;
  double growth = 0.04, entrants = 300;
  bool no_suppression = false;
};

int run(const Options& o, const std::vector<std::string>& command) {
  const auto t0 = std::chrono::steady_clock::now();
  // The output folder first: an --out that cannot be written is said before any work.
  OutputFolder folder;
  if (!o.out.empty() && !open_output(folder, "backtest", o.out, o.inputs)) return 2;
  BacktestSettings s;
  s.runs = o.runs;
  s.seed = o.seed;
  s.max_horizon_years = o.horizon;
  o.model.apply(s);
  std::vector<BacktestPoint> points;
  std::string notes;
  if (o.simulated > 0) {
    for (int i = 1; i <= o.simulated; ++i) {
      SimulatedHistorySettings ss;
      ss.seed = static_cast<uint64_t>(i);
      ss.annual_growth = o.growth;
      ss.entrants_per_year = o.entrants;
      const History h = simulate_history(ss);
      auto p = backtest(h, s);
      points.insert(points.end(), p.begin(), p.end());
    }
    notes = fmt::format("{} simulated histories (careflow's generator with known dynamics: {} entrants a year growing {:.0f}% a year, "
                        "duration-dependent leaving hazard), {} runs per forecast.",
                        o.simulated, o.entrants, 100 * o.growth, o.runs);
  } else {
    std::optional<CollectionYear> year;
    if (!o.year.empty()) year = parse_collection_year(o.year);
    IngestReport report;
    const History h = ingest(o.inputs, year, report);
    if (stop_on_unusable_returns(report, "backtest")) return 2;
    print_data_quality(report, "backtest");
    points = backtest(h, s);
    notes = fmt::format("{} runs per forecast.", o.runs);
  }
  if (points.empty()) {
    fmt::print(stderr, "careflow backtest: not enough history (need {} years before an origin and 1 after)\n", s.min_history_years);
    return 2;
  }
  const auto summary = summarise(points);
  const auto table = backtest_summary_table(summary, notes);
  fmt::print("careflow backtest: {}\n\n", notes);
  fmt::print("  {:<11} {:<24} {:>7} {:>5} {:>7} {:>7} {:>9} {:>9}\n", "model", "measure", "horizon", "n", "MAPE%", "bias%", "cover80%", "cover95%");
  for (const auto& x : summary)
    fmt::print("  {:<11} {:<24} {:>7} {:>5} {:>7.2f} {:>+7.2f} {:>9} {:>9}\n", x.model, x.measure,
               x.horizon == 0 ? std::string("all") : fmt::format("{}y", x.horizon), x.n, x.mape, x.bias,
               x.cover80 < 0 ? "" : fmt::format("{:.1f}", x.cover80), x.cover95 < 0 ? "" : fmt::format("{:.1f}", x.cover95));
  fmt::print("\nBacktest took {:.1f} s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  if (!o.out.empty()) {
    std::string err;
    std::vector<OutputTable> tables{table, backtest_points_table(points)};
    // The actual numbers are counts of children (the no-change forecasts too): disclosure control.
    const auto ba = backtest_arithmetic(tables[1], tables[0]);
    const PublishedArithmetic arithmetic =
        report::publish({{&tables[0], ba.summary}, {&tables[1], ba.points}}, ba.relations, !o.no_suppression);
    bool ok = write_relations_json(arithmetic, tables, (folder.path() / "relations.json").string(), &err);
    if (o.no_suppression) report::mark_not_for_publication(tables);
    for (const auto& t : tables) ok = ok && write_csv(t, (folder.path() / (t.id + ".csv")).string(), &err);
    ok = ok && write_json(tables, (folder.path() / "backtest.json").string(), &err) &&
         write_xlsx(tables, (folder.path() / "backtest.xlsx").string(), &err, "careflow backtest");
    if (!ok) {
      fmt::print(stderr, "careflow backtest: {}\n", err);
      return 2;
    }
    Manifest m;
    m.command = command;
    m.suppression = !o.no_suppression;
    if (!commit_output(folder, "backtest", m)) return 2;
    if (o.no_suppression) fmt::print("  WARNING: disclosure control is off; do not publish these outputs\n");
  }
  return 0;
}

const Register reg{{"backtest", [](CLI::App& app, int& exit_code) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("backtest", "Test the forecasting models on the history: accuracy and interval coverage");
  cmd->add_option("inputs", o->inputs, "Return folders or files (as for careflow ingest)");
  cmd->add_option("--year", o->year, "Collection year for inputs whose name does not say");
  cmd->add_option("--runs", o->runs, "Microsimulation runs per forecast (default 200)")->check(CLI::Range(10, 100000));
  cmd->add_option("--seed", o->seed, "Random seed (default 1)");
  cmd->add_option("--horizon", o->horizon, "Longest horizon in years (default 3)")->check(CLI::Range(1, 10));
  o->model.add_to(cmd);
  cmd->add_option("--simulated", o->simulated, "Backtest on this many simulated histories with known dynamics instead");
  cmd->add_option("--growth", o->growth, "Yearly growth of entrants in simulated histories (default 0.04)");
  cmd->add_option("--entrants", o->entrants, "Entrants a year in simulated histories (default 300)");
  cmd->add_option("--out", o->out, "Folder for the tables (CSV, JSON, XLSX)");
  cmd->add_flag("--no-suppression", o->no_suppression,
                "Show actual numbers of 1 to 5 and what rests on them (internal use only: never publish)");
  cmd->callback([o, cmd, &exit_code] {
    if (o->inputs.empty() && o->simulated == 0) throw CLI::ValidationError("inputs", "give returns or --simulated N");
    exit_code = run(*o, manifest_command(*cmd));
  });
}}};

}  // namespace
}  // namespace careflow::cli
