// Costs from care days and weekly unit costs; projected demand from a projected child population.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "careflow/analyse/context.hpp"

// g++ 12 reports -Wmaybe-uninitialized inside std::variant when a Cell holding a string is
// copied out of a braced row; the cells are initialised (a known false positive, GCC PR 107138).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace careflow::analyse::detail {
// Spend by the demand model's placement categories (core/unit_costs.hpp), the partition the
// forecast costs by, from the council's unit costs (read by io, --unit-costs) or the illustrative
// defaults. Days are counted as in days_in_care_by_placement (a day counts when the child is
// looked after at the end of it), so that spend = days x weekly cost / 7 category by category.
void costs(Context& cx, Assessment& a) {
  const UnitCosts& uc = cx.o.unit_costs;
  const bool user = !uc.illustrative();
  a.limitations.insert(a.limitations.end(), uc.warnings.begin(), uc.warnings.end());
  {
    Table t = make_table("costs", "unit_costs",
                         user ? "Weekly unit costs by placement category" : "Weekly unit costs by placement category (ILLUSTRATIVE)",
                         user ? "From the council's file; categories it did not give use the illustrative defaults. "
                                "Categories as the sector's demand model costs placements (docs/groupings.md)."
                              : "ILLUSTRATIVE round numbers, not this council's costs (the forecast uses the same). Give "
                                "--unit-costs FILE (placement_category,weekly_cost) for real figures. Categories as the "
                                "sector's demand model costs placements (docs/groupings.md).",
                         {{"placement_category", "Placement category"}, {"weekly_cost", "Cost per week (GBP)", 0}, {"source", "Source"}});
    for (int c = 0; c < kDemandCategoryCount; ++c)
      t.table.add_row({std::string(demand_category_label(static_cast<DemandCategory>(c))), uc.weekly[static_cast<size_t>(c)],
                       uc.given[static_cast<size_t>(c)] ? "council's unit costs (" + uc.source + ")"
                                                         : std::string("ILLUSTRATIVE round number")});
    a.tables.push_back(std::move(t));
  }
  // Days in care by category and year (durations()).
  if (!cx.days_in_care_by_category) return;
  const auto& days = *cx.days_in_care_by_category;
  Table t = make_table("costs", "spend_by_placement",
                       std::string("Estimated placement spend by category (GBP)") + (user ? "" : " (ILLUSTRATIVE unit costs)"),
                       "Days in care x weekly unit cost / 7, by the demand model's placement categories (PLACE and "
                       "PLACE_PROVIDER), as the forecast's spend. An estimate of placement spend, not an outturn.",
                       {{"category", "Placement category"}});
  for (const auto& y : cx.years) t.table.add_column(year_column(y), y.label(), 0);
  std::vector<double> total_spend(cx.years.size(), 0), total_days(cx.years.size(), 0);
  for (int c = 0; c < kDemandCategoryCount; ++c) {
    // A category with no days in any year has no row.
    bool any = false;
    for (size_t y = 0; y < cx.years.size(); ++y) any |= days[y][static_cast<size_t>(c)] != 0;
    if (!any) continue;
    std::vector<Cell> out{std::string(demand_category_label(static_cast<DemandCategory>(c)))};
    for (size_t y = 0; y < cx.years.size(); ++y) {
      const double d = days[y][static_cast<size_t>(c)], spend = d * uc.weekly[static_cast<size_t>(c)] / 7.0;
      out.push_back(spend);
      total_spend[y] += spend;
      total_days[y] += d;
    }
    t.table.add_row(std::move(out));
  }
  std::vector<Cell> tot{std::string("Total")}, avg{std::string("Average cost per child-week")};
  for (size_t y = 0; y < cx.years.size(); ++y) {
    tot.push_back(total_spend[y]);
    avg.push_back(total_days[y] > 0 ? Cell{total_spend[y] / (total_days[y] / 7.0)} : Cell{});
  }
  t.table.add_row(std::move(tot));
  t.table.add_row(std::move(avg));
  set_chart(t, Chart::category_lines, {}, "GBP");
  a.tables.push_back(std::move(t));
}

void projection(Context& cx, Assessment& a) {
  if (!cx.o.projection) {
    a.limitations.push_back("Projected demand: no projected child population given (--projection FILE with columns "
                            "year,age,population), so no projection is shown.");
    return;
  }
  const ProjectionFile& f = *cx.o.projection;
  if (!f.readable) {
    a.limitations.push_back("Projected demand: " + f.file + " needs columns year,age,population.");
    return;
  }
  std::map<int, std::vector<double>> pop;  // year -> population by single year of age 0-17
  for (const auto& r : f.rows) {
    if (r.age > 17) continue;  // adults: not part of the 0-17 population
    auto& v = pop[r.year];
    v.resize(18, 0);
    v[static_cast<size_t>(r.age)] += r.population;
  }
  if (!f.unread_lines.empty())
    a.limitations.push_back(fmt::format("Projected demand: {}: {} row(s) without a year, an age and a population were "
                                        "not used (line {}{}).", f.file, f.unread_lines.size(), f.unread_lines.front(),
                                        f.unread_lines.size() > 1 ? " and others" : ""));
  // Rates by age at the latest 31 March against the population of the mid-year before.
  const auto& last = cx.years.back();
  const auto base = pop.find(last.end_year - 1);
  if (base == pop.end()) {
    a.limitations.push_back(fmt::format("Projected demand: {} has no rows for mid-{}, the base year of the rates.",
                                        f.file, last.end_year - 1));
    return;
  }
  std::vector<double> stock(18, 0);
  const Date d = cx.year_end(last);
  for (ChildIndex c : cx.stock(d)) {
    const int age = cx.h.age_on(c, d);
    if (age >= 0 && age < 18) stock[static_cast<size_t>(age)] += 1;
  }
  Table t = make_table("projection", "projected_demand",
                       "Projected number of children looked after if today's rates by age continue",
                       fmt::format("Rate by single year of age at 31 March {} (looked after / mid-{} population) applied "
                                   "to the projected population of each year. A projection of demand if practice and need "
                                   "stay as they are, not a forecast.",
                                   last.end_year, last.end_year - 1),
                       {{"year", "Mid-year of population"},
                        {"population_0_17", "Projected population 0-17", 0},
                        {"projected_looked_after", "Projected looked after", 0}});
  for (const auto& [year, v] : pop) {
    if (year < last.end_year - 1) continue;
    double total = 0, proj = 0;
    for (size_t age = 0; age < 18; ++age) {
      total += v[age];
      if (base->second[age] > 0) proj += stock[age] / base->second[age] * v[age];
    }
    t.table.add_row({double(year), total, proj});
  }
  set_chart(t, Chart::year_lines, {2}, "children");
  a.tables.push_back(std::move(t));
}

}  // namespace careflow::analyse::detail
