// careflow backtest: how well would the forecasts have done? Origins every 31 March with enough
// history; both models and a no-change baseline against what happened.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "careflow/api/backtest.hpp"
#include "careflow/core/date.hpp"
#include "command.hpp"
#include "config.hpp"
#include "returns_check.hpp"
#include "model_options.hpp"
#include "output.hpp"

namespace careflow::cli {
namespace {

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
  api::Config config = cli::config();
  config.suppression = !o.no_suppression;
  // The output folder first: an --out that cannot be written is said before any work.
  OutputFolder folder;
  if (!o.out.empty() && !open_output(folder, "backtest", o.out, o.inputs)) return 2;
  api::BacktestRequest q;
  q.returns.inputs = o.inputs;
  if (!o.year.empty()) q.returns.year = parse_collection_year(o.year);
  q.simulated = o.simulated;
  q.growth = o.growth;
  q.entrants = o.entrants;
  q.runs = o.runs;
  q.horizon = o.horizon;
  q.seed = o.seed;
  q.model = o.model.settings();
  if (!o.out.empty()) q.out_dir = folder.path().string();
  const auto r = api::backtest(config, q);
  if (stop_on_unusable_returns(r.ingest, "backtest")) return 2;
  print_data_quality(r.ingest, "backtest");
  if (!print_messages(r, "backtest")) return 2;
  fmt::print("careflow backtest: {}\n\n", r.notes);
  fmt::print("  {:<11} {:<24} {:>7} {:>5} {:>7} {:>7} {:>9} {:>9}\n", "model", "measure", "horizon", "n", "MAPE%", "bias%", "cover80%", "cover95%");
  for (const auto& x : r.summary)
    fmt::print("  {:<11} {:<24} {:>7} {:>5} {:>7.2f} {:>+7.2f} {:>9} {:>9}\n", x.model, x.measure,
               x.horizon == 0 ? std::string("all") : fmt::format("{}y", x.horizon), x.n, x.mape, x.bias,
               x.cover80 < 0 ? "" : fmt::format("{:.1f}", x.cover80), x.cover95 < 0 ? "" : fmt::format("{:.1f}", x.cover95));
  fmt::print("\nBacktest took {:.1f} s\n", r.seconds);
  if (!o.out.empty()) {
    Manifest m;
    m.command = command;
    m.suppression = config.suppression;
    if (!commit_output(folder, "backtest", m)) return 2;
    if (!config.suppression) fmt::print("  WARNING: disclosure control is off; do not publish these outputs\n");
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
