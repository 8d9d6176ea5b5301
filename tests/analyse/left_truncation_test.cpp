// Periods of care that began before the first return held (left truncation), on a hand-built
// council whose returns start in 2023/24 (data start 01/04/2023), and the flows key message.
// Every expected number is derived by hand in the comments from the episodes below.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>

#include "analyse/fixture.hpp"

using namespace careflow;
using namespace careflow::analyse;
using namespace careflow::testing;

namespace {

// Thirteen children. "Unknown start": the first episode held began before 01/04/2023 and is not
// RNE S, so the period began on or before it, at a date the returns do not show.
//   L1 LTRU1001 M 01/06/2012: P 01/06/2022 C2 U4 -> 01/09/2023 E4A. Unknown start; held 457 days.
//   L2 LTRU2002 F 01/01/2015: L 01/02/2023 C2 U4 -> 01/07/2023 E4A. Unknown start, and its placement's
//      too (RNE L); held 150 days.
//   L3 LTRU3003 M 01/03/2020: P 01/05/2022 E1 A4 -> adopted 01/08/2024 E11. Unknown start; held 823
//      days; aged 2 at its first episode held.
//   L4 LTRU4004 M 01/01/2012: P 01/06/2022 C2 U4, open. Unknown start (its placement's known: RNE P).
//   A1 ADPT1001 F 01/09/2022: P 01/03/2023 E1 A4 -> adopted 17/09/2023 E11. Unknown start; held 200
//      days; aged 0 at its first episode held.
//   A2 ADPT2002 M 01/05/2023: S 01/06/2023 E1 A4 -> adopted 01/03/2024 E11: 274 days.
//   A3 ADPT3003 F 01/02/2023: S 01/04/2023 E1 A4 -> adopted 01/06/2024 E11: 427 days.
//   A4 ADPT4004 M 01/01/2022: S 01/10/2023 E1 A4 -> adopted 01/10/2024 E11: 366 days.
//   K1 KNWN5005 F 01/01/2008: S 01/01/2020 V2 U4 -> 01/01/2024 E8. Began before the data, but with
//      RNE S: its start is known (1461 days).
//   K2 TOPB6006 M 01/05/2005: P 01/03/2013 C2 U4 -> 01/05/2023 (18th birthday) E17. Unknown start,
//      but held 3713 days: already 10 years or more.
//   S1 STRT7007 F 01/01/2016: S 01/12/2023 C2 U4, open (486 days at 31/03/2025).
//   S2 STRT8008 M 01/06/2014: S 01/02/2025 C2 U4, open (58 days).
//   S3 STRT9009 F 01/09/2010: S 01/03/2025 C2 U4, open (30 days).
History left_truncated_history(TempReturns& tr, IngestReport& report) {
  const std::string header = std::string(kHeaderHeader) +
                             "LTRU1001,1,01/06/2012,WBRI,,,\nLTRU2002,2,01/01/2015,WBRI,,,\n"
                             "LTRU3003,1,01/03/2020,WBRI,,,\nLTRU4004,1,01/01/2012,WBRI,,,\n"
                             "ADPT1001,2,01/09/2022,WBRI,,,\nADPT2002,1,01/05/2023,WBRI,,,\n"
                             "ADPT3003,2,01/02/2023,WBRI,,,\nADPT4004,1,01/01/2022,WBRI,,,\n"
                             "KNWN5005,2,01/01/2008,WBRI,,,\nTOPB6006,1,01/05/2005,WBRI,,,\n"
                             "STRT7007,2,01/01/2016,WBRI,,,\nSTRT8008,1,01/06/2014,WBRI,,,\n"
                             "STRT9009,2,01/09/2010,WBRI,,,\n";
  tr.write("2023_24", "header.csv", header);
  tr.write("2023_24", "episodes.csv", std::string(kEpisodesHeader) +
           "LTRU1001,01/06/2022,P,C2,N1,U4,PR1,01/09/2023,E4A,,,,\n"
           "LTRU2002,01/02/2023,L,C2,N1,U4,PR1,01/07/2023,E4A,,,,\n"
           "LTRU3003,01/05/2022,P,E1,N1,A4,PR1,,,,,,\n"
           "LTRU4004,01/06/2022,P,C2,N1,U4,PR1,,,,,,\n"
           "ADPT1001,01/03/2023,P,E1,N1,A4,PR1,17/09/2023,E11,,,,\n"
           "ADPT2002,01/06/2023,S,E1,N1,A4,PR1,01/03/2024,E11,,,,\n"
           "ADPT3003,01/04/2023,S,E1,N1,A4,PR1,,,,,,\n"
           "ADPT4004,01/10/2023,S,E1,N1,A4,PR1,,,,,,\n"
           "KNWN5005,01/01/2020,S,V2,N1,U4,PR1,01/01/2024,E8,,,,\n"
           "TOPB6006,01/03/2013,P,C2,N1,U4,PR1,01/05/2023,E17,,,,\n"
           "STRT7007,01/12/2023,S,C2,N1,U4,PR1,,,,,,\n");
  tr.write("2024_25", "header.csv", header);
  tr.write("2024_25", "episodes.csv", std::string(kEpisodesHeader) +
           "LTRU3003,01/05/2022,P,E1,N1,A4,PR1,01/08/2024,E11,,,,\n"
           "LTRU4004,01/06/2022,P,C2,N1,U4,PR1,,,,,,\n"
           "ADPT3003,01/04/2023,S,E1,N1,A4,PR1,01/06/2024,E11,,,,\n"
           "ADPT4004,01/10/2023,S,E1,N1,A4,PR1,01/10/2024,E11,,,,\n"
           "STRT7007,01/12/2023,S,C2,N1,U4,PR1,,,,,,\n"
           "STRT8008,01/02/2025,S,C2,N1,U4,PR1,,,,,,\n"
           "STRT9009,01/03/2025,S,C2,N1,U4,PR1,,,,,,\n");
  return ingest({tr.root()}, std::nullopt, report);
}

class LeftTruncated : public ::testing::Test {
 protected:
  void SetUp() override {
    h = left_truncated_history(tr, report);
    ASSERT_EQ(h.years.size(), 2u);
    a = assess(h, Options{});
  }
  bool blank(const std::string& id, const std::string& row, const std::string& column) {
    return std::holds_alternative<std::monostate>(cell(table(a, id), row, column));
  }
  TempReturns tr;
  IngestReport report;
  History h;
  Assessment a;
};

const std::string kUnknownLength = "Began before 2023/24: length not known";

}  // namespace

// Unknown start: L1, L2, L3, L4, A1 and K2 (first episode held before 01/04/2023, RNE P or L);
// K1 began before too but with RNE S. Placements: only L2's (RNE L) has an unknown start.
TEST_F(LeftTruncated, WhichStartsAreKnown) {
  int unknown_periods = 0, unknown_placements = 0;
  for (const auto& p : h.periods) unknown_periods += !h.start_known(p);
  for (const auto& pl : h.placements) unknown_placements += !h.start_known(pl);
  EXPECT_EQ(unknown_periods, 6);
  EXPECT_EQ(unknown_placements, 1);
}

// Leavers 2023/24: L1 (unknown, 457 days held: band 1 to 2, could be more), L2 and A1 (unknown,
// under a year held), A2 (274 days: under 1), K1 (RNE S, 4 years: 2 to 5), K2 (unknown, but
// 3713 days held is 10 years or more whatever came before). Not known: L1, L2, A1 = 3.
// 2024/25: L3 (unknown, 823 days held: 2 years, not known), A3 (427) and A4 (366): 1 to 2.
// Before the fix every unknown start counted from its first episode held (L2 and A1 as under a
// year, L1 as 1 to 2, L3 as 2 to 5).
TEST_F(LeftTruncated, TimeInCareAtLeavingCountsUnknownStartsApart) {
  const auto& t = table(a, "ceasers_by_duration");
  expect_numbers(t, {{"Under 1", "y2024", 1},
                     {"1 to under 2", "y2024", 0},
                     {"2 to under 5", "y2024", 1},
                     {"10 years", "y2024", 1},
                     {kUnknownLength, "y2024", 3},
                     {"Total", "y2024", 6},
                     {"1 to under 2", "y2025", 2},
                     {"2 to under 5", "y2025", 0},
                     {kUnknownLength, "y2025", 1},
                     {"Total", "y2025", 3}});
  // Both years have leavers of unknown length: not reliable in any year held.
  EXPECT_NE(t.table.notes.find("Not yet reliable in any year held"), std::string::npos) << t.table.notes;
}

// Left within a year, 2023/24: A2 (274 days) is, K1, K2 and L1 are not, but L2 and A1 (unknown
// starts, under a year held) may or may not be: the year is blank. 2024/25: L3 (2 years held),
// A3 and A4 (a year or more) are not: 0, and the year is reliable. (Before: L2 and A1 counted as
// short stays, A1 as an adoption "within a year of starting" -- the 2015/16 case.)
TEST_F(LeftTruncated, ShortStaysBlankWhileUnknown) {
  for (const char* id : {"short_stay_leavers_by_destination", "short_stay_leavers_by_age_band"}) {
    EXPECT_TRUE(blank(id, "Total", "y2024")) << id;
    EXPECT_EQ(num(table(a, id), "Total", "y2025"), 0) << id;
    EXPECT_NE(table(a, id).table.notes.find("Reliable from 2024/25"), std::string::npos) << table(a, id).table.notes;
  }
  EXPECT_TRUE(blank("short_stay_leavers_by_destination", std::string(label(CeaseGroup::adopted)), "y2024"));
}

// Adoptions 2023/24: A1 (at least 200 days) and A2 (274): the median is 237 if A1 took 200 days,
// but up to 274 if it took longer: blank. 2024/25: A3 427, A4 366 and L3 at least 823: the median
// is 427 whatever L3 took. Entered care under 1, 2023/24: A1 was 0 at its first episode held (so
// under 1 at any earlier start) and A2 entered at 0: 2. 2024/25: A3 entered at 0, A4 at 1, and L3
// was 2 at its first episode held, perhaps under 1 at its start: blank.
// Adopted under 1: 2023/24 A2 (aged 0 on 01/03/2024); A1 was 1 on 17/09/2023.
TEST_F(LeftTruncated, DaysToAdoptionAndEntryUnderOne) {
  const auto& t = table(a, "permanence_by_year");
  EXPECT_TRUE(blank("permanence_by_year", "2023/24", "median_days_to_adoption"));
  expect_numbers(t, {{"2023/24", "adopted", 2},
                     {"2023/24", "entered_under_1", 2},
                     {"2023/24", "adopted_under_1", 1},
                     {"2024/25", "adopted", 3},
                     {"2024/25", "median_days_to_adoption", 427}});
  EXPECT_TRUE(blank("permanence_by_year", "2024/25", "entered_under_1"));
}

// Long-term stability, 31/03/2024: children under 16 are L3, L4, A3, A4, S1; L3 and L4 have
// unknown starts with first episodes held after 30/09/2021, so whether they had been looked
// after 2.5 years is not known: blank. 31/03/2025: L4 (13) has been looked after since at least
// 01/06/2022, before 30/09/2022, and in a placement begun 01/06/2022 (RNE P), before
// 31/03/2023: 1 of 1. S1, S2, S3 began in the data, after 30/09/2022.
TEST_F(LeftTruncated, LongTermStabilityBlankWhileUnknown) {
  const auto& t = table(a, "placement_stability");
  EXPECT_TRUE(blank("placement_stability", "2023/24", "long_term"));
  EXPECT_TRUE(blank("placement_stability", "2023/24", "same_placement"));
  EXPECT_TRUE(blank("placement_stability", "2023/24", "same_placement_percent"));
  expect_numbers(t, {{"2023/24", "looked_after", 5},
                     {"2024/25", "looked_after", 4},
                     {"2024/25", "long_term", 1},
                     {"2024/25", "same_placement", 1},
                     {"2024/25", "same_placement_percent", 100}});
}

// Kaplan-Meier follows only periods that began in the span: A2 274 ended, A3 427 ended, A4 366
// ended, S1 486, S2 58, S3 30 censored (the left-truncated L1-L4, A1, K1, K2 are left out).
//   Sorted: 30+, 58+, 274, 366, 427, 486+. t=274: 4 at risk, S = 3/4; t=366: 3 at risk,
//   S = 1/2; t=427: 2 at risk, S = 1/4. Quartiles 274, 366, 427; S(365) = 75%.
// The curve is known up to 486 days (the longest follow-up) and blank beyond: at 547 days and
// later. (Before, S(1826) was drawn at 25%, as if someone had been followed five years.)
TEST_F(LeftTruncated, KaplanMeierLeavesOutTruncatedPeriodsAndStopsAtFollowUp) {
  const auto& km = table(a, "time_in_care_kaplan_meier");
  expect_numbers(km, {{"All ages", "periods", 6},
                      {"All ages", "ended", 3},
                      {"All ages", "q1_days", 274},
                      {"All ages", "median_days", 366},
                      {"All ages", "q3_days", 427}});
  EXPECT_DOUBLE_EQ(num(km, "All ages", "still_in_care_1y_percent"), 75.0);
  const auto& curve = table(a, "time_in_care_curve");
  const size_t all = curve.table.column_index("all");
  for (const auto& row : curve.table.rows) {
    const double day = std::get<double>(row[0]);
    if (day <= 486) {
      ASSERT_TRUE(std::holds_alternative<double>(row[all])) << day;
      EXPECT_DOUBLE_EQ(std::get<double>(row[all]), day < 274 ? 100.0 : day < 366 ? 75.0 : 25.0 + 25.0 * (day < 427)) << day;
    } else {
      EXPECT_TRUE(std::holds_alternative<std::monostate>(row[all])) << day;
    }
  }
}

// Placements that ended 01/04/2023-31/03/2025. Other foster care (U4): L1 457 (RNE P: start
// known), K1 1461, K2 3713, and L2 at least 150 (RNE L): as held the median is (457 + 1461) / 2
// = 959, with L2 unbounded (1461 + 3713) / 2 = 2587: blank, and so is the mean. Placed for
// adoption (A4), all known: 200, 274, 366, 427, 823: median 366, mean 2090 / 5 = 418.
TEST_F(LeftTruncated, PlacementLengthsBlankWhereUnknownStartsMatter) {
  const auto& t = table(a, "placement_length_by_type");
  const std::string foster = std::string(label(PlacementGroup::foster_other)),
                    adoption = std::string(label(PlacementGroup::placed_for_adoption));
  expect_numbers(t, {{foster, "ended", 4}, {foster, "open", 4}, {adoption, "ended", 5}, {adoption, "median_days", 366},
                     {adoption, "mean_days", 418}});
  EXPECT_TRUE(blank("placement_length_by_type", foster, "median_days"));
  EXPECT_TRUE(blank("placement_length_by_type", foster, "mean_days"));
}

// Children looked after on 31/03/2025: L4 (began at an unknown date before 2023/24), S1
// (2023/24), S2 and S3 (2024/25). Before, L4 was counted in 2022/23, the year of its first
// episode held.
TEST_F(LeftTruncated, EntryCohortsCountUnknownYearApart) {
  expect_numbers(table(a, "entry_cohorts"), {{"2024/25", "children", 2},
                                            {"2023/24", "children", 1},
                                            {"Before 2023/24 (year not known)", "children", 1},
                                            {"Total", "children", 4}});
  EXPECT_FALSE(has_row(table(a, "entry_cohorts"), "2022/23"));
}

// Returns home: L1 and L2 (E4A), both with unknown starts and no placement change held, so
// their placement changes are not known; both have 12 months' follow-up to 31/03/2025.
TEST_F(LeftTruncated, PlacementChangesBeforeReturnHomeNotKnown) {
  const auto& t = table(a, "reentry_after_return_home");
  const size_t returned = t.table.column_index("returned_12");
  std::map<std::string, double> by_group;
  for (const auto& row : t.table.rows)
    if (std::get<std::string>(row[0]) == "Placement changes in the period")
      by_group[std::get<std::string>(row[1])] = std::get<double>(row[returned]);
  EXPECT_EQ(by_group["0"], 0);
  EXPECT_EQ(by_group["Not known: began before 2023/24"], 2);
  EXPECT_EQ(std::get<double>(t.table.rows.front()[returned]), 2);
  EXPECT_NE(table(a, "children_by_number_of_periods").table.title.find("since 2023/24"), std::string::npos);
}

// The register: from which year each measure is reliable, as derived above.
TEST_F(LeftTruncated, MeasureReliabilityTable) {
  const auto& t = table(a, "measure_reliability");
  std::map<std::string, std::string> from;
  for (const auto& row : t.table.rows) from[std::get<std::string>(row[0])] = std::get<std::string>(row[2]);
  EXPECT_EQ(from["Time in care at leaving"], "no year held");
  EXPECT_EQ(from["Left care within a year of starting, by reason"], "2024/25");
  EXPECT_EQ(from["Median days from entry to adoption"], "2024/25");
  EXPECT_EQ(from["Adopted children who entered care under 1"], "no year held");
  EXPECT_EQ(from["Long-term placement stability (under 16, looked after 2.5+ years, same placement 2+ years)"], "2024/25");
  EXPECT_EQ(from["Time in care (Kaplan–Meier)"], "every year");
  bool said = false;
  for (const auto& l : a.limitations) said |= l.find("already running on 1 April 2023") != std::string::npos;
  EXPECT_TRUE(said);
}

// On the hand-built council of fixture.hpp every period began in the data or with RNE S (E's,
// 01/01/2020): nothing is counted apart or left blank.
TEST_F(HandBuilt, NoLeftTruncationNothingBlank) {
  EXPECT_FALSE(has_row(table(a, "ceasers_by_duration"), "Began before"));
  EXPECT_EQ(num(table(a, "short_stay_leavers_by_age_band"), "Total", "y2024"), 1);  // C
  for (const auto& row : table(a, "measure_reliability").table.rows) {
    const auto& from = std::get<std::string>(row[2]);
    EXPECT_TRUE(from.rfind("every year", 0) == 0 || from.find("figures shown") != std::string::npos) << from;
  }
}

// The median with lengths known only from below, by hand.
TEST(DeterminedMedian, ByHand) {
  EXPECT_EQ(determined_median({1, 2, 3}, {}), 2.0);
  // 100, 300 and at least 200: 200 as held, 300 if unbounded: not determined.
  EXPECT_EQ(determined_median({100, 300}, {200}), std::nullopt);
  // 100, 200 and at least 300: the median is 200 whatever the third is.
  EXPECT_EQ(determined_median({100, 200}, {300}), 200.0);
  // 100, 300, 500 and at least 400: (300 + 400) / 2 = 350 as held, (300 + 500) / 2 = 400
  // unbounded: 50 apart, 14.3% of 350: within a 15% tolerance, not within 10%.
  EXPECT_EQ(determined_median({100, 300, 500}, {400}, 0.15), 350.0);
  EXPECT_EQ(determined_median({100, 300, 500}, {400}, 0.10), std::nullopt);
  EXPECT_EQ(determined_median({}, {5}), std::nullopt);
  EXPECT_EQ(determined_median({}, {}), std::nullopt);
}

// "Excluding 18th-birthday exits, care grew by 9" while the number looked after rose by 2. One
// return, 2024/25; 20 children looked after since 01/01/2023 (RNE S): 7 leave on their 18th
// birthday (01/09/2024), 6 return home (01/10/2024), 7 stay; 15 start on 01/06/2024 and stay.
// Starters 15, ceasers 13 (7 at 18). At 31/03/2024: 20; at 31/03/2025: 7 + 15 = 22: rose by 2.
// Without the 7 who left at 18: 22 + 7 - 20 = 9.
TEST(FlowsMessage, StatesTheChangeInTheNumberLookedAfter) {
  TempReturns tr;
  std::string header = kHeaderHeader, episodes = kEpisodesHeader;
  for (int i = 1; i <= 35; ++i) {
    const std::string id = fmt::format("FLOW{:04d}", i);
    const bool at18 = i <= 7, home = i > 7 && i <= 13, starter = i > 20;
    header += id + (at18 ? ",1,01/09/2006" : starter ? ",2,01/01/2014" : ",1,01/01/2012") + ",WBRI,,,\n";
    episodes += id + (starter ? ",01/06/2024" : ",01/01/2023") + ",S,C2,N1,U4,PR1," +
                (at18 ? "01/09/2024,E17" : home ? "01/10/2024,E4A" : ",") + ",,,,\n";
  }
  tr.write("2024_25", "header.csv", header);
  tr.write("2024_25", "episodes.csv", episodes);
  IngestReport report;
  const History h = ingest({tr.root()}, std::nullopt, report);
  const auto a = assess(h, Options{});
  expect_numbers(table(a, "flows_by_year"), {{"2024/25", "started", 15},
                                             {"2024/25", "ceased", 13},
                                             {"2024/25", "ceased_at_18", 7},
                                             {"2024/25", "net_change", 2},
                                             {"2024/25", "net_change_excl_18", 9}});
  std::string text;
  for (const auto& m : a.messages)
    if (m.section == "flows" && m.text.find("started and") != std::string::npos) text = m.text;
  EXPECT_EQ(text,
            "In 2024/25 15 children started and 13 ceased to be looked after; 7 of the ceasers left at 18 or over. The "
            "number looked after rose by 2, from 20 to 22; without the 7 who left at 18 or over it would have risen by 9.");
  EXPECT_EQ(text.find("care grew"), std::string::npos);
}
