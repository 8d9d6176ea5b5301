#include "careflow/io/ingest.hpp"

#include <fmt/format.h>

#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/parallel_sort.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

#include "careflow/core/privacy.hpp"
#include "careflow/io/cin_census.hpp"
#include "careflow/base/huge_pages.hpp"
#include "careflow/base/string_index.hpp"

namespace careflow {

namespace fs = std::filesystem;
using ssda903::Return;
using ssda903::ReturnTable;
using ssda903::Table;

// ---- Finding the returns ------------------------------------------------------------------

namespace {

// Records each stage's wall time in the report (IngestReport::stages), for profiling at
// national scale: a front end prints them when asked (careflow: CAREFLOW_TIMING).
class StageTimer {
 public:
  explicit StageTimer(IngestReport& report) : report_(report), t_(std::chrono::steady_clock::now()) {}
  void lap(const char* stage) {
    const auto now = std::chrono::steady_clock::now();
    report_.stages.push_back({stage, std::chrono::duration<double>(now - t_).count()});
    t_ = now;
  }

 private:
  IngestReport& report_;
  std::chrono::steady_clock::time_point t_;
};

// One year's return as found on disk.
struct YearReturn {
  CollectionYear year;
  std::vector<std::string> files;     // sorted
  std::vector<std::string> folders;   // the year's folder(s); none when it was given as files
  std::vector<std::string> not_read;  // what its folder holds that is not read, with why
  // Where a message about the whole return points: its folder, else its first file.
  std::string where() const { return !folders.empty() ? folders.front() : files.empty() ? "" : files.front(); }
};

// "2024_26", "2023-2025": a pair of years that is not a collection year, for a hint in messages.
bool looks_like_a_year_pair(std::string_view name) {
  for (size_t i = 0; i + 6 < name.size(); ++i) {
    auto digit = [&](size_t k) { return k < name.size() && name[k] >= '0' && name[k] <= '9'; };
    if (digit(i) && digit(i + 1) && digit(i + 2) && digit(i + 3) && !digit(i + 4) &&
        (name[i + 4] == '_' || name[i + 4] == '-' || name[i + 4] == '/') && digit(i + 5))
      return true;
  }
  return false;
}

std::string year_name_help(std::string_view name) {
  return looks_like_a_year_pair(name)
             ? fmt::format("'{}' is not a collection year: the second year must follow the first (2024_25, "
                           "2024-25 or 2025 for 2024/25)", name)
             : fmt::format("'{}' does not name a collection year (2024_25, 2024-25 or 2025 for 2024/25)", name);
}

// Whether two folders hold the same return byte for byte: the same file names, the same bytes.
bool same_files(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  std::string x, y;
  for (size_t i = 0; i < a.size(); ++i) {
    if (fs::path(a[i]).filename() != fs::path(b[i]).filename()) return false;
    std::error_code ea, eb;
    if (fs::file_size(a[i], ea) != fs::file_size(b[i], eb) || ea || eb) return false;
    if (!read_file(a[i], x) || !read_file(b[i], y) || x != y) return false;
  }
  return true;
}

std::string canonical_or_given(const std::string& path) {
  std::error_code ec;
  const auto c = fs::weakly_canonical(path, ec);
  return ec ? path : c.string();
}

// Which files hold which collection year's return, years ascending. What is wrong with the inputs
// as a whole goes to report.fatal (every command stops: an input that does not exist or cannot be
// read, a year that cannot be told, a year folder that is empty or named as no year, two different
// folders for one year); what is only worth saying goes to report.problems.
std::vector<YearReturn> returns_by_year(const std::vector<std::string>& inputs, std::optional<CollectionYear> year,
                                        IngestReport& report, bool cin_only_ok = false) {
  auto fatal = [&](const std::string& where, const char* rule, std::string message) {
    report.fatal.add({Severity::error, where, 0, "", rule, std::move(message)});
  };
  // A whole year's folder, or a single file, and the year it is for.
  struct Source {
    int year;
    std::string path;
    bool folder;
    std::vector<std::string> files, not_read;
  };
  std::vector<Source> sources;
  // Children in Need census files, told by their first bytes, go to the CIN reader (api::ingest);
  // a folder holding only such files is no 903 year.
  std::set<std::string> cin_seen;
  auto set_aside_cin = [&](int y, std::vector<std::string> files) {
    std::vector<std::string> kept;
    for (auto& f : files) {
      if (!cin::is_cin_file(f)) {
        kept.push_back(std::move(f));
        continue;
      }
      if (cin_seen.insert(canonical_or_given(f)).second) report.cin_files[y].push_back(f);
    }
    return kept;
  };
  auto add_folder = [&](int y, const std::string& folder, const ssda903::FolderContents& c) {
    std::vector<std::string> files = set_aside_cin(y, c.files);
    if (files.empty()) return;
    Source s{y, folder, true, std::move(files), c.not_read};
    for (const auto& sub : c.folders)
      s.not_read.push_back(fmt::format("{} (a folder: a year's return is the files directly in its folder)",
                                       fs::path(sub).filename().string()));
    sources.push_back(std::move(s));
  };
  for (const auto& input : inputs) {
    std::string path = input;
    std::optional<CollectionYear> tagged;
    if (const auto at = input.rfind('@'); at != std::string::npos) {
      tagged = parse_collection_year(input.substr(at + 1));
      if (tagged) path = input.substr(0, at);
    }
    const fs::path p(path);
    std::error_code ec;
    const auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      fatal(path, "unreadable", ec && ec != std::errc::no_such_file_or_directory
                                    ? "cannot be read: " + ec.message()
                                    : std::string("no such file or folder"));
      continue;
    }
    if (fs::is_regular_file(st)) {
      const auto from_folder = parse_collection_year(p.parent_path().filename().string());
      const auto y = tagged ? tagged : from_folder ? from_folder : year;
      // A census return says its own year (its ReferenceDate): 0 until it is read.
      if (set_aside_cin(y ? y->end_year : 0, {path}).empty()) continue;
      if (!y) {
        fatal(path, "no-year", fmt::format("cannot tell which collection year {} is for: put it in a folder named by "
                                           "the year (2024_25), tag it as {}@2025, or give --year", input, path));
        continue;
      }
      sources.push_back({y->end_year, path, false, {path}, {}});
      continue;
    }
    if (!fs::is_directory(st)) {
      fatal(path, "unreadable", "neither a file nor a folder");
      continue;
    }
    const auto c = ssda903::list_folder(path);
    if (!c.error.empty()) {
      fatal(path, "unreadable", "the folder cannot be read: " + c.error);
      continue;
    }
    const std::string name = p.filename().empty() ? p.parent_path().filename().string() : p.filename().string();
    const auto own_year = tagged ? tagged : parse_collection_year(name);
    if (!c.files.empty()) {
      // One year's folder.
      const auto y = own_year ? own_year : year;
      // Census files say their own year (their ReferenceDate); 903 files need the folder's.
      if (!y && std::all_of(c.files.begin(), c.files.end(), [](const std::string& f) { return cin::is_cin_file(f); })) {
        set_aside_cin(0, c.files);
        continue;
      }
      if (!y) {
        fatal(path, "no-year", fmt::format("cannot tell which collection year this folder's return is for: {}. "
                                           "Rename the folder, tag it as {}@2025, or give --year",
                                           year_name_help(name), path));
        continue;
      }
      add_folder(y->end_year, path, c);
      continue;
    }
    // A folder of year folders: each sub-folder named by a year is that year's return. One that
    // cannot even be looked at must not drop its year without a word.
    bool any = false;
    for (const auto& [entry, why] : c.unreadable) {
      if (parse_collection_year(fs::path(entry).filename().string())) {
        fatal(entry, "unreadable", "cannot be read: " + why);
        any = true;
      } else {
        report.problems.add({Severity::warning, entry, 0, "", "not-read", "cannot be read: " + why});
      }
    }
    for (const auto& sub : c.folders) {
      const std::string sub_name = fs::path(sub).filename().string();
      const auto y = parse_collection_year(sub_name);
      const auto sc = ssda903::list_folder(sub);
      if (!sc.error.empty()) {
        if (y) fatal(sub, "unreadable", "the folder cannot be read: " + sc.error);
        any |= y.has_value();
        continue;
      }
      if (!y) {
        // Not a year: ignored, unless it holds what looks like a return.
        if (!sc.files.empty()) {
          fatal(sub, "no-year", fmt::format("the folder holds .csv or .xml files but {}, so careflow cannot tell "
                                            "which year they are for. Rename it, or move it out of {}",
                                            year_name_help(sub_name), path));
          any = true;
        }
        continue;
      }
      any = true;
      if (sc.files.empty()) {
        std::string holds;
        std::vector<std::string> entries = sc.not_read;
        for (const auto& f : sc.folders) entries.push_back(fs::path(f).filename().string() + " (a folder)");
        fatal(sub, "empty-year-folder",
              fmt::format("the folder for {} holds no .csv or .xml files{}, so that year has no return. Put the "
                          "year's files in it, or remove it",
                          y->label(), entries.empty() ? "" : fmt::format(" (it holds {})", fmt::join(entries, ", "))));
        continue;
      }
      add_folder(y->end_year, sub, sc);
    }
    if (!any) {
      if (own_year)
        fatal(path, "empty-year-folder",
              fmt::format("the folder for {} holds no .csv or .xml files{}, so that year has no return",
                          own_year->label(),
                          c.not_read.empty() ? "" : fmt::format(" (it holds {})", fmt::join(c.not_read, ", "))));
      else
        fatal(path, "no-files",
              fmt::format("the folder holds no .csv or .xml files, nor folders named by collection year (2024_25) "
                          "that do{}", c.not_read.empty() ? "" : fmt::format(" (it holds {})", fmt::join(c.not_read, ", "))));
    }
  }

  // Two folders for one year: the same folder twice, or two copies byte for byte, is read once
  // (and said); two different folders are not merged, since a year's return is one export.
  std::map<int, YearReturn> by_year;
  std::map<std::string, std::string> seen_files;  // canonical path -> as given
  std::map<int, size_t> first_folder;             // year -> index into sources
  for (size_t i = 0; i < sources.size(); ++i) {
    Source& s = sources[i];
    YearReturn& yr = by_year[s.year];
    yr.year = CollectionYear{s.year};
    if (s.folder) {
      const auto first = first_folder.find(s.year);
      if (first != first_folder.end()) {
        const Source& f = sources[first->second];
        if (canonical_or_given(f.path) == canonical_or_given(s.path)) {
          report.problems.add({Severity::warning, s.path, 0, "", "same-folder-twice",
                               fmt::format("the folder for {} was given twice; it is read once", yr.year.label())});
        } else if (same_files(f.files, s.files)) {
          report.problems.add({Severity::warning, s.path, 0, "", "duplicate-year-folder",
                               fmt::format("holds the same files, byte for byte, as {}: both are the {} return, "
                                           "which is read once, from {}", f.path, yr.year.label(), f.path)});
        } else {
          fatal(s.path, "two-folders-for-one-year",
                fmt::format("this folder and {} are both the {} return, and they differ. careflow does not merge "
                            "two exports of one year: keep the right one and move the other away",
                            f.path, yr.year.label()));
        }
        continue;
      }
      first_folder[s.year] = i;
      yr.folders.push_back(s.path);
      yr.not_read.insert(yr.not_read.end(), s.not_read.begin(), s.not_read.end());
    }
    for (const auto& file : s.files) {
      const auto [it, fresh] = seen_files.emplace(canonical_or_given(file), file);
      if (!fresh) {
        report.problems.add({Severity::warning, file, 0, "", "same-file-twice",
                             fmt::format("the file was given twice (also as {}); it is read once", it->second)});
        continue;
      }
      yr.files.push_back(file);
    }
  }
  if (sources.empty() && !report.cin_files.empty() && !cin_only_ok && report.fatal.empty())
    fatal(inputs.empty() ? std::string() : inputs.front(), "no-903-return",
          "the inputs hold Children in Need census returns but no SSDA903 return, which this command needs "
          "(careflow ingest reads census returns alone)");
  std::vector<YearReturn> years;
  for (auto& [y, r] : by_year) {
    std::sort(r.files.begin(), r.files.end());
    for (const auto& n : r.not_read)
      report.problems.add({Severity::warning, r.where(), 0, "", "not-read", "not read: " + n});
    years.push_back(std::move(r));
  }
  return years;
}

std::vector<std::pair<CollectionYear, std::vector<std::string>>> files_by_year(const std::vector<YearReturn>& years) {
  std::vector<std::pair<CollectionYear, std::vector<std::string>>> out;
  for (const auto& y : years) out.emplace_back(y.year, y.files);
  return out;
}

}  // namespace

std::vector<Return> read_returns(const std::vector<std::string>& inputs,
                                 std::optional<CollectionYear> year, IngestReport& report) {
  StageTimer timer(report);
  const auto years = returns_by_year(inputs, year, report);
  if (!report.fatal.empty()) return {};
  std::vector<Return> returns = ssda903::read_returns_by_year(files_by_year(years), report.problems);
  for (size_t y = 0; y < years.size(); ++y) {
    const Return& r = returns[y];
    if (ssda903::usable_episode_rows(r) > 0) continue;
    const auto* e = r.find(Table::episodes);
    report.fatal.add(ssda903::no_usable_episodes(r.year, years[y].where(), r.files, e ? e->rows() : 0,
                                                 years[y].not_read));
  }
  timer.lap("read files");
  if (!report.fatal.empty()) return {};
  return returns;
}

// ---- Building the history -------------------------------------------------------------------
//
// The history is built in two steps. First every file ("unit") is turned into compact records
// as soon as it is parsed, in parallel: child identifiers packed, dates parsed, codes looked
// up, and each row's own problems written to the unit's log. Then, one unit at a time in file
// order, the records are merged: identifiers become children, header and UASC rows (whose
// outcome depends on earlier rows) are applied, and the unit is emptied for another file. Episodes and the
// dated tables are then reconciled in parallel. Each stage keeps its own problem log and the
// logs are joined in a fixed order, so the report is the same, line for line, whatever the
// timing: the order of a single pass over the tables, table by table, return by return.

namespace {

constexpr size_t idx(Table t) { return static_cast<size_t>(t); }
constexpr uint32_t kNone = UINT32_MAX;

// Where a record came from. Units are numbered in the order the returns' tables hold their
// rows (by year, then file name), so (unit, row) orders rows as a table of the return would.
struct Origin {
  uint32_t unit = 0;
  uint32_t row = 0;   // within the unit's rows of its table
  uint32_t line = 0;  // for problems
};

// An Episodes row as read, before reconciliation. Until the unit is merged, `e.child` is the
// row's position in the unit's identifiers, and its postcodes and URN wait in the unit's strings.
struct RawEpisode {
  Episode e;
  Origin at;
  bool rec_given = false;
};

template <typename Record>
struct Dated {
  Record rec;
  Origin at;
};

// A Header row: what the merge needs to apply it in order. `child` as in RawEpisode, or kNone.
struct HeaderRow {
  uint32_t child = kNone;
  Date dob;
  DateError dob_error = DateError::ok;
  CodeIndex sex = kNoCode, ethnicity = kNoCode;
  uint32_t line = 0;
  uint32_t problems_end = 0;  // this row's own problems end here in the unit's header log
};

struct UascRow {
  uint32_t child = 0;
  Date ceased;
};

// One table's rows from one unit.
struct UnitTable {
  uint32_t rows = 0;
  size_t rejected = 0;
  size_t with_child = 0;  // rows with a CHILD
  ProblemLog problems;    // the rows' own problems, in row order
};

// Everything read from one unit (a file, or a file's rows of one table of a given Return).
struct Unit {
  uint32_t index = 0;
  uint32_t return_index = 0;
  std::string path;
  bool is_file = true;  // false: a table already read into a Return (build_history)
  ProblemLog read_problems;
  ssda903::FileReport report;
  std::array<UnitTable, ssda903::kTableCount> tables;
  std::vector<PackedString> ids;  // CHILD of each row that has one, in order (records index this)
  std::vector<std::string> long_ids;
  std::vector<PackedString> strings;  // per episode: HOME_POST, PL_POST and URN ('' packs to length 0)
  std::vector<HeaderRow> headers;
  std::vector<UascRow> uasc;
  std::vector<RawEpisode> episodes;
  std::vector<Dated<MissingSpell>> missing;
  std::vector<Dated<Review>> reviews;
  std::vector<Dated<Adoption>> adoptions;
  std::vector<Dated<AdoptionDecision>> decisions;

  // Empties the unit for the next file, keeping its arrays' memory (already faulted in).
  void reset() {
    read_problems = ProblemLog{};
    report = {};
    for (auto& t : tables) {
      t.rows = 0;
      t.rejected = 0;
      t.with_child = 0;
      t.problems = ProblemLog{};
    }
    ids.clear();
    long_ids.clear();
    strings.clear();
    headers.clear();
    uasc.clear();
    episodes.clear();
    missing.clear();
    reviews.clear();
    adoptions.clear();
    decisions.clear();
  }
};

// Turns one unit's rows into records. Runs in parallel with other units: it touches only the
// unit. Each helper reports what the row-by-row builder reported, in the same order.
class UnitReader final : public ssda903::TableRowSink {
 public:
  // `bytes`: the file's size, which bounds its number of rows.
  UnitReader(Unit& u, int year, size_t bytes) : u_(u), year_(static_cast<uint16_t>(year)), bytes_(bytes) {}

  void row(Table table, const std::string_view* cells, uint32_t line) override {
    UnitTable& t = u_.tables[idx(table)];
    const uint32_t row = t.rows++;
    if (row == 0) make_room(table);
    cells_ = cells;
    line_ = line;
    table_ = table;
    problems_ = &t.problems;
    if (table == Table::header) {
      read_header(t, row);
      return;
    }
    const std::string_view id = cells[0];
    if (id.empty()) {
      ++t.rejected;
      missing_key();
      return;
    }
    const auto child = static_cast<uint32_t>(u_.ids.size());
    u_.ids.push_back(pack_string(id, u_.long_ids));
    ++t.with_child;
    const Origin at{u_.index, row, line};
    switch (table) {
      case Table::uasc: u_.uasc.push_back({child, optional_date(ssda903::uasc_col::DUC)}); break;
      case Table::episodes: read_episode(t, child, at); break;
      case Table::missing: {
        namespace mc = ssda903::missing_col;
        const auto d = key_date(t, mc::MIS_START);
        if (!d) break;
        MissingSpell m;
        m.child = child;
        m.start = *d;
        m.end = optional_date(mc::MIS_END);
        m.type = code(mc::MISSING, codes::missing_type);
        u_.missing.push_back({m, at});
        break;
      }
      case Table::reviews: {
        namespace rc = ssda903::reviews_col;
        const auto d = key_date(t, rc::REVIEW);
        if (!d) break;
        u_.reviews.push_back({Review{child, *d, code(rc::REVIEW_CODE, codes::review_participation)}, at});
        break;
      }
      case Table::ad1: {
        namespace ac = ssda903::ad1_col;
        const auto d = key_date(t, ac::DATE_INT);
        if (!d) break;
        Adoption a;
        a.child = child;
        a.should_be_placed = *d;
        a.matched = optional_date(ac::DATE_MATCH);
        a.by_foster_carer = code(ac::FOSTER_CARE, codes::foster_care);
        a.number_of_adopters = code(ac::NB_ADOPTR, codes::number_of_adopters);
        a.sex_of_adopters = code(ac::SEX_ADOPTR, codes::sex_of_adopters);
        a.legal_status_of_adopters = code(ac::LS_ADOPTR, codes::legal_status_of_adopters);
        u_.adoptions.push_back({a, at});
        break;
      }
      case Table::placed_for_adoption: {
        namespace pc = ssda903::placed_col;
        const auto d = key_date(t, pc::DATE_PLACED);
        if (!d) break;
        AdoptionDecision a;
        a.child = child;
        a.decided = *d;
        a.reversed = optional_date(pc::DATE_PLACED_CEASED);
        a.reason_reversed = code(pc::REASON_PLACED_CEASED, codes::reason_placed_ceased);
        u_.decisions.push_back({a, at});
        break;
      }
      default: break;  // tables not modelled yet: the child is registered, the row kept
    }
  }

  // Feeds a table already read into a Return: rows [first, last), all from one file.
  void feed(const ReturnTable& t, size_t first, size_t last) {
    std::vector<std::string_view> cells(t.data.cols());
    for (size_t r = first; r < last; ++r) {
      for (size_t c = 0; c < cells.size(); ++c) cells[c] = t.cell(r, c);
      row(t.table, cells.data(), t.line(r));
    }
  }

 private:
  Unit& u_;
  uint16_t year_;
  size_t bytes_;

  // Room for as many rows as the file could hold (an SSDA903 row is rarely under 16 bytes):
  // only what is used is touched, and the unit keeps the room for its next file.
  void make_room(Table table) {
    // Capped, so that a huge file does not ask for more address space than a small machine
    // would grant at once: beyond it the arrays grow as they fill.
    const size_t rows = std::min<size_t>(bytes_ / 16 + 16, size_t{4} << 20);
    grow_huge(u_.ids, u_.ids.size() + rows);
    switch (table) {
      case Table::header: grow_huge(u_.headers, rows); break;
      case Table::uasc: grow_huge(u_.uasc, rows); break;
      case Table::episodes:
        grow_huge(u_.episodes, rows);
        grow_huge(u_.strings, 3 * rows);
        break;
      case Table::missing: grow_huge(u_.missing, rows); break;
      case Table::reviews: grow_huge(u_.reviews, rows); break;
      case Table::ad1: grow_huge(u_.adoptions, rows); break;
      case Table::placed_for_adoption: grow_huge(u_.decisions, rows); break;
      default: break;
    }
  }
  const std::string_view* cells_ = nullptr;
  uint32_t line_ = 0;
  Table table_ = Table::header;
  ProblemLog* problems_ = nullptr;

  // Messages name the file, line, column and rule, never the cell's text: in a file whose
  // header is wrong or missing any column can hold a child's identifier, date of birth or
  // postcode, and messages are what users paste into e-mails and support requests.
  void problem(Severity s, size_t col, std::string rule, std::string message) {
    problems_->add({s, u_.path, line_, std::string(ssda903::schema(table_).columns[col]), std::move(rule),
                    std::move(message)});
  }

  void missing_key() {
    problems_->add({Severity::error, u_.path, line_, "CHILD", "missing-key", "no CHILD identifier; the row was rejected"});
  }

  CodeIndex code(size_t col, const CodeList& list) {
    const auto v = cells_[col];
    if (v.empty()) return kNoCode;
    const CodeIndex i = list.find(v);
    if (i == kNoCode)
      problem(Severity::warning, col, "unknown-code", fmt::format("the value is not a {} code; treated as missing", list.name()));
    return i;
  }

  // A date that is optional in the row: invalid -> warning, treated as missing.
  Date optional_date(size_t col) {
    const auto v = cells_[col];
    if (v.empty()) return Date::open();
    const auto p = parse_date(v);
    if (!p) {
      problem(Severity::warning, col, "bad-date", fmt::format("{}; treated as missing", describe(p.error)));
      return Date::open();
    }
    return p.date;
  }

  // A date that keys the row: invalid -> the row is rejected.
  std::optional<Date> key_date(UnitTable& t, size_t col) {
    const auto v = cells_[col];
    const auto p = parse_date(v);
    if (!p) {
      ++t.rejected;
      problem(Severity::error, col, "bad-key-date", fmt::format("{}; the row was rejected", describe(p.error)));
      return std::nullopt;
    }
    return p.date;
  }

  // Postcodes and URNs repeat: the merge numbers each distinct one once, in order of first sight.
  void keep_string(std::string_view s) { u_.strings.push_back(pack_string(s, u_.long_ids)); }

  void read_header(UnitTable& t, uint32_t) {
    namespace hc = ssda903::header_col;
    HeaderRow h;
    h.line = line_;
    const std::string_view id = cells_[hc::CHILD];
    if (id.empty()) {
      ++t.rejected;
      missing_key();
    } else {
      h.child = static_cast<uint32_t>(u_.ids.size());
      u_.ids.push_back(pack_string(id, u_.long_ids));
      ++t.with_child;
      const auto dob_text = cells_[hc::DOB];
      const auto dob = parse_date(dob_text);
      h.dob = dob.date;
      h.dob_error = dob.error;
      if (!dob)
        problem(Severity::warning, hc::DOB, "bad-date",
                fmt::format("{}; the child's age is unknown", describe(dob.error)));
      h.sex = code(hc::SEX, codes::sex);
      h.ethnicity = code(hc::ETHNIC, codes::ethnic);
    }
    h.problems_end = static_cast<uint32_t>(t.problems.all().size());
    u_.headers.push_back(h);
  }

  void read_episode(UnitTable& t, uint32_t child, const Origin& at) {
    namespace ec = ssda903::episodes_col;
    const auto start = key_date(t, ec::DECOM);
    if (!start) return;
    RawEpisode x;
    x.at = at;
    Episode& e = x.e;
    e.child = child;
    e.start = *start;
    e.end = optional_date(ec::DEC);
    e.reason_new = code(ec::RNE, codes::reason_new_episode);
    e.legal_status = code(ec::LS, codes::legal_status);
    e.need = code(ec::CIN, codes::category_of_need);
    e.placement_type = code(ec::PLACE, codes::placement_type);
    e.provider = code(ec::PLACE_PROVIDER, codes::placement_provider);
    e.reason_ceased = code(ec::REC, codes::reason_episode_ceased);
    e.reason_place_change = code(ec::REASON_PLACE_CHANGE, codes::reason_place_change);
    e.collection_year = year_;
    keep_string(cells_[ec::HOME_POST]);
    keep_string(cells_[ec::PL_POST]);
    keep_string(cells_[ec::URN]);
    x.rec_given = !cells_[ec::REC].empty();
    if (!e.end.is_open() && e.end < e.start) {
      problem(Severity::warning, ec::DEC, "dec-before-decom",
              "DEC is before DECOM; DEC treated as missing");
      e.end = Date::open();
    }
    u_.episodes.push_back(x);
  }
};

// What a child's rows have said so far, by provisional index, while units are merged.
struct ChildState {
  Date dob;
  bool dob_known = false;
  CodeIndex sex = kNoCode, ethnicity = kNoCode;
  int latest_return = 0;
  int header_year = 0;  // year of the header row used (0 = none yet)
  uint32_t header_unit = 0, header_line = 0;  // and where it is, for a later row that disagrees
  int uasc_year = 0;    // year of the last UASC row
  bool uasc = false;
  Date uasc_ceased = Date::open();
};

// The stages whose problems are reported, in the order they are reported.
enum Stage : size_t {
  kHeaders, kUasc, kEpisodes, kReconcile, kPeriods, kNoHeader, kMissing, kReviews, kAd1, kPlaced,
  kOc2, kOc3, kPrevPerm, kSwEpisodes, kDolo, kStageCount
};

class Builder {
 public:
  // `where`: per year, the folder its return came from (for messages about the whole year).
  Builder(IngestReport& report, std::vector<CollectionYear> years, const std::vector<std::string>& where,
          const PseudonymKey* pseudonyms)
      : report_(report), pseudonyms_(pseudonyms), year_files_(years.size()), episode_rows_(years.size(), 0),
        usable_episodes_(years.size(), 0) {
    h_.years = std::move(years);
    report_missing_years(where);
  }

  // Merges one unit; units must arrive in order of their index.
  void merge(Unit& u) {
    const int year = h_.years[u.return_index].end_year;
    if (unit_paths_.size() <= u.index) unit_paths_.resize(u.index + 1);
    unit_paths_[u.index] = u.path;
    if (u.is_file) {
      report_.problems.append(u.read_problems);
      tally_file(u);
      year_files_[u.return_index].push_back(u.report);
    }
    episode_rows_[u.return_index] += u.tables[idx(Table::episodes)].rows;
    usable_episodes_[u.return_index] += u.episodes.size();
    std::vector<uint32_t>& child = child_;
    registry_.resolve(u.ids, u.long_ids, child);
    if (state_.size() < registry_.size()) {
      grow_huge(state_, registry_.size());
      state_.resize(registry_.size());
    }
    for (size_t k = 0; k < ssda903::kTableCount; ++k) {
      UnitTable& t = u.tables[k];
      if (t.rows == 0) continue;
      auto& tally = report_.tables[k];
      tally.rejected += t.rejected;
      switch (static_cast<Table>(k)) {
        case Table::header: merge_headers(u, t, child, year); break;
        case Table::uasc: merge_uasc(u, child, year); break;
        case Table::episodes: merge_episodes(u, child); break;
        case Table::missing: append(u.missing, child, missing_); break;
        case Table::reviews: append(u.reviews, child, reviews_); break;
        case Table::ad1: append(u.adoptions, child, adoptions_); break;
        case Table::placed_for_adoption: append(u.decisions, child, decisions_); break;
        default: tally.kept += t.with_child; break;
      }
      if (k != idx(Table::header)) logs_[stage_of(static_cast<Table>(k))].append(t.problems);
    }
  }

  History finish() {
    StageTimer timer(report_);
    order_children();
    timer.lap("children");
    tbb::task_group group;
    group.run([this] {
      reconcile_episodes();
      build_periods_and_placements();
      report_missing_headers();
    });
    group.run([this] { dedupe(Table::missing, missing_, h_.missing); });
    group.run([this] { dedupe(Table::reviews, reviews_, h_.reviews); });
    group.run([this] {
      dedupe(Table::ad1, adoptions_, h_.adoptions);
      dedupe(Table::placed_for_adoption, decisions_, h_.adoption_decisions);
    });
    group.wait();
    timer.lap("episodes and other tables");
    report_notes();
    for (auto& log : logs_) {
      for (const auto& p : log.all())
        if (p.severity == Severity::repair) ++report_.repairs_by_rule[p.rule];
      for (const auto& o : log.omitted())
        if (o.severity == Severity::repair) report_.repairs_by_rule[o.rule] += o.count;
      report_.problems.append(log);
    }
    return std::move(h_);
  }

  // For the check that every year has usable episodes (files are known only when streaming).
  const std::vector<ssda903::FileReport>& files_of(size_t year) const { return year_files_[year]; }
  size_t episode_rows(size_t year) const { return episode_rows_[year]; }
  size_t usable_episodes(size_t year) const { return usable_episodes_[year]; }

  // Per-file counts, for a Return read without streaming (XML files count their tables' rows).
  void tally_files(const std::vector<Return>& returns) {
    for (const auto& r : returns)
      for (const auto& f : r.files) {
        ++report_.files_read;
        if (!f.table) {
          ++report_.files_unrecognised;
          continue;
        }
        if (is_xml_name(f.path)) continue;
        auto& t = report_.tables[idx(*f.table)];
        t.read += f.records_read;
        t.unreadable += f.records_rejected + f.blank_records;
      }
    for (const auto& r : returns)
      for (const auto& f : r.files)
        if (f.table && is_xml_name(f.path)) {
          for (size_t k = 0; k < ssda903::kTableCount; ++k)
            if (const auto* t = r.find(static_cast<Table>(k)))
              for (size_t row = 0; row < t->rows(); ++row)
                if (t->source_of(row) == f.path) ++report_.tables[k].read;
          report_.tables[idx(Table::header)].read += f.records_rejected;
          report_.tables[idx(Table::header)].rejected += f.records_rejected;
        }
  }

 private:
  IngestReport& report_;
  const PseudonymKey* pseudonyms_;
  History h_;
  StringIndex registry_;  // child identifiers
  std::vector<uint32_t> child_, string_;  // a unit's identifiers and strings, resolved
  StringIndex strings_;   // postcodes and URNs: the history's strings from 1
  std::vector<ChildState> state_;
  std::array<ProblemLog, kStageCount> logs_;
  std::vector<RawEpisode> raw_;
  std::vector<Dated<MissingSpell>> missing_;
  std::vector<Dated<Review>> reviews_;
  std::vector<Dated<Adoption>> adoptions_;
  std::vector<Dated<AdoptionDecision>> decisions_;
  std::vector<std::string> unit_paths_;  // by unit index
  std::vector<int> header_year_;  // per child (final index)
  std::vector<std::vector<ssda903::FileReport>> year_files_;  // per return, when streaming
  std::vector<size_t> episode_rows_, usable_episodes_;        // per return

  // Faults counted rather than listed row by row: one warning per file, column and rule says how
  // many rows have it, their first lines, and what careflow did. Each stage fills only its own
  // map (the stages run in parallel); finish() turns them into warnings in a fixed order.
  struct Note {
    size_t count = 0;
    std::vector<uint32_t> lines;  // the first few
    int year = 0;                 // the collection year of the return the rows are in
  };
  using Notes = std::map<std::tuple<uint32_t, std::string, std::string>, Note>;  // (unit, column, rule)
  std::array<Notes, kStageCount> notes_;

  void note(Stage stage, const Origin& at, const char* column, const char* rule) {
    Note& n = notes_[stage][{at.unit, column, rule}];
    if (n.count++ < 5) n.lines.push_back(at.line);
    n.year = h_.years[unit_return_[at.unit]].end_year;
  }

  static std::string note_message(const std::string& column, const std::string& rule, const Note& n) {
    std::vector<std::string> lines;
    for (uint32_t l : n.lines) lines.push_back(std::to_string(l));
    const std::string where = fmt::format("line{} {}{}", n.count > 1 ? "s" : "", fmt::join(lines, ", "),
                                          n.count > lines.size() ? fmt::format(" and {} more", n.count - lines.size()) : "");
    const CollectionYear y{n.year};
    if (rule == "episode-before-birth")
      return fmt::format("{} episode(s) start before the child's date of birth ({}): they are kept, and the child's "
                         "age at their start is taken as 0. Check DECOM here and DOB in the Header table",
                         n.count, where);
    // date-after-year
    const std::string what = column == "DECOM" ? "episode(s) start"
                             : column == "DEC" ? "episode(s) end"
                             : column == "DOB" ? "date(s) of birth are"
                                               : fmt::format("{} date(s) are", column);
    const std::string effect = column == "DEC"
                                   ? fmt::format("those episodes are taken as still open at 31 March {}", y.end_year)
                                   : std::string("the dates are used as given");
    return fmt::format("{} {} after 31 March {}, the end of the {} collection year this return is for ({}): {}",
                       n.count, what, y.end_year, y.label(), where, effect);
  }

  void report_notes() {
    for (size_t stage = 0; stage < kStageCount; ++stage)
      for (const auto& [key, n] : notes_[stage]) {
        const auto& [unit, column, rule] = key;
        logs_[stage].add({Severity::warning, unit_paths_[unit], 0, column, rule, note_message(column, rule, n)});
      }
  }

  // A year missing between the first and the last loses the children who started and left within
  // it, and an episode open before it that the next return does not hold would stay open for
  // ever (29% too many looked after, in one council's test): say which years are missing, and
  // what is done across the gap (reconcile_episodes closes such episodes at its end).
  void report_missing_years(const std::vector<std::string>& where) {
    for (size_t k = 1; k < h_.years.size(); ++k) {
      const int before = h_.years[k - 1].end_year, after = h_.years[k].end_year;
      if (after == before + 1) continue;
      std::vector<std::string> labels;
      for (int y = before + 1; y < after; ++y) {
        report_.missing_years.push_back(CollectionYear{y});
        labels.push_back(CollectionYear{y}.label());
      }
      const std::string missing = labels.size() == 1 ? labels.front() : labels.front() + " to " + labels.back();
      report_.problems.add(
          {Severity::warning, k < where.size() ? where[k] : "", 0, "", "missing-year",
           fmt::format("no return for {} (between the {} and {} returns): children who started and left care "
                       "within {} are not in the history, so no figures are shown for {} and durations that cross "
                       "it are less certain. Counts at 31 March of the other years are unaffected: an episode open "
                       "at 31 March {} that the {} return does not hold is taken to end by 31 March {}, the day "
                       "before that return begins (repair open-episode-closed-at-gap)",
                       missing, CollectionYear{before}.label(), CollectionYear{after}.label(),
                       labels.size() == 1 ? "that year" : "those years", labels.size() == 1 ? "it" : "them", before,
                       CollectionYear{after}.label(), after - 1)});
    }
  }

  static bool is_xml_name(const std::string& p) {
    return p.size() > 4 && (p.ends_with(".xml") || p.ends_with(".XML"));
  }

  static Stage stage_of(Table t) {
    switch (t) {
      case Table::header: return kHeaders;
      case Table::uasc: return kUasc;
      case Table::episodes: return kEpisodes;
      case Table::missing: return kMissing;
      case Table::reviews: return kReviews;
      case Table::ad1: return kAd1;
      case Table::placed_for_adoption: return kPlaced;
      case Table::oc2: return kOc2;
      case Table::oc3: return kOc3;
      case Table::previous_permanence: return kPrevPerm;
      case Table::sw_episodes: return kSwEpisodes;
      case Table::dolo: return kDolo;
    }
    return kDolo;
  }

  void tally_file(const Unit& u) {
    const auto& f = u.report;
    ++report_.files_read;
    if (!f.table) {
      ++report_.files_unrecognised;
      return;
    }
    if (!is_xml_name(f.path)) {
      auto& t = report_.tables[idx(*f.table)];
      t.read += f.records_read;
      t.unreadable += f.records_rejected + f.blank_records;
      return;
    }
    for (size_t k = 0; k < ssda903::kTableCount; ++k) report_.tables[k].read += u.tables[k].rows;
    report_.tables[idx(Table::header)].read += f.records_rejected;
    report_.tables[idx(Table::header)].rejected += f.records_rejected;
  }

  const std::string& path_of(const Origin& at) const { return unit_paths_[at.unit]; }

  // Sex as a person reads it: the code lists hold 1/2 and M/F, which older and newer returns use.
  // 'M', 'F', or 0 when missing or another code.
  static char sex_of(CodeIndex i) {
    if (i == kNoCode) return 0;
    const auto c = codes::sex.code(i);
    return c == "1" || c == "M" ? 'M' : c == "2" || c == "F" ? 'F' : 0;
  }

  // Header rows take effect in order: which row is used, and whether the date of birth changed,
  // depend on the rows before. Their own problems were found when they were read.
  void merge_headers(Unit& u, const UnitTable& t, const std::vector<uint32_t>& child, int year) {
    auto& tally = report_.tables[idx(Table::header)];
    ProblemLog& log = logs_[kHeaders];
    const auto& own = t.problems.all();
    size_t next = 0;
    for (const HeaderRow& h : u.headers) {
      if (h.child != kNone) {
        const uint32_t c = child[h.child];
        ChildState& ch = state_[c];
        // What this row says that the row used so far does not (a row's own blanks do not count).
        const bool dob_differs = h.dob_error == DateError::ok && ch.dob_known && ch.dob != h.dob;
        const bool sex_differs = sex_of(h.sex) && sex_of(ch.sex) && sex_of(h.sex) != sex_of(ch.sex);
        if (ch.header_year == year) {
          ++tally.duplicates;
          log.add({Severity::repair, u.path, h.line, "", "duplicate-header",
                   fmt::format("{} has more than one header row in this return; the last is used",
                               child_label(registry_.name(c)))});
          // Two rows of one return that disagree: the later one wins, and the reader must know
          // which fields changed (never their values: a date of birth identifies a child).
          if (dob_differs || sex_differs)
            log.add({Severity::warning, u.path, h.line, dob_differs ? "DOB" : "SEX", "conflicting-header",
                     fmt::format("{}'s header row here disagrees with the one on line {}{} on {}; this row, "
                                 "the later, is used",
                                 child_label(registry_.name(c)), ch.header_line,
                                 unit_paths_[ch.header_unit] == u.path ? "" : " of " + unit_paths_[ch.header_unit],
                                 dob_differs && sex_differs ? "SEX and DOB" : dob_differs ? "DOB" : "SEX")});
        } else if (ch.header_year != 0) {
          ++tally.superseded;
        } else {
          ++tally.kept;
        }
        if (dob_differs && ch.header_year != year)
          log.add({Severity::warning, u.path, h.line, "DOB", "dob-changed",
                   fmt::format("{}'s date of birth differs from the one in the {} return; the latest is used "
                               "(dates of birth are not shown: they identify the child)",
                               child_label(registry_.name(c)), CollectionYear{ch.header_year}.label())});
        if (sex_differs && ch.header_year != year)
          log.add({Severity::warning, u.path, h.line, "SEX", "sex-changed",
                   fmt::format("{}'s sex differs from the {} return; this return's, the latest, is used",
                               child_label(registry_.name(c)), CollectionYear{ch.header_year}.label())});
        if (h.dob_error == DateError::ok) {
          if (h.dob > CollectionYear{year}.end()) note(kHeaders, Origin{u.index, 0, h.line}, "DOB", "date-after-year");
          ch.dob = h.dob;
          ch.dob_known = true;
        }
        ch.header_unit = u.index;
        ch.header_line = h.line;
        ch.sex = h.sex;
        ch.ethnicity = h.ethnicity;
        ch.latest_return = std::max(ch.latest_return, year);
        ch.header_year = year;
      }
      for (; next < h.problems_end; ++next) log.add(own[next]);
    }
    log.append_omitted(t.problems);
  }

  void merge_uasc(Unit& u, const std::vector<uint32_t>& child, int year) {
    auto& tally = report_.tables[idx(Table::uasc)];
    for (const UascRow& r : u.uasc) {
      ChildState& ch = state_[child[r.child]];
      if (ch.uasc_year == year) ++tally.duplicates;
      else if (ch.uasc_year) ++tally.superseded;
      else ++tally.kept;
      ch.uasc_year = year;
      ch.uasc = true;
      ch.uasc_ceased = r.ceased;
    }
  }

  // Room for a unit's records. The first return's count foretells the rest (each year's return
  // is about the size of the last), so room for every year is reserved at once: one copy, and
  // only what is used is ever touched.
  template <typename T>
  void make_room(std::vector<T>& v, size_t add) {
    constexpr size_t kMostForetold = size_t{256} << 20;  // bytes; beyond it, grow as they fill
    if (v.empty()) grow_huge(v, std::min(add * (h_.years.size() + 1) * 5 / 4, std::max(add, kMostForetold / sizeof(T))));
    grow_huge(v, v.size() + add);
  }

  void merge_episodes(Unit& u, const std::vector<uint32_t>& child) {
    // Units are merged in order, so strings are numbered in order of first sight overall.
    make_room(raw_, u.episodes.size());
    strings_.resolve(u.strings, u.long_ids, string_, true);
    auto number = [](uint32_t i) { return i == StringIndex::kAbsent ? 0 : i + 1; };  // the history's string 0 is ""
    const uint32_t* s = string_.data();
    for (RawEpisode& x : u.episodes) {
      x.e.child = child[x.e.child];
      x.e.home_postcode = number(s[0]);
      x.e.placement_postcode = number(s[1]);
      x.e.urn = number(s[2]);
      s += 3;
      raw_.push_back(x);
    }
  }

  template <typename Record>
  void append(std::vector<Dated<Record>>& in, const std::vector<uint32_t>& child, std::vector<Dated<Record>>& out) {
    if (in.empty()) return;
    make_room(out, in.size());
    for (auto& d : in) {
      d.rec.child = child[d.rec.child];
      out.push_back(d);
    }
  }

  // Children are numbered in the order of their identifiers, so that the history does not
  // depend on file order; every record's provisional index is then renumbered.
  void order_children() {
    const size_t n = registry_.size();
    std::vector<uint32_t> by_name(n);
    for (uint32_t i = 0; i < n; ++i) by_name[i] = i;
    tbb::parallel_sort(by_name.begin(), by_name.end(), [&](uint32_t a, uint32_t b) { return registry_.less(a, b); });
    std::vector<uint32_t> position(n);
    grow_huge(h_.children, n);
    h_.children.resize(n);
    header_year_.assign(n, 0);
    tbb::parallel_for(tbb::blocked_range<uint32_t>(0, static_cast<uint32_t>(n)), [&](const auto& range) {
      for (uint32_t p = range.begin(); p < range.end(); ++p) {
        const uint32_t c = by_name[p];
        position[c] = p;
        const ChildState& s = state_[c];
        Child& ch = h_.children[p];
        ch.id = registry_.name(c);
        ch.dob = s.dob;
        ch.dob_known = s.dob_known;
        ch.sex = s.sex;
        ch.ethnicity = s.ethnicity;
        ch.latest_return = s.latest_return;
        ch.uasc = s.uasc;
        ch.uasc_ceased = s.uasc_ceased;
        header_year_[p] = s.header_year;
      }
    });
    state_.clear();
    state_.shrink_to_fit();
    grow_huge(h_.strings, strings_.size() + 1);
    h_.strings.resize(strings_.size() + 1);
    tbb::parallel_for(tbb::blocked_range<uint32_t>(0, static_cast<uint32_t>(strings_.size())), [&](const auto& range) {
      for (uint32_t i = range.begin(); i < range.end(); ++i) h_.strings[i + 1] = strings_.name(i);
    });
    auto renumber = [&](auto& records, auto child_of) {
      tbb::parallel_for(tbb::blocked_range<size_t>(0, records.size()), [&](const auto& range) {
        for (size_t i = range.begin(); i < range.end(); ++i) child_of(records[i]) = position[child_of(records[i])];
      });
    };
    renumber(raw_, [](RawEpisode& x) -> ChildIndex& { return x.e.child; });
    renumber(missing_, [](auto& d) -> ChildIndex& { return d.rec.child; });
    renumber(reviews_, [](auto& d) -> ChildIndex& { return d.rec.child; });
    renumber(adoptions_, [](auto& d) -> ChildIndex& { return d.rec.child; });
    renumber(decisions_, [](auto& d) -> ChildIndex& { return d.rec.child; });
  }

  // How a message names a child: by pseudonym when the caller gave a key, else only by the
  // file and line the message already carries. Never by its identifier.
  std::string child_label(std::string_view id) const {
    return pseudonyms_ ? "child " + pseudonymise(id, *pseudonyms_) : std::string("a child");
  }

  void problem(Stage stage, Severity s, const Origin& at, std::string column, std::string rule, std::string message) {
    logs_[stage].add({s, path_of(at), at.line, std::move(column), std::move(rule), std::move(message)});
  }

  void repair(const RawEpisode& x, std::string column, std::string rule, std::string message) {
    problem(kReconcile, Severity::repair, x.at, std::move(column), std::move(rule), std::move(message));
  }

  static bool later_first(const Origin& a, const Origin& b) {
    if (a.unit != b.unit) return a.unit > b.unit;
    return a.row > b.row;
  }


  void reconcile_episodes() {
    const CodeIndex kRneStart = codes::reason_new_episode.find("S");
    const CodeIndex kRecX1 = codes::reason_episode_ceased.find("X1");
    auto& tally = report_.tables[idx(Table::episodes)];
    // Latest return first within each (child, DECOM); within a return, the later row first.
    tbb::parallel_sort(raw_.begin(), raw_.end(), [](const RawEpisode& a, const RawEpisode& b) {
      if (a.e.child != b.e.child) return a.e.child < b.e.child;
      if (a.e.start != b.e.start) return a.e.start < b.e.start;
      return later_first(a.at, b.at);
    });
    // The copy used of each episode is moved to the front of raw_ (kept[i] never overtakes raw_[i]).
    std::vector<RawEpisode>& kept = raw_;
    size_t kept_count = 0;
    auto return_of = [&](const RawEpisode& x) { return unit_return_[x.at.unit]; };
    for (size_t i = 0; i < raw_.size();) {
      size_t j = i + 1;
      while (j < raw_.size() && raw_[j].e.child == raw_[i].e.child && raw_[j].e.start == raw_[i].e.start) {
        // Sorted by return (latest first) then row (last first): the same return twice in a row
        // is a duplicate within that return, whichever return's copy is used in the end.
        const RawEpisode& newer = raw_[j - 1];
        if (return_of(raw_[j]) == return_of(newer)) {
          ++tally.duplicates;
          repair(raw_[j], "DECOM", "duplicate-episode",
                 fmt::format("{} has two episodes starting {} in one return; the later row (line {}) is used",
                             child_label(h_.children[raw_[i].e.child].id), raw_[i].e.start.to_string(),
                             newer.at.line));
        } else {
          ++tally.superseded;
        }
        ++j;
      }
      raw_[kept_count++] = raw_[i];
      i = j;
    }
    kept.resize(kept_count);
    tally.kept = kept.size();

    // Which years have a return: an episode left open in year Y must reappear in Y+1's return.
    std::vector<int> years;
    for (const auto& y : h_.years) years.push_back(y.end_year);
    auto has_return = [&](int y) { return std::binary_search(years.begin(), years.end(), y); };

    // The first return after year Y, when Y+1's is missing (0 when there is none after Y).
    auto return_after_gap = [&](int y) {
      if (has_return(y + 1)) return 0;
      const auto it = std::upper_bound(years.begin(), years.end(), y);
      return it == years.end() ? 0 : *it;
    };

    for (size_t i = 0; i < kept.size(); ++i) {
      RawEpisode& x = kept[i];
      Episode& e = x.e;
      const bool has_next = i + 1 < kept.size() && kept[i + 1].e.child == e.child;
      // Only built when a message needs it: pseudonyms cost a keyed hash.
      const auto who = [&] { return child_label(h_.children[e.child].id); };
      // Dates a return cannot hold: counted per file, not listed row by row.
      const Date year_end = CollectionYear{e.collection_year}.end();
      if (e.start > year_end) note(kReconcile, x.at, "DECOM", "date-after-year");
      // The return is as at 31 March: an episode that ended after it was open then. (Unless it
      // overlaps the next episode: overlap-truncated below says more about that row.)
      if (!e.end.is_open() && e.end > year_end && !(has_next && e.end > kept[i + 1].e.start)) {
        note(kReconcile, x.at, "DEC", "date-after-year");
        e.end = Date::open();
      }
      if (const Child& ch = h_.children[e.child]; ch.dob_known && e.start < ch.dob)
        note(kReconcile, x.at, "DECOM", "episode-before-birth");
      // When the next year's return is missing, an episode open at the end of this one ended by
      // the day before the next return held begins, or it would be in that return.
      const int after_gap = e.end.is_open() ? return_after_gap(e.collection_year) : 0;
      if (has_next) {
        const Episode& next = kept[i + 1].e;
        const bool next_starts_period = next.reason_new == kRneStart;
        if (e.end.is_open() && after_gap && next.start > year_end) {
          const Date gap_end = CollectionYear{after_gap - 1}.end();
          e.end = std::min(next.start, gap_end);
          repair(x, "DEC", "open-episode-closed-at-gap",
                 fmt::format("{}'s episode from {} is open at 31 March {}, there is no return for {}, and the "
                             "child's next episode starts {}: it is taken to end on {}{}, reason unknown",
                             who(), e.start.to_string(), e.collection_year, CollectionYear{e.collection_year + 1}.label(),
                             next.start.to_string(), e.end.to_string(),
                             e.end == next.start ? ", when the next began"
                                                 : fmt::format(" (the child is not in the {} return on its first day)",
                                                               CollectionYear{after_gap}.label())));
        } else if (e.end.is_open()) {
          e.end = next.start;
          repair(x, "DEC", "open-episode-closed",
                 fmt::format("{}'s episode from {} has no end date but another episode follows; it is "
                             "taken to end on {}, when the next began", who(), e.start.to_string(), next.start.to_string()));
        } else if (e.end > next.start) {
          repair(x, "DEC", "overlap-truncated",
                 fmt::format("{}'s episode from {} ends {}, after the next episode began ({}); it is "
                             "taken to end on {}", who(), e.start.to_string(), e.end.to_string(),
                             next.start.to_string(), next.start.to_string()));
          e.end = next.start;
        }
        if (e.reason_ceased == kNoCode && e.end == next.start && !next_starts_period) {
          e.reason_ceased = kRecX1;
          repair(x, "REC", "missing-rec-set-x1",
                 fmt::format("{}'s episode from {} has no reason ceased and the next episode continues "
                             "it on the same day; REC taken as X1", who(), e.start.to_string()));
        }
      } else if (e.end.is_open()) {
        if (has_return(e.collection_year + 1)) {
          // The child was looked after on 1 April but is absent from the next return.
          const CollectionYear y{e.collection_year};
          e.end = y.end();
          repair(x, "DEC", "open-episode-missing-from-later-return",
                 fmt::format("{}'s episode from {} is open at 31 March {} but the {} return does not "
                             "include it; it is taken to end on {} with reason unknown", who(),
                             e.start.to_string(), y.end_year, CollectionYear{y.end_year + 1}.label(),
                             y.end().to_string()));
        } else if (after_gap) {
          e.end = CollectionYear{after_gap - 1}.end();
          repair(x, "DEC", "open-episode-closed-at-gap",
                 fmt::format("{}'s episode from {} is open at 31 March {}, there is no return for {}, and the "
                             "{} return does not include it: it is taken to end on {}, the day before that return "
                             "begins, reason unknown (when it really ended is not known)",
                             who(), e.start.to_string(), e.collection_year, CollectionYear{e.collection_year + 1}.label(),
                             CollectionYear{after_gap}.label(), e.end.to_string()));
        } else if (x.rec_given) {
          problem(kReconcile, Severity::warning, x.at, "REC", "rec-without-dec",
                  fmt::format("{}'s episode from {} has a reason ceased but no end date; it is treated "
                              "as still open", who(), e.start.to_string()));
          e.reason_ceased = kNoCode;
        }
      }
    }
    grow_huge(h_.episodes, kept.size());
    h_.episodes.resize(kept.size());
    // raw_ keeps each episode's origin, for the problems periods of care may report.
    for (size_t i = 0; i < kept.size(); ++i) h_.episodes[i] = kept[i].e;
  }

  void build_periods_and_placements() {
    const CodeIndex S = codes::reason_new_episode.find("S");
    const CodeIndex L = codes::reason_new_episode.find("L");
    const CodeIndex X1 = codes::reason_episode_ceased.find("X1");
    const CodeIndex V3 = codes::legal_status.find("V3"), V4 = codes::legal_status.find("V4");
    auto& eps = h_.episodes;
    // At most one period, placement and legal-status span per episode.
    grow_huge(h_.periods, eps.size());
    grow_huge(h_.placements, eps.size());
    grow_huge(h_.legal_statuses, eps.size());
    size_t i = 0;
    while (i < eps.size()) {
      const ChildIndex c = eps[i].child;
      Child& ch = h_.children[c];
      ch.first_episode = static_cast<uint32_t>(i);
      ch.first_period = static_cast<uint32_t>(h_.periods.size());
      ch.first_placement = static_cast<uint32_t>(h_.placements.size());
      uint16_t number = 0;
      size_t j = i;
      for (; j < eps.size() && eps[j].child == c; ++j) {
        const Episode& e = eps[j];
        bool new_period = j == i;
        if (!new_period) {
          const Episode& prev = eps[j - 1];
          const Origin& at = raw_[j].at;
          const auto who = [&] { return child_label(ch.id); };
          if (e.reason_new == S) {
            new_period = true;
            if (prev.end == e.start && prev.reason_ceased == X1)
              problem(kPeriods, Severity::repair, at, "RNE", "new-period-after-x1",
                      fmt::format("{}'s episode from {} starts a period (RNE S) though the previous "
                                  "episode ended X1 that day; a new period of care is started", who(), e.start.to_string()));
          } else if (prev.end != e.start) {
            new_period = true;
            problem(kPeriods, Severity::repair, at, "DECOM", "gap-starts-new-period",
                    fmt::format("{}'s episode from {} follows a gap since {} without RNE S; a new period "
                                "of care is started", who(), e.start.to_string(), prev.end.to_string()));
          } else if (prev.reason_ceased != X1 && prev.reason_ceased != kNoCode) {
            new_period = true;
            problem(kPeriods, Severity::repair, at, "RNE", "re-entry-without-s",
                    fmt::format("{}'s episode from {} continues an episode that ended care ({}); a new "
                                "period of care is started", who(), e.start.to_string(),
                                codes::reason_episode_ceased.code(prev.reason_ceased)));
          }
        }
        if (new_period) {
          PeriodOfCare p;
          p.child = c;
          p.first_episode = static_cast<uint32_t>(j);
          p.first_placement = static_cast<uint32_t>(h_.placements.size());
          p.start = e.start;
          p.number = ++number;
          p.short_breaks = true;
          h_.periods.push_back(p);
        }
        PeriodOfCare& p = h_.periods.back();
        ++p.episode_count;
        p.end = e.end;
        p.reason_ceased = e.end.is_open() ? kNoCode : e.reason_ceased;
        p.short_breaks = p.short_breaks && (e.legal_status == V3 || e.legal_status == V4);
        const auto period_index = static_cast<uint32_t>(h_.periods.size() - 1);

        // Placement: a new one at every change of placement (anything but an L episode).
        const bool continues_placement =
            !new_period && (e.reason_new == L || (e.reason_new == kNoCode &&
                                                  eps[j - 1].placement_type == e.placement_type));
        if (!continues_placement) {
          Placement pl;
          pl.child = c;
          pl.period = period_index;
          pl.first_episode = static_cast<uint32_t>(j);
          pl.start = e.start;
          pl.placement_type = e.placement_type;
          pl.provider = e.provider;
          pl.postcode = e.placement_postcode;
          h_.placements.push_back(pl);
          ++p.placement_count;
        }
        Placement& pl = h_.placements.back();
        ++pl.episode_count;
        pl.end = e.end;
        pl.reason_place_change = e.reason_place_change;

        // Legal status spans.
        if (new_period || h_.legal_statuses.empty() || h_.legal_statuses.back().legal_status != e.legal_status ||
            h_.legal_statuses.back().child != c) {
          h_.legal_statuses.push_back({c, period_index, e.start, e.end, e.legal_status});
        } else {
          h_.legal_statuses.back().end = e.end;
        }
      }
      ch.episode_count = static_cast<uint32_t>(j - i);
      ch.period_count = static_cast<uint32_t>(h_.periods.size() - ch.first_period);
      ch.placement_count = static_cast<uint32_t>(h_.placements.size() - ch.first_placement);
      i = j;
    }
    raw_.clear();
    raw_.shrink_to_fit();
    for (size_t c = 0; c < h_.children.size(); ++c) {
      Child& ch = h_.children[c];
      if (ch.episode_count == 0) {
        ch.first_episode = static_cast<uint32_t>(h_.episodes.size());
        ch.first_period = static_cast<uint32_t>(h_.periods.size());
        ch.first_placement = static_cast<uint32_t>(h_.placements.size());
      }
    }
  }

  void report_missing_headers() {
    for (size_t c = 0; c < h_.children.size(); ++c) {
      const Child& ch = h_.children[c];
      if (ch.episode_count > 0 && header_year_[c] == 0)
        logs_[kNoHeader].add({Severity::warning, "", 0, "", "no-header",
                              fmt::format("{} has episodes but no header row in any return; sex, date of "
                                          "birth and ethnicity are unknown", child_label(ch.id))});
    }
  }

  static const char* key_column(Table t) {
    switch (t) {
      case Table::missing: return "MIS_START";
      case Table::reviews: return "REVIEW";
      case Table::ad1: return "DATE_INT";
      case Table::placed_for_adoption: return "DATE_PLACED";
      default: return "";
    }
  }
  static Date first_date(const MissingSpell& m) { return m.start; }
  static Date first_date(const Review& r) { return r.date; }
  static Date first_date(const Adoption& a) { return a.should_be_placed; }
  static Date first_date(const AdoptionDecision& a) { return a.decided; }

  // Tables keyed by (CHILD, a date): de-duplicated across returns like episodes.
  template <typename Record>
  void dedupe(Table table, std::vector<Dated<Record>>& raws, std::vector<Record>& out) {
    auto& tally = report_.tables[idx(table)];
    auto key = [](const Record& r) { return std::pair{r.child, first_date(r)}; };
    std::sort(raws.begin(), raws.end(), [&](const Dated<Record>& a, const Dated<Record>& b) {
      if (key(a.rec) != key(b.rec)) return key(a.rec) < key(b.rec);
      return later_first(a.at, b.at);
    });
    grow_huge(out, raws.size());
    for (size_t i = 0; i < raws.size();) {
      size_t j = i + 1;
      for (; j < raws.size() && key(raws[j].rec) == key(raws[i].rec); ++j) {
        if (unit_return_[raws[j].at.unit] == unit_return_[raws[i].at.unit]) ++tally.duplicates;
        else ++tally.superseded;
      }
      if (first_date(raws[i].rec) > CollectionYear{h_.years[unit_return_[raws[i].at.unit]].end_year}.end())
        note(stage_of(table), raws[i].at, key_column(table), "date-after-year");
      out.push_back(raws[i].rec);
      ++tally.kept;
      i = j;
    }
    raws.clear();
    raws.shrink_to_fit();
  }

 public:
  std::vector<uint32_t> unit_return_;  // by unit index: the return it belongs to
};

}  // namespace

namespace {

// Runs `fill` on units in parallel and `merge` on each, in order of index, as soon as it and
// every unit before it are filled. A few units are in flight at once, so memory holds a few
// files' records, never the whole input's text.
template <typename Fill, typename Merge>
void run_units(size_t count, Fill fill, Merge merge) {
  size_t next = 0;
  // Merged units are emptied and reused, so their arrays are not faulted in again per file.
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<Unit>> pool;
  const size_t tokens = static_cast<size_t>(tbb::this_task_arena::max_concurrency()) + 2;
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, Unit*>(tbb::filter_mode::serial_in_order,
                                    [&](tbb::flow_control& fc) -> Unit* {
                                      if (next == count) {
                                        fc.stop();
                                        return nullptr;
                                      }
                                      std::unique_ptr<Unit> u;
                                      {
                                        std::lock_guard lock(pool_mutex);
                                        if (!pool.empty()) {
                                          u = std::move(pool.back());
                                          pool.pop_back();
                                        }
                                      }
                                      if (!u) u = std::make_unique<Unit>();
                                      u->index = static_cast<uint32_t>(next++);
                                      return u.release();
                                    }) &
          tbb::make_filter<Unit*, Unit*>(tbb::filter_mode::parallel,
                                         [&](Unit* u) {
                                           fill(*u);
                                           return u;
                                         }) &
          tbb::make_filter<Unit*, void>(tbb::filter_mode::serial_in_order, [&](Unit* u) {
            std::unique_ptr<Unit> owned(u);
            merge(*u);
            owned->reset();
            std::lock_guard lock(pool_mutex);
            pool.push_back(std::move(owned));
          }));
}

// Text buffers for files being parsed, kept for the next file: a buffer is faulted in once.
class BufferPool {
 public:
  explicit BufferPool(size_t largest_file) : largest_(largest_file) {}

  std::string take() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        std::string b = std::move(free_.back());
        free_.pop_back();
        return b;
      }
    }
    // Room for the largest file up to a cap (a larger one grows its buffer when it is read).
    const size_t room = std::min(largest_, size_t{64} << 20);
    std::string b;
    b.reserve(room);
    advise_huge(b.data(), room);
    return b;
  }
  void give(std::string b) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(b));
  }

 private:
  size_t largest_;
  std::mutex mutex_;
  std::vector<std::string> free_;
};

bool is_xml_file(const std::string& path) {
  auto ext = fs::path(path).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".xml";
}

}  // namespace

History build_history(const std::vector<Return>& returns_in, IngestReport& report, const PseudonymKey* pseudonyms) {
  std::vector<Return> sorted;
  const std::vector<Return>* returns = &returns_in;
  if (!std::is_sorted(returns_in.begin(), returns_in.end(), [](const Return& a, const Return& b) { return a.year < b.year; })) {
    sorted = returns_in;
    std::sort(sorted.begin(), sorted.end(), [](const Return& a, const Return& b) { return a.year < b.year; });
    returns = &sorted;
  }
  StageTimer timer(report);
  std::vector<CollectionYear> years;
  std::vector<std::string> where;
  for (const auto& r : *returns) {
    years.push_back(r.year);
    where.push_back(r.files.empty() ? std::string() : fs::path(r.files.front().path).parent_path().string());
  }
  Builder builder(report, years, where, pseudonyms);
  builder.tally_files(*returns);
  // One unit per run of a table's rows from one file, numbered return by return so that
  // (unit, row) orders each table's rows as the returns hold them.
  struct Part {
    const ReturnTable* table;
    size_t first, last;
    uint32_t return_index;
    const std::string* path;
  };
  std::vector<Part> parts;
  for (uint32_t ri = 0; ri < returns->size(); ++ri)
    for (const auto& slot : (*returns)[ri].tables) {
      if (!slot) continue;
      const ReturnTable& t = *slot;
      std::vector<std::pair<size_t, const std::string*>> starts{{0, &t.source()}};
      for (const auto& s : t.more_sources) starts.emplace_back(s.first_row, &s.file);
      for (size_t k = 0; k < starts.size(); ++k) {
        const size_t last = k + 1 < starts.size() ? starts[k + 1].first : t.rows();
        if (starts[k].first < last) parts.push_back({&t, starts[k].first, last, ri, starts[k].second});
      }
    }
  for (const auto& p : parts) builder.unit_return_.push_back(p.return_index);
  run_units(
      parts.size(),
      [&](Unit& u) {
        const Part& p = parts[u.index];
        u.return_index = p.return_index;
        u.path = *p.path;
        u.is_file = false;
        UnitReader(u, years[p.return_index].end_year, (p.last - p.first) * 16).feed(*p.table, p.first, p.last);
      },
      [&](Unit& u) { builder.merge(u); });
  timer.lap("read tables");
  return builder.finish();
}

History ingest(const std::vector<std::string>& inputs, std::optional<CollectionYear> year, IngestReport& report,
               const PseudonymKey* pseudonyms, bool cin_only_ok) {
  StageTimer timer(report);
  const auto by_year = returns_by_year(inputs, year, report, cin_only_ok);
  if (!report.fatal.empty() || by_year.empty()) return History{};  // empty: census returns only
  // Every file of every year, in (year, name) order: the order read_returns assembles them in.
  struct Job {
    uint32_t return_index;
    std::string path;
  };
  std::vector<Job> jobs;
  std::vector<CollectionYear> years;
  std::vector<std::string> where;
  for (uint32_t y = 0; y < by_year.size(); ++y) {
    years.push_back(by_year[y].year);
    // As build_history names it: the folder of the year's first file.
    where.push_back(fs::path(by_year[y].files.front()).parent_path().string());
    for (const auto& f : by_year[y].files) {
      jobs.push_back({y, f});
      report.ssda903_files.push_back(f);
    }
  }
  Builder builder(report, years, where, pseudonyms);
  size_t largest = 0;
  for (const auto& j : jobs) {
    builder.unit_return_.push_back(j.return_index);
    std::error_code ec;
    const auto bytes = fs::file_size(j.path, ec);
    if (!ec) largest = std::max(largest, static_cast<size_t>(bytes));
  }
  BufferPool buffers(largest);
  run_units(
      jobs.size(),
      [&](Unit& u) {
        const Job& job = jobs[u.index];
        u.return_index = job.return_index;
        u.path = job.path;
        std::error_code ec;
        const auto bytes = fs::file_size(job.path, ec);
        UnitReader reader(u, years[job.return_index].end_year, ec ? 0 : static_cast<size_t>(bytes));
        if (is_xml_file(job.path)) {
          // The XML form fills several tables: read it whole, then take its tables in order.
          Return r;
          r.year = years[job.return_index];
          ssda903::read_return_xml(job.path, r, u.read_problems);
          u.report = r.files.back();
          for (const auto& t : r.tables)
            if (t) reader.feed(*t, 0, t->rows());
          return;
        }
        std::string buffer = buffers.take();
        u.report = ssda903::stream_return_csv(job.path, buffer, reader, u.read_problems);
        buffers.give(std::move(buffer));
      },
      [&](Unit& u) { builder.merge(u); });
  timer.lap("read files");
  History h = builder.finish();
  for (size_t y = 0; y < by_year.size(); ++y)
    if (builder.usable_episodes(y) == 0)
      report.fatal.add(ssda903::no_usable_episodes(by_year[y].year, by_year[y].where(), builder.files_of(y),
                                                   builder.episode_rows(y), by_year[y].not_read));
  return h;
}

}  // namespace careflow
