// The council's unit-cost file (--unit-costs, report and forecast alike): one format by the demand
// model's categories, the two older formats read with a warning, and every bad row refused with
// its file, line and column (docs/groupings.md, docs/bad-input.md section 3).
#include "careflow/io/unit_costs.hpp"

#include <gtest/gtest.h>

using namespace careflow;

namespace {
double cost(const UnitCosts& u, DemandCategory c) { return u.weekly[static_cast<size_t>(c)]; }
}  // namespace

TEST(UnitCostsFile, ByPlacementCategoryNameOrLabel) {
  UnitCosts u;
  // Thousands separators and a pound sign are how spreadsheets write money; names or labels, any case.
  ASSERT_FALSE(parse_unit_costs("placement_category,weekly_cost\nfoster_ifa,\"1,200\"\nSecure,\xC2\xA3" "9500.50\n"
                                "Fostering (in-house),600\n", "c.csv", u));
  EXPECT_EQ(cost(u, DemandCategory::foster_ifa), 1200);
  EXPECT_EQ(cost(u, DemandCategory::secure), 9500.5);
  EXPECT_EQ(cost(u, DemandCategory::foster_in_house), 600);
  EXPECT_EQ(cost(u, DemandCategory::other), kIllustrativeWeeklyCosts[static_cast<size_t>(DemandCategory::other)]);
  EXPECT_TRUE(u.given[static_cast<size_t>(DemandCategory::foster_ifa)]);
  EXPECT_FALSE(u.given[static_cast<size_t>(DemandCategory::other)]);
  EXPECT_FALSE(u.illustrative());
  EXPECT_TRUE(u.warnings.empty());
}

TEST(UnitCostsFile, CostsThatAreNotPoundsAreRefusedWithLineAndColumn) {
  // Before, the forecast's std::stod read "12abc" as 12 and accepted nan, inf and negative costs,
  // and the report left such rows out (using the illustrative cost instead).
  for (const char* v : {"12abc", "nan", "inf", "-5", "1e999", ""}) {
    UnitCosts u;
    const auto e = parse_unit_costs(std::string("placement_category,weekly_cost\nother,") + v + "\n", "c.csv", u);
    ASSERT_TRUE(e) << v;
    EXPECT_EQ(*e, std::string("c.csv:2: column weekly_cost: '") + v + "' is not a weekly cost in pounds");
    EXPECT_TRUE(u.illustrative());  // nothing taken from a file that was refused
  }
  UnitCosts u;
  EXPECT_EQ(parse_unit_costs("placement_category,weekly_cost\nfoster,500\n", "c.csv", u).value_or("").substr(0, 59),
            "c.csv:2: column placement_category: unknown placement categ");
  EXPECT_EQ(parse_unit_costs("category,cost\nfoster_ifa,500\n", "c.csv", u).value_or("").substr(0, 58),
            "c.csv:1: needs the columns placement_category and weekly_c");
  EXPECT_EQ(parse_unit_costs("placement_category,weekly_cost\n", "c.csv", u),
            "c.csv: no unit costs found (expected rows placement_category,weekly_cost)");
}

TEST(UnitCostsFile, TheForecastsOldColumnNameIsReadWithAWarning) {
  UnitCosts u;
  ASSERT_FALSE(parse_unit_costs("kind,weekly_cost\nfoster_ifa,1000\n", "k.csv", u));
  EXPECT_EQ(cost(u, DemandCategory::foster_ifa), 1000);
  ASSERT_EQ(u.warnings.size(), 1u);
  EXPECT_EQ(u.warnings[0], "Unit costs file k.csv: column 'kind' is the old name of placement_category; read as "
                           "placement_category (docs/groupings.md).");
}

// The report's old rows set every category their codes fall in, under either provider:
// U4 -> fostering in-house and IFA; "Children's home" (K2) -> residential in-house and external;
// "Independent / semi-independent living" (P2, H5) -> supported.
TEST(UnitCostsFile, TheReportsOldGroupsAndCodesSetEveryCategoryTheirCodesFallIn) {
  UnitCosts u;
  ASSERT_FALSE(parse_unit_costs("placement_group,weekly_cost\nU4,800\nChildren's home,4000\n"
                                "Independent / semi-independent living,1100\n", "g.csv", u));
  EXPECT_EQ(cost(u, DemandCategory::foster_in_house), 800);
  EXPECT_EQ(cost(u, DemandCategory::foster_ifa), 800);
  EXPECT_EQ(cost(u, DemandCategory::residential_in_house), 4000);
  EXPECT_EQ(cost(u, DemandCategory::residential_external), 4000);
  EXPECT_EQ(cost(u, DemandCategory::supported), 1100);
  EXPECT_EQ(cost(u, DemandCategory::secure), kIllustrativeWeeklyCosts[static_cast<size_t>(DemandCategory::secure)]);
  ASSERT_EQ(u.warnings.size(), 1u);
  // Two rows that give one category different costs cannot be read as one cost per category:
  // K2 and S1 are both residential.
  UnitCosts v;
  EXPECT_EQ(parse_unit_costs("placement_type,weekly_cost\nK2,4000\nS1,3000\n", "g.csv", v),
            "g.csv:3: sets residential_in_house to 3000, but line 2 set it to 4000: give one cost per placement "
            "category (columns placement_category,weekly_cost; docs/groupings.md)");
  // The same cost twice is one cost.
  EXPECT_FALSE(parse_unit_costs("placement_type,weekly_cost\nK2,4000\nS1,4000\n", "g.csv", v));
}
