// The front door and child protection (issue #15): the census's measures (cin_front_door.hpp)
// and the report's tables of them. One function per group of tables, each declaring what
// disclosure control must protect, as the 903's tables do; relations between the tables (the
// same referrals in three of them) are declared where the tables are made.
#include "careflow/analyse/cin_front_door.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_set>

#include "careflow/analyse/context.hpp"

// g++ 12 false positive inside std::variant copies (see analyse.cpp).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace careflow::analyse {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

// The last day a year's events are counted to.
Date last_day(const CollectionYear& y, Date until) { return std::min(y.end(), until); }
bool in_year(Date d, const CollectionYear& y, Date until) { return d >= y.start() && d <= last_day(y, until); }

}  // namespace

ReferralSourceGroup referral_source_group(std::string_view code) {
  const std::string c = upper(code);
  if (c.size() == 2 && c[0] == '1' && c[1] >= 'A' && c[1] <= 'D') return ReferralSourceGroup::individual;
  if (c == "2A") return ReferralSourceGroup::schools;
  if (c == "2B") return ReferralSourceGroup::education_services;
  if (c.size() == 2 && c[0] == '3' && c[1] >= 'A' && c[1] <= 'F') return ReferralSourceGroup::health_services;
  if (c == "4") return ReferralSourceGroup::housing;
  if (c.size() == 2 && c[0] == '5' && c[1] >= 'A' && c[1] <= 'D') return ReferralSourceGroup::la_services;
  if (c == "6") return ReferralSourceGroup::police;
  if (c == "7") return ReferralSourceGroup::other_legal_agency;
  if (c == "8") return ReferralSourceGroup::other;
  if (c == "9") return ReferralSourceGroup::anonymous;
  if (c == "10") return ReferralSourceGroup::unknown;
  return ReferralSourceGroup::not_recorded;
}

std::string_view label(ReferralSourceGroup g) {
  static constexpr std::string_view kLabels[kReferralSourceGroupCount] = {
      "Individual (1A-1D)",        "Schools (2A)",    "Education services (2B)", "Health services (3A-3F)",
      "Housing (4)",               "Local authority services (5A-5D)", "Police (6)",
      "Other legal agency (7)",    "Other (8)",       "Anonymous (9)",           "Unknown (10)",
      "Not recorded, or not a census code"};
  return kLabels[static_cast<size_t>(g)];
}

std::string_view c5_column(ReferralSourceGroup g) {
  static constexpr std::string_view kColumns[kReferralSourceGroupCount] = {
      "Individual", "Schools", "Education_Services", "Health_Services", "Housing", "LA_Services",
      "Police",     "Other_legal_agency", "Other", "Anonymous", "Unknown", ""};
  return kColumns[static_cast<size_t>(g)];
}

Date twelve_months_before(Date d) { return birthday(d, -1); }

std::vector<ReferralYear> referral_measures(const cin::Timeline& t, const std::vector<CollectionYear>& years,
                                            Date until) {
  std::vector<ReferralYear> out;
  // The look-back needs every referral of the twelve months before, i.e. the previous year's
  // return: a referral closed before its 31 March is in no later return.
  const Date known_from = t.data_start();
  for (const auto& y : years) {
    ReferralYear r;
    r.year = y;
    const bool lookback_known = twelve_months_before(y.start()) >= known_from &&
                                std::find(t.years.begin(), t.years.end(), CollectionYear{y.end_year - 1}) != t.years.end();
    size_t rereferrals = 0;
    for (const auto& child : t.children) {
      bool referred = false;
      for (size_t k = 0; k < child.episodes.size(); ++k) {
        const auto& e = child.episodes[k];
        if (!in_year(e.referral, y, until)) continue;
        referred = true;
        ++r.referrals;
        r.referrals_nfa += e.no_further_action;
        // As the year's return shows it: closed by its 31 March (DfE counts from that year's census).
        r.referrals_not_in_need += e.closure <= last_day(y, until) &&
                                   (upper(e.closure_reason) == "RC8" || upper(e.closure_reason) == "RC9");
        ++r.by_source[static_cast<size_t>(referral_source_group(e.source))];
        // Episodes are by referral date: the previous referral is the one before.
        if (k > 0 && child.episodes[k - 1].referral >= twelve_months_before(e.referral)) ++rereferrals;
      }
      r.children_referred += referred;
    }
    if (lookback_known) r.rereferrals = rereferrals;
    out.push_back(r);
  }
  return out;
}

namespace detail {

namespace {

// When the caller gives no published CIN tables: each absent, saying so.
const EnglandCinTables& no_england_cin() {
  static const EnglandCinTables none = [] {
    EnglandCinTables t;
    auto absent = [](CinPublished& p, const char* file) {
      p.file = file;
      p.missing = std::string("needs ") + file + " from the reference data folder, and none was given";
    };
    absent(t.c1, kCinC1File), absent(t.c2, kCinC2File), absent(t.c3, kCinC3File), absent(t.c4, kCinC4File);
    absent(t.c5, kCinC5File), absent(t.d1, kCinD1File), absent(t.d2, kCinD2File), absent(t.d3, kCinD3File);
    absent(t.d4, kCinD4File), absent(t.d5, kCinD5File);
    return t;
  }();
  return none;
}

Cell cell_of(std::optional<double> v) { return v ? Cell{*v} : Cell{}; }
Cell percent(double part, double whole) { return whole > 0 ? Cell{100.0 * part / whole} : Cell{}; }

// What the section's tables share: the census, its years, the published tables, and the
// population for rates.
struct FrontDoor {
  Context& cx;
  Assessment& a;
  const cin::Timeline& cin;
  const EnglandCinTables& england;
  const std::vector<CollectionYear>& years;

  // The council's 0-17 population for a collection year: the mid-year before, as the profile's
  // rates (and DfE's) use. (--filter does not apply to the census: the rate is of every child.)
  std::optional<double> population(const CollectionYear& y) const {
    const auto it = cx.population.find(y.end_year - 1);
    return it == cx.population.end() ? std::nullopt : std::optional<double>(it->second);
  }
  std::optional<double> england_population(const CollectionYear& y) const {
    const auto it = cx.england.find(y.end_year);
    return it == cx.england.end() || it->second.population <= 0 ? std::nullopt
                                                                 : std::optional<double>(it->second.population);
  }
  // A published table that is absent is said once, in the notes at the end.
  void need(const CinPublished& t, const std::string& what) {
    if (!t.present) a.limitations.push_back(fmt::format("England figures for {}: not available ({}).", what, t.missing));
  }
  // A cell of a by-year table: (table, row of the year, column).
  static CellRef year_cell(const Table& t, size_t yi, size_t column) { return {t.table.id, yi, column}; }
};

// Referrals: number, children, rate per 10,000 against England's (C1).
void referral_tables(FrontDoor& f, const std::vector<ReferralYear>& m) {
  f.need(f.england.c1, "referrals, re-referrals and referrals with no further action (DfE table C1)");
  Table t = make_table(
      kFrontDoorSection, "cin_referrals", "Referrals to children's social care: number and rate per 10,000 children",
      "A referral is an episode of need whose referral date (CINreferralDate) falls in the year; a child referred "
      "twice counts twice, and referrals closed with no further action are included (DfE's definition, CIN census "
      "guide; careflow's cin-census-spec.md §6). Children referred: distinct children with a referral in the year. "
      "Rate per 10,000 children aged 0-17, using the ONS mid-year estimate of the year before, as the profile's rates "
      "do. England: DfE 'Children in need' table C1 (referral_count) over England's 0-17 population; blank where "
      "DfE has not published the year.",
      {{"year", "Year"},
       {"referrals", "Referrals"},
       {"children_referred", "Children referred"},
       {"population_0_17", "Population 0-17 (mid-year before)"},
       {"rate_per_10000", "Referrals per 10,000", 1},
       {"england_rate_per_10000", "England referrals per 10,000", 1},
       {"england_referrals", "England referrals"}});
  add_year_rows(f.years, t, [&](const CollectionYear& y, size_t yi, std::vector<Cell>& row) {
    const double n = double(m[yi].referrals);
    row.push_back(n);
    row.push_back(double(m[yi].children_referred));
    const auto pop = f.population(y);
    row.push_back(cell_of(pop));
    row.push_back(pop ? Cell{n / *pop * 10000.0} : Cell{});
    const auto e = f.england.c1.england(y.end_year, "referral_count");
    const auto ep = f.england_population(y);
    row.push_back(e && ep ? Cell{*e / *ep * 10000.0} : Cell{});
    row.push_back(cell_of(e));
  });
  set_counts(t, {.columns = {1, 2}, .ratios = {{.column = 4, .numerator = 1, .denominator = 3, .scale = 10000}}});
  const bool rates = std::any_of(t.table.rows.begin(), t.table.rows.end(),
                                 [](const auto& r) { return std::holds_alternative<double>(r[4]); });
  if (rates) set_chart(t, Chart::year_lines, {4, 5}, "referrals per 10,000 children");
  else set_chart(t, Chart::year_lines, {1}, "referrals");
  // Key message: the latest year's rate against England's.
  if (!t.table.rows.empty()) {
    const auto& last = t.table.rows.back();
    const double n = std::get<double>(last[1]);
    if (const double* r = std::get_if<double>(&last[4]); r && n >= 10) {
      const double* e = std::get_if<double>(&last[5]);
      f.a.messages.push_back(
          {kFrontDoorSection,
           e ? fmt::format("In {} the council received {:.0f} referrals, {:.0f} per 10,000 children, against {:.0f} in "
                           "England ({:+.0f}%).",
                           f.years.back().label(), n, *r, *e, 100.0 * (*r - *e) / *e)
             : fmt::format("In {} the council received {:.0f} referrals, {:.0f} per 10,000 children.",
                           f.years.back().label(), n, *r),
           e ? 15 + std::fabs(100.0 * (*r - *e) / *e) : 5, {n}});
    }
  }
  f.a.tables.push_back(std::move(t));
}

// What became of the referrals: re-referrals within 12 months, no further action, assessed as
// not in need (C1).
void referral_outcome_tables(FrontDoor& f, const std::vector<ReferralYear>& m) {
  Table t = make_table(
      kFrontDoorSection, "cin_referral_outcomes",
      "Referrals: re-referrals within 12 months, no further action, and children assessed as not in need",
      "Percentages of the year's referrals (DfE's definitions, cin-census-spec.md §6). Re-referral: a referral "
      "within 12 months of a previous referral of the same child, i.e. the child's previous referral was on or "
      "after the same day a year earlier (exactly twelve months counts; for 29 February, 28 February); it needs the "
      "returns of the twelve months before, so the first year read is left blank. No further action: ReferralNFA "
      "true. Assessed as not in need: the episode closed after assessment with no further action (RC8) or with a "
      "referral to early help (RC9, split from RC8 in 2022/23; both are counted so that the series stays "
      "comparable), by the year's 31 March, as that year's return shows it (DfE counts from each year's census): a referral late in the year still being assessed then is not counted. England: DfE table C1.",
      {{"year", "Year"},
       {"referrals", "Referrals"},
       {"rereferrals", "Re-referrals within 12 months"},
       {"rereferral_percent", "% re-referrals", 1},
       {"england_rereferral_percent", "England % re-referrals", 1},
       {"no_further_action", "No further action"},
       {"no_further_action_percent", "% no further action", 1},
       {"england_no_further_action_percent", "England % no further action", 1},
       {"not_in_need", "Assessed as not in need"},
       {"not_in_need_percent", "% assessed as not in need", 1},
       {"england_not_in_need_percent", "England % assessed as not in need", 1}});
  add_year_rows(f.years, t, [&](const CollectionYear& y, size_t yi, std::vector<Cell>& row) {
    const auto& r = m[yi];
    const double n = double(r.referrals);
    row.push_back(n);
    row.push_back(r.rereferrals ? Cell{double(*r.rereferrals)} : Cell{});
    row.push_back(r.rereferrals ? percent(double(*r.rereferrals), n) : Cell{});
    row.push_back(cell_of(f.england.c1.england(y.end_year, "rereferral_percent")));
    row.push_back(double(r.referrals_nfa));
    row.push_back(percent(double(r.referrals_nfa), n));
    row.push_back(cell_of(f.england.c1.england(y.end_year, "no_further_action_percent")));
    row.push_back(double(r.referrals_not_in_need));
    row.push_back(percent(double(r.referrals_not_in_need), n));
    row.push_back(cell_of(f.england.c1.england(y.end_year, "not_in_need_percent")));
  });
  set_counts(t, {.columns = {1, 2, 5, 8},
                 .ratios = {{.column = 3, .numerator = 2, .denominator = 1},
                            {.column = 6, .numerator = 5, .denominator = 1},
                            {.column = 9, .numerator = 8, .denominator = 1}}});
  set_chart(t, Chart::year_lines, {3, 4, 6, 7, 9, 10}, "% of referrals");
  if (!t.table.rows.empty()) {
    const auto& last = t.table.rows.back();
    const double* p = std::get_if<double>(&last[3]);
    const double* e = std::get_if<double>(&last[4]);
    if (p && e && m.back().rereferrals && *m.back().rereferrals >= 10)
      f.a.messages.push_back({kFrontDoorSection,
                              fmt::format("{:.1f}% of the council's referrals in {} came within 12 months of a previous "
                                          "referral of the same child, against {:.1f}% in England.",
                                          *p, f.years.back().label(), *e),
                              10 + std::fabs(*p - *e), {double(*m.back().rereferrals), double(m.back().referrals)}});
  }
  f.a.tables.push_back(std::move(t));
}

// Referrals by source (C5), the latest year's shares beside England's.
void referral_source_tables(FrontDoor& f, const std::vector<ReferralYear>& m) {
  f.need(f.england.c5, "referrals by source (DfE table C5)");
  std::vector<std::string> categories;
  for (size_t g = 0; g < kReferralSourceGroupCount; ++g) categories.emplace_back(label(ReferralSourceGroup(g)));
  Table t = by_year(
      f.years, "cin_referrals_by_source", "Referrals by source",
      "Who made the year's referrals (ReferralSource), in DfE's groups of table C5 (cin-census-spec.md §3.4). "
      "England: the share of England's referrals from each source in DfE table C5, of the latest year DfE has "
      "published up to the council's latest (named in the column).",
      kFrontDoorSection, categories,
      [&](const CollectionYear& y, std::vector<double>& counts) {
        for (size_t yi = 0; yi < f.years.size(); ++yi)
          if (f.years[yi] == y)
            for (size_t g = 0; g < kReferralSourceGroupCount; ++g) counts[g] = double(m[yi].by_source[g]);
      });
  const std::optional<int> ey = f.years.empty() ? std::nullopt : f.england.c5.latest_england_year(f.years.back().end_year);
  t.table.add_column("england_percent", ey ? fmt::format("England % {}", CollectionYear{*ey}.label()) : "England %", 1);
  const std::optional<double> england_total = ey ? f.england.c5.england(*ey, "Referrals") : std::nullopt;
  for (auto& row : t.table.rows) {
    Cell e;
    const auto* name = std::get_if<std::string>(&row[0]);
    if (name && england_total && *england_total > 0) {
      if (*name == "Total") e = 100.0;
      for (size_t g = 0; g < kReferralSourceGroupCount; ++g)
        if (*name == label(ReferralSourceGroup(g)) && !c5_column(ReferralSourceGroup(g)).empty())
          if (const auto v = f.england.c5.england(*ey, std::string(c5_column(ReferralSourceGroup(g)))))
            e = 100.0 * *v / *england_total;
    }
    row.push_back(e);
  }
  // The latest year's shares against England's, as bars.
  set_chart(t, Chart::bars, {f.years.size() + 1, f.years.size() + 2}, "% of referrals");
  f.a.tables.push_back(std::move(t));
}

// The same referrals in three tables: each year's count in cin_referrals, cin_referral_outcomes
// and the Total row of cin_referrals_by_source.
void relate_referrals(FrontDoor& f) {
  const auto find = [&](const std::string& id) -> const Table* {
    for (const auto& t : f.a.tables)
      if (t.table.id == id) return &t;
    return nullptr;
  };
  const Table* counts = find("cin_referrals");
  const Table* outcomes = find("cin_referral_outcomes");
  const Table* sources = find("cin_referrals_by_source");
  if (!counts || !outcomes || !sources || !sources->total_row) return;
  for (size_t yi = 0; yi < f.years.size(); ++yi) {
    f.a.relations.push_back({Relation::Kind::equal, {FrontDoor::year_cell(*counts, yi, 1), FrontDoor::year_cell(*outcomes, yi, 1)}});
    f.a.relations.push_back({Relation::Kind::equal, {FrontDoor::year_cell(*counts, yi, 1), {sources->table.id, *sources->total_row, yi + 1}}});
  }
}

}  // namespace

void front_door(Context& cx, Assessment& a) {
  const EnglandCinTables& england = cx.o.england_cin ? *cx.o.england_cin : no_england_cin();
  FrontDoor f{cx, a, *cx.o.cin, england, cx.cin_years};
  if (f.years.empty()) {
    a.limitations.push_back("The Children in Need census returns read cover none of the years analysed: the front door "
                            "and child protection are not shown.");
    return;
  }
  if (!cx.o.filter.empty())
    a.limitations.push_back("--filter does not apply to the front door and child protection: those tables count every "
                            "child in the census returns.");
  const auto referrals = referral_measures(f.cin, f.years, cx.ref);
  referral_tables(f, referrals);
  referral_outcome_tables(f, referrals);
  referral_source_tables(f, referrals);
  relate_referrals(f);
}

}  // namespace detail

}  // namespace careflow::analyse
