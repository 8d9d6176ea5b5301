// The report's spend and the forecast's agree for the same children and year: both cost days in
// care by the demand model's placement categories with one table of unit costs
// (core/unit_costs.hpp, docs/groupings.md). Before issue #12 the report costed by its own
// placement groups and its own defaults, so for the same children the two spends differed.
#include <gtest/gtest.h>

#include "analyse/fixture.hpp"
#include "careflow/analyse/analyse.hpp"
#include "careflow/forecast/forecast.hpp"
#include "careflow/io/unit_costs.hpp"

using namespace careflow;
using namespace careflow::analyse;
using namespace careflow::testing;

namespace {
using Costs = HandBuiltCouncil;
}  // namespace

// Days in care 2024/25 on the hand-built council (fixture.hpp; analyse_test.cpp's
// SpendFromDaysAndUserUnitCosts): A in K2 with a private provider (PR4) all year, 365 days,
// residential (external); B U6 PR1 01/04/2024-15/03/2025 = 348, C U4 PR1 365 and E U4 PR1
// 01/04-30/06/2024 = 90: fostering (in-house) 803; D A4 01/04/2024-01/02/2025 = 306, adoption.
// With in-house fostering at £700 a week, external residential at £3,500 and adoption at £0:
// 803 x 100 + 365 x 500 + 0 = 80,300 + 182,500 = 262,800.
// The forecast's own count of the children in care by category on each day of the year
// (forecast::actual_by_kind, the stock its models start from), costed day by day with the same
// table, must give the same 262,800, category by category.
TEST_F(Costs, ReportSpendEqualsTheForecastsCostingOfTheSameChildrenAndYear) {
  Options o;
  ASSERT_FALSE(parse_unit_costs("placement_category,weekly_cost\nfoster_in_house,700\nresidential_external,3500\n"
                                "adoption,0\n", "costs.csv", o.unit_costs));
  const auto a = assess(h, o);
  const auto& spend = table(a, "spend_by_placement");
  EXPECT_NEAR(num(spend, "Total", "y2025"), 262800, 1e-6);

  forecast::CostSettings costs;
  costs.use(o.unit_costs);
  std::array<double, kDemandCategoryCount> forecast_spend{};
  for (Date d = Date::from_ymd(2024, 4, 1); d <= Date::from_ymd(2025, 3, 31); d = d + 1) {
    const auto stock = forecast::actual_by_kind(h, d);
    for (int k = 0; k < kDemandCategoryCount; ++k) forecast_spend[k] += stock[k] * costs.weekly[k] / 7.0;
  }
  double total = 0;
  for (int k = 0; k < kDemandCategoryCount; ++k) {
    total += forecast_spend[k];
    if (forecast_spend[k] == 0) continue;
    EXPECT_NEAR(num(spend, std::string(demand_category_label(static_cast<DemandCategory>(k))), "y2025"),
                forecast_spend[k], 1e-6)
        << demand_category_name(static_cast<DemandCategory>(k));
  }
  EXPECT_NEAR(total, 262800, 1e-6);
  EXPECT_NEAR(num(spend, std::string(demand_category_label(DemandCategory::foster_in_house)), "y2025"), 80300, 1e-6);
  EXPECT_NEAR(num(spend, std::string(demand_category_label(DemandCategory::residential_external)), "y2025"), 182500, 1e-6);
}

// The report's old file (PLACE codes) gives the same figures: U6 sets both fostering categories
// of other carers to £700, K2 both residential categories to £3,500, A4 adoption to £0. The
// warning reaches the report's limitations (and the terminal: careflow report prints it).
TEST_F(Costs, TheReportsOldFormatIsReadWithAWarning) {
  Options o;
  ASSERT_FALSE(parse_unit_costs("placement_type,weekly_cost\nU6,700\nK2,3500\nA4,0\n", "old.csv", o.unit_costs));
  const auto a = assess(h, o);
  EXPECT_NEAR(num(table(a, "spend_by_placement"), "Total", "y2025"), 262800, 1e-6);
  EXPECT_NEAR(num(table(a, "unit_costs"), std::string(demand_category_label(DemandCategory::foster_ifa)), "weekly_cost"),
              700, 0);
  bool warned = false;
  for (const auto& l : a.limitations) warned |= l.find("column 'placement_type' is the report's old format") != std::string::npos;
  EXPECT_TRUE(warned);
}
