#include "careflow/core/ingest.hpp"

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
#include <unordered_map>

#include "careflow/core/privacy.hpp"
#include "careflow/core/huge_pages.hpp"
#include "careflow/core/string_index.hpp"

namespace careflow {

namespace fs = std::filesystem;
using ssda903::Return;
using ssda903::ReturnTable;
using ssda903::Table;

// ---- Finding the returns ------------------------------------------------------------------

namespace {

// Prints stage timings to stderr when CAREFLOW_TIMING is set: for profiling at national scale.
class StageTimer {
 public:
  StageTimer() : on_(std::getenv("CAREFLOW_TIMING") != nullptr), t_(std::chrono::steady_clock::now()) {}
  void lap(const char* stage) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    fmt::print(stderr, "  {:<24} {:>8.3f} s\n", stage, std::chrono::duration<double>(now - t_).count());
    t_ = now;
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point t_;
};


bool is_return_file(const fs::path& p) {
  auto ext = p.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".csv" || ext == ".xml";
}

bool folder_has_return_files(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && is_return_file(e.path())) return true;
  return false;
}

}  // namespace

namespace {

// Which files hold which collection year's return, years ascending; unusable inputs reported.
std::vector<std::pair<CollectionYear, std::vector<std::string>>> returns_by_year(
    const std::vector<std::string>& inputs, std::optional<CollectionYear> year, IngestReport& report) {
  // year -> files
  std::map<int, std::vector<std::string>> by_year;
  auto add = [&](const fs::path& p, std::optional<CollectionYear> y, const std::string& input) {
    if (!y) {
      report.problems.add({Severity::error, p.string(), 0, "", "no-year",
                           fmt::format("cannot tell which collection year {} is: name its folder by "
                                       "year (e.g. 2024_25) or tag it as PATH@2025", input)});
      return;
    }
    by_year[y->end_year].push_back(p.string());
  };
  for (const auto& input : inputs) {
    std::string path = input;
    std::optional<CollectionYear> tagged;
    if (const auto at = input.rfind('@'); at != std::string::npos) {
      tagged = parse_collection_year(input.substr(at + 1));
      if (tagged) path = input.substr(0, at);
    }
    std::error_code ec;
    const fs::path p(path);
    if (fs::is_regular_file(p, ec)) {
      add(p, tagged ? tagged : parse_collection_year(p.parent_path().filename().string())
                                   ? parse_collection_year(p.parent_path().filename().string())
                                   : year, input);
    } else if (fs::is_directory(p, ec)) {
      if (folder_has_return_files(p)) {
        const auto y = tagged ? tagged : parse_collection_year(p.filename().string());
        for (const auto& e : fs::directory_iterator(p, ec))
          if (e.is_regular_file() && is_return_file(e.path())) add(e.path(), y ? y : year, input);
      } else {
        bool any = false;
        std::vector<fs::path> subs;
        for (const auto& e : fs::directory_iterator(p, ec))
          if (e.is_directory()) subs.push_back(e.path());
        std::sort(subs.begin(), subs.end());
        for (const auto& sub : subs) {
          const auto y = parse_collection_year(sub.filename().string());
          if (!y || !folder_has_return_files(sub)) continue;
          any = true;
          for (const auto& e : fs::directory_iterator(sub, ec))
            if (e.is_regular_file() && is_return_file(e.path())) add(e.path(), y, input);
        }
        if (!any)
          report.problems.add({Severity::error, path, 0, "", "no-files",
                               "the folder holds no .csv or .xml files, nor year folders that do"});
      }
    } else {
      report.problems.add({Severity::error, path, 0, "", "unreadable", "no such file or folder"});
    }
  }
  std::vector<std::pair<CollectionYear, std::vector<std::string>>> years;
  for (auto& [y, files] : by_year) years.emplace_back(CollectionYear{y}, std::move(files));
  return years;
}

}  // namespace

std::vector<Return> read_returns(const std::vector<std::string>& inputs,
                                 std::optional<CollectionYear> year, IngestReport& report) {
  StageTimer timer;
  std::vector<Return> returns = ssda903::read_returns_by_year(returns_by_year(inputs, year, report), report.problems);
  timer.lap("read files");
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
      problem(Severity::warning, col, "unknown-code", fmt::format("'{}' is not a {} code; treated as missing", v, list.name()));
    return i;
  }

  // A date that is optional in the row: invalid -> warning, treated as missing.
  Date optional_date(size_t col) {
    const auto v = cells_[col];
    if (v.empty()) return Date::open();
    const auto p = parse_date(v);
    if (!p) {
      problem(Severity::warning, col, "bad-date", fmt::format("'{}': {}; treated as missing", v, describe(p.error)));
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
      problem(Severity::error, col, "bad-key-date", fmt::format("'{}': {}; the row was rejected", v, describe(p.error)));
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
                fmt::format("'{}': {}; the child's age is unknown", dob_text, describe(dob.error)));
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
              fmt::format("DEC {} is before DECOM {}; DEC treated as missing", e.end.to_string(), e.start.to_string()));
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
  Builder(IngestReport& report, std::vector<CollectionYear> years) : report_(report) {
    h_.years = std::move(years);
  }

  // Merges one unit; units must arrive in order of their index.
  void merge(Unit& u) {
    const int year = h_.years[u.return_index].end_year;
    if (unit_paths_.size() <= u.index) unit_paths_.resize(u.index + 1);
    unit_paths_[u.index] = u.path;
    if (u.is_file) {
      report_.problems.append(u.read_problems);
      tally_file(u);
    }
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
    StageTimer timer;
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
    for (auto& log : logs_) {
      for (const auto& p : log.all())
        if (p.severity == Severity::repair) ++report_.repairs_by_rule[p.rule];
      report_.problems.append(log);
    }
    return std::move(h_);
  }

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
        if (ch.header_year == year) {
          ++tally.duplicates;
          log.add({Severity::repair, u.path, h.line, "", "duplicate-header",
                   fmt::format("child {} has more than one header row in this return; the last is used",
                               pseudonymise(registry_.name(c)))});
        } else if (ch.header_year != 0) {
          ++tally.superseded;
        } else {
          ++tally.kept;
        }
        if (h.dob_error == DateError::ok && ch.dob_known && ch.dob != h.dob && ch.header_year != year)
          log.add({Severity::warning, u.path, h.line, "DOB", "dob-changed",
                   fmt::format("child {}'s date of birth differs from an earlier return ({} before, {} now); "
                               "the latest is used", pseudonymise(registry_.name(c)), ch.dob.to_string(),
                               h.dob.to_string())});
        if (h.dob_error == DateError::ok) {
          ch.dob = h.dob;
          ch.dob_known = true;
        }
        ch.sex = h.sex;
        ch.ethnicity = h.ethnicity;
        ch.latest_return = std::max(ch.latest_return, year);
        ch.header_year = year;
      }
      for (; next < h.problems_end; ++next) log.add(own[next]);
    }
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
                 fmt::format("child {} has two episodes starting {} in one return; the later row (line {}) is used",
                             pseudonymise(h_.children[raw_[i].e.child].id), raw_[i].e.start.to_string(),
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

    for (size_t i = 0; i < kept.size(); ++i) {
      RawEpisode& x = kept[i];
      Episode& e = x.e;
      const bool has_next = i + 1 < kept.size() && kept[i + 1].e.child == e.child;
      // Only built when a message needs it: pseudonyms cost a keyed hash.
      const auto who = [&] { return pseudonymise(h_.children[e.child].id); };
      if (has_next) {
        const Episode& next = kept[i + 1].e;
        const bool next_starts_period = next.reason_new == kRneStart;
        if (e.end.is_open()) {
          e.end = next.start;
          repair(x, "DEC", "open-episode-closed",
                 fmt::format("child {}'s episode from {} has no end date but another episode follows; it is "
                             "taken to end on {}, when the next began", who(), e.start.to_string(), next.start.to_string()));
        } else if (e.end > next.start) {
          repair(x, "DEC", "overlap-truncated",
                 fmt::format("child {}'s episode from {} ends {}, after the next episode began ({}); it is "
                             "taken to end on {}", who(), e.start.to_string(), e.end.to_string(),
                             next.start.to_string(), next.start.to_string()));
          e.end = next.start;
        }
        if (e.reason_ceased == kNoCode && e.end == next.start && !next_starts_period) {
          e.reason_ceased = kRecX1;
          repair(x, "REC", "missing-rec-set-x1",
                 fmt::format("child {}'s episode from {} has no reason ceased and the next episode continues "
                             "it on the same day; REC taken as X1", who(), e.start.to_string()));
        }
      } else if (e.end.is_open()) {
        if (has_return(e.collection_year + 1)) {
          // The child was looked after on 1 April but is absent from the next return.
          const CollectionYear y{e.collection_year};
          e.end = y.end();
          repair(x, "DEC", "open-episode-missing-from-later-return",
                 fmt::format("child {}'s episode from {} is open at 31 March {} but the {} return does not "
                             "include it; it is taken to end on {} with reason unknown", who(),
                             e.start.to_string(), y.end_year, CollectionYear{y.end_year + 1}.label(),
                             y.end().to_string()));
        } else if (x.rec_given) {
          problem(kReconcile, Severity::warning, x.at, "REC", "rec-without-dec",
                  fmt::format("child {}'s episode from {} has a reason ceased but no end date; it is treated "
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
          const auto who = [&] { return pseudonymise(ch.id); };
          if (e.reason_new == S) {
            new_period = true;
            if (prev.end == e.start && prev.reason_ceased == X1)
              problem(kPeriods, Severity::repair, at, "RNE", "new-period-after-x1",
                      fmt::format("child {}'s episode from {} starts a period (RNE S) though the previous "
                                  "episode ended X1 that day; a new period of care is started", who(), e.start.to_string()));
          } else if (prev.end != e.start) {
            new_period = true;
            problem(kPeriods, Severity::repair, at, "DECOM", "gap-starts-new-period",
                    fmt::format("child {}'s episode from {} follows a gap since {} without RNE S; a new period "
                                "of care is started", who(), e.start.to_string(), prev.end.to_string()));
          } else if (prev.reason_ceased != X1 && prev.reason_ceased != kNoCode) {
            new_period = true;
            problem(kPeriods, Severity::repair, at, "RNE", "re-entry-without-s",
                    fmt::format("child {}'s episode from {} continues an episode that ended care ({}); a new "
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
                              fmt::format("child {} has episodes but no header row in any return; sex, date of "
                                          "birth and ethnicity are unknown", pseudonymise(ch.id))});
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

History build_history(const std::vector<Return>& returns_in, IngestReport& report) {
  std::vector<Return> sorted;
  const std::vector<Return>* returns = &returns_in;
  if (!std::is_sorted(returns_in.begin(), returns_in.end(), [](const Return& a, const Return& b) { return a.year < b.year; })) {
    sorted = returns_in;
    std::sort(sorted.begin(), sorted.end(), [](const Return& a, const Return& b) { return a.year < b.year; });
    returns = &sorted;
  }
  StageTimer timer;
  std::vector<CollectionYear> years;
  for (const auto& r : *returns) years.push_back(r.year);
  Builder builder(report, years);
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

History ingest(const std::vector<std::string>& inputs, std::optional<CollectionYear> year, IngestReport& report) {
  StageTimer timer;
  const auto by_year = returns_by_year(inputs, year, report);
  // Every file of every year, in (year, name) order: the order read_returns assembles them in.
  struct Job {
    uint32_t return_index;
    std::string path;
  };
  std::vector<Job> jobs;
  std::vector<CollectionYear> years;
  for (uint32_t y = 0; y < by_year.size(); ++y) {
    years.push_back(by_year[y].first);
    std::vector<std::string> files = by_year[y].second;
    std::sort(files.begin(), files.end());
    for (auto& f : files) jobs.push_back({y, std::move(f)});
  }
  Builder builder(report, years);
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
  return builder.finish();
}

}  // namespace careflow
