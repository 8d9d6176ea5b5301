#include "careflow/api/validate.hpp"

#include <fmt/format.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <iterator>

#include "careflow/api/council_check.hpp"
#include "careflow/benchmark/council_check.hpp"
#include "careflow/benchmark/own_data.hpp"
#include "careflow/benchmark/public_data.hpp"
#include "careflow/io/cin_census.hpp"
#include "careflow/io/csv.hpp"
#include "careflow/io/postcodes.hpp"
#include "careflow/io/reference_tables.hpp"
#include "careflow/io/ssda903.hpp"

namespace careflow::api {

namespace {

namespace fs = std::filesystem;

constexpr const char* kOwnIdsNote =
    "Children are shown by the CHILD identifiers in the return, for correcting it: this list is personal "
    "data. --pseudonymise shows pseudonyms instead.";
constexpr const char* kPseudonymisedNote = "Children are shown by pseudonym, not by their identifiers.";

// Each stage's wall and CPU time (all threads: on a shared machine the steadier figure), so a
// user can see whether reading, the rules or the tables dominate.
class StageTimer {
 public:
  explicit StageTimer(ValidateResult& r, bool on) : r_(r), on_(on), t_(std::chrono::steady_clock::now()), cpu_(cpu()) {}
  void lap(const char* stage) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    const double c = cpu();
    r_.stages.push_back({stage, std::chrono::duration<double>(now - t_).count(), c - cpu_});
    t_ = now;
    cpu_ = c;
  }

 private:
  static double cpu() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
  ValidateResult& r_;
  bool on_;
  std::chrono::steady_clock::time_point t_;
  double cpu_;
};

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
// ("0 errors"): a located error instead.
std::optional<Problem> no_usable_episodes(const ssda903::Return& r, const std::vector<std::string>& paths) {
  if (ssda903::usable_episode_rows(r) > 0) return std::nullopt;
  const bool folder = paths.size() == 1 && is_folder(paths[0]);
  const auto* e = r.find(ssda903::Table::episodes);
  return ssda903::no_usable_episodes(r.year, paths.empty() ? "" : paths[0], r.files, e ? e->rows() : 0,
                                     folder ? ssda903::list_folder(paths[0]).not_read : std::vector<std::string>{});
}

}  // namespace

// The collection end year: given, or from the folder's name; 0 when neither says.
int year_of(const ValidateRequest& q) {
  if (q.year || q.this_year.empty()) return q.year;
  // "returns/2024_25/" names its folder too (its filename() is empty).
  fs::path folder = fs::path(q.this_year[0]).lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();
  const auto guess = parse_collection_year(folder.filename().string());
  return guess ? guess->end_year : 0;
}

namespace {

// What the run keeps for its tables: the returns they point into and the rules' shared indexes.
struct Kept {
  ssda903::Return this_year;
  std::optional<ssda903::Return> last_year;
  std::unique_ptr<validate::SharedIndexes> indexes = std::make_unique<validate::SharedIndexes>();
};

// Both collections of a year: the 903's files checked as validate() checks a 903 return (with
// last year's 903 files, the postcode directory, --la and the provider list), the CIN census's as
// validate_cin() does, and their errors given as one set of tables, each row naming its
// collection. Either part unusable stops the whole: half a check would read as a pass.
ValidateResult validate_both(const Config& config, const ValidateRequest& q, FilesByCollection files) {
  ValidateRequest q903 = q, qcin = q;
  q903.year = qcin.year = year_of(q);  // from the folder's name, which the file lists no longer give
  q903.this_year = std::move(files.ssda903);
  bool last_year_cin = false;
  if (!q.last_year.empty()) {
    FilesByCollection last = files_by_collection(q.last_year);
    last_year_cin = !last.cin.empty();
    q903.last_year = std::move(last.ssda903);
  }
  qcin.this_year = std::move(files.cin);
  qcin.last_year.clear();
  qcin.la.clear();
  qcin.providers_file.clear();
  ValidateResult a = validate(config, q903);
  if (!a.done) return a;
  ValidateResult b = validate_cin(config, qcin);
  if (!b.done) return b;

  ValidateResult r;
  r.collection = fmt::format("{} and {}", validate::Ssda903::name, validate::CinCensus::name);
  r.year = a.year;
  r.problems = std::move(a.problems);
  r.problems.append(b.problems);
  r.messages = std::move(a.messages);
  r.messages.insert(r.messages.end(), b.messages.begin(), b.messages.end());
  if (last_year_cin) r.note("last year's CIN census return is not read: no CIN rule compares years");
  r.results = std::move(a.results);  // moved vectors keep their elements where they were
  r.cin_results = std::move(b.cin_results);
  r.ran = a.ran + b.ran;
  r.not_run = a.not_run + b.not_run;
  r.not_implemented = a.not_implemented + b.not_implemented;
  for (auto* part : {&a, &b})
    for (auto& st : part->stages) r.stages.push_back({fmt::format("{} {}", part == &a ? "903" : "CIN", st.name), st.wall, st.cpu});
  const auto& ret903 = std::static_pointer_cast<Kept>(a.kept)->this_year;
  const auto& retcin = *std::static_pointer_cast<cin::Return>(b.kept);
  r.kept = std::make_shared<std::pair<std::shared_ptr<void>, std::shared_ptr<void>>>(a.kept, b.kept);

  validate::ErrorTableOptions options;
  options.title = fmt::format("SSDA903 and CIN census validation errors, {}", r.year.label());
  r.children_note = q.pseudonymise ? kPseudonymisedNote
                                   : "Children are shown by the CHILD identifiers in the returns (LAchildID in the CIN "
                                     "census), for correcting them: this list is personal data. --pseudonymise shows "
                                     "pseudonyms instead.";
  options.notes = r.children_note + std::string(" A CIN census message about the return as a whole has line 0 and no child.");
  options.not_children = {validate::kWholeReturn, validate::kHeaderRow};
  std::optional<PseudonymKey> key;
  if (q.pseudonymise) key = *config.pseudonym_key;
  options.label = [key](std::string_view id) {
    if (id == validate::kWholeReturn || id == validate::kHeaderRow) return std::string(id);
    return key ? pseudonymise(id, *key) : std::string(id);
  };
  // The parts' own tables are replaced by the joint ones (which refer to the same results).
  a.tables.reset();
  b.tables.reset();
  std::vector<validate::ErrorTables::Part> parts;
  parts.push_back(validate::ErrorTables::part<validate::Ssda903>(r.results, ret903));
  parts.push_back(validate::ErrorTables::part<validate::CinCensus>(r.cin_results, retcin));
  r.tables = validate::ErrorTables::of_parts(std::move(parts), std::move(options));
  return r;
}

}  // namespace

ValidateResult validate(const Config& config, const ValidateRequest& q) {
  ValidateResult r;
  for (const auto& [paths, option] : {std::pair{&q.this_year, "--this-year"}, std::pair{&q.last_year, "--last-year"}})
    if (const auto why = check_return_paths(*paths, option); !why.empty()) {
      r.stop(why);
      return r;
    }
  // A Children in Need census return is checked against the CIN census's rules; a year folder
  // holding both collections has each checked against its own.
  {
    FilesByCollection files = files_by_collection(q.this_year);
    if (!files.cin.empty()) {
      if (files.ssda903.empty()) return validate_cin(config, q);
      return validate_both(config, q, std::move(files));
    }
  }
  const int year = year_of(q);
  if (year == 0) {
    r.stop("give --year (the collection end year, e.g. 2025); it could not be inferred from the folder name");
    return r;
  }
  // A year no rule applies to would be checked by nothing and pass: "0 errors".
  {
    const auto& rules = validate::catalogue();
    auto any_rule = [&rules](int y) { return std::any_of(rules.begin(), rules.end(), [y](const auto& x) { return x.active_in(y); }); };
    if (!any_rule(year)) {
      int first = 1990, last = 2100;  // the years parse_collection_year knows
      while (first < last && !any_rule(first)) ++first;
      while (last > first && !any_rule(last)) --last;
      r.stop(fmt::format("no DfE validation rule applies to collection year {} (--year {}); careflow's rules cover {} "
                         "to {}", CollectionYear{year}.label(), year, CollectionYear{first}.label(),
                         CollectionYear{last}.label()));
      return r;
    }
  }
  if (q.pseudonymise && !config.pseudonym_key) {
    r.stop("--pseudonymise needs a pseudonym key (--pseudonym-key-file)");
    return r;
  }
  const CollectionYear cy{year};
  r.year = cy;
  auto kept = std::make_shared<Kept>();
  r.kept = kept;
  StageTimer timer(r, config.timing);
  // The postcode directory (2.7 million postcodes) is read through its index while the returns
  // are read; then only the rows of the postcodes the returns hold are taken (`selection`,
  // given to the loader once the returns are read).
  ProblemLog pc_log;
  // Declared before the promise, so that if this is left early its loader sees a broken promise
  // rather than waiting for ever.
  std::future<std::optional<PostcodeDirectory>> postcodes_loading;
  std::promise<PostcodeSelection> selection_made;
  std::shared_future<PostcodeSelection> selection = selection_made.get_future().share();
  bool selection_given = false;
  auto give_selection = [&](PostcodeSelection s) {
    if (!selection_given) selection_made.set_value(std::move(s));
    selection_given = true;
  };
  if (q.postcodes)
    postcodes_loading = std::async(std::launch::async, [&pc_log, selection, &config] {
      return PostcodeDirectory::load_reference(config.reference, pc_log, [&selection] { return &selection.get(); },
                                               config.postcode_index);
    });
  // The two years are independent: last year's return is read on its own thread, so that each
  // year's largest file (episodes) is parsed on its own core. Its problems are reported after
  // this year's, as when the years were read one after the other.
  ProblemLog last_problems;
  std::future<ssda903::Return> last_reading;
  if (!q.last_year.empty())
    last_reading = std::async(std::launch::async, [&q, &last_problems, year] {
      return read_inputs(q.last_year, CollectionYear{year - 1}, last_problems);
    });
  kept->this_year = read_inputs(q.this_year, cy, r.problems);
  if (last_reading.valid()) {
    kept->last_year = last_reading.get();
    r.problems.append(last_problems);
  }
  const ssda903::Return& this_year = kept->this_year;
  const std::optional<ssda903::Return>& last_year = kept->last_year;
  timer.lap("read returns");
  // Without a table, or without an episode it can use, a return would "pass" most rules.
  auto unusable = no_usable_episodes(this_year, q.this_year);
  if (!unusable && last_year) unusable = no_usable_episodes(*last_year, q.last_year);
  if (unusable) {
    give_selection({});
    if (postcodes_loading.valid()) postcodes_loading.wait();
    r.stop(to_string(*unusable));
    return r;
  }

  // The Ofsted provider list, when given; its problems are reported after the postcode directory's.
  std::optional<validate::ProviderInfo> providers;
  ProblemLog pv_log;
  if (!q.providers_file.empty())
    providers = validate::provider_info_from_csv(read_csv(q.providers_file), q.providers_file, pv_log);

  validate::ValidationInput in;
  in.providers = providers ? &*providers : nullptr;
  in.this_year = &this_year;
  in.last_year = last_year ? &*last_year : nullptr;
  in.year = cy;
  in.la = q.la;
  // Nearly every rule does without the postcode directory, which is still loading on its own
  // thread: those rules start now, on a copy of the input that never sees the postcode fields
  // filled in below. Both parts share one set of table indexes, built once by whichever rule
  // needs each first.
  validate::SharedIndexes* indexes = kept->indexes.get();
  std::future<std::vector<validate::RuleResult>> other_rules = std::async(std::launch::async, [base = in, indexes] {
    return validate::validate(base, validate::RulePart::without_postcodes, indexes);
  });

  // The postcodes looked up in the directory: HOME_POST and PL_POST of both years' episodes
  // (derive_episode_fields, and rule 392c), and the providers' registered postcodes.
  {
    PostcodeSelection wanted;
    for (const ssda903::Return* ret : {&this_year, last_year ? &*last_year : nullptr})
      if (const auto* e = ret ? ret->find(ssda903::Table::episodes) : nullptr)
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
  if (q.postcodes) {
    postcodes = postcodes_loading.get();
    r.problems.append(pc_log);
    if (postcodes) {
      if (const auto* e = this_year.find(ssda903::Table::episodes))
        derived = validate::derive_episode_fields(*e, *postcodes, q.la);
      if (last_year)
        if (const auto* e = last_year->find(ssda903::Table::episodes))
          derived_last = validate::derive_episode_fields(*e, *postcodes, q.la);
    }
  }
  r.problems.append(pv_log);
  timer.lap("postcodes");
  // The return must be the council's (--la): its children's homes and its number looked after
  // at 31 March against the published one.
  if (!q.la.empty()) {
    std::vector<std::string> notes;
    if (!check_council(r, config, q.la, benchmark::returns_evidence(this_year), load_council_tables(config),
                       postcodes ? &*postcodes : nullptr, q.la_mismatch_ok, notes,
                       q.postcodes ? "" : "--no-postcodes was given")) {
      other_rules.wait();
      return r;
    }
  }

  in.postcodes = postcodes ? &*postcodes : nullptr;
  in.derived = derived ? &*derived : nullptr;
  in.derived_last = derived_last ? &*derived_last : nullptr;
  auto postcode_results = validate::validate(in, validate::RulePart::postcode_rules, indexes);
  auto other_results = other_rules.get();
  // Both parts are in catalogue order (their rules point into the one catalogue): merged, they
  // are in the order validate() gives.
  r.results.reserve(postcode_results.size() + other_results.size());
  std::merge(std::make_move_iterator(other_results.begin()), std::make_move_iterator(other_results.end()),
             std::make_move_iterator(postcode_results.begin()), std::make_move_iterator(postcode_results.end()),
             std::back_inserter(r.results), [](const validate::RuleResult& a, const validate::RuleResult& b) {
               return std::less<const validate::RuleVersion*>()(a.rule, b.rule);
             });
  // The derived fields (3 x 200k strings per year at national scale) are done with: their
  // memory is used again for the error references below rather than the heap growing into new
  // pages (which the kernel must zero first).
  derived.reset();
  derived_last.reset();
  timer.lap("rules");
  for (const auto& x : r.results)
    (x.outcome == validate::Outcome::ran ? r.ran : x.outcome == validate::Outcome::not_run ? r.not_run : r.not_implemented)++;

  // The errors, kept as references and turned into cells only as they are written.
  validate::ErrorTableOptions table_options;
  table_options.title = fmt::format("SSDA903 validation errors, {}", cy.label());
  r.children_note = q.pseudonymise ? kPseudonymisedNote : kOwnIdsNote;
  table_options.notes = r.children_note;
  if (q.pseudonymise) {
    const PseudonymKey key = *config.pseudonym_key;
    table_options.label = [key](std::string_view id) { return pseudonymise(id, key); };
  }
  r.tables = validate::ErrorTables::of<validate::Ssda903>(r.results, this_year, std::move(table_options));
  timer.lap("error tables");
  return r;
}

}  // namespace careflow::api
