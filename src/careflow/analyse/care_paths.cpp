// Durations (Kaplan–Meier), stability, re-entry and permanence.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "careflow/analyse/context.hpp"

// g++ 12 reports -Wmaybe-uninitialized inside std::variant when a Cell holding a string is
// copied out of a braced row; the cells are initialised (a known false positive, GCC PR 107138).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace careflow::analyse {
namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

std::optional<double> determined_median(std::vector<double> exact, const std::vector<double>& at_least,
                                        double tolerance) {
  if (exact.empty() && at_least.empty()) return std::nullopt;
  // The median never falls as a value rises: its least is with the lengths known only from
  // below as held, its greatest with them unbounded.
  std::vector<double> low = exact;
  low.insert(low.end(), at_least.begin(), at_least.end());
  exact.insert(exact.end(), at_least.size(), std::numeric_limits<double>::infinity());
  const double lo = median(std::move(low)), hi = median(std::move(exact));
  if (!(hi - lo <= tolerance * lo)) return std::nullopt;  // (infinite hi included)
  return lo;
}

namespace detail {
namespace {

bool returned_home(CodeIndex rec) {
  const auto g = cease_group(rec);
  return g && *g == CeaseGroup::returned_home;
}

// Non-temporary placements of a child overlapping [from, to] (a placement ending on `from`
// does not overlap: the child had left it by the end of that day).
int placements_in(const History& h, ChildIndex c, Date from, Date to) {
  int n = 0;
  for (const auto& pl : h.placements_of(c)) {
    if (pl.is_temporary() || h.periods[pl.period].short_breaks) continue;
    if (pl.start <= to && (pl.is_open() || pl.end > from)) ++n;
  }
  return n;
}

const Placement* placement_on(const History& h, ChildIndex c, Date d) {
  for (const auto& pl : h.placements_of(c))
    if (pl.start <= d && (pl.is_open() || pl.end > d)) return &pl;
  return nullptr;
}

}  // namespace

void durations(Context& cx, Assessment& a) {
  const History& h = cx.h;
  // Kaplan–Meier of time in care for periods starting in the span, censored at the reference date.
  std::vector<std::vector<std::pair<int, bool>>> km(kAgeBandCount + 1);
  std::vector<std::vector<std::pair<int, int>>> home(kAgeBandCount + 1);
  std::vector<std::pair<int, bool>> unknown_age;  // periods of children without a date of birth
  for (uint32_t pi : cx.starters(cx.span_start, cx.ref)) {
    const PeriodOfCare& p = h.periods[pi];
    const bool ended = !p.is_open() && p.end <= cx.ref;
    const int time = (ended ? p.end : cx.ref) - p.start;
    const int age = h.age_on(p.child, p.start);
    const int cause = !ended ? 0 : returned_home(p.reason_ceased) ? 1 : 2;
    for (int g : {kAgeBandCount, age < 0 ? -1 : static_cast<int>(age_band(age))}) {
      if (g < 0) continue;
      km[g].push_back({time, ended});
      home[g].push_back({time, cause});
    }
    if (age < 0) unknown_age.push_back({time, ended});
  }
  const auto group_label = [](int g) {
    return g == kAgeBandCount ? std::string("All ages") : std::string(label(static_cast<AgeBand>(g)));
  };
  // An estimate at day t needs someone followed that long: beyond the longest time observed the
  // curve is not known (unless it has reached 0), and is left blank rather than drawn flat.
  // (Each group's curve is estimated once, for both tables.)
  std::vector<int> longest(km.size(), -1);
  std::vector<std::vector<SurvivalPoint>> curves(km.size());
  for (size_t g = 0; g < km.size(); ++g) {
    for (auto [tm, e] : km[g]) longest[g] = std::max(longest[g], tm);
    curves[g] = kaplan_meier(km[g]);
  }
  const auto known_at = [&](int g, int t) {
    return t <= longest[g] || (!curves[g].empty() && curves[g].back().survival == 0);
  };
  {
    Table t = make_table(
        "durations", "time_in_care_kaplan_meier",
        "Time in care: periods of care starting in the span, by age at entry (Kaplan–Meier)",
        "Periods still open at the reference date are censored there (Kaplan–Meier). Quartiles: days by which 25%, 50% "
        "and 75% of children had left care (blank when not reached). Return home (E4A/E4B) within 6 and 12 months is "
        "a cumulative incidence (Aalen–Johansen) with every other reason for leaving a competing event, not a "
        "censoring: a child adopted in month 3 can no longer return home.",
        {{"age_at_entry", "Age at entry"},
         {"periods", "Periods of care"},
         {"ended", "Ended"},
         {"censored", "Still looked after"},
         {"q1_days", "25% had left by (days)"},
         {"median_days", "Median days in care"},
         {"q3_days", "75% had left by (days)"},
         {"still_in_care_1y_percent", "% still in care after 1 year", 1},
         {"home_6m_percent", "% returned home within 6 months", 1},
         {"home_12m_percent", "% returned home within 12 months", 1}});
    for (int g : {0, 1, 2, 3, 4, kAgeBandCount}) {
      // Periods of children without a date of birth are in "All ages" only: a row of their own
      // (counts, no estimates) keeps the bands adding up to it.
      if (g == kAgeBandCount && !unknown_age.empty()) {
        double ended = 0;
        for (auto [tm, e] : unknown_age) ended += e;
        const double n = static_cast<double>(unknown_age.size());
        t.table.add_row({std::string(kAgeNotKnown), n, ended, n - ended, Cell{}, Cell{}, Cell{}, Cell{}, Cell{}, Cell{}});
      }
      const auto& curve = curves[g];
      double ended = 0;
      for (auto [tm, e] : km[g]) ended += e;
      const auto q = [&](double p) { auto v = survival_quantile(curve, p); return v ? Cell{double(*v)} : Cell{}; };
      const double n = static_cast<double>(km[g].size());
      t.table.add_row({group_label(g), n, ended, n - ended, q(0.25), q(0.5), q(0.75),
                       known_at(g, 365) ? Cell{100.0 * survival_at(curve, 365)} : Cell{},
                       known_at(g, 182) ? Cell{100.0 * cumulative_incidence(home[g], 182)} : Cell{},
                       known_at(g, 365) ? Cell{100.0 * cumulative_incidence(home[g], 365)} : Cell{}});
    }
    // Ended + still looked after = periods (a row relation); the age bands (and age not known)
    // sum to all ages.
    set_counts(t, {.columns = {2, 3},
                   .derived = {{4, 1}, {5, 1}, {6, 1}, {7, 1}, {8, 1}, {9, 1}},
                   .last_row_is_total = true,
                   .total_column = 1});
    set_chart(t, Chart::bars, {5}, "median days");
    const auto& all = t.table.rows.back();
    if (std::get<double>(all[1]) >= 10 && std::holds_alternative<double>(all[5]))
      a.messages.push_back({"durations",
                            fmt::format("Half the children who entered care from {} had left within {:.0f} days{}.",
                                        cx.years.front().label(), std::get<double>(all[5]),
                                        std::holds_alternative<double>(all[9])
                                            ? fmt::format("; {:.0f}% returned home within 12 months", std::get<double>(all[9]))
                                            : std::string()),
                            6, {std::get<double>(all[1])}});
    t.table.notes += fmt::format(" Periods that began before {}, the first return held, are left out (their start may not "
                                 "be in the returns, and they are held only because they lasted until then); figures "
                                 "beyond the longest time anyone was followed are left blank.",
                                 cx.first_return());
    cx.reliability.push_back({"Time in care (Kaplan–Meier)", "time_in_care_kaplan_meier, time_in_care_curve",
                              "every year",
                              "left out: only periods that began in the span are followed, from their start"});
    a.tables.push_back(std::move(t));
  }
  {
    Table t = make_table("durations", "time_in_care_curve",
                         "Proportion still looked after, by days since entry (Kaplan–Meier)",
                         "S(t), in %, for periods starting in the span; censored at the reference date.",
                         {{"days", "Days since entry"}});
    for (int g : {0, 1, 2, 3, 4, kAgeBandCount})
      t.table.add_column(g == kAgeBandCount ? "all" : fmt::format("band{}", g), group_label(g), 1);
    for (int d : {0, 30, 91, 182, 273, 365, 547, 730, 1095, 1461, 1826}) {
      std::vector<Cell> row{double(d)};
      for (int g : {0, 1, 2, 3, 4, kAgeBandCount})
        row.push_back(km[g].size() > 5 && known_at(g, d) ? Cell{100.0 * survival_at(curves[g], d)} : Cell{});
      t.table.add_row(std::move(row));
    }
    set_chart(t, Chart::step, {1, 2, 3, 4, 5, 6}, "% still looked after");
    t.table.notes += " Curves for groups of 5 or fewer periods are not drawn, nor beyond the longest time a group's "
                     "children were followed. Periods that began before " + cx.first_return() + " are left out.";
    a.tables.push_back(std::move(t));
  }
  // Placement length by type and by provider (placements that ended in the span). A placement
  // that began before the first return held, at a date the returns do not show, lasted at least
  // as long as it looks: a median or mean it could change is left blank.
  bool any_unknown = false;
  for (int by_provider = 0; by_provider < 2; ++by_provider) {
    Table t = make_table("durations", by_provider ? "placement_length_by_provider" : "placement_length_by_type",
                         by_provider ? "Length of placements that ended, by provider" : "Length of placements that ended, by type",
                         "Placements ending between the start of the span and the reference date; days from start to end. "
                         "Open placements are counted separately (their lengths are not yet known).",
                         {{"group", by_provider ? "Provider" : "Placement type"},
                          {"ended", "Placements ended"},
                          {"median_days", "Median days", 0},
                          {"mean_days", "Mean days", 0},
                          {"open", "Open at reference date"}});
    const size_t n = by_provider ? codes::placement_provider.size() + 1 : kPlacementGroupCount;
    std::vector<std::vector<double>> lengths(n), at_least(n);
    std::vector<double> open(n, 0);
    for (const auto& pl : h.placements) {
      if (h.periods[pl.period].short_breaks || pl.start > cx.ref) continue;
      const size_t k = by_provider ? (pl.provider == kNoCode ? n - 1 : pl.provider)
                                   : static_cast<size_t>(placement_group(pl.placement_type));
      if (!pl.is_open() && pl.end <= cx.ref && pl.end >= cx.span_start) {
        if (cx.keep(pl.child, pl.end)) (h.start_known(pl) ? lengths : at_least)[k].push_back(pl.end - pl.start);
      } else if (pl.is_open() || pl.end > cx.ref) {
        if (cx.keep(pl.child, cx.ref)) open[k] += 1;
      }
    }
    // Median and mean of a group. A median that the lengths known only from below could raise by
    // more than 5% is blank (within 5% it is as reliable as such a median needs to be: less than
    // it moves from year to year); a mean they are part of has no upper bound, and is blank.
    const auto summary = [&](const std::vector<double>& exact, const std::vector<double>& lower, std::vector<Cell>& row) {
      const auto m = determined_median(exact, lower, 0.05);
      double mean = 0;
      for (double v : exact) mean += v;
      row.push_back(m ? Cell{*m} : Cell{});
      row.push_back(!exact.empty() && lower.empty() ? Cell{mean / exact.size()} : Cell{});
      any_unknown |= !lower.empty();
    };
    double tn = 0, to = 0;
    std::vector<double> all, all_lower;
    for (size_t k = 0; k < n; ++k) {
      const double ended = static_cast<double>(lengths[k].size() + at_least[k].size());
      tn += ended;
      to += open[k];
      all.insert(all.end(), lengths[k].begin(), lengths[k].end());
      all_lower.insert(all_lower.end(), at_least[k].begin(), at_least[k].end());
      if (ended == 0 && open[k] == 0) continue;
      const std::string name = by_provider ? (k == n - 1 ? std::string("Missing")
                                                         : fmt::format("{} {}", codes::placement_provider.code(k),
                                                                       codes::placement_provider.label(k)))
                                           : std::string(label(static_cast<PlacementGroup>(k)));
      std::vector<Cell> row{name, ended};
      summary(lengths[k], at_least[k], row);
      row.push_back(open[k]);
      t.table.add_row(std::move(row));
    }
    std::vector<Cell> total{std::string("Total"), tn};
    summary(all, all_lower, total);
    total.push_back(to);
    t.table.add_row(std::move(total));
    t.table.notes += fmt::format(" A placement that began before {}, the first return held, and whose first episode held "
                                 "only changed legal status (RNE L) began at a date the returns do not show: it counts "
                                 "among the placements ended, and its length only as at least the days from that "
                                 "episode. A median such placements could raise by more than 5% is left blank (else "
                                 "it is the least it can be, from their lengths as held), and so is any mean they are "
                                 "part of.",
                                 cx.first_return());
    set_counts(t, {.columns = {1, 4}, .derived = {{2, 1}, {3, 1}}, .last_row_is_total = true});
    set_chart(t, Chart::bars, {2}, "median days");
    a.tables.push_back(std::move(t));
  }
  cx.reliability.push_back(
      {"Length of placements that ended", "placement_length_by_type, placement_length_by_provider",
       any_unknown ? "the figures shown (pooled over the span)" : "every year",
       any_unknown ? "counted among the placements ended; a median their unknown starts could raise by more than 5%, "
                     "and a mean they are part of, is left blank"
                   : "none in the years analysed"});
  // Days in care by placement type per year.
  {
    auto& by_category = cx.days_in_care_by_category.emplace();
    auto t = by_year(cx, "days_in_care_by_placement", "Days in care by placement type", "", "durations",
                     placement_group_labels(),
                     [&](const CollectionYear& y, std::vector<double>& counts) {
                       const Date from = y.start(), to = cx.year_end(y);
                       auto& cat = by_category.emplace_back();  // by_year fills the years in order
                       cat.fill(0);
                       for (const auto& p : h.periods) {
                         if (p.short_breaks) continue;
                         for (uint32_t e = p.first_episode; e < p.first_episode + p.episode_count; ++e) {
                           const Episode& ep = h.episodes[e];
                           const Date s = std::max(ep.start, from);
                           const Date en = ep.is_open() ? to + 1 : std::min(ep.end, to + 1);
                           if (en - s <= 0 || !cx.keep(ep.child, s)) continue;
                           counts[static_cast<size_t>(placement_group(ep.placement_type))] += en - s;
                           cat[static_cast<size_t>(demand_category(ep.placement_type, ep.provider))] += en - s;
                         }
                       }
                     });
    t.table.notes = "A day counts when the child is looked after at the end of it (an episode contributes DEC - DECOM "
                    "days). Days are not counts of children and are not suppressed; the % column is the share of the "
                    "latest year's days.";
    set_counts(t, {.columns = {}});
    t.y_label = "days";
    a.tables.push_back(std::move(t));
  }
}

void stability(Context& cx, Assessment& a) {
  const History& h = cx.h;
  Table t = make_table(
      "stability", "placement_stability", "Placement stability",
      "3+ placements: children looked after at 31 March with three or more placements during the year (1 April to 31 "
      "March), counting every placement of any period that was in force on some day of the year, excluding temporary "
      "placements (T0-T4), as DfE does. Long-term stability (DfE): children under 16 at 31 March, looked after "
      "continuously for at least 2.5 years, who have been in their current placement for at least 2 years.",
      {{"year", "Year"},
       {"looked_after", "Looked after at 31 March"},
       {"three_plus", "With 3+ placements in the year"},
       {"three_plus_percent", "% with 3+ placements", 1},
       {"england_three_plus_percent", "England %", 0},
       {"long_term", "Under 16, looked after 2.5+ years"},
       {"same_placement", "Of whom in the same placement 2+ years"},
       {"same_placement_percent", "% same placement 2+ years", 1},
       {"england_same_placement_percent", "England %", 0}});
  std::vector<std::vector<double>> move_reasons(cx.years.size(), std::vector<double>(codes::reason_place_change.size() + 1));
  std::vector<std::vector<double>> unstable_reasons = move_reasons;
  // Long-term stability needs to know that a child has been looked after (in the placement) since
  // a date up to 2.5 years back: a period or placement that began before the first return held,
  // at a date the returns do not show, and looks more recent than that, leaves the year unknown.
  std::vector<char> long_term_unknown(cx.years.size(), 0);
  add_year_rows(cx, t, [&](const CollectionYear& y, size_t yi, std::vector<Cell>& row) {
    const Date from = y.start(), d = cx.year_end(y);
    const Date long_since = Date::from_ymd(y.end_year - 3, 9, 30);  // 2.5 years before 31 March
    const Date two_years = birthday(d, -2);
    double n = 0, three = 0, lt = 0, same = 0;
    for (ChildIndex c : cx.stock(d)) {
      n += 1;
      const bool unstable = placements_in(h, c, from, d) >= 3;
      three += unstable;
      if (unstable)
        for (const auto& pl : h.placements_of(c))
          if (!pl.is_open() && pl.end >= from && pl.end <= d && !pl.is_temporary()) {
            const auto& per = h.periods[pl.period];
            if (!per.is_open() && per.end == pl.end) continue;  // the placement ended because care ended
            unstable_reasons[yi][pl.reason_place_change == kNoCode ? codes::reason_place_change.size()
                                                                    : pl.reason_place_change] += 1;
          }
      const int age = h.age_on(c, d);
      const PeriodOfCare* p = h.period_on(c, d);
      if (age >= 0 && age < 16 && p && p->start <= long_since) {
        lt += 1;
        const Placement* pl = placement_on(h, c, d);
        same += pl && pl->start <= two_years;
        if (pl && pl->start > two_years && !h.start_known(*pl)) long_term_unknown[yi] = 1;
      } else if (age >= 0 && age < 16 && p && !h.start_known(*p)) {
        long_term_unknown[yi] = 1;  // began on or before its first episode held: maybe long enough ago
      }
    }
    // Reasons for placement change: placements that ended in the year while care continued.
    for (const auto& pl : h.placements) {
      if (pl.is_open() || pl.end < from || pl.end > d || pl.is_temporary()) continue;
      const auto& per = h.periods[pl.period];
      if (per.short_breaks || (!per.is_open() && per.end == pl.end) || !cx.keep(pl.child, pl.end)) continue;
      move_reasons[yi][pl.reason_place_change == kNoCode ? codes::reason_place_change.size() : pl.reason_place_change] += 1;
    }
    auto e3 = cx.england_3plus_pct.find(y.end_year);
    auto es = cx.england_same_carer_pct.find(y.end_year);
    const bool known = !long_term_unknown[yi];
    row.insert(row.end(), {n, three, n ? Cell{100.0 * three / n} : Cell{},
                           e3 != cx.england_3plus_pct.end() ? Cell{e3->second} : Cell{}, known ? Cell{lt} : Cell{},
                           known ? Cell{same} : Cell{}, known && lt ? Cell{100.0 * same / lt} : Cell{},
                           es != cx.england_same_carer_pct.end() ? Cell{es->second} : Cell{}});
  });
  state_reliability(cx, t, "Long-term placement stability (under 16, looked after 2.5+ years, same placement 2+ years)",
                    "Long-term stability left blank where a child's period of care or placement began before " +
                        cx.first_return() + " at a date the returns do not show, so whether it began 2.5 (or 2) "
                        "years before is not known",
                    long_term_unknown);
  set_counts(t, {.columns = {1, 2, 5, 6},
                 .ratios = {{.column = 3, .numerator = 2, .denominator = 1}, {.column = 7, .numerator = 6, .denominator = 5}}});
  set_chart(t, Chart::year_lines, {3, 4, 7, 8}, "%");
  const auto& last = t.table.rows.back();
  if (std::get<double>(last[1]) >= 20 && std::holds_alternative<double>(last[3])) {
    std::string e = std::holds_alternative<double>(last[4])
                        ? fmt::format(" (England {:.0f}%)", std::get<double>(last[4])) : std::string();
    a.messages.push_back({"stability",
                          fmt::format("{:.1f}% of children looked after at 31 March {} had three or more placements in the "
                                      "year{}.",
                                      std::get<double>(last[3]), cx.years.back().end_year, e),
                          std::holds_alternative<double>(last[4]) ? 5 + std::fabs(std::get<double>(last[3]) - std::get<double>(last[4])) : 3,
                          {std::get<double>(last[2]), std::get<double>(last[1]) - std::get<double>(last[2])}});
  }
  a.tables.push_back(std::move(t));

  const auto reasons = code_labels(codes::reason_place_change, "Reason not recorded");
  size_t yi = 0;
  a.tables.push_back(by_year(cx, "placement_change_reasons", "Reasons placements ended while care continued",
                             "REASON_PLACE_CHANGE of placements (not temporary) that ended in the year without the period "
                             "of care ending.",
                             "stability", reasons, [&](const CollectionYear&, std::vector<double>& counts) {
                               counts = move_reasons[yi++];
                             }));
  yi = 0;
  a.tables.push_back(by_year(cx, "three_plus_moves_by_reason",
                             "Children with 3+ placements in the year: why their placements ended",
                             "For children looked after at 31 March with 3+ placements in the year: the reasons for the "
                             "placement changes in the year. Counts are placement changes, not children.",
                             "stability", reasons, [&](const CollectionYear&, std::vector<double>& counts) {
                               counts = unstable_reasons[yi++];
                             }));
  a.tables.back().y_label = "placement changes";
  a.tables[a.tables.size() - 2].y_label = "placement changes";
}

void reentry(Context& cx, Assessment& a) {
  const History& h = cx.h;
  {
    // Periods before the first return held are not in the returns: the count is of the periods
    // the returns hold, and says so, rather than passing for a child's whole history of care.
    Table t = make_table("reentry", "children_by_number_of_periods",
                         "Children looked after in the span, by number of periods of care since " + cx.first_return(),
                         "Children with a period of care in force on some day of the span; their periods of care in "
                         "force on some day from 1 April of " + cx.first_return() + ", the first return held, to the "
                         "reference date (short breaks excluded). Periods that ended before then are not in the "
                         "returns: a child looked after before " + cx.first_return() + " may have had more. A second "
                         "or later period is a re-entry.",
                         {{"periods", "Periods of care"}, {"children", "Children"}, {"percent", "%", 1}});
    std::vector<double> n(4, 0);
    for (ChildIndex c = 0; c < h.children.size(); ++c) {
      int count = 0;
      bool in_span = false;
      Date on;
      for (const auto& p : h.periods_of(c)) {
        if (p.short_breaks || p.start > cx.ref) continue;
        ++count;
        if (p.start <= cx.ref && (p.is_open() || p.end >= cx.span_start)) {
          if (!in_span) on = std::max(p.start, cx.span_start);
          in_span = true;
        }
      }
      if (in_span && cx.keep(c, on)) n[std::min(count, 4) - 1] += 1;
    }
    const double total = n[0] + n[1] + n[2] + n[3];
    const char* names[] = {"1", "2", "3", "4 or more"};
    for (int i = 0; i < 4; ++i) t.table.add_row({std::string(names[i]), n[i], total ? Cell{100.0 * n[i] / total} : Cell{}});
    t.table.add_row({std::string("Total"), total, total ? Cell{100.0} : Cell{}});
    set_counts(t, {.columns = {1},
                   .last_row_is_total = true,
                   .ratios = {{.column = 2, .numerator = 1, .denominator = 1, .denominator_row = t.table.rows.size() - 1}}});
    set_chart(t, Chart::bars, {1}, "children");
    cx.reliability.push_back({"Children by number of periods of care", t.table.id, "every year (as defined)",
                              "counted: the measure is of periods since " + cx.first_return() +
                                  ", not since birth, and says so"});
    a.tables.push_back(std::move(t));
  }
  // Re-entry after returning home.
  struct Return {
    int age_band = -1, moves = 0;
    bool moves_known = true;  // false: the period began before the first return held, at an unknown date
    CodeIndex ls = kNoCode;
    int gap = -1;  // days to the next period, -1 if none
    Date end;
  };
  std::vector<Return> returns;
  for (ChildIndex c = 0; c < h.children.size(); ++c) {
    const auto ps = h.periods_of(c);
    for (size_t i = 0; i < ps.size(); ++i) {
      const auto& p = ps[i];
      if (p.short_breaks || p.is_open() || p.end < cx.span_start || p.end > cx.ref || !returned_home(p.reason_ceased)) continue;
      if (!cx.keep(c, p.end)) continue;
      Return r;
      const int age = h.age_on(c, p.end);
      r.age_band = age < 0 ? -1 : static_cast<int>(age_band(age));
      int moves = 0;
      for (uint32_t k = p.first_placement; k < p.first_placement + p.placement_count; ++k) moves += !h.placements[k].is_temporary();
      r.moves = std::max(0, moves - 1);
      // Placements before the first episode held are not in the returns: fewer than two changes
      // held could be more. Two or more is the top group whatever came before.
      r.moves_known = h.start_known(p) || r.moves >= 2;
      r.ls = h.episodes[p.first_episode + p.episode_count - 1].legal_status;
      r.end = p.end;
      for (size_t j = i + 1; j < ps.size(); ++j)
        if (!ps[j].short_breaks && ps[j].start <= cx.ref) {
          r.gap = ps[j].start - p.end;
          break;
        }
      returns.push_back(r);
    }
  }
  Table t = make_table(
      "reentry", "reentry_after_return_home",
      "Children who returned home (E4A/E4B) and came back into care within 12 and 24 months",
      "Periods of care ending with a return home in the span. Only returns with a full follow-up before the "
      "reference date are counted for each measure (12 months: returned home at least 365 days before it; "
      "24 months: 730 days). Placement changes = non-temporary placements in the period minus one (a period that "
      "began before the first return held, at a date the returns do not show, with fewer than 2 changes held, is "
      "'Not known'); legal status of the last episode.",
      {{"breakdown", "Breakdown"},
       {"group", "Group"},
       {"returned_12", "Returned home (12-month follow-up)"},
       {"reentered_12", "Back in care within 12 months"},
       {"reentered_12_percent", "%", 1},
       {"returned_24", "Returned home (24-month follow-up)"},
       {"reentered_24", "Back in care within 24 months"},
       {"reentered_24_percent", "%", 1}});
  const auto add = [&](const std::string& breakdown, const std::string& group, auto pred) {
    double n12 = 0, r12 = 0, n24 = 0, r24 = 0;
    for (const auto& r : returns) {
      if (!pred(r)) continue;
      if (cx.ref - r.end >= 365) {
        n12 += 1;
        r12 += r.gap >= 0 && r.gap <= 365;
      }
      if (cx.ref - r.end >= 730) {
        n24 += 1;
        r24 += r.gap >= 0 && r.gap <= 730;
      }
    }
    t.table.add_row({breakdown, group, n12, r12, n12 ? Cell{100.0 * r12 / n12} : Cell{}, n24, r24,
                     n24 ? Cell{100.0 * r24 / n24} : Cell{}});
  };
  add("All", "All returns home", [](const Return&) { return true; });
  for (int b = 0; b < kAgeBandCount; ++b)
    add("Age at return", std::string(label(static_cast<AgeBand>(b))), [b](const Return& r) { return r.age_band == b; });
  // Every breakdown adds up to "All" (a row for the unknown when there is one).
  if (std::any_of(returns.begin(), returns.end(), [](const Return& r) { return r.age_band < 0; }))
    add("Age at return", kAgeNotKnown, [](const Return& r) { return r.age_band < 0; });
  bool any_moves_unknown = false;
  for (const auto& r : returns) any_moves_unknown |= !r.moves_known;
  for (int m = 0; m <= 2; ++m)
    add("Placement changes in the period", m == 2 ? "2 or more" : std::to_string(m),
        [m](const Return& r) { return r.moves_known && std::min(r.moves, 2) == m; });
  if (any_moves_unknown)
    add("Placement changes in the period", "Not known: began before " + cx.first_return(),
        [](const Return& r) { return !r.moves_known; });
  cx.reliability.push_back(
      {"Re-entry after a return home, by placement changes in the period", "reentry_after_return_home", "every year",
       any_moves_unknown ? "counted apart as 'Not known: began before " + cx.first_return() +
                               "' when fewer than 2 changes are held"
                         : std::string("none in the years analysed")});
  for (CodeIndex ls = 0; ls < codes::legal_status.size(); ++ls) {
    bool any = false;
    for (const auto& r : returns) any |= r.ls == ls;
    if (any)
      add("Legal status at return", fmt::format("{} {}", codes::legal_status.code(ls), codes::legal_status.label(ls)),
          [ls](const Return& r) { return r.ls == ls; });
  }
  if (std::any_of(returns.begin(), returns.end(), [](const Return& r) { return r.ls == kNoCode; }))
    add("Legal status at return", "Not recorded", [](const Return& r) { return r.ls == kNoCode; });
  // The percentages are back in care over returned home, both in the row.
  set_counts(t, {.columns = {2, 3, 5, 6},
                 .ratios = {{.column = 4, .numerator = 3, .denominator = 2}, {.column = 7, .numerator = 6, .denominator = 5}}});
  // Each breakdown's rows sum to the first row, "All".
  for (const std::string breakdown : {"Age at return", "Placement changes in the period", "Legal status at return"}) {
    std::vector<size_t> rows;
    for (size_t r = 1; r < t.table.rows.size(); ++r)
      if (std::get<std::string>(t.table.rows[r][0]) == breakdown) rows.push_back(r);
    if (!rows.empty()) t.row_groups.push_back({rows, 0});
  }
  set_chart(t, Chart::bars, {4, 7}, "% back in care");
  const auto& all = t.table.rows.front();
  if (std::get<double>(all[2]) >= 10)
    a.messages.push_back({"reentry",
                          fmt::format("{:.0f}% of children who returned home came back into care within 12 months.",
                                      std::get<double>(all[4])),
                          7, {std::get<double>(all[3]), std::get<double>(all[2]) - std::get<double>(all[3])}});
  a.tables.push_back(std::move(t));
}

void permanence(Context& cx, Assessment& a) {
  const History& h = cx.h;
  Table t = make_table(
      "permanence", "permanence_by_year", "Adoptions, special guardianship and child arrangements orders",
      "Periods of care ending with adoption (E11, E12), a special guardianship order (E45-E48) or a child "
      "arrangements (residence) order (E41). Time to adoption: from the start of the period of care to "
      "adoption.",
      {{"year", "Year"},
       {"adopted", "Adopted"},
       {"mean_age_at_adoption", "Mean age at adoption (years)", 1},
       {"adopted_under_1", "Adopted before age 1"},
       {"entered_under_1", "Adopted children who entered care under 1"},
       {"median_days_to_adoption", "Median days from entry to adoption", 0},
       {"sgo", "Special guardianship orders"},
       {"cao", "Child arrangements orders"}});
  std::vector<std::vector<double>> adoption_age(cx.years.size(), std::vector<double>(kAgeBandCount + 1, 0));
  // A period that began before the first return held, at a date the returns do not show, began
  // no later than its first episode held: its days to adoption are at least those from it, and
  // the child entered under 1 if already under 1 then (else it is not known).
  std::vector<char> days_unknown(cx.years.size(), 0), entered_unknown(cx.years.size(), 0);
  add_year_rows(cx, t, [&](const CollectionYear& y, size_t yi, std::vector<Cell>& row) {
    double adopted = 0, age_sum = 0, age_n = 0, under1 = 0, entered1 = 0, sgo = 0, cao = 0;
    std::vector<double> days, days_at_least;
    for (uint32_t pi : cx.ceasers(y.start(), cx.year_end(y))) {
      const auto& p = h.periods[pi];
      const auto g = cease_group(p.reason_ceased);
      if (!g) continue;
      if (*g == CeaseGroup::adopted) {
        adopted += 1;
        const Child& c = h.children[p.child];
        if (c.dob_known) {
          age_sum += (p.end - c.dob) / 365.25;
          age_n += 1;
          const int age = age_on(c.dob, p.end);
          under1 += age < 1;
          const bool under1_at_start = age_on(c.dob, p.start) < 1;
          entered1 += under1_at_start;
          if (!under1_at_start && !h.start_known(p)) entered_unknown[yi] = 1;
          adoption_age[yi][static_cast<size_t>(age_band(age))] += 1;
        } else {
          adoption_age[yi][kAgeBandCount] += 1;  // age not known
        }
        (h.start_known(p) ? days : days_at_least).push_back(p.end - p.start);
      }
      sgo += *g == CeaseGroup::special_guardianship;
      cao += *g == CeaseGroup::residence_order;
    }
    const auto median_days = determined_median(days, days_at_least);
    days_unknown[yi] = !median_days && !days_at_least.empty();
    row.insert(row.end(), {adopted, age_n ? Cell{age_sum / age_n} : Cell{}, under1,
                           entered_unknown[yi] ? Cell{} : Cell{entered1}, median_days ? Cell{*median_days} : Cell{},
                           sgo, cao});
  });
  state_reliability(cx, t, "Median days from entry to adoption",
                    "Median days to adoption left blank where adoptions of children whose period began before " +
                        cx.first_return() + ", at a date the returns do not show, could change it",
                    days_unknown);
  state_reliability(cx, t, "Adopted children who entered care under 1",
                    "Adopted children who entered care under 1 left blank where one whose period began before " +
                        cx.first_return() + ", at a date the returns do not show, was 1 or over at its first episode held",
                    entered_unknown);
  set_counts(t, {.columns = {1, 3, 4, 6, 7}, .derived = {{2, 1}, {5, 1}}});
  set_chart(t, Chart::year_lines, {1, 6, 7}, "children");
  a.tables.push_back(std::move(t));
  size_t yi = 0;
  a.tables.push_back(by_year(cx, "adoptions_by_age_band", "Children adopted, by age at adoption", "Age on the day of adoption.",
                             "permanence", age_band_labels(), [&](const CollectionYear&, std::vector<double>& counts) {
                               counts = adoption_age[yi++];
                             }, true));
  const auto p1 = codes::placement_type.find("P1");
  a.tables.push_back(by_year(cx, "placed_with_parents_by_age_band", "Children placed with parents at 31 March, by age band",
                             "Placement type P1 in force at 31 March.", "permanence", age_band_labels(),
                             [&](const CollectionYear& y, std::vector<double>& counts) {
                               const Date d = cx.year_end(y);
                               for (ChildIndex c : cx.stock(d)) {
                                 const Episode* e = h.episode_on(c, d);
                                 if (e && e->placement_type == p1) counts[static_cast<size_t>(age_band_category(h.age_on(c, d)))] += 1;
                               }
                             }, true));
  a.tables.push_back(by_year(cx, "placed_with_parents_by_need", "Children placed with parents at 31 March, by category of need",
                             "Placement type P1 in force at 31 March; category of need of that episode.", "permanence",
                             code_labels(codes::category_of_need), [&](const CollectionYear& y, std::vector<double>& counts) {
                               const Date d = cx.year_end(y);
                               for (ChildIndex c : cx.stock(d)) {
                                 const Episode* e = h.episode_on(c, d);
                                 if (e && e->placement_type == p1)
                                   counts[e->need == kNoCode ? codes::category_of_need.size() : e->need] += 1;
                               }
                             }));
}

}  // namespace detail
}  // namespace careflow::analyse
