// Costs from care days and weekly unit costs; projected demand from a projected child population.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "careflow/analyse/context.hpp"

// g++ 12 reports -Wmaybe-uninitialized inside std::variant when a Cell holding a string is
// copied out of a braced row; the cells are initialised (a known false positive, GCC PR 107138).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "careflow/io/csv.hpp"

namespace careflow::analyse::detail {
namespace {

// Illustrative weekly unit costs (GBP) by DfE placement group, for when a council gives none.
// Sources: DfE S251 outturn unit costs for England 2024-25 (LAIT FosteringFinance £765,
// RescareFinance £7,385) and the unit costs quoted in the seed needs assessments (family and
// friends £210-£379, supported living £839, supported lodgings £333, mother and baby £1,231).
struct DefaultCost {
  PlacementGroup group;
  double weekly;
  const char* source;
};
constexpr DefaultCost kDefaultCosts[] = {
    {PlacementGroup::foster_relative_friend, 300, "seed reports: family and friends fostering GBP 210-379"},
    {PlacementGroup::foster_other, 765, "S251 England 2024-25 fostering unit cost (LAIT FosteringFinance)"},
    {PlacementGroup::placed_for_adoption, 0, "no placement fee assumed"},
    {PlacementGroup::placed_with_parents, 0, "no placement fee assumed"},
    {PlacementGroup::independent_living, 333, "seed report: supported lodgings"},
    {PlacementGroup::supported_accommodation, 839, "seed report: external supported living"},
    {PlacementGroup::secure_home, 7385, "S251 England 2024-25 residential unit cost (LAIT RescareFinance)"},
    {PlacementGroup::childrens_home, 7385, "S251 England 2024-25 residential unit cost (LAIT RescareFinance)"},
    {PlacementGroup::residential_other, 1231, "seed report: mother and baby units"},
    {PlacementGroup::temporary, 765, "as fostering"},
    {PlacementGroup::other, 765, "as fostering"},
};

}  // namespace

void costs(Context& cx, Assessment& a) {
  std::vector<double> weekly(kPlacementGroupCount, 0);
  std::vector<std::string> source(kPlacementGroupCount);
  for (const auto& d : kDefaultCosts) {
    weekly[static_cast<size_t>(d.group)] = d.weekly;
    source[static_cast<size_t>(d.group)] = std::string("ILLUSTRATIVE: ") + d.source;
  }
  bool user = false;
  if (!cx.o.unit_costs_file.empty()) {
    auto r = read_csv(cx.o.unit_costs_file);
    int gc = r.table.find_column("placement_group");
    if (gc < 0) gc = r.table.find_column("placement_type");
    const int wc = r.table.find_column("weekly_cost");
    if (!r.readable || gc < 0 || wc < 0) {
      a.limitations.push_back("Unit costs file " + cx.o.unit_costs_file +
                              " could not be used (needs columns placement_group or placement_type, and weekly_cost): "
                              "illustrative costs are shown.");
    } else {
      std::vector<uint32_t> unread;
      for (size_t i = 0; i < r.table.rows(); ++i) {
        const auto cost = parse_number_cell(r.table.cell(i, wc));
        if (!cost || *cost < 0) {
          unread.push_back(r.table.line(i));
          continue;
        }
        const double v = *cost;
        const auto key = r.table.cell(i, gc);
        for (int g = 0; g < kPlacementGroupCount; ++g) {
          const auto pg = static_cast<PlacementGroup>(g);
          const CodeIndex code = codes::placement_type.find(key);
          if (label(pg) == key || (code != kNoCode && placement_group(code) == pg)) {
            weekly[g] = v;
            source[g] = "council's unit costs (" + cx.o.unit_costs_file + ")";
            user = true;
          }
        }
      }
      if (!unread.empty())
        a.limitations.push_back(fmt::format("Unit costs file {}: {} row(s) without a weekly cost in pounds were not "
                                            "used (line {}{}).", cx.o.unit_costs_file, unread.size(), unread.front(),
                                            unread.size() > 1 ? " and others" : ""));
    }
  }
  {
    Table t = make_table("costs", "unit_costs",
                         user ? "Weekly unit costs by placement type" : "Weekly unit costs by placement type (ILLUSTRATIVE)",
                         user ? "From the council's file; groups it did not give use the illustrative defaults."
                              : "ILLUSTRATIVE defaults, not this council's costs: DfE S251 England unit costs and costs "
                                "quoted in published needs assessments. Give --unit-costs FILE (placement_group,weekly_cost) "
                                "for real figures.",
                         {{"placement_group", "Placement type"}, {"weekly_cost", "Cost per week (GBP)", 0}, {"source", "Source"}});
    for (int g = 0; g < kPlacementGroupCount; ++g)
      t.table.add_row({std::string(label(static_cast<PlacementGroup>(g))), weekly[g], source[g]});
    a.tables.push_back(std::move(t));
  }
  // Spend from the days in care (durations).
  if (!cx.days_in_care_by_placement) return;
  const auto& days = *cx.days_in_care_by_placement;
  Table t = make_table("costs", "spend_by_placement",
                       std::string("Estimated placement spend by type (GBP)") + (user ? "" : " (ILLUSTRATIVE unit costs)"),
                       "Days in care x weekly unit cost / 7. An estimate of placement spend, not an outturn.",
                       {{"category", "Placement type"}});
  for (const auto& y : cx.years) t.table.add_column(year_column(y), y.label(), 0);
  std::vector<double> total_spend(cx.years.size(), 0), total_days(cx.years.size(), 0);
  for (int g = 0; g < kPlacementGroupCount; ++g) {
    // As days_in_care_by_placement: a type with no days in any year has no row.
    bool any = false;
    for (size_t y = 0; y < cx.years.size(); ++y) any |= days[y][g] != 0;
    if (!any) continue;
    std::vector<Cell> out{std::string(label(static_cast<PlacementGroup>(g)))};
    for (size_t y = 0; y < cx.years.size(); ++y) {
      const double d = days[y][g];
      out.push_back(d * weekly[g] / 7.0);
      total_spend[y] += d * weekly[g] / 7.0;
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
  if (cx.o.projection_file.empty()) {
    a.limitations.push_back("Projected demand: no projected child population given (--projection FILE with columns "
                            "year,age,population), so no projection is shown.");
    return;
  }
  auto r = read_csv(cx.o.projection_file);
  const int yc = r.table.find_column("year"), ac = r.table.find_column("age"), pc = r.table.find_column("population");
  if (!r.readable || yc < 0 || ac < 0 || pc < 0) {
    a.limitations.push_back("Projected demand: " + cx.o.projection_file + " needs columns year,age,population.");
    return;
  }
  std::map<int, std::vector<double>> pop;  // year -> population by single year of age 0-17
  std::vector<uint32_t> unread;
  for (size_t i = 0; i < r.table.rows(); ++i) {
    const auto y = read_whole_number(r.table.cell(i, yc), 1900, 2200);
    const auto age = read_whole_number(r.table.cell(i, ac), 0, 200);
    const auto p = parse_number_cell(r.table.cell(i, pc));
    if (!y || !age || !p || *p < 0) {
      unread.push_back(r.table.line(i));
      continue;
    }
    if (*age > 17) continue;  // adults: not part of the 0-17 population
    auto& v = pop[*y];
    v.resize(18, 0);
    v[static_cast<size_t>(*age)] += *p;
  }
  if (!unread.empty())
    a.limitations.push_back(fmt::format("Projected demand: {}: {} row(s) without a year, an age and a population were "
                                        "not used (line {}{}).", cx.o.projection_file, unread.size(), unread.front(),
                                        unread.size() > 1 ? " and others" : ""));
  // Rates by age at the latest 31 March against the population of the mid-year before.
  const auto& last = cx.years.back();
  const auto base = pop.find(last.end_year - 1);
  if (base == pop.end()) {
    a.limitations.push_back(fmt::format("Projected demand: {} has no rows for mid-{}, the base year of the rates.",
                                        cx.o.projection_file, last.end_year - 1));
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
