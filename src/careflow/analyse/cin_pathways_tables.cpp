// Pathways into care in the report's section "The front door and child protection": the tables of
// analyse/cin_pathways, each declaring what disclosure control must protect, and the relations
// between them (the entrants with an earlier referral are the drift table's children).
#include <fmt/format.h>

#include "careflow/analyse/cin_front_door.hpp"
#include "careflow/analyse/cin_pathways.hpp"
#include "careflow/analyse/context.hpp"

namespace careflow::analyse::detail {
namespace {

Cell pct(size_t n, size_t d) { return d ? Cell{100.0 * double(n) / double(d)} : Cell{}; }

std::string months_label(int m) { return fmt::format("{} months", m); }

}  // namespace

void pathways(Context& cx, Assessment& a) {
  const CinPathways p = cin_pathways(cx.h, *cx.o.cin, cx.cin_years);
  if (p.years.empty()) {
    a.limitations.push_back("The 903 and CIN census returns read cover no year in common: pathways into care are not shown.");
    return;
  }
  const std::string seen_from = cx.o.cin->data_start().to_iso();

  // 1. Entrants by what came before.
  Table prior = make_table(
      kFrontDoorSection, "cin_entrants_by_prior_involvement",
      "Children starting to be looked after: child protection plan, CIN plan or referral before",
      fmt::format("Children who started to be looked after in the year (each period of care starting in it, as the "
                  "starters of flows_by_year count them: a child can start twice; short breaks are not care), by the most their CIN census record shows on or before the day care began: a "
                  "child protection plan, else a child in need plan, else a referral only; not known: no census record "
                  "referred by then (the 903 child's CHILD is the census's LAchildID). The census is seen from {} (an "
                  "episode open then shows its older referral, one closed before does not): in the first years read, "
                  "'not known' includes children known before. Only years both collections cover. docs/report.md.",
                  seen_from),
      {{"year", "Year"},
       {"entrants", "Started to be looked after"},
       {"protection_plan", "CP plan before"},
       {"protection_plan_percent", "% CP plan before", 1},
       {"cin_plan", "CIN plan before (no CP plan)"},
       {"cin_plan_percent", "% CIN plan before", 1},
       {"referral_only", "Referral only"},
       {"referral_only_percent", "% referral only", 1},
       {"not_known", "Not known to children's social care"},
       {"not_known_percent", "% not known", 1}});
  add_year_rows(p.years, prior, [&](const CollectionYear&, size_t yi, std::vector<Cell>& row) {
    const auto& e = p.entrants[yi];
    row.push_back(double(e.entrants));
    for (int k = 0; k < kPriorInvolvements; ++k) {
      row.push_back(double(e.by_prior[k]));
      row.push_back(pct(e.by_prior[k], e.entrants));
    }
  });
  set_counts(prior, {.columns = {1, 2, 4, 6, 8},
                     .ratios = {{.column = 3, .numerator = 2, .denominator = 1},
                                {.column = 5, .numerator = 4, .denominator = 1},
                                {.column = 7, .numerator = 6, .denominator = 1},
                                {.column = 9, .numerator = 8, .denominator = 1}},
                     .row_relations = {{{1, 2, 4, 6, 8}, {1, -1, -1, -1, -1}}}});
  set_chart(prior, Chart::year_lines, {3, 5, 7, 9}, "% of children starting to be looked after");
  if (const auto& last = p.entrants.back(); last.entrants >= 10 && last.by_prior[0] >= 10)
    a.messages.push_back({kFrontDoorSection,
                          fmt::format("Of the {} children who started to be looked after in {}, {:.0f}% had been on a "
                                      "child protection plan, and {:.0f}% were not known to children's social care.",
                                      last.entrants, p.years.back().label(), 100.0 * last.by_prior[0] / last.entrants,
                                      100.0 * last.by_prior[3] / last.entrants),
                          8, {double(last.entrants), double(last.by_prior[0]), double(last.by_prior[3])}});

  // 2. Drift: from the first referral to care.
  Table drift = make_table(
      kFrontDoorSection, "cin_entrants_drift", "From first referral to care: how long children waited",
      fmt::format("Of the children starting to be looked after in the year, those with a referral on or before the "
                  "day care began: the time from the first referral the returns hold (seen from {}; an older one "
                  "would make the time longer) to the start of care, median in days and in bands (months are calendar "
                  "months).",
                  seen_from),
      {{"year", "Year"}, {"with_referral", "Children with an earlier referral"}, {"median_days", "Median days", 0}});
  for (int b = 0; b < kDriftBands; ++b) {
    const std::string l(label(DriftBand(b)));
    drift.table.add_column(fmt::format("band_{}", b + 1), l);
  }
  add_year_rows(p.years, drift, [&](const CollectionYear&, size_t yi, std::vector<Cell>& row) {
    const auto& e = p.entrants[yi];
    row.push_back(double(e.with_referral));
    row.push_back(e.median_days ? Cell{*e.median_days} : Cell{});
    for (int b = 0; b < kDriftBands; ++b) row.push_back(double(e.by_drift[b]));
  });
  set_counts(drift, {.columns = {1, 3, 4, 5, 6, 7},
                     .derived = {{2, 1}},
                     .row_relations = {{{1, 3, 4, 5, 6, 7}, {1, -1, -1, -1, -1, -1}}}});
  set_chart(drift, Chart::year_lines, {2}, "median days from first referral to care");
  // The entrants are flows_by_year's starters (when no filter narrows those).
  if (cx.o.filter.empty())
    for (const auto& t : a.tables) {
      if (t.table.id != "flows_by_year") continue;
      const size_t started = t.table.column_index("started");
      for (size_t r = 0; r < t.table.rows.size(); ++r)
        for (size_t yi = 0; yi < p.years.size(); ++yi)
          if (const auto* s = std::get_if<std::string>(&t.table.rows[r][0]); s && *s == p.years[yi].label())
            a.relations.push_back({Relation::Kind::equal, {{prior.table.id, yi, 1}, {t.table.id, r, started}}});
    }
  for (size_t yi = 0; yi < p.years.size(); ++yi)
    a.relations.push_back({Relation::Kind::linear,
                           {{prior.table.id, yi, 1}, {prior.table.id, yi, 8}, {drift.table.id, yi, 1}},
                           {1, -1, -1}});

  // 3. CP plans to care.
  Table to_care = make_table(
      kFrontDoorSection, "cin_protection_plans_to_care",
      "Children on child protection plans who became looked after within 6, 12 and 24 months",
      "Children whose first child protection plan of the year started in it (not looked after the day before), and of "
      "them those who started to be looked after from the plan's start to 6, 12 and 24 months later. A child is "
      "counted for a horizon only when the returns reach its end: the others are censored (the children followed up "
      "say how many remain), so recent years have figures for the shorter horizons only.",
      {{"year", "Year"}, {"children", "Children whose plan started"}});
  for (const int m : p.horizons_months) {
    to_care.table.add_column(fmt::format("followed_up_{}m", m), fmt::format("Followed up {}", months_label(m)));
    to_care.table.add_column(fmt::format("looked_after_{}m", m), fmt::format("Looked after within {}", months_label(m)));
    to_care.table.add_column(fmt::format("looked_after_{}m_percent", m), fmt::format("% within {}", months_label(m)), 1);
  }
  add_year_rows(p.years, to_care, [&](const CollectionYear&, size_t yi, std::vector<Cell>& row) {
    const auto& t = p.to_care[yi];
    row.push_back(double(t.children));
    for (size_t k = 0; k < p.horizons_months.size(); ++k) {
      row.push_back(double(t.followed_up[k]));
      row.push_back(double(t.looked_after[k]));
      row.push_back(pct(t.looked_after[k], t.followed_up[k]));
    }
  });
  Counts tc{.columns = {1}};
  std::vector<size_t> series;
  for (size_t k = 0; k < p.horizons_months.size(); ++k) {
    const size_t f = 2 + 3 * k;
    tc.columns.push_back(f);
    tc.columns.push_back(f + 1);
    tc.ratios.push_back({.column = f + 2, .numerator = f + 1, .denominator = f});
    series.push_back(f + 2);
  }
  set_counts(to_care, std::move(tc));
  set_chart(to_care, Chart::year_lines, series, "% looked after");

  // 4. The funnel by age band.
  Table funnel = make_table(
      kFrontDoorSection, "cin_funnel_by_age", "From referral to child protection to care, by age at referral",
      fmt::format("Children referred in {} to {} (their first referral in those years; not looked after the day "
                  "before), by age at that referral; of them, those who then had a child protection plan (starting on "
                  "or after the referral), and of those, those who then started to be looked after (on or after the "
                  "plan's start); and those looked after after the referral by any route. Up to {}: children referred "
                  "later have had less time.",
                  p.years.front().label(), p.years.back().label(), p.span_end.to_iso()),
      {{"age", "Age at referral"},
       {"referred", "Referred"},
       {"protection_plan", "Then a CP plan"},
       {"protection_plan_percent", "% of referred", 1},
       {"plan_then_care", "Then looked after"},
       {"plan_then_care_percent", "% of CP plans", 1},
       {"looked_after", "Looked after (any route)"},
       {"looked_after_percent", "% of referred", 1}});
  for (const auto& r : p.funnel) {
    const bool all = &r == &p.funnel.back();
    const std::string name = all ? "All" : r.band ? std::string(label(*r.band)) : "Unborn or age not known";
    funnel.table.add_row({Cell{name}, Cell{double(r.referred)}, Cell{double(r.protection_plan)}, pct(r.protection_plan, r.referred),
                          Cell{double(r.plan_then_care)}, pct(r.plan_then_care, r.protection_plan), Cell{double(r.looked_after)},
                          pct(r.looked_after, r.referred)});
  }
  set_counts(funnel, {.columns = {1, 2, 4, 6},
                      .last_row_is_total = true,
                      .ratios = {{.column = 3, .numerator = 2, .denominator = 1},
                                 {.column = 5, .numerator = 4, .denominator = 2},
                                 {.column = 7, .numerator = 6, .denominator = 1}}});
  set_chart(funnel, Chart::bars, {3, 5, 7}, "%");

  a.tables.push_back(std::move(prior));
  a.tables.push_back(std::move(drift));
  a.tables.push_back(std::move(to_care));
  a.tables.push_back(std::move(funnel));
}

}  // namespace careflow::analyse::detail
