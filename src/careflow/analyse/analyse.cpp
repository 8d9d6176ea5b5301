#include "careflow/analyse/analyse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "careflow/analyse/context.hpp"

// g++ 12 reports -Wmaybe-uninitialized inside std::variant when a Cell holding a string is
// copied out of a braced row; the cells are initialised (a known false positive, GCC PR 107138).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace careflow::analyse {

using detail::Context;

namespace {

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// When the caller gives no published tables: each absent, saying so.
const NeedsAssessmentReference& no_reference() {
  static const NeedsAssessmentReference none = [] {
    NeedsAssessmentReference r;
    auto absent = [](auto& t, const char* file) {
      t.file = file;
      t.missing = std::string("needs ") + file + " from the reference data folder, and none was given";
    };
    absent(r.population, kPopulationEstimatesFile);
    absent(r.cla_series, kClaSeriesFile);
    absent(r.stability, kPlacementStabilityFile);
    absent(r.ceased, kCeasedFile);
    return r;
  }();
  return none;
}

// The council's 0-17 population by mid-year: the user's file (year,population) or the ONS file.
void load_population(Context& cx, Assessment& a) {
  if (cx.o.population) {
    const PopulationFile& f = *cx.o.population;
    if (!f.readable) {
      a.limitations.push_back("Population file " + f.file +
                              " could not be read (needs columns year,population): rates per 10,000 are not shown.");
      return;
    }
    for (const auto& r : f.rows) cx.population[r.year] = r.population;  // a year given twice: the last row
    if (!f.unread_lines.empty())
      a.limitations.push_back(fmt::format("Population file {}: {} row(s) without a year and a positive population "
                                          "were not used (line {}{}).", f.file, f.unread_lines.size(),
                                          f.unread_lines.front(), f.unread_lines.size() > 1 ? " and others" : ""));
    return;
  }
  const PopulationEstimates& pop = cx.tables.population;
  if (!pop.present) {
    a.limitations.push_back("Rates per 10,000 " + pop.missing);
    return;
  }
  if (!pop.usable) return;
  for (const auto& r : pop.rows) {
    if (r.level == GeographicLevel::national) cx.england[r.year + 1].population = r.population;  // keyed by the CLA year it serves
    if (!cx.o.la_code.empty() && r.level == GeographicLevel::local_authority &&
        (r.new_la_code == cx.o.la_code || r.old_la_code == cx.o.la_code)) {
      cx.population[r.year] = r.population;
      a.la_name = r.la_name;
      cx.la_ons_code = r.new_la_code;
    }
  }
  if (cx.o.la_code.empty())
    a.limitations.push_back("No council given (--la): rates per 10,000 are not shown.");
  else if (cx.population.empty())
    a.limitations.push_back("Council " + cx.o.la_code + " is not in " + pop.file + ": rates per 10,000 are not shown.");
}

void load_england(Context& cx, Assessment& a) {
  const ClaSeries& cla = cx.tables.cla_series;
  if (cla.present) {
    for (const auto& r : cla.rows) {
      const bool national = r.level == GeographicLevel::national;
      const bool council = !cx.o.la_code.empty() && r.level == GeographicLevel::local_authority &&
                           (r.new_la_code == cx.o.la_code || r.old_la_code == cx.o.la_code);
      if (!national && !council) continue;
      auto& e = national ? cx.england[r.year] : cx.published[r.year];
      e.looked_after = r.looked_after;
      e.started = r.started;
      e.ceased = r.ceased;
      if (r.population) e.population = *r.population;
      if (r.rate_per_10000) e.rate = *r.rate_per_10000;
    }
  } else {
    a.limitations.push_back("England comparisons " + cla.missing);
  }
  for (const auto& r : cx.tables.stability.rows) {
    if (r.level != GeographicLevel::national) continue;
    if (r.measure == "Living with the same carer for at least 2 years") cx.england_same_carer_pct[r.year] = r.children_percent;
    if (r.cla_group == "CLA on 31 March" && r.measure.find("3 or more placements") != std::string::npos)
      cx.england_3plus_pct[r.year] = r.children_percent;
  }
}

// DfE's published reasons for ceasing (national rows), mapped onto careflow's CeaseGroups.
void load_england_ceased(Context& cx) {
  static const std::pair<const char*, CeaseGroup> kMap[] = {
      {"Returned home", CeaseGroup::returned_home},
      {"Left care to live with parents", CeaseGroup::lives_with_others},
      {"Adopted", CeaseGroup::adopted},
      {"Special guardianship", CeaseGroup::special_guardianship},
      {"Residence order", CeaseGroup::residence_order},
      {"Moved into independent living", CeaseGroup::independent_living},
      {"Aged 18 (or over) and remained", CeaseGroup::staying_put},
      {"Transferred to residential care", CeaseGroup::adult_social_care},
      {"Sentenced to custody", CeaseGroup::custody},
      {"Accommodation on remand ended", CeaseGroup::custody},
      {"Care taken by another", CeaseGroup::other_la},
      {"Died", CeaseGroup::died},
      {"Age assessment", CeaseGroup::age_assessment},
      {"Child moved abroad", CeaseGroup::moved_abroad},
      {"Care ceased for any other reason", CeaseGroup::other},
  };
  for (const auto& r : cx.tables.ceased.rows) {
    if (r.level != GeographicLevel::national || r.cla_group != "Reason episode ceased") continue;
    auto& v = cx.england_ceased_by_reason[r.year];
    v.resize(kCeaseGroupCount + 1, 0);
    if (r.characteristic == "Total") {
      v[kCeaseGroupCount] = r.number;
      continue;
    }
    for (auto [prefix, g] : kMap)
      if (r.characteristic.rfind(prefix, 0) == 0) {
        v[static_cast<size_t>(g)] += r.number;
        break;
      }
  }
}

}  // namespace

std::string Filter::describe() const {
  std::vector<std::string> parts;
  if (sex) parts.push_back(fmt::format("sex {}", codes::sex.label(*sex)));
  if (age_band) parts.push_back(fmt::format("age {}", label(*age_band)));
  if (uasc) parts.push_back(*uasc ? "UASC only" : "excluding UASC");
  if (legal_status) parts.push_back(fmt::format("legal status {}", codes::legal_status.code(*legal_status)));
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : ", ") + p;
  return s;
}

std::string parse_filter(const std::string& text, Filter& f) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) return "a filter is NAME=VALUE (sex=F, age=10-15, uasc=yes, ls=C2): '" + text + "'";
  const std::string key = lower(text.substr(0, eq)), value = text.substr(eq + 1), v = lower(value);
  if (key == "sex") {
    if (v == "m" || v == "1" || v == "male") f.sex = codes::sex.find("M");
    else if (v == "f" || v == "2" || v == "female") f.sex = codes::sex.find("F");
    else return "sex must be M or F: '" + value + "'";
    return "";
  }
  if (key == "age" || key == "age_band") {
    static const std::pair<const char*, AgeBand> kBands[] = {
        {"under1", AgeBand::under_1}, {"0", AgeBand::under_1}, {"1-4", AgeBand::age_1_to_4},
        {"5-9", AgeBand::age_5_to_9}, {"10-15", AgeBand::age_10_to_15}, {"16+", AgeBand::age_16_plus},
        {"16plus", AgeBand::age_16_plus}};
    for (auto [name, band] : kBands)
      if (v == name) {
        f.age_band = band;
        return "";
      }
    return "age must be one of under1, 1-4, 5-9, 10-15, 16+: '" + value + "'";
  }
  if (key == "uasc") {
    if (v == "yes" || v == "y" || v == "1" || v == "true") f.uasc = true;
    else if (v == "no" || v == "n" || v == "0" || v == "false") f.uasc = false;
    else return "uasc must be yes or no: '" + value + "'";
    return "";
  }
  if (key == "ls" || key == "legal_status") {
    const auto c = codes::legal_status.find(value);
    if (c == kNoCode) return "unknown legal status '" + value + "'";
    f.legal_status = c;
    return "";
  }
  return "unknown filter '" + key + "' (sex, age, uasc, ls)";
}

bool is_eighteenth_birthday_exit(const History& h, const PeriodOfCare& p) {
  if (p.is_open()) return false;
  const Child& c = h.children[p.child];
  if (!c.dob_known) return false;
  return p.end >= birthday(c.dob, 18);
}

namespace detail {

bool Context::keep(ChildIndex c, Date on) const {
  const Filter& f = o.filter;
  if (f.empty()) return true;
  const Child& ch = h.children[c];
  if (f.sex) {
    const auto code = codes::sex.code(*f.sex);
    const bool male = code == "1" || code == "M";
    if (male ? !ch.is_male() : !ch.is_female()) return false;
  }
  if (f.age_band) {
    const int age = h.age_on(c, on);
    if (age < 0 || age_band(age) != *f.age_band) return false;
  }
  if (f.uasc) {
    const bool u = ch.uasc && (ch.uasc_ceased.is_open() || ch.uasc_ceased > on);
    if (u != *f.uasc) return false;
  }
  if (f.legal_status) {
    const Episode* e = h.episode_on(c, on);
    if (!e) {  // a ceaser: the episode that ended on `on`
      for (const auto& ep : h.episodes_of(c))
        if (ep.end == on) e = &ep;
    }
    if (!e || e->legal_status != *f.legal_status) return false;
  }
  return true;
}

std::vector<ChildIndex> Context::stock(Date d) const {
  auto v = h.looked_after_on(d);
  std::erase_if(v, [&](ChildIndex c) { return !keep(c, d); });
  return v;
}
std::vector<uint32_t> Context::starters(Date from, Date to) const {
  auto v = h.periods_starting(from, to);
  std::erase_if(v, [&](uint32_t p) { return !keep(h.periods[p].child, h.periods[p].start); });
  return v;
}
std::vector<uint32_t> Context::ceasers(Date from, Date to) const {
  auto v = h.periods_ending(from, to);
  std::erase_if(v, [&](uint32_t p) { return !keep(h.periods[p].child, h.periods[p].end); });
  return v;
}

std::string year_column(const CollectionYear& y) { return fmt::format("y{}", y.end_year); }

Table make_table(std::string section, std::string id, std::string title, std::string notes,
                 std::initializer_list<Column> columns) {
  Table t;
  t.section = std::move(section);
  t.table.id = std::move(id);
  t.table.title = std::move(title);
  t.table.notes = std::move(notes);
  for (const auto& c : columns) t.table.add_column(c.name, c.label, c.decimals);
  return t;
}

void add_year_rows(const Context& cx, Table& t,
                   const std::function<void(const CollectionYear&, size_t, std::vector<Cell>&)>& fill) {
  add_year_rows(cx.years, t, fill);
}

void add_year_rows(const std::vector<CollectionYear>& years, Table& t,
                   const std::function<void(const CollectionYear&, size_t, std::vector<Cell>&)>& fill) {
  for (size_t yi = 0; yi < years.size(); ++yi) {
    std::vector<Cell> row{years[yi].label()};
    fill(years[yi], yi, row);
    t.table.add_row(std::move(row));
  }
}

void set_counts(Table& t, Counts c) {
  t.count_columns = std::move(c.columns);
  t.derived = std::move(c.derived);
  t.total_row = c.last_row_is_total && !t.table.rows.empty() ? std::optional<size_t>(t.table.rows.size() - 1) : std::nullopt;
  t.total_column = c.total_column;
  t.ratios = std::move(c.ratios);
  t.row_relations = std::move(c.row_relations);
}

void set_chart(Table& t, Chart chart, std::vector<size_t> series, std::string y_label) {
  t.chart = chart;
  t.series = std::move(series);
  t.y_label = std::move(y_label);
}

std::vector<std::string> code_labels(const CodeList& list, std::string none) {
  std::vector<std::string> v;
  for (const auto& c : list.codes()) v.push_back(fmt::format("{} {}", c.code, c.label));
  v.push_back(std::move(none));
  return v;
}

Table by_year(const Context& cx, std::string id, std::string title, std::string notes, std::string section,
              const std::vector<std::string>& categories,
              const std::function<void(const CollectionYear&, std::vector<double>&)>& fill, bool keep_empty) {
  return by_year(cx.years, std::move(id), std::move(title), std::move(notes), std::move(section), categories, fill,
                 keep_empty);
}

Table by_year(const std::vector<CollectionYear>& years, std::string id, std::string title, std::string notes,
              std::string section, const std::vector<std::string>& categories,
              const std::function<void(const CollectionYear&, std::vector<double>&)>& fill, bool keep_empty) {
  Table t = make_table(std::move(section), std::move(id), std::move(title), std::move(notes), {{"category", ""}});
  std::vector<std::vector<double>> counts(years.size(), std::vector<double>(categories.size(), 0));
  for (size_t y = 0; y < years.size(); ++y) {
    t.table.add_column(year_column(years[y]), years[y].label());
    fill(years[y], counts[y]);
  }
  const size_t latest = years.size();  // column index of the latest year
  t.table.add_column("percent_latest", years.empty() ? "%" : "% " + years.back().label(), 1);
  std::vector<double> totals(years.size(), 0);
  for (size_t y = 0; y < years.size(); ++y)
    for (double v : counts[y]) totals[y] += v;
  for (size_t k = 0; k < categories.size(); ++k) {
    bool any = keep_empty && categories[k] != kAgeNotKnown;
    for (size_t y = 0; y < years.size(); ++y) any |= counts[y][k] != 0;
    if (!any) continue;
    std::vector<Cell> row{categories[k]};
    for (size_t y = 0; y < years.size(); ++y) row.push_back(counts[y][k]);
    if (years.empty() || totals.back() == 0) row.push_back(std::monostate{});
    else row.push_back(100.0 * counts.back()[k] / totals.back());
    t.table.add_row(std::move(row));
  }
  std::vector<Cell> total{std::string("Total")};
  for (double v : totals) total.push_back(v);
  total.push_back(years.empty() || totals.back() == 0 ? Cell{} : Cell{100.0});
  t.table.add_row(std::move(total));
  Counts counts_spec{.columns = {}, .last_row_is_total = true};
  for (size_t y = 0; y < years.size(); ++y) counts_spec.columns.push_back(y + 1);
  if (!years.empty())
    counts_spec.ratios.push_back({.column = latest + 1, .numerator = latest, .denominator = latest,
                                  .denominator_row = t.table.rows.size() - 1});
  set_counts(t, std::move(counts_spec));
  set_chart(t, Chart::category_lines, {}, "children");
  return t;
}

std::string reliable_from(const Context& cx, const std::vector<char>& unknown) {
  size_t from = 0;
  for (size_t yi = 0; yi < unknown.size() && yi < cx.years.size(); ++yi)
    if (unknown[yi]) from = yi + 1;
  return from < cx.years.size() ? cx.years[from].label() : std::string();
}

std::string years_listed(const Context& cx, const std::vector<char>& unknown) {
  std::string s;
  for (size_t yi = 0; yi < unknown.size() && yi < cx.years.size(); ++yi)
    if (unknown[yi]) s += (s.empty() ? "" : ", ") + cx.years[yi].label();
  return s;
}

void state_reliability(Context& cx, Table& t, const std::string& measure, const std::string& how,
                       const std::vector<char>& unknown) {
  const std::string from = reliable_from(cx, unknown), years = years_listed(cx, unknown);
  if (years.empty()) t.table.notes += " Every year shown is reliable.";
  else if (from.empty()) t.table.notes += fmt::format(" {}: {}. Not yet reliable in any year held.", how, years);
  else t.table.notes += fmt::format(" {}: {}. Reliable from {}.", how, years, from);
  cx.reliability.push_back({measure, t.table.id, years.empty() ? "every year" : from.empty() ? "no year held" : from,
                            years.empty() ? "none in the years analysed" : how + ": " + years});
}

void blank_year_column(const Context& cx, Table& t, size_t yi) {
  const bool latest = yi + 1 == cx.years.size();
  const size_t percent = cx.years.size() + 1;  // by_year's latest-year percentage
  for (auto& row : t.table.rows) {
    row[yi + 1] = std::monostate{};
    if (latest && percent < row.size()) row[percent] = std::monostate{};
  }
}

void drop_row_if_empty(const Context& cx, Table& t, const std::string& label) {
  auto& rows = t.table.rows;
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto* name = std::get_if<std::string>(&rows[r][0]);
    if (!name || *name != label) continue;
    for (size_t y = 1; y <= cx.years.size(); ++y)
      if (const double* v = std::get_if<double>(&rows[r][y]); v && *v != 0) return;
    rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(r));
    if (t.total_row && *t.total_row > r) --*t.total_row;
    return;
  }
}

void measure_reliability(Context& cx, Assessment& a) {
  Table t = make_table(
      "notes", "measure_reliability", "From which year each measure is reliable",
      fmt::format("A period of care (or placement) running on 1 April {} began before {}, the first return held; "
                  "unless its first episode held opened it (RNE S; for a placement, any RNE but L) the returns do "
                  "not show when. A measure that needs that start (a length of time in care or in a placement, "
                  "or whether something happened within a time of entering care) cannot count such a period as "
                  "if it began with the returns: it leaves it out, counts it apart, or leaves blank a figure it "
                  "could change. Every other measure is reliable in every year held.",
                  cx.h.years.empty() ? 0 : cx.h.years.front().end_year - 1, cx.first_return()),
      {{"measure", "Measure"}, {"tables", "Tables"}, {"reliable_from", "Reliable from"},
       {"treatment", "Periods that began before the first return held"}});
  for (const auto& r : cx.reliability) t.table.add_row({r.measure, r.tables, r.from, r.treatment});
  t.table.add_row({std::string("Every other measure: numbers at 31 March, starters and ceasers, days in care and "
                               "spend, 3+ placements in the year, reasons for moves, adoptions, special guardianship "
                               "and child arrangements orders, placements with parents"),
                   std::string(), std::string("every year"),
                   std::string("not needed: these count what happened within each year")});
  a.tables.push_back(std::move(t));
  // Whether it matters here, for the notes at the end (without counts: they could be small).
  size_t unknown = 0;
  for (const auto& p : cx.h.periods) unknown += !p.short_breaks && !cx.h.start_known(p);
  if (unknown)
    a.limitations.push_back(fmt::format(
        "Some periods of care were already running on 1 April {} (the first return held, {}) and the returns do not "
        "show when they began. Measures that need a period's start say from which year they are reliable (table "
        "'From which year each measure is reliable').",
        cx.h.years.front().end_year - 1, cx.first_return()));
}

namespace {
// The labels of an enumeration's values 0..n-1, in order.
template <class E>
std::vector<std::string> enum_labels(int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.emplace_back(label(static_cast<E>(i)));
  return v;
}
}  // namespace

std::vector<std::string> age_band_labels() {
  auto v = enum_labels<AgeBand>(kAgeBandCount);
  v.push_back(kAgeNotKnown);
  return v;
}
int age_band_category(int age) { return age < 0 ? kAgeBandCount : static_cast<int>(age_band(age)); }
std::vector<std::string> placement_group_labels() { return enum_labels<PlacementGroup>(kPlacementGroupCount); }
std::vector<std::string> single_age_labels() {
  std::vector<std::string> v;
  for (int a = 0; a < 18; ++a) v.push_back(std::to_string(a));
  v.push_back("18 and over");
  v.push_back(kAgeNotKnown);
  return v;
}
int single_age_category(int age) { return age < 0 ? 19 : std::min(age, 18); }

}  // namespace detail

Assessment assess(const History& h, const Options& o) {
  Assessment a;
  a.reference_date = o.reference_date ? *o.reference_date : h.data_end();
  Context cx{h, o, o.reference ? *o.reference : no_reference(), {}, a.reference_date, Date(), {}, {}, {}, {}, {}, {}, {}, {}, {}, {}};
  if (o.la_code.size() == 9 && (o.la_code[0] == 'E' || o.la_code[0] == 'W')) cx.la_ons_code = o.la_code;
  for (const auto& y : h.years) {
    if (o.first_year && y.end_year < o.first_year) continue;
    if (o.last_year && y.end_year > o.last_year) continue;
    if (y.start() > a.reference_date) continue;
    cx.years.push_back(y);
  }
  if (!cx.years.empty() && cx.years.back().end() > a.reference_date)
    a.limitations.push_back(fmt::format("The reference date {} falls within {}: that year is counted to the reference date.",
                                        a.reference_date.to_string(), cx.years.back().label()));
  cx.span_start = cx.years.empty() ? a.reference_date : cx.years.front().start();
  a.years = cx.years;
  a.filter = o.filter.describe();
  if (!o.filter.empty()) a.limitations.push_back("Filtered: " + a.filter + ". Rates per 10,000 are not shown for a filtered group.");
  load_population(cx, a);
  load_england(cx, a);
  load_england_ceased(cx);
  if (cx.years.empty()) {
    a.limitations.push_back("No collection year in the span: nothing to analyse.");
    return a;
  }
  detail::profile(cx, a);
  detail::flows(cx, a);
  detail::durations(cx, a);
  detail::stability(cx, a);
  detail::reentry(cx, a);
  detail::permanence(cx, a);
  detail::costs(cx, a);
  detail::projection(cx, a);
  if (o.cin) {
    for (const auto& y : o.cin->years)
      if ((!o.first_year || y.end_year >= o.first_year) && (!o.last_year || y.end_year <= o.last_year) &&
          y.start() <= a.reference_date)
        cx.cin_years.push_back(y);
    detail::front_door(cx, a);
    detail::pathways(cx, a);
  }
  detail::measure_reliability(cx, a);
  detail::relate_tables(cx, a);
  std::stable_sort(a.messages.begin(), a.messages.end(),
                   [](const KeyMessage& x, const KeyMessage& y) { return x.weight > y.weight; });
  return a;
}

}  // namespace careflow::analyse
