#include "careflow/validate/cin_collection.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <fmt/format.h>

#include "careflow/core/bank_holidays.hpp"
#include "careflow/validate/cin_rule_support.hpp"

namespace careflow::validate {

namespace {

const RuleVersion kCatalogue[] = {
#include "careflow/validate/cin_rule_catalogue.inc"
};

RuleSet<CinCensus> build_rules() {
  RuleSet<CinCensus> r;
  cin_detail::cin_child_identifier_rules(r);
  cin_detail::cin_episode_rules(r);
  cin_detail::cin_assessment_rules(r);
  cin_detail::cin_plan_rules(r);
  cin_detail::cin_section47_rules(r);
  cin_detail::cin_protection_plan_rules(r);
  return r;
}

const BankHolidayTable& holidays_of(const CinInput& in) {
  return in.holidays ? *in.holidays : england_and_wales_bank_holidays();
}

}  // namespace

Date cin_reference_date(const CinInput& in) {
  if (in.this_year)
    if (const auto* h = in.this_year->find(cin::Table::header); h && h->rows() > 0)
      if (const auto d = cin_detail::census_date(h->cell(0, cin::header_col::ReferenceDate))) return *d;
  return in.year.end();
}

Date cin_census_start(Date reference_date) {
  // The day after the same date a year before (31 March 2023: 1 April 2022).
  const YearMonthDay ymd = reference_date.ymd();
  const int day = std::min(ymd.day, days_in_month(ymd.year - 1, ymd.month));
  return Date::from_ymd(ymd.year - 1, ymd.month, day) + 1;
}

std::span<const RuleVersion> CinCensus::catalogue() { return kCatalogue; }

const RuleSet<CinCensus>& CinCensus::rules() {
  static const RuleSet<CinCensus> kRules = build_rules();
  return kRules;
}

std::vector<std::string> CinCensus::missing(const Needs& needs, const Input& in) {
  std::vector<std::string> out;
  if (needs.working_days) {
    // The working-day rules count back from the reference date (45 working days at most, some
    // nine weeks) and to the working day before the census's first day (at most five days back,
    // over Easter): the table must hold the census year and the ten days before it.
    const BankHolidayTable& h = holidays_of(in);
    const Date ref = cin_reference_date(in);
    const Date from = cin_census_start(ref) - 10;
    if (!h.covers(from) || !h.covers(ref))
      out.push_back(fmt::format("{} bank holidays for {} to {} (careflow's table covers {} to {})", h.name,
                                from.year(), ref.year(), h.first_year, h.last_year));
  }
  return out;
}

RowLocation CinCensus::locate(const Return& ret, Table t, size_t row) {
  if (row == kReturnLevel) {
    if (const auto* h = ret.find(cin::Table::header)) return {h->source(), 0, kWholeReturn};
    if (!ret.files.empty()) return {ret.files.front().path, 0, kWholeReturn};
    return {{}, 0, kWholeReturn};
  }
  const cin::ReturnTable* rt = ret.find(t);
  // The Header has no child; every other module's first column is LAchildID.
  return {rt->source_of(row), rt->line(row), t == cin::Table::header ? kHeaderRow : rt->cell(row, 0)};
}

CinResult run_cin_rule(const RuleVersion& v, const CinInput& in) {
  RunCache cache;
  return run_rule<CinCensus>(v, in, cin_detail::Run(in, cache));
}

std::vector<CinResult> validate_cin(const CinInput& in) {
  RunCache cache;
  return run_rules<CinCensus>(in, cache);
}

namespace cin_detail {

std::optional<Date> census_date(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const ParsedDate p = parse_date(s);
  if (!p) return std::nullopt;
  return p.date;
}

std::vector<std::string_view> factor_codes(std::string_view cell) {
  std::vector<std::string_view> out;
  size_t i = 0;
  auto junk = [](char c) { return c == '[' || c == ']' || c == '"' || c == '\'' || c == ' ' || c == '\t'; };
  while (i < cell.size()) {
    size_t j = cell.find(',', i);
    if (j == std::string_view::npos) j = cell.size();
    std::string_view code = cell.substr(i, j - i);
    while (!code.empty() && junk(code.front())) code.remove_prefix(1);
    while (!code.empty() && junk(code.back())) code.remove_suffix(1);
    if (!code.empty()) out.push_back(code);
    i = j + 1;
  }
  return out;
}

Run::Run(const CinInput& input, RunCache& c)
    : in(&input), cache(&c), reference(cin_reference_date(input)), start(cin_census_start(reference)),
      holidays(&holidays_of(input)) {}

CinFlags FlagSet::done() {
  for (auto it = flags.begin(); it != flags.end();) {
    auto& rows = it->second;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    it = rows.empty() ? flags.erase(it) : std::next(it);
  }
  return std::move(flags);
}

namespace {

// The key's cells: LAchildID, CINdetailsID and CPPID are the first columns of the modules that
// have them.
size_t key_columns(GroupBy by) { return by == GroupBy::child ? 1 : by == GroupBy::episode ? 2 : 3; }

uint64_t key_hash(const cin::ReturnTable& t, size_t row, GroupBy by) {
  uint64_t h = 0x9e3779b97f4a7c15ull;
  for (size_t c = 0; c < key_columns(by); ++c) {
    h ^= std::hash<std::string_view>()(t.cell(row, c)) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  }
  return h;
}

bool same_key(const cin::ReturnTable& a, size_t ra, const cin::ReturnTable& b, size_t rb, GroupBy by) {
  for (size_t c = 0; c < key_columns(by); ++c)
    if (a.cell(ra, c) != b.cell(rb, c)) return false;
  return true;
}

}  // namespace

const RowSpan* Groups::find(const cin::ReturnTable& from, size_t row) const {
  if (slots.empty()) return nullptr;
  const size_t mask = slots.size() - 1;
  const uint64_t h = key_hash(from, row, by);
  for (size_t s = h & mask;; s = (s + 1) & mask) {
    const auto& [sh, g] = slots[s];
    if (g == UINT32_MAX) return nullptr;
    if (sh == h && same_key(from, row, *table, rows[g].front(), by)) return &rows[g];
  }
}

const Groups& groups(const Run& run, Table t, GroupBy by) {
  static constexpr std::string_view kNames[] = {"cin groups by child", "cin groups by episode", "cin groups by plan"};
  const cin::ReturnTable* rt = run.table(t);
  return run.cache->get<Groups>(kNames[static_cast<int>(by)], rt, [rt, by] {
    Groups g;
    g.table = rt;
    g.by = by;
    if (!rt || rt->rows() == 0) return g;
    const size_t n = rt->rows();
    size_t size = 16;
    while (size < 2 * n) size *= 2;
    g.slots.assign(size, {0, UINT32_MAX});
    const size_t mask = size - 1;
    g.group_of.resize(n);
    std::vector<size_t> first;  // each group's first row
    for (size_t r = 0; r < n; ++r) {
      const uint64_t h = key_hash(*rt, r, by);
      for (size_t s = h & mask;; s = (s + 1) & mask) {
        auto& [sh, grp] = g.slots[s];
        if (grp == UINT32_MAX) {
          grp = static_cast<uint32_t>(first.size());
          sh = h;
          first.push_back(r);
          g.group_of[r] = grp;
          break;
        }
        if (sh == h && same_key(*rt, r, *rt, first[grp], by)) {
          g.group_of[r] = grp;
          break;
        }
      }
    }
    // Rows group after group, in row order within each (a counting sort by group).
    std::vector<size_t> start(first.size() + 1, 0);
    for (size_t r = 0; r < n; ++r) ++start[g.group_of[r] + 1];
    for (size_t k = 0; k < first.size(); ++k) start[k + 1] += start[k];
    g.members.resize(n);
    std::vector<size_t> next(start.begin(), start.end() - 1);
    for (size_t r = 0; r < n; ++r) g.members[next[g.group_of[r]]++] = r;
    g.rows.reserve(first.size());
    for (size_t k = 0; k < first.size(); ++k) g.rows.emplace_back(g.members.data() + start[k], start[k + 1] - start[k]);
    return g;
  });
}

const Link& link(const Run& run, const cin::ReturnTable* from, Table to, GroupBy by) {
  static constexpr std::string_view kNames[] = {"cin link by child", "cin link by episode", "cin link by plan"};
  // One entry per (from, to, by): the key is the from table, the name says to and by.
  static const std::array<std::array<std::string, 3>, cin::kTableCount> names = [] {
    std::array<std::array<std::string, 3>, cin::kTableCount> n;
    for (size_t t = 0; t < cin::kTableCount; ++t)
      for (size_t b = 0; b < 3; ++b) n[t][b] = std::string(kNames[b]) + " to " + std::to_string(t);
    return n;
  }();
  return run.cache->get<Link>(names[static_cast<size_t>(to)][static_cast<size_t>(by)], from, [&run, from, to, by] {
    Link l;
    const Groups& g = groups(run, to, by);
    l.to = &g;
    if (!from) return l;
    l.group.resize(from->rows(), kNoGroup);
    for (size_t r = 0; r < from->rows(); ++r)
      if (const RowSpan* rows = g.find(*from, r)) l.group[r] = static_cast<uint32_t>(rows - g.rows.data());
    return l;
  });
}

const DateColumn& date_column(const Run& run, const cin::ReturnTable* t, size_t column) {
  static const std::array<std::string, 16> names = [] {
    std::array<std::string, 16> n;
    for (size_t c = 0; c < n.size(); ++c) n[c] = "cin date column " + std::to_string(c);
    return n;
  }();
  return run.cache->get<DateColumn>(names[column], t, [t, column] {
    DateColumn d;
    if (!t) return d;
    d.reserve(t->rows());
    for (size_t r = 0; r < t->rows(); ++r) d.push_back(census_date(t->cell(r, column)));
    return d;
  });
}

}  // namespace cin_detail

}  // namespace careflow::validate
