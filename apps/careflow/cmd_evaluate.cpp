// careflow evaluate: what happened next to the children an edge-of-care service supported, against
// children alike who were not (docs/edge-of-care.md).
#include <fmt/format.h>

#include <string>
#include <vector>

#include "careflow/api/evaluate_edge_of_care.hpp"
#include "command.hpp"
#include "config.hpp"
#include "output.hpp"
#include "returns_check.hpp"

namespace careflow::cli {
namespace {

struct Options {
  std::vector<std::string> inputs;
  std::string year, children, out;
  bool no_suppression = false;
};

std::string cell(const OutputTable& t, const std::vector<Cell>& row, const std::string& column) {
  const size_t c = t.column_index(column);
  return format_cell(row[c], t.columns[c].decimals);
}

int run(const Options& o, const std::vector<std::string>& command) {
  api::Config config = cli::config();
  config.suppression = !o.no_suppression;
  std::optional<CollectionYear> year;
  if (!o.year.empty() && !(year = parse_collection_year(o.year))) {
    fmt::print(stderr, "careflow evaluate: --year: not a collection year (e.g. 2025 or 2024/25)\n");
    return 2;
  }
  // The output folder first: an --out that cannot be written is said before any work. The list
  // is an input: its hash goes in the manifest.
  std::vector<std::string> inputs = o.inputs;
  inputs.push_back(o.children);
  OutputFolder folder;
  if (!open_output(folder, "evaluate", o.out, inputs)) return 2;
  api::EdgeOfCareRequest q;
  q.returns = {o.inputs, year};
  q.children = o.children;
  q.out_dir = folder.path().string();
  const auto r = api::evaluate_edge_of_care(config, q);
  if (stop_on_unusable_returns(r.ingest, "evaluate")) return 2;
  if (!print_messages(r, "evaluate")) return 2;
  const auto& n = r.evaluation.counts;
  fmt::print("careflow evaluate: {} children in the list, {} evaluated ({} with comparison children, {} comparison children)\n",
             n.listed, n.evaluated, n.matched, n.comparison_children);
  for (const auto& t : r.tables) {
    if (t.id != "edge_of_care_comparison") continue;
    fmt::print("\n  {:>6}  {:<30} {:>9} {:>19} {:>11} {:>19} {:>22}\n", "months", "outcome", "supported", "%  (95% interval)",
               "comparison", "%  (95% interval)", "difference (points)");
    for (const auto& row : t.rows)
      fmt::print("  {:>6}  {:<30} {:>9} {:>19} {:>11} {:>19} {:>22}\n", cell(t, row, "months"), cell(t, row, "outcome"),
                 cell(t, row, "supported_followed_up"),
                 fmt::format("{} ({}-{})", cell(t, row, "supported_percent"), cell(t, row, "supported_lower_95"),
                             cell(t, row, "supported_upper_95")),
                 cell(t, row, "comparison_children"),
                 fmt::format("{} ({}-{})", cell(t, row, "comparison_percent"), cell(t, row, "comparison_lower_95"),
                             cell(t, row, "comparison_upper_95")),
                 fmt::format("{} ({} to {})", cell(t, row, "difference_points"), cell(t, row, "difference_lower_95"),
                             cell(t, row, "difference_upper_95")));
  }
  Manifest m;
  m.command = command;
  m.suppression = config.suppression;
  if (!commit_output(folder, "evaluate", m)) return 2;
  fmt::print("\nTables written to {}\n", o.out);
  if (!config.suppression) fmt::print("  WARNING: disclosure control is off; do not publish these outputs\n");
  return 0;
}

const Register reg{{"evaluate", [](CLI::App& app, int& exit_code) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("evaluate",
                                 "Evaluate an edge-of-care service: what happened next to the children it supported, "
                                 "against children alike who were not");
  cmd->add_option("inputs", o->inputs, "Return folders or files: the 903 and the CIN census (as for careflow ingest)")->required();
  cmd->add_option("--children", o->children,
                  "CSV of the children supported: child id, start date, optional end date (header row)")->required();
  cmd->add_option("--out", o->out, "Folder for the tables (CSV, JSON, XLSX)")->required();
  cmd->add_option("--year", o->year, "Collection year for inputs whose name does not say");
  cmd->add_flag("--no-suppression", o->no_suppression,
                "Show actual numbers of 1 to 5 and what rests on them (internal use only: never publish)");
  cmd->callback([o, cmd, &exit_code] { exit_code = run(*o, manifest_command(*cmd)); });
}}};

}  // namespace
}  // namespace careflow::cli
