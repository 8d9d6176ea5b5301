#include "careflow/validate/cin_collection.hpp"

#include <algorithm>
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

std::string group_key(const cin::ReturnTable& t, size_t row, GroupBy by) {
  // LAchildID, CINdetailsID and CPPID are the first columns of the modules that have them; the
  // separator cannot be in an upper-cased, trimmed cell of the census's codes and identifiers
  // as a character it would be confused with.
  std::string key(t.cell(row, 0));
  if (by == GroupBy::child) return key;
  key += '\x1f';
  key += t.cell(row, 1);
  if (by == GroupBy::plan) {
    key += '\x1f';
    key += t.cell(row, 2);
  }
  return key;
}

const Groups& groups(const Run& run, Table t, GroupBy by) {
  static constexpr std::string_view kNames[] = {"cin groups by child", "cin groups by episode", "cin groups by plan"};
  const cin::ReturnTable* rt = run.table(t);
  return run.cache->get<Groups>(kNames[static_cast<int>(by)], rt, [rt, by] {
    Groups g;
    if (!rt) return g;
    g.group_of.resize(rt->rows());
    g.index.reserve(rt->rows());
    for (size_t r = 0; r < rt->rows(); ++r) {
      const auto [it, fresh] = g.index.try_emplace(group_key(*rt, r, by), static_cast<uint32_t>(g.rows.size()));
      if (fresh) g.rows.emplace_back();
      g.rows[it->second].push_back(r);
      g.group_of[r] = it->second;
    }
    return g;
  });
}

}  // namespace cin_detail

}  // namespace careflow::validate
