#include "careflow/benchmark/direct_measures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>
#include <set>

#include "careflow/benchmark/analysis.hpp"
#include "careflow/benchmark/published_table.hpp"
#include "careflow/io/csv.hpp"

namespace careflow::benchmark {
namespace {

std::string lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

using detail::has_columns;
using detail::published;
using detail::text;
using detail::whole_number;

// Stores a published cell at the row's level. EES tables: time_period, geographic_level,
// region_name, old_la_code.
void put(AreaSeries& s, const CsvTable& t, size_t i, int year, Published v) {
  const auto level = text(t, i, t.find_column("geographic_level"));
  if (level == "National") s.england[year] = v;
  else if (level == "Regional") s.region[{lower(text(t, i, t.find_column("region_name"))), year}] = v;
  else if (level == "Local authority") {
    if (const auto la = whole_number(published(t, i, t.find_column("old_la_code")))) s.council[{*la, year}] = v;
  }
}

// A measure of an EES table: the sum of one or more of its columns (a band of durations, e.g.
// ICPCs held within 0-10 and 11-15 working days). A sum with a part not published takes that
// part's marker (a suppressed part first): never a partial sum.
struct EesColumns {
  const char* code;
  std::vector<const char*> columns;
};

Published sum_of(const std::vector<Published>& parts) {
  Published total{0.0, Marker::value};
  for (const auto& p : parts)
    if (!p.has() && (total.has() || p.marker == Marker::suppressed)) total = {std::nan(""), p.marker};
    else if (total.has()) total.value += p.value;
  return total;
}

void read_ees(const PublishedFileReader& read, PublicData& d, const char* rel, const std::vector<EesColumns>& measures) {
  auto t = detail::open_published(read, rel, d);
  if (!t) return;
  const int cy = t->find_column("time_period");
  if (!has_columns(*t, rel, {{cy, "time_period"}}, d)) return;
  std::vector<std::vector<int>> cols;
  std::vector<bool> usable;
  for (const auto& m : measures) {
    cols.emplace_back();
    usable.push_back(true);
    for (const char* col : m.columns) {
      cols.back().push_back(t->find_column(col));
      if (cols.back().back() < 0) {
        d.problems.push_back(fmt::format("{}: no column {}", rel, col));
        usable.back() = false;
      }
    }
  }
  for (size_t i = 0; i < t->rows(); ++i) {
    const auto y = detail::year_number(published(*t, i, cy));
    if (!y) continue;
    for (size_t k = 0; k < measures.size(); ++k) {
      if (!usable[k]) continue;
      std::vector<Published> parts;
      for (int c : cols[k]) {
        parts.push_back(published(*t, i, c));
        if (parts.back().marker == Marker::unreadable)
          d.problems.push_back(fmt::format("{} line {}: unreadable value", rel, t->line(i)));
      }
      put(d.direct[measures[k].code], *t, i, *y, parts.size() == 1 ? parts.front() : sum_of(parts));
    }
  }
}

// A wide EES table of a breakdown (categories of abuse, factors at assessment, sources of
// referral): the total column and the columns it is broken down into, each a characteristic of
// d.breakdowns[{table, group, label}] beside "Total". `pick` chooses the columns after the total
// and names them (empty: not used).
void read_ees_breakdown(const PublishedFileReader& read, PublicData& d, const char* rel, const char* table,
                        const char* group, const char* total_column,
                        const std::function<std::string(std::string_view column)>& pick) {
  auto t = detail::open_published(read, rel, d);
  if (!t) return;
  const int cy = t->find_column("time_period"), ct = t->find_column(total_column);
  if (!has_columns(*t, rel, {{cy, "time_period"}, {ct, total_column}}, d)) return;
  std::vector<std::pair<int, std::string>> cols{{ct, "Total"}};
  for (size_t c = static_cast<size_t>(ct) + 1; c < t->cols(); ++c)
    if (auto label = pick(t->columns[c]); !label.empty()) cols.emplace_back(static_cast<int>(c), std::move(label));
  for (size_t i = 0; i < t->rows(); ++i) {
    const auto y = detail::year_number(published(*t, i, cy));
    if (!y) continue;
    for (const auto& [c, label] : cols) {
      const auto v = published(*t, i, c);
      if (v.marker == Marker::unreadable)
        d.problems.push_back(fmt::format("{} line {}: unreadable value", rel, t->line(i)));
      put(d.breakdowns[{table, group, label}], *t, i, *y, v);
    }
  }
}

// "Domestic_Abuse_parent" -> "Domestic abuse: parent"; "Health_Services" -> "Health services".
// The factors recorded for the child, a parent or another person (c3, from 2019) keep whose.
std::string column_label(std::string_view column, std::string_view suffix = {}) {
  std::string s(column.substr(0, column.size() - suffix.size()));
  for (auto& c : s) c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* family : {"alcohol misuse ", "drug misuse ", "domestic abuse ", "mental health ",
                             "learning disability ", "physical disability "})
    if (s.rfind(family, 0) == 0 && s.find(' ', std::strlen(family)) == std::string::npos)
      s.insert(std::strlen(family) - 1, ":");
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

bool ends_with(std::string_view s, std::string_view end) {
  return s.size() >= end.size() && s.substr(s.size() - end.size()) == end;
}

}  // namespace

bool s251_line_excluded(const std::string& description) {
  // Skip the line number ("3.1.11 ", "16 ", "6. ").
  size_t p = 0;
  while (p < description.size() && (std::isdigit(static_cast<unsigned char>(description[p])) ||
                                    description[p] == '.' || description[p] == 'a'))
    ++p;
  const std::string rest = lower(std::string_view(description).substr(p));
  const auto text = rest.substr(std::min(rest.size(), rest.find_first_not_of(' ')));
  return text.rfind("total", 0) == 0 || text.rfind("children and young people's services expenditure", 0) == 0 ||
         text.find("included in") != std::string::npos || text.find("(cera)") != std::string::npos;
}

void load_direct_measures(const PublishedFileReader& read, PublicData& d) {
  read_ees(read, d, kCinB1, {{"cin_at31", {"At31_episodes"}}});
  read_ees(read, d, kCinC1, {{"referrals", {"referral_count"}}, {"rereferrals", {"rereferral_count"}},
                             {"rereferral_pct", {"rereferral_percent"}}, {"referrals_nfa_pct", {"no_further_action_percent"}}});
  read_ees(read, d, kCinC2, {{"assessments_completed", {"Assessments_completed"}},
                             {"assessments_within_45wd", {"Same_day", "1-10_days", "11-20_days", "21-30_days",
                                                          "31-40_days", "41-45_days"}}});
  read_ees(read, d, kCinC4, {{"s47", {"Section47"}}, {"icpc", {"ICPC"}},
                             {"icpc_within_15wd", {"Duration_0-10_days", "Duration_11-15_days"}},
                             {"icpc_with_duration", {"Duration_0-10_days", "Duration_11-15_days",
                                                     "Duration_16-20_days", "Duration_21+_days"}}});
  read_ees(read, d, kCinD3, {{"cpp_starts", {"CPP_start"}}, {"cpp_subsequent", {"CPP_subsequent"}},
                             {"cpp_subsequent_pct", {"CPP_subsequent_percent"}}});
  read_ees(read, d, kCinD5, {{"cpp_at31", {"CPP_At31"}}, {"cpp_at31_2yrs_pct", {"2_years_or_more_percent"}}});
  // Breakdowns: initial category of abuse of plans started (d2), latest category of plans at 31
  // March (d4: the category the plan had then), factors at the end of assessment (c3), sources of
  // referral (c5).
  auto with_suffix = [](std::string_view suffix) {
    return [suffix](std::string_view c) { return ends_with(c, suffix) ? column_label(c, suffix) : std::string(); };
  };
  read_ees_breakdown(read, d, kCinD2, "cpp_starts_by_category", "Initial category of abuse", "CPP_start",
                     with_suffix("_Initial"));
  read_ees_breakdown(read, d, kCinD4, "cpp_at31_by_category", "Latest category of abuse", "CPP_At31",
                     with_suffix("_Latest"));
  read_ees_breakdown(read, d, kCinC3, "assessment_factors", "Factor identified at the end of assessment",
                     "Episodes_with_assessment_factor", [](std::string_view c) { return column_label(c); });
  read_ees_breakdown(read, d, kCinC5, "referral_sources", "Source of referral", "Referrals",
                     [](std::string_view c) { return column_label(c); });
  if (auto t = detail::open_published(read, kS251A1, d)) {
    // Net current expenditure, detail lines only, summed per council and year; councils' sums
    // give the region and England (the file has no aggregate rows). A blank detail line counts
    // as not published for that council and year (then the council has no total).
    const int cfy = t->find_column("financial_year"), cla = t->find_column("LA"), cg = t->find_column("ReportGroup"),
              cd = t->find_column("Description"), cn = t->find_column("NetCurrentExpenditure");
    std::map<std::pair<int, int>, std::pair<double, bool>> cla_net, cyp_net;  // sum, complete
    const bool usable = has_columns(*t, kS251A1, {{cfy, "financial_year"}, {cla, "LA"}, {cd, "Description"},
                                                  {cn, "NetCurrentExpenditure"}}, d);
    for (size_t i = 0; usable && i < t->rows(); ++i) {
      const auto fy = text(*t, i, cfy);  // "2018-19"
      const auto la = whole_number(published(*t, i, cla));
      const auto end = fy.size() >= 7 ? whole_number(parse_published(fy.substr(5, 2))) : std::nullopt;
      if (!end || !la) continue;
      const int year = 2000 + *end;
      if (s251_line_excluded(std::string(text(*t, i, cd)))) continue;
      const auto v = published(*t, i, cn);
      const std::pair<int, int> key{*la, year};
      auto add = [&](std::map<std::pair<int, int>, std::pair<double, bool>>& m) {
        auto [it, fresh] = m.try_emplace(key, 0.0, true);
        if (v.has()) it->second.first += v.value;
        else it->second.second = false;
      };
      add(cyp_net);
      if (lower(text(*t, i, cg)) == "children looked after") add(cla_net);
    }
    for (auto [m, code] : {std::pair{&cla_net, "s251_cla_net"}, {&cyp_net, "s251_cyp_net"}}) {
      auto& s = d.direct[code];
      for (auto& [key, sum] : *m) {
        s.council[key] = sum.second ? Published{sum.first, Marker::value} : Published{std::nan(""), Marker::not_available};
        if (!sum.second) continue;
        auto r = d.region_of.find(key.first);
        for (auto* agg : {&s.england[key.second], r != d.region_of.end() ? &s.region[{lower(r->second), key.second}] : nullptr}) {
          if (!agg) continue;
          if (agg->marker != Marker::value) *agg = {0.0, Marker::value};
          agg->value += sum.first;
        }
      }
    }
  }
  for (auto [rel, table] : {std::pair{kStarters, "starters"}, {kCeasers, "ceasers"}}) {
    auto t = detail::open_published(read, rel, d);
    if (!t) continue;
    const int cy = t->find_column("time_period"), cg = t->find_column("cla_group"),
              cc = t->find_column("characteristic"), cn = t->find_column("number");
    if (!has_columns(*t, rel, {{cy, "time_period"}, {cg, "cla_group"}, {cc, "characteristic"}, {cn, "number"}}, d)) continue;
    for (size_t i = 0; i < t->rows(); ++i) {
      const auto y = detail::year_number(published(*t, i, cy));
      if (!y) continue;
      const auto v = published(*t, i, cn);
      if (v.marker == Marker::unreadable)
        d.problems.push_back(fmt::format("{} line {}: unreadable value", rel, t->line(i)));
      put(d.breakdowns[{table, std::string(text(*t, i, cg)), std::string(text(*t, i, cc))}], *t, i, *y, v);
    }
  }
}

const std::vector<DirectMeasure>& direct_measures() {
  static const std::vector<DirectMeasure> m = {
      {"cin_at31", "Children in need at 31 March, per 10,000 (CIN census b1)", "rate"},
      {"referrals", "Referrals in the year, per 10,000 (c1)", "rate"},
      {"rereferral_pct", "Re-referrals within 12 months, % of referrals (c1)", "pct"},
      {"referrals_nfa_pct", "Referrals with no further action, % of referrals (c1)", "pct"},
      {"assessments_within_45wd", "Assessments completed within 45 working days, % of assessments completed (c2)",
       "share", "assessments_completed"},
      {"s47", "Section 47 enquiries started, per 10,000 (c4)", "rate"},
      {"icpc", "Initial child protection conferences, per 10,000 (c4)", "rate"},
      {"icpc_within_15wd", "ICPCs within 15 working days of the section 47 start, % of ICPCs with a duration (c4)",
       "share", "icpc_with_duration"},
      {"cpp_starts", "Child protection plans started, per 10,000 (d3)", "rate"},
      {"cpp_subsequent_pct", "Second or subsequent plans, % of plans started (d3)", "pct"},
      {"cpp_at31", "Child protection plans at 31 March, per 10,000 (d5)", "rate"},
      {"cpp_at31_2yrs_pct", "Plans at 31 March lasting 2 years or more, % of plans at 31 March (d5)", "pct"},
      {"s251_cla_net", "S251 net spend on children looked after per child looked after at 31 March, GBP (A1)", "per_cla"},
      {"s251_cyp_net", "S251 net spend on children's and young people's services per child aged 0-17, GBP (A1)", "per_child"},
  };
  return m;
}

const Published* AreaSeries::at_council(int la, int year) const {
  auto it = council.find({la, year});
  return it == council.end() ? nullptr : &it->second;
}
const Published* AreaSeries::at_region(const std::string& r, int year) const {
  auto it = region.find({lower(r), year});
  return it == region.end() ? nullptr : &it->second;
}
const Published* AreaSeries::at_england(int year) const {
  auto it = england.find(year);
  return it == england.end() ? nullptr : &it->second;
}

std::optional<double> direct_value(const PublicData& d, const DirectMeasure& m, int la, const std::string& region,
                                   int year, std::string* why) {
  auto fail = [&](std::string w) -> std::optional<double> { if (why) *why = std::move(w); return std::nullopt; };
  auto sit = d.direct.find(m.code);
  if (sit == d.direct.end()) return fail("file not loaded");
  const Published* v = la > 0 ? sit->second.at_council(la, year) : !region.empty() ? sit->second.at_region(region, year)
                                                                                  : sit->second.at_england(year);
  if (!v) return fail("no published value");
  if (!v->has()) return fail(std::string(marker_meaning(v->marker)));
  const std::string kind = m.kind;
  if (kind == "pct") return v->value;
  if (kind == "share") {
    const auto dit = d.direct.find(m.denominator);
    if (dit == d.direct.end()) return fail("file not loaded");
    const Published* den = la > 0 ? dit->second.at_council(la, year) : !region.empty() ? dit->second.at_region(region, year)
                                                                                     : dit->second.at_england(year);
    if (!den) return fail("no published value");
    if (!den->has()) return fail(fmt::format("denominator {}", marker_meaning(den->marker)));
    if (den->value <= 0) return fail("denominator 0");
    return v->value / den->value * 100.0;
  }
  const AreaYear* a = la > 0 ? d.council_year(la, year) : !region.empty() ? d.region_year(region, year) : d.national_year(year);
  if (!a) return fail("no CLA row for the denominator");
  const Published& den = kind == "per_cla" ? a->stock : a->population;
  if (!den.has() || den.value <= 0) return fail(fmt::format("denominator {}", marker_meaning(den.marker)));
  return kind == "rate" ? v->value / den.value * 1e4 : v->value / den.value;
}

static std::optional<double> median_of(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

std::vector<double> direct_values(const PublicData& d, int year, const DirectMeasure& m) {
  std::vector<double> all;
  for (auto* a : d.councils_in(year))
    if (auto v = direct_value(d, m, a->la_number, "", year)) all.push_back(*v);
  return all;
}

int direct_latest_year(const PublicData& d, const DirectMeasure& m, int year) {
  int y = 0;
  if (auto it = d.direct.find(m.code); it != d.direct.end())
    for (const auto& [yy, v] : it->second.england)
      if (yy <= year && v.has()) y = std::max(y, yy);
  return y;
}

Funnel direct_funnel(const PublicData& d, int year, const DirectMeasure& m) {
  std::vector<FunnelInput> in;
  std::vector<std::string> excluded;
  const auto sit = d.direct.find(m.code);
  for (const auto* a : d.councils_in(year)) {
    const Published* n = sit == d.direct.end() ? nullptr : sit->second.at_council(a->la_number, year);
    if (!n || !n->has() || !a->population.has() || a->population.value <= 0) {
      excluded.push_back(fmt::format("{} ({}): count {}, population {}", a->name, a->la_number,
                                     n ? marker_meaning(n->marker) : "not published",
                                     marker_meaning(a->population.marker)));
      continue;
    }
    in.push_back({a->la_number, a->name, n->value, a->population.value});
  }
  Funnel f = funnel_of(year, in);
  f.excluded = std::move(excluded);
  return f;
}

DirectComparison compare_direct(const PublicData& d, int la, int year, const DirectMeasure& m,
                                const std::vector<double>* all_values) {
  DirectComparison c;
  c.code = m.code;
  c.label = m.label;
  c.year = year;
  c.council = direct_value(d, m, la, "", year, &c.council_marker);
  std::vector<double> sn;
  for (int n : neighbours_for(d, la, year)) {
    if (auto v = direct_value(d, m, n, "", year)) sn.push_back(*v);
    else ++c.neighbours_missing;
  }
  c.neighbours_found = static_cast<int>(sn.size());
  if (!sn.empty()) c.neighbours_mean = std::accumulate(sn.begin(), sn.end(), 0.0) / sn.size();
  c.neighbours_median = median_of(sn);
  if (auto r = d.region_of.find(la); r != d.region_of.end()) c.region = direct_value(d, m, 0, r->second, year);
  c.england = direct_value(d, m, 0, "", year);
  if (c.council) {
    const std::vector<double> own_all = all_values ? std::vector<double>{} : direct_values(d, year, m);
    const std::vector<double>& all = all_values ? *all_values : own_all;
    c.of = static_cast<int>(all.size());
    c.rank = 1 + static_cast<int>(std::count_if(all.begin(), all.end(), [&](double v) { return v > *c.council; }));
    const int below = static_cast<int>(std::count_if(all.begin(), all.end(), [&](double v) { return v < *c.council; }));
    c.quartile = c.of ? std::min(4, 1 + 4 * below / c.of) : 0;
  }
  return c;
}

int breakdown_year(const PublicData& d, const std::string& table, int year) {
  int best = 0;
  for (auto& [key, s] : d.breakdowns)
    if (std::get<0>(key) == table && std::get<2>(key) == "Total")
      for (auto& [y, v] : s.england)
        if (y <= year) best = std::max(best, y);
  return best;
}

std::vector<BreakdownComparison> compare_breakdown(const PublicData& d, int la, int year, const std::string& table,
                                                   const std::string& group) {
  std::vector<BreakdownComparison> out;
  auto total_it = d.breakdowns.find({table, group, "Total"});
  if (total_it == d.breakdowns.end()) return out;
  const AreaSeries& total = total_it->second;
  const std::string region = d.region_of.count(la) ? d.region_of.at(la) : "";
  auto share = [](const Published* n, const Published* t) -> std::optional<double> {
    if (!n || !t || !n->has() || !t->has() || t->value <= 0) return std::nullopt;
    return n->value / t->value * 100.0;
  };
  const auto sns = neighbours_for(d, la, year);
  for (auto& [key, s] : d.breakdowns) {
    if (std::get<0>(key) != table || std::get<1>(key) != group || std::get<2>(key) == "Total") continue;
    BreakdownComparison b;
    b.characteristic = std::get<2>(key);
    const Published* cn = s.at_council(la, year);
    if (cn && cn->has()) b.council_number = cn->value;
    b.council_share = share(cn, total.at_council(la, year));
    if (!b.council_share)
      b.council_marker = !cn ? "no published value" : !cn->has() ? std::string(marker_meaning(cn->marker)) : "total missing";
    std::vector<double> v;
    for (int n : sns) {
      if (auto x = share(s.at_council(n, year), total.at_council(n, year))) v.push_back(*x);
      else ++b.neighbours_missing;
    }
    b.neighbours_found = static_cast<int>(v.size());
    if (!v.empty()) b.neighbours_mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
    if (!region.empty()) b.region = share(s.at_region(region, year), total.at_region(region, year));
    b.england = share(s.at_england(year), total.at_england(year));
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace careflow::benchmark
