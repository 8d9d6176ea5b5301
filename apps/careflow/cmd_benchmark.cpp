// careflow benchmark: how a council compares with councils of similar need, from published
// council-level statistics in the reference data folder.
#include <fmt/format.h>

#include <set>
#include <sstream>

#include "careflow/benchmark/own_data.hpp"
#include "careflow/report/benchmark_page.hpp"
#include "careflow/io/postcodes.hpp"
#include "postcode_index_place.hpp"
#include "careflow/io/reference_data.hpp"
#include "careflow/io/relations_json.hpp"
#include "careflow/io/table_writers.hpp"
#include "careflow/report/disclosure.hpp"
#include "command.hpp"
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
  if (!o.data.empty()) set_reference_data_dir(o.data);
  // The output folder first: an --out that cannot be written is said before any work.
  OutputFolder folder;
  if (!cli::open_output(folder, "benchmark", o.out, o.returns)) return 2;
  if (!reference_file(benchmark::kClaSeries)) {
    fmt::print(stderr, "careflow benchmark: {}\n", missing_reference_message(benchmark::kClaSeries));
    return 2;
  }
  const auto d = benchmark::load_public_data(read_published_file);
  for (auto& m : d.missing) fmt::print(stderr, "careflow benchmark: note: {} (continuing without it)\n", m);
  if (!d.problems.empty())  // rows or files of the published tables that could not be used
    fmt::print(stderr, "careflow benchmark: note: {} problem(s) in the published tables, the first: {} (all in data_notes)\n",
               d.problems.size(), d.problems.front());
  const int la = d.find_council(o.la);
  if (!la) {
    fmt::print(stderr, "careflow benchmark: no council matches '{}' (use an ONS code, DfE LA number or name)\n", o.la);
    return 2;
  }
  const auto* row = d.council_year(la, o.year);
  if (!row || !row->reports()) {
    std::string why = "no published row";
    if (row) why = fmt::format("{} did not exist", row->name);
    for (auto& c : benchmark::boundary_changes())
      for (int s : c.successors)
        if (s == la && o.year < c.first_year) why += fmt::format(" ({}; it reports from {})", c.description, c.first_year);
    fmt::print(stderr, "careflow benchmark: council {} in {}: {}\n", la, o.year, why);
    return 2;
  }
  std::vector<benchmark::OwnYear> own;
  std::vector<benchmark::OwnBreakdown> own_need;
  std::vector<std::string> la_notes;
  if (!o.returns.empty()) {
    const auto od = benchmark::own_data_from_returns(o.returns);
    if (!od.unusable.empty()) {
      for (const auto& p : od.unusable) fmt::print(stderr, "careflow benchmark: {}\n", to_string(p));
      fmt::print(stderr, "careflow benchmark: the returns given with --returns cannot be used as they are; nothing was written\n");
      return 2;
    }
    if (od.years.empty()) {
      fmt::print(stderr, "careflow benchmark: no collection year could be read from --returns ({} file(s) read)\n",
                 od.files_read);
      return 2;
    }
    fmt::print("Own returns: {} file(s), {} collection year(s), {} error(s), {} repair(s) (details: careflow ingest)\n",
               od.files_read, od.years.size(), od.errors, od.repairs);
    for (const auto& y : od.missing_years)
      fmt::print(stderr, "careflow benchmark: warning: no return for {} among --returns: no own figures are shown "
                         "for it (careflow ingest says more)\n", y.label());
    // The own returns must be the council's: their children's homes (the directory's rows for
    // their postcodes only) and their number looked after against the published one.
    PostcodeSelection wanted;
    benchmark::add_postcodes(od.evidence, wanted);
    ProblemLog postcode_problems;
    const auto postcodes = wanted.size() ? PostcodeDirectory::load_reference(postcode_problems, [&] { return &wanted; },
                                                                             careflow::cli::postcode_index_options())
                                         : std::nullopt;
    careflow::cli::print_postcode_index_notes(postcode_problems, "benchmark");
    if (!careflow::cli::check_la("benchmark", o.la, od.evidence, d, postcodes ? &*postcodes : nullptr, o.la_check,
                                 la_notes))
      return 2;
    own = od.years;
    own_need = od.starters_by_need;
  }
  auto rep = report::build_benchmark_report(d, la, o.year, own, own_need, la_notes, !o.no_suppression);
  std::set<std::string> formats;
  std::stringstream ss(o.format);
  for (std::string f; std::getline(ss, f, ',');) formats.insert(f);
  std::string err;
  const std::string dir = folder.path().string();
  bool ok = true;
  // The arithmetic of the own figures, for an auditor; then, with disclosure control off, the mark
  // on every table.
  if (!o.returns.empty()) ok = write_relations_json(rep.arithmetic, rep.tables, dir + "/relations.json", &err);
  if (o.no_suppression) report::mark_not_for_publication(rep.tables);
  if (ok && formats.count("csv"))
    for (auto& t : rep.tables) ok = ok && write_csv(t, dir + "/" + t.id + ".csv", &err);
  if (ok && formats.count("json")) ok = write_json(rep.tables, dir + "/benchmark.json", &err);
  if (ok && formats.count("xlsx")) ok = write_xlsx(rep.tables, dir + "/benchmark.xlsx", &err, "careflow benchmark");
  if (ok && formats.count("html")) ok = write_text_file(dir + "/benchmark.html", rep.html, &err);
  if (!ok) {
    fmt::print(stderr, "careflow benchmark: {}\n", err);
    return 2;
  }
  Manifest m;
  m.command = command;
  m.reference_data = reference_data_dir().value_or("");
  if (!o.returns.empty()) m.suppression = !o.no_suppression;  // the own figures
  if (!cli::commit_output(folder, "benchmark", m)) return 2;
  if (!rep.own_summary.empty()) fmt::print("{}\n", rep.own_summary);
  if (o.no_suppression && !o.returns.empty())
    fmt::print("  WARNING: disclosure control is off; do not publish these outputs\n");
  fmt::print("{} ({}), {}: {} tables written to {}\n", rep.council_name, la, o.year, rep.tables.size(), o.out);
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
