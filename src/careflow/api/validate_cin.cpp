// careflow validate for a Children in Need census return: recognised by its files, read by io's
// CIN reader (XML or the analysts' CSV modules), checked by the CIN census rules of its year,
// and its errors given as the same three tables as the 903's.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "careflow/api/validate.hpp"
#include "careflow/io/cin_census.hpp"
#include "careflow/io/ssda903.hpp"

namespace careflow::api {

namespace {

namespace fs = std::filesystem;

// The files of a year's return as given: a folder's return files, or the paths themselves.
std::vector<std::string> return_files(const std::vector<std::string>& paths) {
  std::error_code ec;
  if (paths.size() == 1 && fs::is_directory(paths[0], ec)) return ssda903::list_folder(paths[0]).files;
  return paths;
}

}  // namespace

FilesByCollection files_by_collection(const std::vector<std::string>& paths) {
  FilesByCollection by;
  for (const auto& f : return_files(paths)) (cin::is_cin_file(f) ? by.cin : by.ssda903).push_back(f);
  return by;
}

ValidateResult validate_cin(const Config& config, const ValidateRequest& q) {
  ValidateResult r;
  r.collection = "CIN census";
  if (q.pseudonymise && !config.pseudonym_key) {
    r.stop("--pseudonymise needs a pseudonym key (--pseudonym-key-file)");
    return r;
  }
  const std::vector<std::string> files = return_files(q.this_year);
  for (const auto& f : files) {
    std::error_code ec;
    if (!fs::is_regular_file(f, ec)) {
      r.stop(fmt::format("{}: no such file", f));
      return r;
    }
  }
  const int given = year_of(q);
  auto kept = std::make_shared<cin::Return>(
      cin::read_cin_files(files, given ? std::optional<CollectionYear>(CollectionYear{given}) : std::nullopt, r.problems));
  r.kept = kept;
  const cin::Return& ret = *kept;
  // The year decides the rule versions: the one asked for, else the folder's, else the Header's.
  const int year = given ? given : ret.year.end_year;
  if (year == 0) {
    r.stop("give --year (the collection end year, e.g. 2025): neither the folder's name nor the return's "
           "ReferenceDate says it");
    return r;
  }
  const CollectionYear cy{year};
  r.year = cy;
  const auto catalogue = validate::CinCensus::catalogue();
  if (std::none_of(catalogue.begin(), catalogue.end(), [year](const auto& v) { return v.active_in(year); })) {
    int first = INT32_MAX, last = 0;
    for (const auto& v : catalogue) {
      first = std::min(first, v.first_year);
      last = std::max(last, v.last_year);
    }
    r.stop(fmt::format("no DfE CIN census rule applies to collection year {} (--year {}); careflow's CIN rules "
                       "cover {} to {}",
                       cy.label(), year, CollectionYear{first}.label(), CollectionYear{last}.label()));
    return r;
  }
  // A return without children or episodes would "pass" nearly every rule: a located error.
  const auto* children = ret.find(cin::Table::child_identifiers);
  const auto* episodes = ret.find(cin::Table::cin_details);
  if (!children || children->rows() == 0 || !episodes || episodes->rows() == 0) {
    std::vector<std::string> read;
    for (const auto& f : ret.files)
      read.push_back(fmt::format("{} ({})", fs::path(f.path).filename().string(),
                                 f.xml ? "XML" : f.table ? std::string(cin::schema(*f.table).name) : "not used"));
    r.stop(fmt::format("{}: the CIN census return for {} has no {} rows, so it cannot be checked (files read: {})",
                       files.empty() ? std::string("the return") : files.front(), cy.label(),
                       !children || children->rows() == 0 ? "ChildIdentifiers" : "CINdetails",
                       read.empty() ? std::string("none") : fmt::format("{}", fmt::join(read, ", "))));
    return r;
  }
  if (!q.last_year.empty()) r.note("--last-year is not read for a CIN census return: no CIN rule compares years");
  if (!q.la.empty()) r.note("--la is not checked for a CIN census return");
  if (!q.providers_file.empty()) r.note("--providers is not read for a CIN census return: no CIN rule uses it");

  validate::CinInput in;
  in.this_year = &ret;
  in.year = cy;
  r.cin_results = validate::validate_cin(in);
  for (const auto& x : r.cin_results)
    (x.outcome == validate::Outcome::ran ? r.ran : x.outcome == validate::Outcome::not_run ? r.not_run : r.not_implemented)++;

  validate::ErrorTableOptions options;
  options.title = fmt::format("CIN census validation errors, {}", cy.label());
  r.children_note = q.pseudonymise
                        ? "Children are shown by pseudonym, not by their identifiers."
                        : "Children are shown by the LAchildID identifiers in the return, for correcting it: this "
                          "list is personal data. --pseudonymise shows pseudonyms instead.";
  options.notes = r.children_note +
                  " A message about the return as a whole (2883, 2886Q, 2887Q, 2888Q) has line 0 and no child.";
  std::optional<PseudonymKey> key;
  if (q.pseudonymise) key = *config.pseudonym_key;
  // The Header's rows and return-level messages have no child: shown as such, never pseudonymised.
  options.not_children = {validate::kWholeReturn, validate::kHeaderRow};
  options.label = [key](std::string_view id) {
    if (id == validate::kWholeReturn || id == validate::kHeaderRow) return std::string(id);
    if (id.empty()) return std::string("(no LAchildID)");
    return key ? pseudonymise(id, *key) : std::string(id);
  };
  r.tables = validate::ErrorTables::of<validate::CinCensus>(r.cin_results, ret, std::move(options));
  return r;
}

}  // namespace careflow::api
