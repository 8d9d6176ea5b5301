// careflow ingest: read any number of yearly returns into one history and say what was found.
#include <fmt/format.h>

#include <filesystem>

#include "careflow/api/ingest.hpp"
#include "careflow/io/table_writers.hpp"
#include "command.hpp"
#include "config.hpp"
#include "output.hpp"
#include "returns_check.hpp"
#include "pseudonym_key.hpp"

namespace careflow::cli {
namespace {

struct Options {
  std::vector<std::string> inputs;
  std::string year;
  std::string out;
  int show = 20;
};

void print_table(const OutputTable& t) {
  fmt::print("\n{}\n", t.title);
  std::vector<size_t> width(t.columns.size());
  for (size_t c = 0; c < t.columns.size(); ++c) width[c] = t.columns[c].label.size();
  for (const auto& r : t.rows)
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], format_cell(r[c], t.columns[c].decimals).size());
  for (size_t c = 0; c < t.columns.size(); ++c) fmt::print("  {:<{}}", t.columns[c].label, width[c]);
  fmt::print("\n");
  for (const auto& r : t.rows) {
    for (size_t c = 0; c < r.size(); ++c) {
      const auto s = format_cell(r[c], t.columns[c].decimals);
      if (std::holds_alternative<double>(r[c])) fmt::print("  {:>{}}", s, width[c]);
      else fmt::print("  {:<{}}", s, width[c]);
    }
    fmt::print("\n");
  }
}

int run(const Options& o, const std::vector<std::string>& command) {
  std::optional<CollectionYear> year;
  if (!o.year.empty()) {
    year = parse_collection_year(o.year);
    if (!year) {
      fmt::print(stderr, "careflow ingest: '{}' is not a collection year (e.g. 2025 or 2024/25)\n", o.year);
      return 2;
    }
  }
  // Problems name children by pseudonym only.
  api::Config config = cli::config();
  if (!(config.pseudonym_key = pseudonym_key("ingest"))) return 2;
  // The output folder first: an --out that cannot be written is said before any work.
  OutputFolder folder;
  if (!o.out.empty() && !open_output(folder, "ingest", o.out, o.inputs)) return 2;
  const auto result = api::ingest(config, {{o.inputs, year}});
  const IngestReport& report = result.report;
  if (stop_on_unusable_returns(report, "ingest")) return 2;
  if (config.timing) print_stage_times(report);
  const History& h = result.history;
  const auto& tables = result.summary;
  if (result.has_903() || !result.has_cin())
    fmt::print("careflow ingest: SSDA903 (children looked after): {} file(s), {} collection year(s){}\n", report.files_read, h.years.size(),
               h.years.empty() ? "" : fmt::format(" ({} to {})", h.years.front().label(), h.years.back().label()));
  for (const auto& t : tables) print_table(t);
  // The Children in Need census returns found among the inputs, and their linkage with the 903.
  ProblemLog with_cin;
  if (result.has_cin()) {
    const auto& years = result.cin.years;
    fmt::print("{}careflow ingest: Children in Need census: {} file(s), {} collection year(s){}{}\n",
               result.has_903() ? "\n" : "", result.cin_files.size(), years.size(),
               years.empty() ? "" : fmt::format(" ({} to {})", years.front().label(), years.back().label()),
               result.has_903() ? "" : "; no SSDA903 return among the inputs, so no linkage");
    for (const auto& t : result.cin_summary) print_table(t);
    with_cin = report.problems;
    with_cin.append(result.cin_report.problems);
  }
  const auto& problems = result.has_cin() ? with_cin : report.problems;
  fmt::print("\nProblems: {} error(s), {} warning(s), {} repair(s)\n", problems.count(Severity::error),
             problems.count(Severity::warning), problems.count(Severity::repair));
  int shown = 0;
  for (const auto& p : problems.all()) {
    if (shown++ >= o.show) {
      fmt::print("  ... {} more{}\n", problems.size() - static_cast<size_t>(o.show),
                 o.out.empty() ? " (use --out DIR to write them all to problems.csv)" : " in problems.csv");
      break;
    }
    fmt::print("  {}\n", to_string(p));
  }
  // Kinds met so often in one file that only the first were listed: said even when few are shown.
  for (const auto& om : problems.omitted()) fmt::print("  {}\n", to_string(summary_of(om)));
  if (!o.out.empty()) {
    std::string err;
    auto all = tables;
    all.insert(all.end(), result.cin_summary.begin(), result.cin_summary.end());
    all.push_back(result.problems);
    for (const auto& t : all)
      if (!write_csv(t, (folder.path() / (t.id + ".csv")).string(), &err)) {
        fmt::print(stderr, "careflow ingest: {}\n", err);
        return 2;
      }
    if (!write_json(all, (folder.path() / "ingest.json").string(), &err)) {
      fmt::print(stderr, "careflow ingest: {}\n", err);
      return 2;
    }
    Manifest m;
    m.command = command;
    if (!commit_output(folder, "ingest", m)) return 2;
    fmt::print("\nWrote {} tables to {}\n", all.size(), o.out);
  }
  if (h.episodes.empty() && !result.has_cin()) return 2;
  return problems.count(Severity::error) ? 1 : 0;
}

const Register reg{{"ingest", [](CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("ingest", "Read yearly SSDA903 returns into one care history and summarise it, with any Children in Need "
                                           "census returns beside them (or alone) as CIN timelines linked to it. "
                                           "Problems name the file, line and column, and a child only by its "
                                           "pseudonym (key: see careflow --help, --pseudonym-key-file)");
  cmd->add_option("inputs", opts->inputs,
                  "Return folders or files: a folder per collection year (named e.g. 2024_25), a folder of "
                  "such folders, or PATH@2025 to give the year explicitly")->required();
  cmd->add_option("--year", opts->year, "Collection year for inputs whose name does not say (e.g. 2025 or 2024/25)");
  cmd->add_option("--out", opts->out, "Folder to write the summary and every problem as CSV and JSON");
  cmd->add_option("--show", opts->show, "How many problems to print (default 20)");
  cmd->callback([opts, cmd, &exit_code] { exit_code = run(*opts, manifest_command(*cmd)); });
}}};

}  // namespace
}  // namespace careflow::cli
