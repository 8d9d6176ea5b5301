#include "careflow/api/benchmark.hpp"

#include <fmt/format.h>

#include "careflow/api/council_check.hpp"
#include "careflow/benchmark/own_cin.hpp"
#include "careflow/benchmark/own_data.hpp"
#include "careflow/benchmark/public_data.hpp"
#include "careflow/io/output_folder.hpp"
#include "careflow/io/postcodes.hpp"
#include "careflow/io/reference_tables.hpp"
#include "careflow/io/relations_json.hpp"
#include "careflow/io/table_writers.hpp"
#include "careflow/report/benchmark_page.hpp"
#include "careflow/report/disclosure.hpp"

namespace careflow::api {

BenchmarkResult benchmark(const Config& config, const BenchmarkRequest& q) {
  BenchmarkResult r;
  if (!config.reference.file(benchmark::kClaSeries)) {
    r.stop(config.reference.missing_message(benchmark::kClaSeries));
    return r;
  }
  const auto d = benchmark::load_public_data(published_file_reader(config.reference));
  for (auto& m : d.missing) r.note(m + " (continuing without it)");
  if (!d.problems.empty())  // rows or files of the published tables that could not be used
    r.note(fmt::format("{} problem(s) in the published tables, the first: {} (all in data_notes)", d.problems.size(),
                       d.problems.front()));
  const int la = d.find_council(q.la);
  if (!la) {
    r.stop(fmt::format("no council matches '{}' (use an ONS code, DfE LA number or name)", q.la));
    return r;
  }
  const auto* row = d.council_year(la, q.year);
  if (!row || !row->reports()) {
    std::string why = "no published row";
    if (row) why = fmt::format("{} did not exist", row->name);
    for (auto& c : benchmark::boundary_changes())
      for (int s : c.successors)
        if (s == la && q.year < c.first_year) why += fmt::format(" ({}; it reports from {})", c.description, c.first_year);
    r.stop(fmt::format("council {} in {}: {}", la, q.year, why));
    return r;
  }
  std::vector<benchmark::OwnYear> own;
  std::vector<benchmark::OwnBreakdown> own_need;
  std::vector<benchmark::OwnCinYear> own_cin;
  std::vector<std::string> la_notes;
  const bool with_own = !q.own_returns.inputs.empty();
  if (with_own) {
    // One reading of the returns for the 903 and the CIN census alike.
    IngestRequest iq;
    iq.returns = q.own_returns;
    iq.summary = false;
    const IngestResult ing = ingest(config, iq);
    const auto od = benchmark::own_data_from_history(ing.history, ing.report);
    if (!od.unusable.empty()) {
      for (const auto& p : od.unusable) r.messages.push_back({Message::Kind::error, to_string(p)});
      r.stop("the returns given with --returns cannot be used as they are; nothing was written");
      return r;
    }
    if (ing.has_cin()) {
      own_cin = benchmark::own_cin_years(ing.cin);
      r.own_cin_files = ing.cin_files.size();
      r.own_cin_years = own_cin.size();
    }
    if (od.years.empty() && own_cin.empty()) {
      r.stop(fmt::format("no collection year could be read from --returns ({} file(s) read)", od.files_read));
      return r;
    }
    r.own_files = od.files_read;
    r.own_years = od.years.size();
    r.own_errors = od.errors;
    r.own_repairs = od.repairs;
    for (const auto& y : od.missing_years)
      r.warn(fmt::format("no return for {} among --returns: no own figures are shown for it (careflow ingest says more)",
                         y.label()));
    if (!od.years.empty()) {
      PostcodeSelection wanted;
      benchmark::add_postcodes(od.evidence, wanted);
      const auto postcodes = load_postcodes(r, config, wanted);
      if (!check_council(r, config, q.la, od.evidence, d, postcodes ? &*postcodes : nullptr, q.la_mismatch_ok, la_notes))
        return r;
    } else {
      // Census returns only: there are no children's homes to place, and the check is not made.
      r.warn("--returns holds CIN census returns only: they were not checked against --la (the check places the "
             "children's homes of the 903)");
      la_notes.push_back("not checked: the returns hold the CIN census only");
    }
    own = od.years;
    own_need = od.starters_by_need;
  }
  auto rep = report::build_benchmark_report(d, la, q.year, own, own_need, la_notes, config.suppression, own_cin);
  r.council_name = rep.council_name;
  r.la_number = la;
  r.tables = rep.tables.size();
  r.own_summary = rep.own_summary;
  std::string err;
  const std::string& dir = q.out_dir;
  bool ok = true;
  if (with_own) ok = write_relations_json(rep.arithmetic, rep.tables, dir + "/relations.json", &err);
  if (!config.suppression) report::mark_not_for_publication(rep.tables);
  if (ok && q.formats.count("csv"))
    for (auto& t : rep.tables) ok = ok && write_csv(t, dir + "/" + t.id + ".csv", &err);
  if (ok && q.formats.count("json")) ok = write_json(rep.tables, dir + "/benchmark.json", &err);
  if (ok && q.formats.count("xlsx")) ok = write_xlsx(rep.tables, dir + "/benchmark.xlsx", &err, "careflow benchmark");
  if (ok && q.formats.count("html")) ok = write_text_file(dir + "/benchmark.html", rep.html, &err);
  if (!ok) r.stop(err);
  return r;
}

}  // namespace careflow::api
