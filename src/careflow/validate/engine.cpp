#include "careflow/validate/engine.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "careflow/io/postcodes.hpp"
#include "careflow/validate/more_rules.hpp"
#include "careflow/validate/rule_support.hpp"

namespace careflow::validate {

namespace {

const RuleVersion kCatalogue[] = {
#include "careflow/validate/rule_catalogue.inc"
};

RuleSet<Ssda903> build_rules() {
  RuleSet<Ssda903> r;
  detail::register_row_rules(r);
  detail::register_cross_table_rules(r);
  detail::register_sequence_rules(r);
  detail::register_more_rules(r);
  return r;
}

}  // namespace

std::span<const RuleVersion> Ssda903::catalogue() { return kCatalogue; }

const RuleSet<Ssda903>& Ssda903::rules() {
  static const RuleSet<Ssda903> kRules = build_rules();
  return kRules;
}

std::vector<std::string> Ssda903::missing(const Needs& needs, const Input& in) {
  std::vector<std::string> missing;
  if (needs.last_year && !in.last_year) missing.push_back("last year's return (--last-year)");
  if (needs.postcodes && !in.derived)
    missing.push_back("postcode-derived fields (the ONS postcode directory, postcodes/onspd_postcodes.csv.gz)");
  if (needs.providers && !in.providers) missing.push_back("the Ofsted provider list (--providers)");
  if (needs.council && in.la.empty()) missing.push_back("the council's code (--la)");
  else if (needs.location && in.derived && !in.derived->location)
    missing.push_back("the council's code (--la), to derive PL_LOCATION");
  return missing;
}

const std::vector<RuleVersion>& catalogue() {
  static const std::vector<RuleVersion> v(std::begin(kCatalogue), std::end(kCatalogue));
  return v;
}

const RuleVersion* find_rule(std::string_view code, int year) { return find_rule(catalogue(), code, year); }

const RuleImpl* implementation(const RuleVersion& v) { return Ssda903::rules().find(v); }

RuleResult run_rule(const RuleVersion& v, const ValidationInput& in) {
  RunCache cache;
  return run_rule<Ssda903>(v, in, detail::Run(in, cache));
}

std::vector<RuleResult> validate(const ValidationInput& in) {
  RunCache cache;
  return run_rules<Ssda903>(in, cache);
}

std::vector<RuleResult> validate(const ValidationInput& in, RulePart part, SharedIndexes* indexes) {
  // One set of table indexes for every rule: the caller's, or this call's own.
  std::optional<RunCache> own;
  RunCache& cache = indexes ? *indexes : own.emplace();
  const bool postcode_rules = part == RulePart::postcode_rules;
  return run_rules<Ssda903>(in, cache, [postcode_rules](const Needs& needs) { return needs.postcodes == postcode_rules; });
}

DerivedEpisodeFields derive_episode_fields(const ssda903::ReturnTable& episodes,
                                           const PostcodeDirectory& postcodes, std::string_view la) {
  DerivedEpisodeFields d;
  const size_t n = episodes.rows();
  d.pl_la.resize(n);
  d.pl_location.resize(n);
  d.pl_distance.resize(n);
  d.location = !la.empty();
  const size_t home_col = detail::col(ssda903::Table::episodes, "HOME_POST");
  const size_t pl_col = detail::col(ssda903::Table::episodes, "PL_POST");
  for (size_t r = 0; r < n; ++r) {
    const auto pl = postcodes.find(episodes.cell(r, pl_col));
    if (!pl) continue;
    d.pl_la[r] = std::string(pl->utla);
    if (!la.empty()) d.pl_location[r] = (pl->utla == la || pl->laua == la) ? "IN" : "OUT";
    if (const auto home = postcodes.find(episodes.cell(r, home_col)))
      if (const auto miles = distance_miles(*home, *pl)) d.pl_distance[r] = fmt::format("{:.1f}", *miles);
  }
  return d;
}

namespace detail {

size_t col_lookup(Table t, std::string_view name) {
  const auto& cols = ssda903::schema(t).columns;
  const auto it = std::find(cols.begin(), cols.end(), name);
  if (it == cols.end()) std::abort();  // a misspelt column in a rule: caught by the tests
  ColumnSeen& s = column_seen(t, name.data());
  s = {name.data(), it->data(), static_cast<uint32_t>(it->size()), static_cast<uint32_t>(it - cols.begin()), t};
  return s.index;
}

std::optional<Date> return_date(std::string_view s) {
  int part[3] = {0, 0, 0};
  int digits[3] = {0, 0, 0};
  int k = 0;
  for (char c : s) {
    if (c == '/') {
      if (++k > 2) return std::nullopt;
    } else if (c >= '0' && c <= '9') {
      part[k] = part[k] * 10 + (c - '0');
      if (++digits[k] > 4) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  if (k != 2 || digits[0] < 1 || digits[0] > 2 || digits[1] < 1 || digits[1] > 2 || digits[2] != 4)
    return std::nullopt;
  const int d = part[0], m = part[1], y = part[2];
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return Date::from_ymd(y, m, d);
}

Tab with_dates(Tab t);

Tab tab(const Run& in, Table t) {
  return with_dates(Tab{in.this_year ? in.this_year->find(t) : nullptr, t, nullptr, in.cache});
}
Tab last_tab(const Run& in, Table t) {
  return with_dates(Tab{in.last_year ? in.last_year->find(t) : nullptr, t, nullptr, in.cache});
}

void add_row_rule(Rules& rules, std::string_view code, int version_year, Table t, RowTest test) {
  add_rule(rules, code, version_year,
           {{}, [t, test = std::move(test)](const Run& in) {
              Flags f;
              const Tab x = tab(in, t);
              if (!x) return f;
              std::vector<size_t> rows;
              for (size_t r = 0; r < x.rows(); ++r)
                if (test(Row{x, r, in.year.end_year, in})) rows.push_back(r);
              put(f, t, std::move(rows));
              return f;
            }});
}

const ChildRows& by_child(const Tab& t) {
  static const ChildRows kNone;
  if (!t) return kNone;
  return shared<ChildRows>(t.cache, "by_child", t.t, [&t] {
    const size_t c = col(t.table, "CHILD");
    ChildRows m(t.rows() / 2);
    // Each child's rows are counted first so that its list is allocated once, at its size,
    // rather than grown (and copied, and freed) row by row.
    std::vector<uint32_t> child_of(t.rows());
    std::vector<uint32_t> count;
    for (size_t r = 0; r < t.rows(); ++r) {
      const auto [it, fresh] = m.try_emplace(t.t->cell(r, c));
      child_of[r] = static_cast<uint32_t>(it - m.begin());
      if (fresh) count.push_back(0);
      ++count[child_of[r]];
    }
    for (size_t k = 0; k < count.size(); ++k) (m.begin() + k)->second.reserve(count[k]);
    for (size_t r = 0; r < t.rows(); ++r) (m.begin() + child_of[r])->second.push_back(r);
    return m;
  });
}

const ChildMap<size_t>& first_row_by_child(const Tab& t) {
  static const ChildMap<size_t> kNone;
  if (!t) return kNone;
  return shared<ChildMap<size_t>>(t.cache, "first_row_by_child", t.t, [&t] {
    const size_t c = col(t.table, "CHILD");
    ChildMap<size_t> m(t.rows());
    for (size_t r = 0; r < t.rows(); ++r) m.try_emplace(t.t->cell(r, c), r);
    return m;
  });
}

// Inside a run, a table's date columns are parsed once and shared by every rule.
Tab with_dates(Tab t) {
  if (!t) return t;
  static const std::vector<std::string_view> kDateColumns = {
      "DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED",
      "DATE_PLACED_CEASED", "DATE_PERM", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC",
      "DOLO_START", "DOLO_END"};
  t.dates = &shared<DateColumns>(t.cache, "dates", t.t, [&t] {
    DateColumns d;
    const auto& cols = ssda903::schema(t.table).columns;
    d.resize(cols.size());
    for (size_t c = 0; c < cols.size(); ++c) {
      if (std::find(kDateColumns.begin(), kDateColumns.end(), cols[c]) == kDateColumns.end()) continue;
      d[c].reserve(t.rows());
      for (size_t r = 0; r < t.rows(); ++r) d[c].push_back(return_date(t.t->cell(r, c)));
    }
    return d;
  });
  return t;
}

void put(Flags& f, Table t, std::vector<size_t> rows) {
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  if (rows.empty()) return;
  auto& dst = f[t];
  dst.insert(dst.end(), rows.begin(), rows.end());
  std::sort(dst.begin(), dst.end());
  dst.erase(std::unique(dst.begin(), dst.end()), dst.end());
}

}  // namespace detail
}  // namespace careflow::validate
