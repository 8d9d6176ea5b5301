// The needs-assessment analyses on the hand-built council of fixture.hpp. Every expected number
// is derived by hand in the comments from the episodes listed there, not from the code.
#include "careflow/analyse/analyse.hpp"
#include "careflow/io/population_files.hpp"
#include "careflow/io/postcodes.hpp"
#include "careflow/io/unit_costs.hpp"

#include <gtest/gtest.h>

#include "analyse/fixture.hpp"
#include "shared_reference.hpp"

using namespace careflow;
using namespace careflow::analyse;
using namespace careflow::testing;

namespace {

Date d(int y, int m, int day) { return Date::from_ymd(y, m, day); }

const std::string kAgeNotKnownLabel = "Age not known";

// Tests that assess the hand-built council with options of their own.
using Costs = HandBuiltCouncil;
using Population = HandBuiltCouncil;
using Projection = HandBuiltCouncil;
using ReferenceData = HandBuiltCouncil;

}  // namespace

// Stock at 31/03/2024: A (open), B (from 01/02/2024), C (2nd period from 01/03/2024), D, E = 5.
// Stock at 31/03/2025: D adopted 01/02/2025, B left 15/03/2025, E left 30/06/2024: A and C = 2.
TEST_F(HandBuilt, NumberAt31March) {
  expect_numbers(table(a, "looked_after_at_31_march"),
                 {{"2023/24", "looked_after", 5}, {"2024/25", "looked_after", 2}});
}

// Ages at 31/03/2024: A 13 (10-15), B 17 (16+), C 3 (1-4), D 1 (1-4), E 11 (10-15).
// At 31/03/2025: A 14 (10-15), C 4 (1-4).
TEST_F(HandBuilt, AgeBandsAndSex) {
  const auto& t = table(a, "at_31_march_by_age_band");
  expect_numbers(t, {{"Under 1", "y2024", 0}, {"1", "y2024", 2}, {"10", "y2024", 2}, {"16", "y2024", 1},
                     {"Total", "y2024", 5}, {"10", "y2025", 1}, {"1", "y2025", 1}});
  // 2024/25 shares: 1 of 2 each = 50%.
  EXPECT_DOUBLE_EQ(num(t, "10", "percent_latest"), 50.0);
  expect_numbers(table(a, "at_31_march_by_sex"), {{"Male", "y2024", 3},      // A, D, E
                                                  {"Female", "y2024", 2}});  // B, C
  // Single year of age at 31/03/2024: 1 (D), 3 (C), 11 (E), 13 (A), 17 (B).
  const auto& age = table(a, "at_31_march_by_age");
  expect_numbers(age, {{"13", "y2024", 1}, {"17", "y2024", 1}});
  EXPECT_FALSE(has_row(age, "2"));  // nobody aged 2 in either year: the row is left out
}

// Legal status at 31/03/2024: A C2, B V2, C C2, D E1 (changed 01/10/2023), E C2.
TEST_F(HandBuilt, LegalStatusAndPlacementAt31March) {
  expect_numbers(table(a, "at_31_march_by_legal_status"), {{"C2", "y2024", 3}, {"E1", "y2024", 1}, {"V2", "y2024", 1}});
  // Placements at 31/03/2024: A K2 (children's home), B U6, C U4, E U4 (other foster), D A4 (adoption).
  expect_numbers(table(a, "at_31_march_by_placement"),
                 {{std::string(label(PlacementGroup::foster_other)), "y2024", 3},
                  {std::string(label(PlacementGroup::childrens_home)), "y2024", 1},
                  {std::string(label(PlacementGroup::placed_for_adoption)), "y2024", 1}});
}

// 2023/24: starters A, B, C (twice), D = 5 periods; ceasers C's first period = 1; at 1 April: E.
// 2024/25: no starters; ceasers E (30/06/2024), D (01/02/2025), B (15/03/2025, her 18th birthday) = 3.
// Net change 2024/25 = 0 - 3 = -3; excluding 18th-birthday exits = 0 - (3 - 1) = -2.
TEST_F(HandBuilt, FlowsAndEighteenthBirthdayExits) {
  expect_numbers(table(a, "flows_by_year"),
                 {{"2023/24", "started", 5},
                  {"2023/24", "ceased", 1},
                  {"2023/24", "at_start", 1},
                  {"2023/24", "during_year", 5},
                  {"2024/25", "started", 0},
                  {"2024/25", "ceased", 3},
                  {"2024/25", "ceased_at_18", 1},
                  {"2024/25", "net_change", -3},
                  {"2024/25", "net_change_excl_18", -2},
                  {"2024/25", "during_year", 5}});  // all five were looked after on some day of 2024/25
  // Starters 2023/24 by legal status: A C2, B V2, C C1 then C2, D C2 -> C2 3, C1 1, V2 1.
  expect_numbers(table(a, "starters_by_legal_status"), {{"C2", "y2024", 3}, {"C1", "y2024", 1}});
  // Ceasers by reason: 2023/24 returned home 1 (C); 2024/25 adopted (D), SGO (E), staying put (B).
  expect_numbers(table(a, "ceasers_by_reason"), {{std::string(label(CeaseGroup::returned_home)), "y2024", 1},
                                                 {std::string(label(CeaseGroup::adopted)), "y2025", 1},
                                                 {std::string(label(CeaseGroup::special_guardianship)), "y2025", 1},
                                                 {std::string(label(CeaseGroup::staying_put)), "y2025", 1}});
  // Duration at exit: C 6 months (under 1); D 01/04/2023-01/02/2025 and B 01/02/2024-15/03/2025
  // (1 to 2 years); E 01/01/2020-30/06/2024 (2 to 5 years).
  expect_numbers(table(a, "ceasers_by_duration"),
                 {{"Under 1", "y2024", 1}, {"1 to under 2", "y2025", 2}, {"2 to under 5", "y2025", 1}});
  // Left within a year: C only (age 3 at 01/12/2023: 1-4).
  expect_numbers(table(a, "short_stay_leavers_by_age_band"), {{"1", "y2024", 1}, {"Total", "y2025", 0}});
}

TEST(EighteenthBirthday, OnOrAfterTheDayCountsAndLeapDayBirthdays) {
  History h;
  Child c;
  c.dob = d(2008, 2, 29);
  c.dob_known = true;
  h.children.push_back(c);
  PeriodOfCare p;
  p.start = d(2020, 1, 1);
  p.end = d(2026, 2, 28);  // 2026 is a common year: the 18th birthday is 28/02/2026
  EXPECT_TRUE(is_eighteenth_birthday_exit(h, p));
  p.end = d(2026, 2, 27);
  EXPECT_FALSE(is_eighteenth_birthday_exit(h, p));
  p.end = Date::open();
  EXPECT_FALSE(is_eighteenth_birthday_exit(h, p));
}

// Entry cohorts at 31/03/2025: A (from 01/05/2023) and C (from 01/03/2024) both entered in 2023/24.
TEST_F(HandBuilt, EntryCohorts) {
  expect_numbers(table(a, "entry_cohorts"), {{"2023/24", "children", 2}, {"Total", "children", 2}});
}

// Kaplan-Meier over periods starting 01/04/2023-31/03/2025 (E's began in 2020: not included):
//   C1 183 days (01/06-01/12/2023) ended, home; C2 395 days censored (01/03/2024-31/03/2025);
//   B 408 days ended (01/02/2024-15/03/2025); D 672 days ended (01/04/2023-01/02/2025);
//   A 700 days censored (01/05/2023-31/03/2025).
//   t=183: n=5, d=1: S = 0.8. t=408: n=3, d=1: S = 0.8 * 2/3 = 0.5333. t=672: n=2: S = 0.2667.
//   Quartiles: 25% have left once S <= 0.75: not at 183 (S = 0.8) but at 408; median (S <= 0.5)
//   at 672; 75% (S <= 0.25) never reached. S(365) = 80%.
//   Return home: C at day 183: not within 182 days (6 months) -> 0%; within 365: 1/5 = 20%.
TEST_F(HandBuilt, KaplanMeierTimeInCare) {
  const auto& t = table(a, "time_in_care_kaplan_meier");
  expect_numbers(t, {{"All ages", "periods", 5},
                     {"All ages", "ended", 3},
                     {"All ages", "censored", 2},
                     {"All ages", "q1_days", 408},
                     {"All ages", "median_days", 672}});
  EXPECT_TRUE(std::holds_alternative<std::monostate>(cell(t, "All ages", "q3_days")));
  EXPECT_NEAR(num(t, "All ages", "still_in_care_1y_percent"), 80.0, 1e-9);
  EXPECT_NEAR(num(t, "All ages", "home_6m_percent"), 0.0, 1e-9);
  EXPECT_NEAR(num(t, "All ages", "home_12m_percent"), 20.0, 1e-9);
  // By age at entry: under 1 is D only (entered aged 0): 1 period, ended.
  expect_numbers(t, {{"Under 1", "periods", 1}, {"Under 1", "median_days", 672}});
}

// A textbook example, by hand: times 3, 5+, 6, 6, 8+, 10 (+ = censored).
//   t=3: 6 at risk, 1 event: S = 5/6. t=6: 4 at risk, 2 events: S = 5/6 * 2/4 = 0.41667.
//   t=10: 1 at risk, 1 event: S = 0. Median = 6 (first S <= 0.5).
TEST(Survival, KaplanMeierByHand) {
  const auto curve = kaplan_meier({{3, true}, {5, false}, {6, true}, {6, true}, {8, false}, {10, true}});
  ASSERT_EQ(curve.size(), 3u);
  EXPECT_NEAR(curve[0].survival, 5.0 / 6, 1e-12);
  EXPECT_EQ(curve[1].at_risk, 4);
  EXPECT_NEAR(curve[1].survival, 5.0 / 12, 1e-12);
  EXPECT_NEAR(curve[2].survival, 0.0, 1e-12);
  EXPECT_EQ(survival_quantile(curve, 0.5), 6);
  EXPECT_NEAR(survival_at(curve, 5), 5.0 / 6, 1e-12);
  EXPECT_NEAR(survival_at(curve, 2), 1.0, 1e-12);
}

// Competing risks by hand: (2, home), (4, other exit), (5, censored), (7, home).
//   t=2: 4 at risk: CIF = 1/4, S = 3/4. t=4: 3 at risk, competing: S = 3/4 * 2/3 = 1/2.
//   t=7: 1 at risk, home: CIF = 1/4 + 1/2 * 1/1 = 3/4.
// Treating the other exit as censored would give 1 - KM = 1 instead: the competing approach is used.
TEST(Survival, CumulativeIncidenceWithCompetingRisks) {
  const std::vector<std::pair<int, int>> obs{{2, 1}, {4, 2}, {5, 0}, {7, 1}};
  EXPECT_NEAR(cumulative_incidence(obs, 1), 0.0, 1e-12);
  EXPECT_NEAR(cumulative_incidence(obs, 2), 0.25, 1e-12);
  EXPECT_NEAR(cumulative_incidence(obs, 6), 0.25, 1e-12);
  EXPECT_NEAR(cumulative_incidence(obs, 7), 0.75, 1e-12);
}

// Stability 2023/24: A had U4, U6 and K2 in the year (3); C two U4 placements (2); D U4 and A4
// (2); B and E one each -> 1 child of 5 with 3+. Long-term: only E is under 16 and looked after
// since on or before 30/09/2021; E's placement began 01/01/2020 (2+ years) -> 1 of 1.
// 2024/25: A (K2 only) and C (1) -> 0 of 2; nobody looked after 2.5 years.
TEST_F(HandBuilt, PlacementStability) {
  const auto& t = table(a, "placement_stability");
  expect_numbers(t, {{"2023/24", "looked_after", 5}, {"2023/24", "three_plus", 1}});
  EXPECT_DOUBLE_EQ(num(t, "2023/24", "three_plus_percent"), 20.0);
  expect_numbers(t, {{"2023/24", "long_term", 1},
                     {"2023/24", "same_placement", 1},
                     {"2024/25", "three_plus", 0},
                     {"2024/25", "long_term", 0}});
  // Moves while in care, 2023/24: A's U4 (CARPL) and U6 (CREQB), D's U4 (CARPL); C's first
  // placement ended with the period and is not a move.
  expect_numbers(table(a, "placement_change_reasons"), {{"CARPL", "y2024", 2}, {"CREQB", "y2024", 1}, {"Total", "y2025", 0}});
  // Of those, A is the only child with 3+ placements: CARPL 1, CREQB 1.
  expect_numbers(table(a, "three_plus_moves_by_reason"), {{"CARPL", "y2024", 1}, {"CREQB", "y2024", 1}});
}

// Periods in the span: C has 2, everyone else 1. C returned home 01/12/2023 (age 3, one
// placement, C1) and came back 01/03/2024: 91 days later. Follow-up to 31/03/2025 is 486 days:
// enough for 12 months, not for 24.
TEST_F(HandBuilt, ReEntry) {
  expect_numbers(table(a, "children_by_number_of_periods"),
                 {{"1", "children", 4}, {"2", "children", 1}, {"Total", "children", 5}});
  const auto& t = table(a, "reentry_after_return_home");
  const size_t ret12 = t.table.column_index("returned_12"), re12 = t.table.column_index("reentered_12"),
               ret24 = t.table.column_index("returned_24");
  const auto& all = t.table.rows.front();
  EXPECT_EQ(std::get<double>(all[ret12]), 1);
  EXPECT_EQ(std::get<double>(all[re12]), 1);
  EXPECT_EQ(std::get<double>(all[ret24]), 0);
  bool found_band = false;
  for (const auto& r : t.table.rows)
    if (std::get<std::string>(r[1]) == std::string(label(AgeBand::age_1_to_4))) {
      EXPECT_EQ(std::get<double>(r[re12]), 1);
      found_band = true;
    }
  EXPECT_TRUE(found_band);
}

// D adopted 01/02/2025, born 01/01/2023: age 2, 762 days old = 2.086 years; entered aged 0;
// 01/04/2023 to 01/02/2025 = 366 + 306 = 672 days. E left on an SGO in 2024/25.
TEST_F(HandBuilt, Permanence) {
  const auto& t = table(a, "permanence_by_year");
  EXPECT_NEAR(num(t, "2024/25", "mean_age_at_adoption"), 762 / 365.25, 1e-9);
  expect_numbers(t, {{"2024/25", "adopted", 1},
                     {"2024/25", "adopted_under_1", 0},
                     {"2024/25", "entered_under_1", 1},
                     {"2024/25", "median_days_to_adoption", 672},
                     {"2024/25", "sgo", 1},
                     {"2024/25", "cao", 0},
                     {"2023/24", "adopted", 0}});
}

// Days in care 2024/25 (365 days): A K2 (private provider, PR4) all year 365; B U6 01/04/2024-
// 15/03/2025 = 348; C U4 365; E U4 01/04-30/06/2024 = 90 (all PR1); D A4 01/04/2024-01/02/2025 = 306.
// Other foster care = 348 + 365 + 90 = 803, in-house fostering by the demand model's categories;
// K2 with PR4 is external residential care. With in-house fostering at £700/week and external
// residential care at £3,500: 803 x 100 + 365 x 500 = 80,300 + 182,500 = 262,800; per child-week
// 262,800 x 7 / 1,474 days = 1,839,600 / 1,474 = 1,248.03.
TEST_F(Costs, SpendFromDaysAndUserUnitCosts) {
  Options o;
  ASSERT_FALSE(parse_unit_costs("placement_category,weekly_cost\nfoster_in_house,700\nresidential_external,3500\nadoption,0\n",
                                "costs.csv", o.unit_costs));
  const auto a = assess(h, o);
  expect_numbers(table(a, "days_in_care_by_placement"),
                 {{std::string(label(PlacementGroup::foster_other)), "y2025", 803},
                  {std::string(label(PlacementGroup::childrens_home)), "y2025", 365},
                  {std::string(label(PlacementGroup::placed_for_adoption)), "y2025", 306}});
  const auto& spend = table(a, "spend_by_placement");
  EXPECT_NEAR(num(spend, std::string(demand_category_label(DemandCategory::foster_in_house)), "y2025"), 80300, 1e-6);
  EXPECT_NEAR(num(spend, "Total", "y2025"), 262800, 1e-6);
  EXPECT_NEAR(num(spend, "Average cost per child-week", "y2025"), 1248.03, 0.005);
  EXPECT_EQ(table(a, "unit_costs").table.title.find("ILLUSTRATIVE"), std::string::npos);
}

// Filters: girls only at 31/03/2024 are B and C; starters in 2023/24 who were girls: B, C, C = 3.
TEST_F(HandBuilt, Filters) {
  Options o;
  ASSERT_EQ(parse_filter("sex=F", o.filter), "");
  EXPECT_NE(parse_filter("sex=X", o.filter), "");
  EXPECT_NE(parse_filter("colour=blue", o.filter), "");
  const auto f = assess(h, o);
  EXPECT_EQ(num(table(f, "looked_after_at_31_march"), "2023/24", "looked_after"), 2);
  EXPECT_EQ(num(table(f, "flows_by_year"), "2023/24", "started"), 3);
  Options o2;
  ASSERT_EQ(parse_filter("age=10-15", o2.filter), "");
  EXPECT_EQ(num(table(assess(h, o2), "looked_after_at_31_march"), "2023/24", "looked_after"), 2);  // A, E
  Options o3;
  ASSERT_EQ(parse_filter("ls=E1", o3.filter), "");
  EXPECT_EQ(num(table(assess(h, o3), "looked_after_at_31_march"), "2023/24", "looked_after"), 1);  // D
}

// Population: a user file gives the mid-2023 population, used for 2023/24's rate as DfE does.
// 5 / 25,000 x 10,000 = 2.0 per 10,000.
TEST_F(Population, RateUsesTheMidYearBefore) {
  Options o;
  o.population = read_population_file(write_file("pop.csv", "year,population\n2023,25000\n2024,40000\n"));
  const auto a = assess(h, o);
  const auto& t = table(a, "looked_after_at_31_march");
  EXPECT_DOUBLE_EQ(num(t, "2023/24", "rate_per_10000"), 2.0);
  EXPECT_DOUBLE_EQ(num(t, "2024/25", "rate_per_10000"), 0.5);  // 2 / 40,000 x 10,000
}

// Projection: rates by age at 31/03/2025 (A aged 14, C aged 4) against a mid-2024 population of
// 100 at each age; a mid-2026 population of 200 at each age doubles demand: 2 -> 4.
TEST_F(Projection, RatesByAgeAppliedToProjectedPopulation) {
  std::string rows = "year,age,population\n";
  for (int age = 0; age < 18; ++age) rows += "2024," + std::to_string(age) + ",100\n2026," + std::to_string(age) + ",200\n";
  const std::string proj = write_file("proj.csv", rows);
  Options o;
  const auto none = assess(h, o);
  bool said = false;
  for (const auto& l : none.limitations) said |= l.find("no projected child population") != std::string::npos;
  EXPECT_TRUE(said);
  o.projection = read_projection_file(proj);
  const auto a = assess(h, o);
  const auto& t = table(a, "projected_demand");
  ASSERT_EQ(t.table.rows.size(), 2u);
  EXPECT_NEAR(std::get<double>(t.table.rows[0][2]), 2.0, 1e-9);
  EXPECT_NEAR(std::get<double>(t.table.rows[1][2]), 4.0, 1e-9);
  EXPECT_NEAR(std::get<double>(t.table.rows[1][1]), 3600.0, 1e-9);
}

// With --la, the council's population and published figures come from the public reference data
// (skipped when the reference folder is absent). From the files, read by hand: Birmingham
// (E08000025, DfE number 330) mid-2023 0-17 population 290,047; DfE published 2,296 looked after
// at 31 March 2024. Rate for 2023/24 = 5 / 290,047 x 10,000 = 0.17239.
TEST_F(ReferenceData, CouncilPopulationAndPublishedFigures) {
  const NeedsAssessmentReference reference = load_needs_assessment_reference(shared_reference());
  for (const std::string code : {"E08000025", "330"}) {
    Options o;
    o.la_code = code;
    o.reference = &reference;
    const auto a = assess(h, o);
    if (a.la_name.empty()) GTEST_SKIP() << "reference data not available";
    EXPECT_EQ(a.la_name, "Birmingham");
    const auto& t = table(a, "looked_after_at_31_march");
    expect_numbers(t, {{"2023/24", "population_0_17", 290047}, {"2023/24", "published_looked_after", 2296}});
    EXPECT_NEAR(num(t, "2023/24", "rate_per_10000"), 0.17239, 1e-5);
    // England's reasons ceased for 2023/24 (the latest DfE year up to 2024/25): adopted 2,980 of
    // 33,620 = 8.864%; returned home 5,740 (as planned) + 1,100 (not) = 6,840 = 20.345%.
    const auto& r = table(a, "ceasers_by_reason");
    EXPECT_NEAR(num(r, std::string(label(CeaseGroup::adopted)), "england_percent"), 100.0 * 2980 / 33620, 1e-9);
    EXPECT_NEAR(num(r, std::string(label(CeaseGroup::returned_home)), "england_percent"), 100.0 * 6840 / 33620, 1e-9);
  }
}

// Placement location and distance from a tiny postcode directory (grid references in metres):
//   B1 1AA (400000, 286000) Birmingham; B2 2BB (403000, 290000): 5,000 m = 3.1 miles;
//   B3 3CC (400000, 302000): 16,000 m = 9.9 miles; CV1 1AA Coventry (433000, 279000):
//   sqrt(33,000^2 + 7,000^2) = 33,734 m = 21.0 miles; CF1 1AA Cardiff (Wales): 137,200 m = 85.3.
// Children at 31/03/2025, all from home B1 1AA except P4 (no home postcode):
//   P1 -> B2 2BB in area, under 5; P5 -> B3 3CC in area, 5 to 10; P2 -> CV1 1AA out, over 20;
//   P3 -> CF1 1AA out (Wales), over 20; P4 -> ZZ9 9ZZ not in the directory: location and
//   distance not known.
TEST(Location, InOrOutOfAreaAndDistanceFromHome) {
  TempReturns tr;
  tr.write("2024_25", "episodes.csv", std::string(kEpisodesHeader) +
           "P1,01/04/2024,S,C2,N1,U4,PR1,,,,B1 1AA,B2 2BB,\n"
           "P2,01/04/2024,S,C2,N1,U4,PR1,,,,B1 1AA,CV1 1AA,\n"
           "P3,01/04/2024,S,C2,N1,K2,PR4,,,,B1 1AA,CF1 1AA,\n"
           "P4,01/04/2024,S,C2,N1,U4,PR1,,,,,ZZ9 9ZZ,\n"
           "P5,01/04/2024,S,C2,N1,U4,PR1,,,,B1 1AA,B3 3CC,\n");
  const std::string onspd = tr.write("ref", "onspd.csv",
                                     "pcd,laua,oseast1m,osnrth1m\n"
                                     "B1 1AA,E08000025,400000,286000\nB2 2BB,E08000025,403000,290000\n"
                                     "B3 3CC,E08000025,400000,302000\nCV1 1AA,E08000026,433000,279000\n"
                                     "CF1 1AA,W06000015,318000,176000\n");
  const std::string lookup = tr.write("ref", "lookup.csv",
                                      "LTLA23CD,UTLA23CD\nE08000025,E08000025\nE08000026,E08000026\nW06000015,W06000015\n");
  IngestReport report;
  const History h = ingest({tr.folder("2024_25")}, std::nullopt, report);
  Options o;
  o.la_code = "E08000025";
  ProblemLog postcode_problems;
  const auto postcodes = PostcodeDirectory::load(onspd, lookup, postcode_problems);
  ASSERT_TRUE(postcodes);
  o.postcodes = &*postcodes;
  const auto a = assess(h, o);
  expect_numbers(table(a, "at_31_march_by_location"),
                 {{"In the council", "y2025", 2}, {"Outside", "y2025", 2}, {"Placement postcode missing", "y2025", 1}});
  expect_numbers(table(a, "at_31_march_by_distance"), {{"Under 5", "y2025", 1},
                                                      {"5 to under 10", "y2025", 1},
                                                      {"10 to 20", "y2025", 0},
                                                      {"Over 20", "y2025", 2},
                                                      {"Not known", "y2025", 1}});
  // Without postcodes (the hand-built council) the report says why there is no location table.
  TempReturns tr2;
  IngestReport r2;
  const auto none = assess(hand_built_history(tr2, r2), {});
  bool said = false;
  for (const auto& l : none.limitations) said |= l.find("no placement postcodes") != std::string::npos;
  EXPECT_TRUE(said);
}

// A child without a date of birth (D, made so here): every age breakdown gets an "Age not known"
// row, so that it still adds up to the total other tables show (disclosure control relies on it:
// docs/report.md). D started 01/04/2023 (2023/24), was looked after at 31/03/2024 and was adopted
// 01/02/2025 (2024/25). So: at 31 March 2024, 1-4 holds C alone (1) and Age not known 1, Total 5 =
// the number looked after; starters 2023/24: Age not known 1 of 5; ceasers 2024/25 (E 10-15, D,
// B 16+): Age not known 1 of 3; adoptions 2024/25: Age not known 1, Total 1 = adopted; the
// Kaplan-Meier table (periods starting in the span: A, B, C twice, D): Age not known 1 period,
// ended 1 (D's adoption), still looked after 0; All ages 5. In 2024/25 nobody in the stock lacks
// a date of birth, and the stock tables' Age not known row shows 0 there.
TEST(AgeNotKnown, BreakdownsStillAddUp) {
  TempReturns tr;
  IngestReport report;
  History h = hand_built_history(tr, report);
  bool found = false;
  for (auto& c : h.children)
    if (c.id == "DDDD4004") c.dob_known = false, found = true;
  ASSERT_TRUE(found);
  const auto a = assess(h, {});
  expect_numbers(table(a, "at_31_march_by_age_band"),
                 {{"1 to 4", "y2024", 1}, {kAgeNotKnownLabel, "y2024", 1}, {kAgeNotKnownLabel, "y2025", 0}, {"Total", "y2024", 5}});
  expect_numbers(table(a, "at_31_march_by_age"), {{kAgeNotKnownLabel, "y2024", 1}, {"Total", "y2024", 5}});
  expect_numbers(table(a, "looked_after_at_31_march"), {{"2023/24", "looked_after", 5}});
  expect_numbers(table(a, "starters_by_age_band"), {{kAgeNotKnownLabel, "y2024", 1}, {"Total", "y2024", 5}});
  expect_numbers(table(a, "ceasers_by_age_band"), {{kAgeNotKnownLabel, "y2025", 1}, {"Total", "y2025", 3}});
  expect_numbers(table(a, "adoptions_by_age_band"), {{kAgeNotKnownLabel, "y2025", 1}, {"Total", "y2025", 1}});
  expect_numbers(table(a, "time_in_care_kaplan_meier"),
                 {{kAgeNotKnownLabel, "periods", 1}, {kAgeNotKnownLabel, "ended", 1}, {kAgeNotKnownLabel, "censored", 0},
                  {"All ages", "periods", 5}});
  // Without the child made unknown, no such row.
  EXPECT_FALSE(has_row(table(assess(hand_built_history(tr, report), {}), "at_31_march_by_age_band"), kAgeNotKnownLabel));
}
