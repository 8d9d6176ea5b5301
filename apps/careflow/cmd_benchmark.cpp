// careflow benchmark: how a council compares with councils of similar need, from published
// council-level statistics in the reference data folder.
#include <fmt/format.h>

#include <set>
#include <sstream>

#include "careflow/api/benchmark.hpp"
#include "command.hpp"
#include "config.hpp"
#include "output.hpp"
#include "la_check.hpp"

namespace {

struct Options {
  std::string la, out, data, format = "csv,json,xlsx,html";
  std::vector<std::string> returns;
  int year = 2025;
  careflow::cli::LaCheckOptions la_check;
  bool no_suppression = false;
};

int run(const Options& o, const std::vector<std::string>& command) {
  using namespace careflow;
  if (!o.data.empty()) cli::set_data_dir(o.data);
  api::Config config = cli::config();
  config.suppression = !o.no_suppression;
  OutputFolder folder;
  if (!cli::open_output(folder, "benchmark", o.out, o.returns)) return 2;
  api::BenchmarkRequest q;
  q.la = o.la;
  q.year = o.year;
  q.own_returns.inputs = o.returns;
  q.la_mismatch_ok = o.la_check.mismatch_ok;
  q.out_dir = folder.path().string();
  q.formats.clear();
  std::stringstream ss(o.format);
  for (std::string f; std::getline(ss, f, ',');) q.formats.insert(f);
  const auto r = api::benchmark(config, q);
  if (r.own_files)
    fmt::print("Own returns: {} file(s), {} collection year(s), {} error(s), {} repair(s) (details: careflow ingest)\n",
               r.own_files, r.own_years, r.own_errors, r.own_repairs);
  if (r.own_cin_files)
    fmt::print("Own CIN census returns: {} file(s), {} collection year(s)\n", r.own_cin_files, r.own_cin_years);
  if (!cli::print_messages(r, "benchmark")) return 2;
  Manifest m;
  m.command = command;
  m.reference_data = config.reference.dir().value_or("");
  if (!o.returns.empty()) m.suppression = config.suppression;  // the own figures
  if (!cli::commit_output(folder, "benchmark", m)) return 2;
  if (!r.own_summary.empty()) fmt::print("{}\n", r.own_summary);
  if (o.no_suppression && !o.returns.empty())
    fmt::print("  WARNING: disclosure control is off; do not publish these outputs\n");
  fmt::print("{} ({}), {}: {} tables written to {}\n", r.council_name, r.la_number, o.year, r.tables, o.out);
  return 0;
}

careflow::cli::Register reg{{"benchmark", [](CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<Options>();
  auto* sub = app.add_subcommand("benchmark", "Compare a council with statistical neighbours, region and England");
  sub->add_option("--la", opts->la, "Council: ONS code, DfE LA number or name")->required();
  sub->add_option("--year", opts->year, "CLA year (2025 = at 31 March 2025)");
  sub->add_option("--out", opts->out, "Output folder")->required();
  sub->add_option("--format", opts->format, "Comma-separated: csv,json,xlsx,html")
      ->check([](const std::string& v) {
        // An unknown format used to write nothing and say "tables written".
        std::stringstream ss(v);
        for (std::string f; std::getline(ss, f, ',');)
          if (f != "csv" && f != "json" && f != "xlsx" && f != "html")
            return "'" + f + "' is not a format: give some of csv,json,xlsx,html";
        return std::string();
      });
  sub->add_option("--returns", opts->returns,
                  "The council's own SSDA903 returns (folders or PATH@YEAR, as for careflow ingest), set beside the published figures");
  sub->add_option("--data", opts->data, "Reference data folder (default: see docs/reference-data.md)");
  opts->la_check.add_to(sub);
  sub->add_flag("--no-suppression", opts->no_suppression,
                "Show the council's own counts of 1 to 5 (to reconcile with DfE: internal use only, never publish)");
  sub->callback([opts, sub, &exit_code] { exit_code = run(*opts, careflow::cli::manifest_command(*sub)); });
}}};

}  // namespace
