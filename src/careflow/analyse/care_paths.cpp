// Durations (Kaplan–Meier), stability, re-entry and permanence.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "careflow/analyse/context.hpp"

// g++ 12 reports -Wmaybe-uninitialized inside std::variant when a Cell holding a string is
// copied out of a braced row; the cells are initialised (a known false positive, GCC PR 107138).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace careflow::analyse::detail {
namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

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
  }
  const auto group_label = [](int g) {
    return g == kAgeBandCount ? std::string("All ages") : std::string(label(static_cast<AgeBand>(g)));
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
      const auto curve = kaplan_meier(km[g]);
      double ended = 0;
      for (auto [tm, e] : km[g]) ended += e;
      const auto q = [&](double p) { auto v = survival_quantile(curve, p); return v ? Cell{double(*v)} : Cell{}; };
      const double n = static_cast<double>(km[g].size());
      t.table.add_row({group_label(g), n, ended, n - ended, q(0.25), q(0.5), q(0.75),
                       n ? Cell{100.0 * survival_at(curve, 365)} : Cell{},
                       n ? Cell{100.0 * cumulative_incidence(home[g], 182)} : Cell{},
                       n ? Cell{100.0 * cumulative_incidence(home[g], 365)} : Cell{}});
    }
    // Ended + still looked after = periods (a row relation); age bands sum to all ages (they
    // can fall short of it by periods of children whose age is unknown).
    set_counts(t, {.columns = {2, 3},
                   .derived = {{4, 1}, {5, 1}, {6, 1}, {7, 1}, {8, 1}, {9, 1}},
                   .last_row_is_total = true,
                   .total_column = 1});
    set_chart(t, Chart::bars, {5}, "median days");
    const auto& all = t.table.rows.back();
    if (std::get<double>(all[1]) >= 10 && std::holds_alternative<double>(all[5]))
      a.messages.push_back({"durations",
                            fmt::format("Half the children who entered care from {} had left within {:.0f} days; {:.0f}% "
                                        "returned home within 12 months.",
                                        cx.years.front().label(), std::get<double>(all[5]), std::get<double>(all[9])),
                            6, {std::get<double>(all[1])}});
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
        row.push_back(km[g].size() > 5 ? Cell{100.0 * survival_at(kaplan_meier(km[g]), d)} : Cell{});
      t.table.add_row(std::move(row));
    }
    set_chart(t, Chart::step, {1, 2, 3, 4, 5, 6}, "% still looked after");
    t.table.notes += " Curves for groups of 5 or fewer periods are not drawn.";
    a.tables.push_back(std::move(t));
  }
  // Placement length by type and by provider (placements that ended in the span).
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
    std::vector<std::vector<double>> lengths(n);
    std::vector<double> open(n, 0);
    for (const auto& pl : h.placements) {
      if (h.periods[pl.period].short_breaks || pl.start > cx.ref) continue;
      const size_t k = by_provider ? (pl.provider == kNoCode ? n - 1 : pl.provider)
                                   : static_cast<size_t>(placement_group(pl.placement_type));
      if (!pl.is_open() && pl.end <= cx.ref && pl.end >= cx.span_start) {
        if (cx.keep(pl.child, pl.end)) lengths[k].push_back(pl.end - pl.start);
      } else if (pl.is_open() || pl.end > cx.ref) {
        if (cx.keep(pl.child, cx.ref)) open[k] += 1;
      }
    }
    double tn = 0, to = 0;
    std::vector<double> all;
    for (size_t k = 0; k < n; ++k) {
      tn += lengths[k].size();
      to += open[k];
      all.insert(all.end(), lengths[k].begin(), lengths[k].end());
      if (lengths[k].empty() && open[k] == 0) continue;
      double mean = 0;
      for (double v : lengths[k]) mean += v;
      const std::string name = by_provider ? (k == n - 1 ? std::string("Missing")
                                                         : fmt::format("{} {}", codes::placement_provider.code(k),
                                                                       codes::placement_provider.label(k)))
                                           : std::string(label(static_cast<PlacementGroup>(k)));
      t.table.add_row({name, double(lengths[k].size()), lengths[k].empty() ? Cell{} : Cell{median(lengths[k])},
                       lengths[k].empty() ? Cell{} : Cell{mean / lengths[k].size()}, open[k]});
    }
    double mean = 0;
    for (double v : all) mean += v;
    t.table.add_row({std::string("Total"), tn, all.empty() ? Cell{} : Cell{median(all)},
                     all.empty() ? Cell{} : Cell{mean / all.size()}, to});
    set_counts(t, {.columns = {1, 4}, .derived = {{2, 1}, {3, 1}}, .last_row_is_total = true});
    set_chart(t, Chart::bars, {2}, "median days");
    a.tables.push_back(std::move(t));
  }
  // Days in care by placement type per year.
  {
    auto t = by_year(cx, "days_in_care_by_placement", "Days in care by placement type", "", "durations",
                     placement_group_labels(),
                     [&](const CollectionYear& y, std::vector<double>& counts) {
                       const Date from = y.start(), to = cx.year_end(y);
                       for (const auto& p : h.periods) {
                         if (p.short_breaks) continue;
                         for (uint32_t e = p.first_episode; e < p.first_episode + p.episode_count; ++e) {
                           const Episode& ep = h.episodes[e];
                           const Date s = std::max(ep.start, from);
                           const Date en = ep.is_open() ? to + 1 : std::min(ep.end, to + 1);
                           if (en - s <= 0 || !cx.keep(ep.child, s)) continue;
                           counts[static_cast<size_t>(placement_group(ep.placement_type))] += en - s;
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
    row.insert(row.end(), {n, three, n ? Cell{100.0 * three / n} : Cell{},
                           e3 != cx.england_3plus_pct.end() ? Cell{e3->second} : Cell{}, lt, same,
                           lt ? Cell{100.0 * same / lt} : Cell{},
                           es != cx.england_same_carer_pct.end() ? Cell{es->second} : Cell{}});
  });
  set_counts(t, {.columns = {1, 2, 5, 6}, .derived = {{3, 2}, {7, 6}}});
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
    Table t = make_table("reentry", "children_by_number_of_periods",
                         "Children looked after in the span, by number of periods of care",
                         "Children with a period of care in force on some day of the span; periods counted over all the "
                         "returns read (short breaks excluded). A second or later period is a re-entry.",
                         {{"periods", "Periods of care"}, {"children", "Children"}, {"percent", "%", 1}});
    std::vector<double> n(4, 0);
    for (ChildIndex c = 0; c < h.children.size(); ++c) {
      int count = 0;
      bool in_span = false;
      Date on;
      for (const auto& p : h.periods_of(c)) {
        if (p.short_breaks) continue;
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
    set_counts(t, {.columns = {1}, .derived = {{2, 1}}, .last_row_is_total = true});
    set_chart(t, Chart::bars, {1}, "children");
    a.tables.push_back(std::move(t));
  }
  // Re-entry after returning home.
  struct Return {
    int age_band = -1, moves = 0;
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
      "24 months: 730 days). Placement changes = non-temporary placements in the period minus one; legal "
      "status of the last episode.",
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
  for (int m = 0; m <= 2; ++m)
    add("Placement changes in the period", m == 2 ? "2 or more" : std::to_string(m),
        [m](const Return& r) { return std::min(r.moves, 2) == m; });
  for (CodeIndex ls = 0; ls < codes::legal_status.size(); ++ls) {
    bool any = false;
    for (const auto& r : returns) any |= r.ls == ls;
    if (any)
      add("Legal status at return", fmt::format("{} {}", codes::legal_status.code(ls), codes::legal_status.label(ls)),
          [ls](const Return& r) { return r.ls == ls; });
  }
  set_counts(t, {.columns = {2, 3, 5, 6}, .derived = {{4, 3}, {7, 6}}});
  // Each breakdown's rows sum to (or fall short of) the first row, "All".
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
  std::vector<std::vector<double>> adoption_age(cx.years.size(), std::vector<double>(kAgeBandCount, 0));
  add_year_rows(cx, t, [&](const CollectionYear& y, size_t yi, std::vector<Cell>& row) {
    double adopted = 0, age_sum = 0, age_n = 0, under1 = 0, entered1 = 0, sgo = 0, cao = 0;
    std::vector<double> days;
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
          entered1 += age_on(c.dob, p.start) < 1;
          adoption_age[yi][static_cast<size_t>(age_band(age))] += 1;
        }
        days.push_back(p.end - p.start);
      }
      sgo += *g == CeaseGroup::special_guardianship;
      cao += *g == CeaseGroup::residence_order;
    }
    row.insert(row.end(), {adopted, age_n ? Cell{age_sum / age_n} : Cell{}, under1, entered1,
                           days.empty() ? Cell{} : Cell{median(days)}, sgo, cao});
  });
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
                                 const int age = h.age_on(c, d);
                                 if (e && e->placement_type == p1 && age >= 0) counts[static_cast<size_t>(age_band(age))] += 1;
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

}  // namespace careflow::analyse::detail
