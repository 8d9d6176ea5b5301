// careflow validate: runs DfE's SSDA903 validation rules over a year's return (and last year's,
// for the rules that compare years) and writes one row per error, with summaries per rule and
// per child. Exit status: 0 no errors, 1 errors found, 2 unusable input.
#include <fmt/format.h>

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <memory>

#include "careflow/core/privacy.hpp"
#include "careflow/io/output_folder.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/io/postcodes.hpp"
#include "careflow/io/ssda903.hpp"
#include "careflow/io/table_writers.hpp"
#include "careflow/validate/engine.hpp"
#include "careflow/validate/error_tables.hpp"
#include "command.hpp"
#include "config.hpp"
#include "careflow/io/reference_tables.hpp"
#include "la_check.hpp"
#include "postcode_index_place.hpp"
#include "pseudonym_key.hpp"


namespace careflow::cli {
namespace {

namespace fs = std::filesystem;

// What the outputs say about the children they name: the council's own identifiers are what the
// team correcting a return needs, and are personal data wherever else the list goes.
constexpr const char* kOwnIdsNote =
    "Children are shown by the CHILD identifiers in the return, for correcting it: this list is personal "
    "data. --pseudonymise shows pseudonyms instead.";
constexpr const char* kPseudonymisedNote = "Children are shown by pseudonym, not by their identifiers.";

struct Options {
  std::vector<std::string> this_year, last_year;
  int year = 0;
  std::string la, format = "text", out, providers;
  bool pseudonymise = false;
  bool no_postcodes = false;
  LaCheckOptions la_check;
};

// Stage times on stderr when CAREFLOW_TIMING is set (as `careflow ingest` prints its own), so a
// user can see whether reading, the rules or writing the errors dominates.
class StageTimer {
 public:
  StageTimer() : on_(std::getenv("CAREFLOW_TIMING") != nullptr), t_(std::chrono::steady_clock::now()), cpu_(cpu()) {}
  // Wall and CPU (all threads): on a shared machine the CPU time is the steadier figure.
  void lap(const char* stage) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    const double c = cpu();
    fmt::print(stderr, "  {:<24} {:>8.3f} s wall {:>8.3f} s CPU\n", stage,
               std::chrono::duration<double>(now - t_).count(), c - cpu_);
    t_ = now;
    cpu_ = c;
  }

 private:
  static double cpu() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
  bool on_;
  std::chrono::steady_clock::time_point t_;
  double cpu_;
};

// With CAREFLOW_TIMING: the rules' CPU time in all, and the 25 slowest (thread CPU, so steady
// under load), for one part of the run.
void print_slowest_rules(const std::vector<validate::RuleResult>& results) {
  if (!std::getenv("CAREFLOW_TIMING")) return;
  std::vector<size_t> order(results.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return results[a].cpu_seconds > results[b].cpu_seconds; });
  double total = 0;
  for (const auto& r : results) total += r.cpu_seconds;
  fmt::print(stderr, "  rules: {:.3f} s CPU in all; the slowest:\n", total);
  for (size_t k = 0; k < std::min<size_t>(order.size(), 25); ++k)
    fmt::print(stderr, "    {:<6} {:>8.3f} s\n", results[order[k]].rule->code, results[order[k]].cpu_seconds);
}

// One validation of a national return allocates a few hundred megabytes, much of it in small
// blocks (per child lists of rows, strings) from several threads. With glibc's defaults each
// thread gets its own arena, and every 4 KB page is faulted in one at a time: ~90,000 faults,
// which on a virtual machine (each a trap to the hypervisor) were a second of system time. So,
// for this one-shot process: one arena, a heap that grows in large steps and is never trimmed,
// on transparent huge pages (what GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1
// does, which cut the faults to ~20,000 and the CPU time by a quarter). Advice only: without
// huge pages, or with another malloc, nothing changes but the arena count.
void tune_malloc() {
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_MAX, 0);  // every block from the heap, so that freed memory is used again
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
  mallopt(M_TOP_PAD, 1 << 30);          // address space only: pages are used as touched
  char* const before = static_cast<char*>(sbrk(0));
  // Grows the heap by the pad, at once. (Through a volatile pointer: a malloc whose block is
  // only freed may be left out by the compiler.)
  void* volatile p = std::malloc(1 << 20);
  char* const after = static_cast<char*>(sbrk(0));
  std::free(p);
  if (before == reinterpret_cast<char*>(-1) || after - before < (1 << 30)) {
    // The heap could not grow by the pad (strict overcommit, or another malloc): back to
    // glibc's defaults but for the single arena.
    mallopt(M_TOP_PAD, 128 * 1024);
    mallopt(M_MMAP_MAX, 65536);
    return;
  }
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const auto begin = (reinterpret_cast<uintptr_t>(before) + kHuge - 1) & ~(kHuge - 1);
  const auto end = reinterpret_cast<uintptr_t>(after) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

// Hands `value` over to the end of the process: never destroyed, so never freed piece by piece.
// A run's tables and indexes are millions of small blocks, and freeing them one by one on the
// way out took 40-100 ms after the output was complete; the operating system takes the memory
// back at once when the process ends. (Kept reachable, from a static, so leak checkers are quiet.)
template <class T>
void keep_until_exit(T&& value) {
  static auto* kept = new std::vector<std::shared_ptr<void>>;
  kept->push_back(std::make_shared<std::decay_t<T>>(std::forward<T>(value)));
}

// Why the paths given for one year's return cannot be read as one ("" when they can): each must
// exist and be a file, or there must be one folder. Checked before anything is read, without
// throwing (a symbolic-link loop is an error like any other).
std::string check_return_paths(const std::vector<std::string>& paths, std::string_view option) {
  for (const auto& p : paths) {
    std::error_code ec;
    const auto st = fs::status(p, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) return fmt::format("{}: cannot be read: {}", p, ec.message());
    if (!fs::exists(st)) return fmt::format("{}: no such file or folder", p);
    if (fs::is_directory(st) && paths.size() > 1)
      return fmt::format("{}: is a folder, and {} takes one folder or the return's files, not both or several", p,
                         option);
    if (!fs::is_directory(st) && !fs::is_regular_file(st)) return fmt::format("{}: neither a file nor a folder", p);
  }
  return "";
}

bool is_folder(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

ssda903::Return read_inputs(const std::vector<std::string>& paths, CollectionYear y, ProblemLog& log) {
  if (paths.size() == 1 && is_folder(paths[0])) return ssda903::read_return_folder(paths[0], y, log);
  return ssda903::read_return_files(paths, y, log);
}

// A return without a usable episode would be checked as if the council had no child in care
// ("0 errors"): a located error instead. True when it was printed.
bool no_usable_episodes(const ssda903::Return& r, const std::vector<std::string>& paths) {
  if (ssda903::usable_episode_rows(r) > 0) return false;
  const bool folder = paths.size() == 1 && is_folder(paths[0]);
  const auto* e = r.find(ssda903::Table::episodes);
  const Problem p = ssda903::no_usable_episodes(r.year, paths.empty() ? "" : paths[0], r.files, e ? e->rows() : 0,
                                                folder ? ssda903::list_folder(paths[0]).not_read : std::vector<std::string>{});
  fmt::print(stderr, "careflow validate: {}\n", to_string(p));
  return true;
}

int run(const Options& o) {
  for (const auto& [paths, option] : {std::pair{&o.this_year, "--this-year"}, std::pair{&o.last_year, "--last-year"}})
    if (const auto why = check_return_paths(*paths, option); !why.empty()) {
      fmt::print(stderr, "careflow validate: {}\n", why);
      return 2;
    }
  int year = o.year;
  if (year == 0 && !o.this_year.empty()) {
    const auto guess = parse_collection_year(fs::path(o.this_year[0]).filename().string());
    if (guess) year = guess->end_year;
  }
  if (year == 0) {
    fmt::print(stderr, "careflow validate: give --year (the collection end year, e.g. 2025); it "
                       "could not be inferred from the folder name\n");
    return 2;
  }
  // A year no rule applies to would be checked by nothing and pass: "0 errors".
  {
    const auto& rules = validate::catalogue();
    auto any_rule = [&rules](int y) { return std::any_of(rules.begin(), rules.end(), [y](const auto& r) { return r.active_in(y); }); };
    if (!any_rule(year)) {
      int first = 1990, last = 2100;  // the years parse_collection_year knows
      while (first < last && !any_rule(first)) ++first;
      while (last > first && !any_rule(last)) --last;
      fmt::print(stderr, "careflow validate: no DfE validation rule applies to collection year {} (--year {}); "
                         "careflow's rules cover {} to {}\n", CollectionYear{year}.label(), year,
                 CollectionYear{first}.label(), CollectionYear{last}.label());
      return 2;
    }
  }
  std::optional<PseudonymKey> key;
  if (o.pseudonymise && !(key = pseudonym_key("validate"))) return 2;
  if (o.format == "xlsx" && o.out.empty()) {
    fmt::print(stderr, "careflow validate: --format xlsx needs --out FILE.xlsx\n");
    return 2;
  }
  // The output files first, so that an --out that cannot be written is said before any work.
  // Each is written to a temporary file beside it and all are renamed into place at the end
  // (CSV: the errors and their two summaries), never one new file beside two old ones.
  std::vector<std::string> out_paths;
  if (!o.out.empty()) {
    out_paths.push_back(o.out);
    if (o.format == "csv")
      for (const char* suffix : {"_by_rule.csv", "_by_child.csv"})
        out_paths.push_back(fs::path(o.out).replace_extension("").string() + suffix);
  }
  std::vector<std::string> inputs = o.this_year;
  inputs.insert(inputs.end(), o.last_year.begin(), o.last_year.end());
  if (!o.providers.empty()) inputs.push_back(o.providers);
  std::vector<std::unique_ptr<PendingFile>> outputs;
  for (const auto& path : out_paths) {
    std::string err;
    outputs.push_back(std::make_unique<PendingFile>());
    if (!outputs.back()->open(path, &err, inputs)) {
      fmt::print(stderr, "careflow validate: --out: {}\n", err);
      return 2;
    }
  }
  tune_malloc();
  StageTimer timer;
  // The postcode directory (2.7 million postcodes, 90 MB unpacked) is unpacked while the returns
  // are read; then only the rows of the postcodes the returns hold are indexed (`selection`,
  // given to the loader once the returns are read).
  ProblemLog pc_log;
  // Declared before the promise, so that if run() is left early its loader sees a broken
  // promise rather than waiting for ever.
  std::future<std::optional<PostcodeDirectory>> postcodes_loading;
  std::promise<PostcodeSelection> selection_made;
  std::shared_future<PostcodeSelection> selection = selection_made.get_future().share();
  bool selection_given = false;
  auto give_selection = [&](PostcodeSelection s) {
    if (!selection_given) selection_made.set_value(std::move(s));
    selection_given = true;
  };
  if (!o.no_postcodes)
    postcodes_loading = std::async(std::launch::async, [&pc_log, selection, config = cli::config()] {
      return PostcodeDirectory::load_reference(config.reference, pc_log, [&selection] { return &selection.get(); },
                                               config.postcode_index);
    });
  ProblemLog problems;
  const CollectionYear cy{year};
  // The two years are independent: last year's return is read on its own thread, so that each
  // year's largest file (episodes) is parsed on its own core. Its problems are reported after
  // this year's, as when the years were read one after the other.
  ProblemLog last_problems;
  std::future<ssda903::Return> last_reading;
  if (!o.last_year.empty())
    last_reading = std::async(std::launch::async, [&o, &last_problems, year] {
      return read_inputs(o.last_year, CollectionYear{year - 1}, last_problems);
    });
  ssda903::Return this_year = read_inputs(o.this_year, cy, problems);
  std::optional<ssda903::Return> last_year;
  if (last_reading.valid()) {
    last_year = last_reading.get();
    problems.append(last_problems);
  }
  timer.lap("read returns");
  for (const auto& p : problems.all()) fmt::print(stderr, "{}\n", to_string(p));
  for (const auto& om : problems.omitted()) fmt::print(stderr, "{}\n", to_string(summary_of(om)));
  // Without a table, or without an episode it can use, a return would "pass" most rules.
  const bool this_unusable = no_usable_episodes(this_year, o.this_year);
  if (this_unusable || (last_year && no_usable_episodes(*last_year, o.last_year))) {
    give_selection({});
    if (postcodes_loading.valid()) postcodes_loading.wait();
    return 2;
  }

  // The Ofsted provider list (provider_info), when given; without it rules 219-229 and 1008
  // say they were not run. Its problems are reported after the postcode directory's.
  std::optional<validate::ProviderInfo> providers;
  ProblemLog pv_log;
  if (!o.providers.empty()) providers = validate::read_provider_info(o.providers, pv_log);

  validate::ValidationInput in;
  in.providers = providers ? &*providers : nullptr;
  in.this_year = &this_year;
  in.last_year = last_year ? &*last_year : nullptr;
  in.year = cy;
  in.la = o.la;
  // Nearly every rule does without the postcode directory, which is still loading on its own
  // thread (about a second of CPU, longer than reading the returns): those rules start now, on
  // a copy of the input that never sees the postcode fields filled in below.
  // Both parts share one set of table indexes, built once by whichever rule needs each first.
  auto indexes = std::make_unique<validate::SharedIndexes>();
  std::future<std::vector<validate::RuleResult>> other_rules = std::async(std::launch::async, [base = in, &indexes] {
    return validate::validate(base, validate::RulePart::without_postcodes, indexes.get());
  });

  // The postcodes looked up in the directory: HOME_POST and PL_POST of both years' episodes
  // (derive_episode_fields, and rule 392c), and the providers' registered postcodes.
  {
    PostcodeSelection wanted;
    for (const ssda903::Return* r : {&this_year, last_year ? &*last_year : nullptr})
      if (const auto* e = r ? r->find(ssda903::Table::episodes) : nullptr)
        for (size_t row = 0; row < e->rows(); ++row) {
          wanted.add(e->cell(row, ssda903::episodes_col::HOME_POST));
          wanted.add(e->cell(row, ssda903::episodes_col::PL_POST));
        }
    if (providers)
      for (const auto& [urn, p] : providers->by_urn)
        for (const auto& pc : p.postcodes) wanted.add(pc);
    give_selection(std::move(wanted));
  }

  // Postcode-derived fields (PL_LA, PL_LOCATION, PL_DISTANCE) from the ONS postcode directory,
  // when it is in the reference data folder; without it those rules say they were not run.
  std::optional<PostcodeDirectory> postcodes;
  std::optional<validate::DerivedEpisodeFields> derived, derived_last;
  if (!o.no_postcodes) {
    postcodes = postcodes_loading.get();
    for (const auto& p : pc_log.all()) fmt::print(stderr, "{}\n", to_string(p));
    if (postcodes) {
      if (const auto* e = this_year.find(ssda903::Table::episodes))
        derived = validate::derive_episode_fields(*e, *postcodes, o.la);
      if (last_year)
        if (const auto* e = last_year->find(ssda903::Table::episodes))
          derived_last = validate::derive_episode_fields(*e, *postcodes, o.la);
    }
  }

  for (const auto& p : pv_log.all()) fmt::print(stderr, "{}\n", to_string(p));
  timer.lap("postcodes");
  // The return must be the council's (--la): its children's homes and its number looked after at
  // 31 March against the published one. Warnings go to the terminal (stderr).
  if (!o.la.empty()) {
    benchmark::LoadOptions lo;
    lo.lait = false;
    lo.direct = false;
    std::vector<std::string> notes;
    if (!check_la("validate", o.la, benchmark::returns_evidence(this_year), benchmark::load_public_data(published_file_reader(cli::config().reference), lo),
                  postcodes ? &*postcodes : nullptr, o.la_check, notes,
                  o.no_postcodes ? "--no-postcodes was given" : ""))
      return 2;
  }

  in.postcodes = postcodes ? &*postcodes : nullptr;
  in.derived = derived ? &*derived : nullptr;
  in.derived_last = derived_last ? &*derived_last : nullptr;
  auto postcode_results = validate::validate(in, validate::RulePart::postcode_rules, indexes.get());
  auto other_results = other_rules.get();
  print_slowest_rules(other_results);
  print_slowest_rules(postcode_results);
  // Both parts are in catalogue order (their rules point into the one catalogue): merged, they
  // are in the order validate() gives.
  std::vector<validate::RuleResult> results;
  results.reserve(postcode_results.size() + other_results.size());
  std::merge(std::make_move_iterator(other_results.begin()), std::make_move_iterator(other_results.end()),
             std::make_move_iterator(postcode_results.begin()), std::make_move_iterator(postcode_results.end()),
             std::back_inserter(results), [](const validate::RuleResult& a, const validate::RuleResult& b) {
               return std::less<const validate::RuleVersion*>()(a.rule, b.rule);
             });
  // The derived fields (3 x 200k strings per year at national scale) are done with: their
  // memory is used again for the error references below rather than the heap growing into new
  // pages (which the kernel must zero first).
  in.derived = in.derived_last = nullptr;
  derived.reset();
  derived_last.reset();
  timer.lap("rules");

  // The errors, kept as references and turned into cells only as they are written.
  validate::ErrorTableOptions table_options;
  table_options.title = fmt::format("SSDA903 validation errors, {}", cy.label());
  table_options.notes = o.pseudonymise ? kPseudonymisedNote : kOwnIdsNote;
  if (key) table_options.label = [&key](std::string_view id) { return pseudonymise(id, *key); };
  const auto report = validate::ErrorTables::of<validate::Ssda903>(results, this_year, std::move(table_options));
  const OutputTable& errors = report->errors();
  const OutputTable& by_rule = report->by_rule();
  const OutputTable& by_child = report->by_child();
  const size_t total = report->error_count(), child_count = report->child_count();
  timer.lap("error tables");
  const std::vector<OutputTable> tables = {errors, by_rule, by_child};
  std::string error;
  bool ok = true;
  if (o.format == "text") {
    std::FILE* f = o.out.empty() ? stdout : std::fopen(outputs[0]->path().c_str(), "w");
    bool written = true;
    if (!f) {
      ok = false;
      error = "cannot write " + o.out;
    } else {
      // Lines made in chunks on several threads, written in order.
      format_in_order(
          total, [&report](size_t begin, size_t end, std::string& text) { report->text_lines(begin, end, text); },
          [f, &written](std::string_view text) { written = std::fwrite(text.data(), 1, text.size(), f) == text.size() && written; });
      std::string text;
      size_t ran = 0, not_run = 0, missing = 0;
      for (const auto& r : results)
        (r.outcome == validate::Outcome::ran ? ran : r.outcome == validate::Outcome::not_run ? not_run : missing)++;
      fmt::format_to(std::back_inserter(text), "{} error(s) for {} child(ren); {} rules run, {} not run (missing data), {} "
                     "not yet implemented, in {}\n", total, child_count, ran, not_run, missing, cy.label());
      if (total) fmt::format_to(std::back_inserter(text), "{}\n", o.pseudonymise ? kPseudonymisedNote : kOwnIdsNote);
      for (const auto& r : results)
        if (r.outcome == validate::Outcome::not_run)
          fmt::format_to(std::back_inserter(text), "not run: {} ({})\n", r.rule->code, r.reason);
      written = std::fwrite(text.data(), 1, text.size(), f) == text.size() && written;
      if (f != stdout) written = std::fclose(f) == 0 && written;
      else std::fflush(stdout);
      if (!written) {
        ok = false;
        error = "cannot write " + o.out;
      }
    }
  } else if (o.format == "csv") {
    if (o.out.empty()) {
      fmt::print("{}", to_csv(errors));
    } else {
      ok = write_csv(errors, outputs[0]->path(), &error) && write_csv(by_rule, outputs[1]->path(), &error) &&
           write_csv(by_child, outputs[2]->path(), &error);
    }
  } else if (o.format == "json") {
    if (o.out.empty()) {
      fmt::print("[{},{},{}]\n", to_json(errors), to_json(by_rule), to_json(by_child));
    } else {
      ok = write_json(tables, outputs[0]->path(), &error);
    }
  } else if (o.format == "xlsx") {
    ok = write_xlsx(tables, outputs[0]->path(), &error, "careflow SSDA903 validation");
  }
  for (auto& f : outputs) ok = ok && f->commit(&error);
  timer.lap("write");
  keep_until_exit(std::move(indexes));
  keep_until_exit(std::move(this_year));
  keep_until_exit(std::move(last_year));
  if (!ok) {
    fmt::print(stderr, "careflow validate: {}\n", error);
    return 2;
  }
  return total ? 1 : 0;
}

const Register kRegister{{"validate", [](CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("validate", "Check a year's SSDA903 return against DfE's validation rules. Errors name "
                                             "children by the return's own CHILD identifiers, for the team correcting "
                                             "it, unless --pseudonymise");
  cmd->add_option("--this-year", opts->this_year, "This year's return: a folder, or its files")->required();
  cmd->add_option("--last-year", opts->last_year, "Last year's return: a folder, or its files");
  cmd->add_option("--year", opts->year, "Collection end year (2025 = 2024/25); inferred from the folder name if absent");
  cmd->add_option("--la", opts->la, "The council's ONS code, e.g. E09000027");
  opts->la_check.add_to(cmd);
  cmd->add_option("--providers", opts->providers,
                  "Ofsted provider list as CSV (URN, LA_NAME_FROM_FILE, PLACE_CODES, PROVIDER_CODES, "
                  "REG_END, POSTCODE, LA_CODE_INFERRED, LA_NAME_INFERRED)");
  cmd->add_flag("--no-postcodes", opts->no_postcodes,
                "Do not load the postcode directory (postcode-derived rules are then not run)");
  cmd->add_flag("--pseudonymise", opts->pseudonymise,
                "Show pseudonyms instead of the return's child identifiers (key: see careflow --help, "
                "--pseudonym-key-file)");
  cmd->add_option("--format", opts->format, "text, csv, json or xlsx")
      ->check(CLI::IsMember({"text", "csv", "json", "xlsx"}));
  cmd->add_option("--out", opts->out, "Output file (standard output if absent; needed for xlsx)");
  cmd->callback([opts, &exit_code] { exit_code = run(*opts); });
}}};

}  // namespace
}  // namespace careflow::cli
