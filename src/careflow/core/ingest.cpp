#include "careflow/core/ingest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "careflow/core/privacy.hpp"
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

std::vector<Return> read_returns(const std::vector<std::string>& inputs,
                                 std::optional<CollectionYear> year, IngestReport& report) {
  StageTimer timer;
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
  std::vector<Return> returns;
  for (auto& [y, files] : by_year) {
    returns.push_back(ssda903::read_return_files(files, CollectionYear{y}, report.problems));
  }
  timer.lap("read files");
  return returns;
}

// ---- Building the history -------------------------------------------------------------------

namespace {

constexpr size_t idx(Table t) { return static_cast<size_t>(t); }

// An Episodes row as read, before reconciliation.
struct RawEpisode {
  Episode e;
  uint32_t return_index = 0;  // position of the return in `returns` (ascending years)
  uint32_t row = 0;           // row within that return's Episodes table
  bool rec_given = false;
};

class Builder {
 public:
  Builder(const std::vector<Return>& returns, IngestReport& report) : returns_(returns), report_(report) {}

  History run() {
    for (const auto& r : returns_) h_.years.push_back(r.year);
    StageTimer timer;
    tally_files();
    collect_children();
    timer.lap("children");
    read_headers();
    read_uasc();
    read_episodes();
    timer.lap("read episodes");
    reconcile_episodes();
    timer.lap("reconcile");
    build_periods_and_placements();
    timer.lap("periods and placements");
    read_missing();
    read_reviews();
    read_adoptions();
    count_other_tables();
    timer.lap("other tables");
    return std::move(h_);
  }

 private:
  const std::vector<Return>& returns_;
  IngestReport& report_;
  History h_;
  StringIndex child_index_;
  StringIndex string_index_;
  // Per return, per table, per row: the child's index (or StringIndex::kAbsent without CHILD).
  std::vector<std::array<std::vector<ChildIndex>, ssda903::kTableCount>> row_child_;
  std::vector<int> header_year_;  // per child: year of the header row used (0 = none yet)

  void problem(Severity s, const ReturnTable& t, size_t row, std::string column, std::string rule,
               std::string message) {
    if (s == Severity::repair) ++report_.repairs_by_rule[rule];
    report_.problems.add({s, t.source_of(row), t.line(row), std::move(column), std::move(rule), std::move(message)});
  }

  // Postcodes and URNs repeat endlessly; each distinct one is stored once. Keys view the
  // returns' own cells, which outlive the builder.
  uint32_t intern(std::string_view s) {
    if (s.empty()) return 0;
    const auto [index, inserted] = string_index_.insert(s, static_cast<uint32_t>(h_.strings.size()));
    if (inserted) h_.strings.emplace_back(s);
    return index;
  }

  void tally_files() {
    for (const auto& r : returns_)
      for (const auto& f : r.files) {
        ++report_.files_read;
        if (!f.table) {
          ++report_.files_unrecognised;
          continue;
        }
        // XML files fill several tables; their per-table counts come from the rows themselves.
        if (f.path.size() > 4 && (f.path.ends_with(".xml") || f.path.ends_with(".XML"))) continue;
        auto& t = report_.tables[idx(*f.table)];
        t.read += f.records_read;
        t.unreadable += f.records_rejected + f.blank_records;
      }
    // XML rows: count what arrived in the tables beyond the CSV records.
    for (const auto& r : returns_)
      for (const auto& f : r.files)
        if (f.table && (f.path.ends_with(".xml") || f.path.ends_with(".XML"))) {
          for (size_t k = 0; k < ssda903::kTableCount; ++k)
            if (const auto* t = r.find(static_cast<Table>(k)))
              for (size_t row = 0; row < t->rows(); ++row)
                if (t->source_of(row) == f.path) ++report_.tables[k].read;
          report_.tables[idx(Table::header)].read += f.records_rejected;
          report_.tables[idx(Table::header)].rejected += f.records_rejected;
        }
  }

  // Every identifier in any table becomes a child, sorted so that the history does not depend
  // on file order.
  void collect_children() {
    // Each row's identifier is looked up once; distinct identifiers are then sorted so that
    // child indexes do not depend on file order, and the rows' indexes remapped.
    size_t rows = 0;
    for (const auto& r : returns_)
      for (const auto& t : r.tables)
        if (t) rows += t->rows();
    child_index_ = StringIndex(1 << 16);  // grows as needed
    std::vector<std::string_view> ids;
    row_child_.resize(returns_.size());
    for (size_t ri = 0; ri < returns_.size(); ++ri)
      for (size_t k = 0; k < ssda903::kTableCount; ++k) {
        const auto& t = returns_[ri].tables[k];
        if (!t) continue;
        auto& out = row_child_[ri][k];
        out.resize(t->rows());
        for (size_t row = 0; row < t->rows(); ++row) {
          const auto id = t->cell(row, 0);
          if (id.empty()) {
            out[row] = StringIndex::kAbsent;
            continue;
          }
          const auto [index, inserted] = child_index_.insert(id, static_cast<uint32_t>(ids.size()));
          if (inserted) ids.push_back(id);
          out[row] = index;
        }
      }
    // Sort the identifiers; order[i] is the sorted position of first-seen identifier i.
    std::vector<uint32_t> by_name(ids.size());
    for (uint32_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
    std::sort(by_name.begin(), by_name.end(), [&](uint32_t a, uint32_t b) { return ids[a] < ids[b]; });
    std::vector<uint32_t> position(ids.size());
    h_.children.resize(ids.size());
    for (uint32_t p = 0; p < by_name.size(); ++p) {
      position[by_name[p]] = p;
      h_.children[p].id = std::string(ids[by_name[p]]);
    }
    for (auto& tables : row_child_)
      for (auto& rows_of_table : tables)
        for (auto& c : rows_of_table)
          if (c != StringIndex::kAbsent) c = position[c];
    header_year_.assign(ids.size(), 0);
  }

  std::optional<ChildIndex> child_of(const ReturnTable& t, size_t row, TableTally& tally) {
    const ChildIndex c = row_child_[return_of(t)][static_cast<size_t>(t.table)][row];
    if (c == StringIndex::kAbsent) {
      ++tally.rejected;
      problem(Severity::error, t, row, "CHILD", "missing-key", "no CHILD identifier; the row was rejected");
      return std::nullopt;
    }
    return c;
  }

  // Which return a table belongs to (tables are owned by the returns, so compare addresses).
  size_t return_of(const ReturnTable& t) const {
    for (size_t ri = 0; ri < returns_.size(); ++ri)
      if (const auto* x = returns_[ri].find(t.table); x == &t) return ri;
    return 0;
  }

  CodeIndex code(const ReturnTable& t, size_t row, size_t col, const CodeList& list) {
    const auto v = t.cell(row, col);
    if (v.empty()) return kNoCode;
    const CodeIndex i = list.find(v);
    if (i == kNoCode)
      problem(Severity::warning, t, row, std::string(t.data.columns[col]), "unknown-code",
              fmt::format("'{}' is not a {} code; treated as missing", v, list.name()));
    return i;
  }

  // A date that is optional in the row: invalid -> warning, treated as missing.
  Date optional_date(const ReturnTable& t, size_t row, size_t col) {
    const auto v = t.cell(row, col);
    if (v.empty()) return Date::open();
    const auto p = parse_date(v);
    if (!p) {
      problem(Severity::warning, t, row, std::string(t.data.columns[col]), "bad-date",
              fmt::format("'{}': {}; treated as missing", v, describe(p.error)));
      return Date::open();
    }
    return p.date;
  }

  // A date that keys the row: invalid -> the row is rejected.
  std::optional<Date> key_date(const ReturnTable& t, size_t row, size_t col, TableTally& tally) {
    const auto v = t.cell(row, col);
    const auto p = parse_date(v);
    if (!p) {
      ++tally.rejected;
      problem(Severity::error, t, row, std::string(t.data.columns[col]), "bad-key-date",
              fmt::format("'{}': {}; the row was rejected", v, describe(p.error)));
      return std::nullopt;
    }
    return p.date;
  }

  void read_headers() {
    auto& tally = report_.tables[idx(Table::header)];
    namespace hc = ssda903::header_col;
    for (const auto& r : returns_) {
      const ReturnTable* t = r.find(Table::header);
      if (!t) continue;
      for (size_t row = 0; row < t->rows(); ++row) {
        const auto c = child_of(*t, row, tally);
        if (!c) continue;
        Child& ch = h_.children[*c];
        if (header_year_[*c] == r.year.end_year) {
          ++tally.duplicates;
          problem(Severity::repair, *t, row, "", "duplicate-header",
                  fmt::format("child {} has more than one header row in this return; the last is used",
                              pseudonymise(ch.id)));
        } else if (header_year_[*c] != 0) {
          ++tally.superseded;
        } else {
          ++tally.kept;
        }
        const auto dob_text = t->cell(row, hc::DOB);
        const auto dob = parse_date(dob_text);
        if (!dob) {
          problem(Severity::warning, *t, row, "DOB", "bad-date",
                  fmt::format("'{}': {}; the child's age is unknown", dob_text, describe(dob.error)));
        } else if (ch.dob_known && ch.dob != dob.date && header_year_[*c] != r.year.end_year) {
          problem(Severity::warning, *t, row, "DOB", "dob-changed",
                  fmt::format("child {}'s date of birth differs from an earlier return ({} before, {} now); "
                              "the latest is used", pseudonymise(ch.id), ch.dob.to_string(), dob.date.to_string()));
        }
        if (dob) {
          ch.dob = dob.date;
          ch.dob_known = true;
        }
        ch.sex = code(*t, row, hc::SEX, codes::sex);
        ch.ethnicity = code(*t, row, hc::ETHNIC, codes::ethnic);
        ch.latest_return = std::max(ch.latest_return, r.year.end_year);
        header_year_[*c] = r.year.end_year;
      }
    }
  }

  void read_uasc() {
    auto& tally = report_.tables[idx(Table::uasc)];
    std::vector<int> seen(h_.children.size(), 0);
    for (const auto& r : returns_) {
      const ReturnTable* t = r.find(Table::uasc);
      if (!t) continue;
      for (size_t row = 0; row < t->rows(); ++row) {
        const auto c = child_of(*t, row, tally);
        if (!c) continue;
        if (seen[*c] == r.year.end_year) ++tally.duplicates;
        else if (seen[*c]) ++tally.superseded;
        else ++tally.kept;
        seen[*c] = r.year.end_year;
        Child& ch = h_.children[*c];
        ch.uasc = true;
        ch.uasc_ceased = optional_date(*t, row, ssda903::uasc_col::DUC);
      }
    }
  }

  std::vector<RawEpisode> raw_;

  void read_episodes() {
    auto& tally = report_.tables[idx(Table::episodes)];
    namespace ec = ssda903::episodes_col;
    size_t total = 0;
    for (const auto& r : returns_)
      if (const auto* t = r.find(Table::episodes)) total += t->rows();
    raw_.reserve(total);
    for (uint32_t ri = 0; ri < returns_.size(); ++ri) {
      const Return& r = returns_[ri];
      const ReturnTable* t = r.find(Table::episodes);
      if (!t) continue;
      for (size_t row = 0; row < t->rows(); ++row) {
        const auto c = child_of(*t, row, tally);
        if (!c) continue;
        const auto start = key_date(*t, row, ec::DECOM, tally);
        if (!start) continue;
        RawEpisode x;
        x.return_index = ri;
        x.row = static_cast<uint32_t>(row);
        Episode& e = x.e;
        e.child = *c;
        e.start = *start;
        e.end = optional_date(*t, row, ec::DEC);
        e.reason_new = code(*t, row, ec::RNE, codes::reason_new_episode);
        e.legal_status = code(*t, row, ec::LS, codes::legal_status);
        e.need = code(*t, row, ec::CIN, codes::category_of_need);
        e.placement_type = code(*t, row, ec::PLACE, codes::placement_type);
        e.provider = code(*t, row, ec::PLACE_PROVIDER, codes::placement_provider);
        e.reason_ceased = code(*t, row, ec::REC, codes::reason_episode_ceased);
        e.reason_place_change = code(*t, row, ec::REASON_PLACE_CHANGE, codes::reason_place_change);
        e.collection_year = static_cast<uint16_t>(r.year.end_year);
        e.home_postcode = intern(t->cell(row, ec::HOME_POST));
        e.placement_postcode = intern(t->cell(row, ec::PL_POST));
        e.urn = intern(t->cell(row, ec::URN));
        x.rec_given = !t->cell(row, ec::REC).empty();
        if (!e.end.is_open() && e.end < e.start) {
          problem(Severity::warning, *t, row, "DEC", "dec-before-decom",
                  fmt::format("DEC {} is before DECOM {}; DEC treated as missing", e.end.to_string(),
                              e.start.to_string()));
          e.end = Date::open();
        }
        raw_.push_back(x);
      }
    }
  }

  const ReturnTable& episodes_table(const RawEpisode& x) const { return *returns_[x.return_index].find(Table::episodes); }

  void repair(const RawEpisode& x, std::string column, std::string rule, std::string message) {
    problem(Severity::repair, episodes_table(x), x.row, std::move(column), std::move(rule), std::move(message));
  }

  void reconcile_episodes() {
    const CodeIndex kRneStart = codes::reason_new_episode.find("S");
    const CodeIndex kRecX1 = codes::reason_episode_ceased.find("X1");
    auto& tally = report_.tables[idx(Table::episodes)];
    // Latest return first within each (child, DECOM); within a return, the later row first.
    std::sort(raw_.begin(), raw_.end(), [](const RawEpisode& a, const RawEpisode& b) {
      if (a.e.child != b.e.child) return a.e.child < b.e.child;
      if (a.e.start != b.e.start) return a.e.start < b.e.start;
      if (a.return_index != b.return_index) return a.return_index > b.return_index;
      return a.row > b.row;
    });
    std::vector<RawEpisode> kept;
    kept.reserve(raw_.size());
    for (size_t i = 0; i < raw_.size();) {
      size_t j = i + 1;
      while (j < raw_.size() && raw_[j].e.child == raw_[i].e.child && raw_[j].e.start == raw_[i].e.start) {
        // Sorted by return (latest first) then row (last first): the same return twice in a row
        // is a duplicate within that return, whichever return's copy is used in the end.
        const RawEpisode& newer = raw_[j - 1];
        if (raw_[j].return_index == newer.return_index) {
          ++tally.duplicates;
          repair(raw_[j], "DECOM", "duplicate-episode",
                 fmt::format("child {} has two episodes starting {} in one return; the later row (line {}) is used",
                             pseudonymise(h_.children[raw_[i].e.child].id), raw_[i].e.start.to_string(),
                             episodes_table(newer).line(newer.row)));
        } else {
          ++tally.superseded;
        }
        ++j;
      }
      kept.push_back(raw_[i]);
      i = j;
    }
    raw_.clear();
    raw_.shrink_to_fit();
    tally.kept = kept.size();

    // Which years have a return: an episode left open in year Y must reappear in Y+1's return.
    std::vector<int> years;
    for (const auto& r : returns_) years.push_back(r.year.end_year);
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
          problem(Severity::warning, episodes_table(x), x.row, "REC", "rec-without-dec",
                  fmt::format("child {}'s episode from {} has a reason ceased but no end date; it is treated "
                              "as still open", who(), e.start.to_string()));
          e.reason_ceased = kNoCode;
        }
      }
    }
    h_.episodes.reserve(kept.size());
    for (auto& x : kept) h_.episodes.push_back(x.e);
    kept_sources_.reserve(kept.size());
    for (auto& x : kept) kept_sources_.push_back({x.return_index, x.row});
  }

  std::vector<std::pair<uint32_t, uint32_t>> kept_sources_;  // per episode: (return, row)

  void build_periods_and_placements() {
    const CodeIndex S = codes::reason_new_episode.find("S");
    const CodeIndex L = codes::reason_new_episode.find("L");
    const CodeIndex X1 = codes::reason_episode_ceased.find("X1");
    const CodeIndex V3 = codes::legal_status.find("V3"), V4 = codes::legal_status.find("V4");
    auto& eps = h_.episodes;
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
          const auto [ri, row] = kept_sources_[j];
          const ReturnTable& t = *returns_[ri].find(Table::episodes);
          const auto who = [&] { return pseudonymise(ch.id); };
          if (e.reason_new == S) {
            new_period = true;
            if (prev.end == e.start && prev.reason_ceased == X1)
              problem(Severity::repair, t, row, "RNE", "new-period-after-x1",
                      fmt::format("child {}'s episode from {} starts a period (RNE S) though the previous "
                                  "episode ended X1 that day; a new period of care is started", who(), e.start.to_string()));
          } else if (prev.end != e.start) {
            new_period = true;
            problem(Severity::repair, t, row, "DECOM", "gap-starts-new-period",
                    fmt::format("child {}'s episode from {} follows a gap since {} without RNE S; a new period "
                                "of care is started", who(), e.start.to_string(), prev.end.to_string()));
          } else if (prev.reason_ceased != X1 && prev.reason_ceased != kNoCode) {
            new_period = true;
            problem(Severity::repair, t, row, "RNE", "re-entry-without-s",
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
    kept_sources_.clear();
    for (size_t c = 0; c < h_.children.size(); ++c) {
      Child& ch = h_.children[c];
      if (ch.episode_count == 0) {
        ch.first_episode = static_cast<uint32_t>(h_.episodes.size());
        ch.first_period = static_cast<uint32_t>(h_.periods.size());
        ch.first_placement = static_cast<uint32_t>(h_.placements.size());
      }
      if (ch.episode_count > 0 && header_year_[c] == 0)
        report_.problems.add({Severity::warning, "", 0, "", "no-header",
                              fmt::format("child {} has episodes but no header row in any return; sex, date of "
                                          "birth and ethnicity are unknown", pseudonymise(ch.id))});
    }
  }

  // Tables keyed by (CHILD, a date): de-duplicated across returns like episodes.
  template <typename Record, typename Make>
  void read_dated(Table table, size_t date_col, std::vector<Record>& out, Make make) {
    auto& tally = report_.tables[idx(table)];
    struct Raw { Record rec; uint32_t ri; uint32_t row; };
    std::vector<Raw> raws;
    for (uint32_t ri = 0; ri < returns_.size(); ++ri) {
      const ReturnTable* t = returns_[ri].find(table);
      if (!t) continue;
      for (size_t row = 0; row < t->rows(); ++row) {
        const auto c = child_of(*t, row, tally);
        if (!c) continue;
        const auto d = key_date(*t, row, date_col, tally);
        if (!d) continue;
        raws.push_back({make(*t, row, *c, *d), ri, static_cast<uint32_t>(row)});
      }
    }
    auto key = [](const Record& r) { return std::pair{r.child, first_date(r)}; };
    std::sort(raws.begin(), raws.end(), [&](const Raw& a, const Raw& b) {
      if (key(a.rec) != key(b.rec)) return key(a.rec) < key(b.rec);
      if (a.ri != b.ri) return a.ri > b.ri;
      return a.row > b.row;
    });
    for (size_t i = 0; i < raws.size();) {
      size_t j = i + 1;
      for (; j < raws.size() && key(raws[j].rec) == key(raws[i].rec); ++j) {
        if (raws[j].ri == raws[i].ri) ++tally.duplicates;
        else ++tally.superseded;
      }
      out.push_back(raws[i].rec);
      ++tally.kept;
      i = j;
    }
  }

  static Date first_date(const MissingSpell& m) { return m.start; }
  static Date first_date(const Review& r) { return r.date; }
  static Date first_date(const Adoption& a) { return a.should_be_placed; }
  static Date first_date(const AdoptionDecision& a) { return a.decided; }

  void read_missing() {
    namespace mc = ssda903::missing_col;
    read_dated(Table::missing, mc::MIS_START, h_.missing, [&](const ReturnTable& t, size_t row, ChildIndex c, Date d) {
      MissingSpell m;
      m.child = c;
      m.start = d;
      m.end = optional_date(t, row, mc::MIS_END);
      m.type = code(t, row, mc::MISSING, codes::missing_type);
      return m;
    });
  }

  void read_reviews() {
    namespace rc = ssda903::reviews_col;
    read_dated(Table::reviews, rc::REVIEW, h_.reviews, [&](const ReturnTable& t, size_t row, ChildIndex c, Date d) {
      return Review{c, d, code(t, row, rc::REVIEW_CODE, codes::review_participation)};
    });
  }

  void read_adoptions() {
    namespace ac = ssda903::ad1_col;
    read_dated(Table::ad1, ac::DATE_INT, h_.adoptions, [&](const ReturnTable& t, size_t row, ChildIndex c, Date d) {
      Adoption a;
      a.child = c;
      a.should_be_placed = d;
      a.matched = optional_date(t, row, ac::DATE_MATCH);
      a.by_foster_carer = code(t, row, ac::FOSTER_CARE, codes::foster_care);
      a.number_of_adopters = code(t, row, ac::NB_ADOPTR, codes::number_of_adopters);
      a.sex_of_adopters = code(t, row, ac::SEX_ADOPTR, codes::sex_of_adopters);
      a.legal_status_of_adopters = code(t, row, ac::LS_ADOPTR, codes::legal_status_of_adopters);
      return a;
    });
    namespace pc = ssda903::placed_col;
    read_dated(Table::placed_for_adoption, pc::DATE_PLACED, h_.adoption_decisions,
               [&](const ReturnTable& t, size_t row, ChildIndex c, Date d) {
                 AdoptionDecision a;
                 a.child = c;
                 a.decided = d;
                 a.reversed = optional_date(t, row, pc::DATE_PLACED_CEASED);
                 a.reason_reversed = code(t, row, pc::REASON_PLACED_CEASED, codes::reason_placed_ceased);
                 return a;
               });
  }

  // Tables careflow does not model yet (outcomes, previous permanence, social workers, DoLOs):
  // each row with a child is kept for validation; rows without one are rejected and reported.
  void count_other_tables() {
    for (Table t : {Table::oc2, Table::oc3, Table::previous_permanence, Table::sw_episodes, Table::dolo}) {
      auto& tally = report_.tables[idx(t)];
      for (const auto& r : returns_)
        if (const auto* table = r.find(t))
          for (size_t row = 0; row < table->rows(); ++row)
            if (child_of(*table, row, tally)) ++tally.kept;
    }
  }
};

}  // namespace

History build_history(const std::vector<Return>& returns, IngestReport& report) {
  if (!std::is_sorted(returns.begin(), returns.end(), [](const Return& a, const Return& b) { return a.year < b.year; })) {
    std::vector<Return> copy(returns);
    std::sort(copy.begin(), copy.end(), [](const Return& a, const Return& b) { return a.year < b.year; });
    return Builder(copy, report).run();
  }
  return Builder(returns, report).run();
}

History ingest(const std::vector<std::string>& inputs, std::optional<CollectionYear> year, IngestReport& report) {
  const auto returns = read_returns(inputs, year, report);
  return build_history(returns, report);
}

}  // namespace careflow
