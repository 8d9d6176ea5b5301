// careflow validate: runs DfE's SSDA903 validation rules over a year's return (and last year's,
// for the rules that compare years), or the CIN census rules over a CIN census return, and writes
// one row per error, with summaries per rule and per child. Exit status: 0 no errors, 1 errors
// found, 2 unusable input.
#include <fmt/format.h>

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <memory>

#include "careflow/api/validate.hpp"
#include "careflow/io/output_folder.hpp"
#include "careflow/io/table_writers.hpp"
#include "command.hpp"
#include "config.hpp"
#include "la_check.hpp"
#include "pseudonym_key.hpp"

namespace careflow::cli {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::vector<std::string> this_year, last_year;
  int year = 0;
  std::string la, format = "text", out, providers;
  bool pseudonymise = false;
  bool no_postcodes = false;
  LaCheckOptions la_check;
};

// With CAREFLOW_TIMING: each stage's wall and CPU time, then the rules' CPU time in all and the
// 25 slowest (thread CPU, so steady under load).
template <class Results>
void print_rule_timing(const Results& results) {
  std::vector<size_t> order(results.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return results[a].cpu_seconds > results[b].cpu_seconds; });
  double total = 0;
  for (const auto& x : results) total += x.cpu_seconds;
  fmt::print(stderr, "  rules: {:.3f} s CPU in all; the slowest:\n", total);
  for (size_t k = 0; k < std::min<size_t>(order.size(), 25); ++k)
    fmt::print(stderr, "    {:<6} {:>8.3f} s\n", results[order[k]].rule->code, results[order[k]].cpu_seconds);
}

void print_timing(const api::ValidateResult& r) {
  for (const auto& st : r.stages)
    fmt::print(stderr, "  {:<24} {:>8.3f} s wall {:>8.3f} s CPU\n", st.name, st.wall, st.cpu);
  if (!r.results.empty()) print_rule_timing(r.results);
  if (!r.cin_results.empty()) print_rule_timing(r.cin_results);
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

int run(const Options& o) {
  api::Config config = cli::config();
  if (o.pseudonymise && !(config.pseudonym_key = pseudonym_key("validate"))) return 2;
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
        out_paths.push_back(std::filesystem::path(o.out).replace_extension("").string() + suffix);
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
  api::ValidateRequest q;
  q.this_year = o.this_year;
  q.last_year = o.last_year;
  q.year = o.year;
  q.la = o.la;
  q.la_mismatch_ok = o.la_check.mismatch_ok;
  q.providers_file = o.providers;
  q.postcodes = !o.no_postcodes;
  q.pseudonymise = o.pseudonymise;
  auto r = api::validate(config, q);
  for (const auto& p : r.problems.all()) fmt::print(stderr, "{}\n", to_string(p));
  for (const auto& om : r.problems.omitted()) fmt::print(stderr, "{}\n", to_string(summary_of(om)));
  if (!print_messages(r, "validate")) return 2;
  if (config.timing) print_timing(r);
  const auto start = std::chrono::steady_clock::now();
  const validate::ErrorTables& report = *r.tables;
  const OutputTable& errors = report.errors();
  const OutputTable& by_rule = report.by_rule();
  const OutputTable& by_child = report.by_child();
  const size_t total = report.error_count();
  const size_t child_count = r.children_with_errors();
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
          total, [&report](size_t begin, size_t end, std::string& text) { report.text_lines(begin, end, text); },
          [f, &written](std::string_view text) { written = std::fwrite(text.data(), 1, text.size(), f) == text.size() && written; });
      std::string text;
      fmt::format_to(std::back_inserter(text), "{} error(s) for {} child(ren); {} rules run, {} not run (missing data), {} "
                     "not yet implemented, in {}{}\n", total, child_count, r.ran, r.not_run, r.not_implemented, r.year.label(),
                     r.collection == "SSDA903" ? "" : " (" + r.collection + ")");
      if (total) fmt::format_to(std::back_inserter(text), "{}\n", r.children_note);
      for (const auto& x : r.results)
        if (x.outcome == validate::Outcome::not_run)
          fmt::format_to(std::back_inserter(text), "not run: {} ({})\n", x.rule->code, x.reason);
      for (const auto& x : r.cin_results)
        if (x.outcome == validate::Outcome::not_run)
          fmt::format_to(std::back_inserter(text), "not run: {} ({})\n", x.rule->code, x.reason);
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
    ok = write_xlsx(tables, outputs[0]->path(), &error, "careflow " + r.collection + " validation");
  }
  for (auto& f : outputs) ok = ok && f->commit(&error);
  if (config.timing)
    fmt::print(stderr, "  {:<24} {:>8.3f} s wall\n", "write",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  keep_until_exit(std::move(r));
  if (!ok) {
    fmt::print(stderr, "careflow validate: {}\n", error);
    return 2;
  }
  return total ? 1 : 0;
}

const Register kRegister{{"validate", [](CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("validate", "Check a year's SSDA903 return, Children in Need census return, or both (each "
                                             "recognised by its files), against DfE's validation rules of each collection; "
                                             "every error names its collection. Errors name children by the "
                                             "return's own CHILD identifiers (LAchildID for a CIN "
                                             "return), for the team correcting it, unless --pseudonymise");
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
