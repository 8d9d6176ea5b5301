// Rules read as DfE's wording has them (issue #11): each test a small return built by hand where
// careflow was wrong before (EPI, 388, 367, 222, the 12-month cohort of 185/190, 1002, rules
// needing the council's code, 575, 580, 709/710), or where the reference validator reads the
// rule otherwise (docs/validation-deviations.md names these tests). Each expected row is derived
// in the comment beside it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "careflow/validate/engine.hpp"
#include "hand_return.hpp"

using namespace careflow;
using namespace careflow::validate;
using namespace careflow::validate::testing;
using ssda903::Table;

// ---- Fixes: careflow disagreed with DfE's rule ----

TEST(DfeWording, EpiCareLeaversWithoutEpisodesAreNotFlagged) {
  // A has episodes; B is a care leaver (an OC3 row, no episode), a normal part of the return;
  // C has neither: only C (Header row 2) needs episodes loaded. Before, B was flagged too.
  const auto r = make_return(2025, {{"header.csv", "CHILD\nA\nB\nC\n"},
                                    {"episodes.csv", "CHILD,DECOM\nA,01/05/2024\n"},
                                    {"oc3.csv", "CHILD,IN_TOUCH,ACTIV,ACCOM\nB,YES,F1,H1\n"}});
  EXPECT_EQ(run("EPI", 2025, r)[Table::header], (Rows{2}));
  // No Episodes table at all: no child has episodes, so every Header child without an OC3 row is
  // flagged (D, row 1), not nothing as before.
  const auto none = make_return(2025, {{"header.csv", "CHILD\nB\nD\n"}, {"oc3.csv", "CHILD,IN_TOUCH,ACTIV,ACCOM\nB,YES,F1,H1\n"}});
  EXPECT_EQ(run("EPI", 2025, none)[Table::header], (Rows{1}));
}

TEST(DfeWording, Rule388LastEpisodeCodedX1WithoutDec) {
  // 2024/25. A's only episode: REC X1 and no DEC, and no episode follows: X1 says a new episode
  // begins but there is none (row 0, flagged; before, skipped for want of a DEC). B ends X1 on
  // 1 Jun and the next starts that day (rows 1, 2 pass). C's first episode has X1 without DEC but
  // is followed by one (row 3: no DEC to compare, 148's business; row 4 open, passes). D left
  // care (E4A, row 5 passes).
  const auto r = make_return(2025, {{"episodes.csv", "CHILD,DECOM,DEC,REC\nA,01/05/2024,,X1\n"
                                                     "B,01/05/2024,01/06/2024,X1\nB,01/06/2024,,\n"
                                                     "C,01/05/2024,,X1\nC,01/07/2024,,\nD,01/05/2024,01/06/2024,E4A\n"}});
  EXPECT_EQ(run("388", 2025, r)[Table::episodes], (Rows{0}));
}

TEST(DfeWording, Rule367OpenShortBreakCountsTo31March) {
  // 2024/25 (1 Apr 2024 - 31 Mar 2025); days are DEC - DECOM, an open break runs to 31 March.
  // A: one open V3 from 1 Jan 2025: 89 days (30 + 28 + 31) > 75: row 0 flagged (before, an open
  //    break counted nothing).
  // B: 1 Feb - 1 Mar 2025 (28) and open from 10 Mar (21): 49, passes (rows 1, 2).
  // C: 1 Apr - 1 Jun 2024 (61) and open from 15 Mar 2025 (16): 77 > 75: rows 3, 4 flagged.
  // D: 1 Feb - 1 Mar 2024 (before the year: 0 days, row 5 not flagged), 1 Apr - 10 Jun 2024
  //    (70) and open from 20 Mar 2025 (11): 81 > 75: rows 6, 7 flagged.
  const auto r = make_return(2025, {{"episodes.csv", "CHILD,DECOM,LS,DEC\nA,01/01/2025,V3,\n"
                                                     "B,01/02/2025,V3,01/03/2025\nB,10/03/2025,V3,\n"
                                                     "C,01/04/2024,V3,01/06/2024\nC,15/03/2025,V3,\n"
                                                     "D,01/02/2024,V3,01/03/2024\nD,01/04/2024,V3,10/06/2024\nD,20/03/2025,V3,\n"}});
  EXPECT_EQ(run("367", 2025, r)[Table::episodes], (Rows{0, 3, 4, 6, 7}));
}

TEST(DfeWording, Rule222PlacementsWithoutUrnByYear) {
  // A URN given (not XXXXXXX) for: 0 P3, 1 P2, 2 H5, 3 K2 (registered, passes every year), 4 P1
  // with the placeholder XXXXXXX (passes), 5 T4, 6 Z11. DfE's lists: 2022/23 H5, P1, P2, P3, R1,
  // R2, R5, T0-T4, Z1; 2023/24 without H5 (registered from 28 October 2023); 2024/25 without P2;
  // 2025/26 with Z11-Z14 for Z1. Before, P2, P3 and H5 were on no year's list and T4 not on
  // 2025/26's.
  const char* text = "CHILD,PLACE,URN\nA,P3,SC1\nB,P2,SC2\nC,H5,SC3\nD,K2,SC4\nE,P1,XXXXXXX\nF,T4,SC5\nG,Z11,SC6\n";
  EXPECT_EQ(run("222", 2023, make_return(2023, {{"episodes.csv", text}}))[Table::episodes], (Rows{0, 1, 2, 5}));
  EXPECT_EQ(run("222", 2024, make_return(2024, {{"episodes.csv", text}}))[Table::episodes], (Rows{0, 1, 5}));
  EXPECT_EQ(run("222", 2025, make_return(2025, {{"episodes.csv", text}}))[Table::episodes], (Rows{0, 5}));
  EXPECT_EQ(run("222", 2026, make_return(2026, {{"episodes.csv", text}}))[Table::episodes], (Rows{0, 5, 6}));
}

TEST(DfeWording, TwelveMonthCohortThroughABlankDec) {
  // 2024/25: looked after continuously for 12 months at 31 March 2025 means since 1 April 2024.
  // A: in care since 1 Jan 2020; that episode's DEC was left blank, the next starts 1 Oct 2024
  //    and is open. A missing DEC is no break: A is in the cohort (before, the chain stopped at
  //    the blank and A looked newly looked after from 1 Oct, so its SDQ score was flagged).
  // B: left care 1 Sep 2024 (E4A), back 1 Oct 2024: a real break, not in the cohort (flagged).
  // C: the blank DEC on its first episode, then care from 1 May 2024 ended 1 Sep 2024: C is not
  //    looked after at 31 March (before, the blank counted as open at 31 March: not flagged).
  // Each has an SDQ score (185) and an OC2 item (190): rows 1 and 2 are flagged by both.
  const auto r = make_return(2025, {{"episodes.csv", "CHILD,DECOM,LS,DEC,REC\nA,01/01/2020,C2,,\nA,01/10/2024,C2,,\n"
                                                     "B,01/01/2020,C2,01/09/2024,E4A\nB,01/10/2024,C2,,\n"
                                                     "C,01/01/2020,C2,,\nC,01/05/2024,C2,01/09/2024,E4A\n"},
                                    {"oc2.csv", "CHILD,SDQ_SCORE,IMMUNISATIONS\nA,10,1\nB,10,1\nC,10,1\n"}});
  EXPECT_EQ(run("185", 2025, r)[Table::oc2], (Rows{1, 2}));
  EXPECT_EQ(run("190", 2025, r)[Table::oc2], (Rows{1, 2}));
}

TEST(DfeWording, Rule1002OnlyWhenTheReturnsShowNoPreviousCare) {
  // 2024/25 against 2023/24. A and B are care leavers with no episode in either year; A was a
  // care leaver last year too (an OC3 row), which DfE accepted only with previous episodes, so A
  // has them, before the two years (passes; before, flagged as by the reference). B has no sign
  // of previous care (row 1, flagged). C had an episode last year (passes).
  const auto last = make_return(2024, {{"episodes.csv", "CHILD,DECOM,DEC,REC\nC,01/05/2023,01/09/2023,E4A\n"},
                                       {"oc3.csv", "CHILD,IN_TOUCH,ACTIV,ACCOM\nA,YES,F1,H1\n"}});
  const auto now = make_return(2025, {{"episodes.csv", "CHILD,DECOM\nX,01/05/2024\n"},
                                      {"oc3.csv", "CHILD,IN_TOUCH,ACTIV,ACCOM\nA,YES,F1,H1\nB,YES,F1,H1\nC,YES,F1,H1\n"}});
  EXPECT_EQ(run("1002", 2025, now, &last)[Table::oc3], (Rows{1}));
  // Last year's return without an OC3 table: nothing shows A's earlier care, so A and B.
  const auto last_no_oc3 = make_return(2024, {{"episodes.csv", "CHILD,DECOM,DEC,REC\nC,01/05/2023,01/09/2023,E4A\n"}});
  EXPECT_EQ(run("1002", 2025, now, &last_no_oc3)[Table::oc3], (Rows{0, 1}));
}

TEST(DfeWording, RulesNeedingTheCouncilAreNotRunWithoutIt) {
  // Derived fields as the CLI makes them without --la: PL_LA known, PL_LOCATION blank. 179
  // (PL_LOCATION not valid) would flag both episodes, and did; it and 503J now say what they
  // need, as do 411 and 1015, which compare with the council.
  const auto r = make_return(2025, {{"episodes.csv", "CHILD,DECOM,LS,PLACE,PLACE_PROVIDER\nA,01/05/2024,C2,K2,PR1\nB,01/05/2024,C2,U4,PR1\n"}});
  const auto l = make_return(2024, {{"episodes.csv", "CHILD,DECOM,LS,PLACE\nA,01/05/2024,C2,K2\n"}});
  DerivedEpisodeFields d;
  d.pl_la = {"E08000001", "E08000002"};
  d.pl_location = d.pl_distance = {"", ""};
  d.location = false;
  ValidationInput in;
  in.this_year = &r;
  in.last_year = &l;
  in.year = CollectionYear{2025};
  in.derived = &d;
  in.derived_last = &d;
  for (const char* code : {"179", "503J", "411", "1015"}) {
    const RuleResult res = run_rule(*find_rule(code, 2025), in);
    EXPECT_EQ(res.outcome, Outcome::not_run) << code;
    EXPECT_NE(res.reason.find("--la"), std::string::npos) << code << ": " << res.reason;
  }
  // With the council's code and PL_LOCATION derived against it, they run: A's K2 at PR1 in
  // E08000001 is IN; B's U4 in E08000002 is OUT (1015 exempts foster placements). Nothing flagged.
  d.pl_location = {"IN", "OUT"};
  d.location = true;
  in.la = "E08000001";
  for (const char* code : {"179", "411", "1015"}) EXPECT_TRUE(run_in(code, in).empty()) << code;
}

TEST(DfeWording, Rule575WhenThePlacementEnds) {
  // 2024/25: each child goes missing from 1 Jun 2024 and the period has no end date.
  // A's episode ends 1 Jul 2024 with a change of legal status only (next RNE L): A stays in the
  //   same placement, which has not ended (row 0 passes; before, flagged as by the reference).
  // B's ends 1 Jul 2024 with a move (next RNE P): the placement ended (row 1 flagged).
  // C's placement goes on through a change of legal status on 1 Jul, then ends with a move on
  //   1 Sep (row 2 flagged).
  // D's episode is open (row 3 passes).
  const auto r = make_return(2025, {{"episodes.csv", "CHILD,DECOM,RNE,DEC,REC\n"
                                                     "A,01/05/2024,S,01/07/2024,X1\nA,01/07/2024,L,,\n"
                                                     "B,01/05/2024,S,01/07/2024,X1\nB,01/07/2024,P,,\n"
                                                     "C,01/05/2024,S,01/07/2024,X1\nC,01/07/2024,L,01/09/2024,X1\nC,01/09/2024,P,,\n"
                                                     "D,01/05/2024,S,,\n"},
                                    {"missing.csv", "CHILD,MIS_START,MIS_END\nA,01/06/2024,\nB,01/06/2024,\nC,01/06/2024,\nD,01/06/2024,\n"}});
  EXPECT_EQ(run("575", 2025, r)[Table::missing], (Rows{1, 2}));
}

TEST(DfeWording, Rule580OnlyWhenCareEnds) {
  // 2024/25: each missing period ends 1 Jul 2024. A's episode ends that day X1 and the next
  // begins (A is still looked after: row 0 passes; before, flagged). B ceased to be looked after
  // that day, E4A (row 2 flagged); C ceased E8, the code for it (row 3 passes).
  const auto r = make_return(2025, {{"episodes.csv", "CHILD,DECOM,DEC,REC\nA,01/05/2024,01/07/2024,X1\nA,01/07/2024,,\n"
                                                     "B,01/05/2024,01/07/2024,E4A\nC,01/05/2024,01/07/2024,E8\n"},
                                    {"missing.csv", "CHILD,MIS_START,MIS_END\nA,01/06/2024,01/07/2024\n"
                                                    "B,01/06/2024,01/07/2024\nC,01/06/2024,01/07/2024\n"}});
  EXPECT_EQ(run("580", 2025, r)[Table::episodes], (Rows{2}));
}

TEST(DfeWording, Rules709And710PlacementsDuringADolo) {
  // 2026/27. An episode runs from DECOM up to DEC, the day the next begins, and a DoLO likewise.
  // A: K2 1 May - 1 Aug 2026, then K1 from 1 Aug; DoLO 10 May - 1 Aug: the K1 placement begins
  //    the day the DoLO ended, so is not during it (before, 709 and 710 flagged it).
  // B: K2, then U4 from 1 Aug; DoLO to 15 Aug: U4 is during it (709: episode 3, DoLO 1).
  // C: K1 from 1 May, DoLO from 1 Jun, both open: 709 and 710 (episode 4, DoLO 2).
  const auto r = make_return(2027, {{"episodes.csv", "CHILD,DECOM,PLACE,DEC,REC\n"
                                                     "A,01/05/2026,K2,01/08/2026,X1\nA,01/08/2026,K1,,\n"
                                                     "B,01/05/2026,K2,01/08/2026,X1\nB,01/08/2026,U4,,\nC,01/05/2026,K1,,\n"},
                                    {"dolo.csv", "CHILD,DOLO_START,DOLO_END\nA,10/05/2026,01/08/2026\n"
                                                 "B,10/05/2026,15/08/2026\nC,01/06/2026,\n"}});
  auto f = run("709", 2027, r);
  EXPECT_EQ(f[Table::episodes], (Rows{3, 4}));
  EXPECT_EQ(f[Table::dolo], (Rows{1, 2}));
  f = run("710", 2027, r);
  EXPECT_EQ(f[Table::episodes], (Rows{4}));
  EXPECT_EQ(f[Table::dolo], (Rows{2}));
}

// ---- Where the reference validator reads DfE's rule otherwise (docs/validation-deviations.md) ----

TEST(DfeWording, Rule634PermanenceSince1April2016) {
  // 2024/25. DfE: previous permanence data, but the child has not started to be looked after
  // from 1 April 2016. A started 1 Jun 2019 (passes: the reference compares with the start of
  // this collection year and flags A); B's only episode began 1 Jun 2014 (PrevPerm row 1 and
  // episode row 1 flagged).
  const auto r = make_return(2025, {{"episodes.csv", "CHILD,DECOM\nA,01/06/2019\nB,01/06/2014\n"},
                                    {"previous_permanence.csv", "CHILD,PREV_PERM,LA_PERM,DATE_PERM\nA,P1,204,ZZ/ZZ/2018\n"
                                                                "B,P1,204,ZZ/ZZ/2012\n"}});
  const auto f = run("634", 2025, r);
  EXPECT_EQ(f.at(Table::previous_permanence), (Rows{1}));
  EXPECT_EQ(f.at(Table::episodes), (Rows{1}));
}

TEST(DfeWording, Rule210Un4ForAChildLookedAfterSinceJanuary) {
  // 2024/25: UN4 is for children newly looked after in the last week (from 24 March 2025). A was
  // looked after from 1 Jan 2025 and moved on 28 Mar 2025 (its latest episode): looked after more
  // than a week, flagged (Header row 0 and the latest episode, row 1). The reference reads only
  // the latest episode's start, 28 March, and misses A. B came into care on 28 Mar (passes).
  const auto r = make_return(2025, {{"header.csv", "CHILD,UPN\nA,UN4\nB,UN4\n"},
                                    {"episodes.csv", "CHILD,DECOM,DEC,REC\nA,01/01/2025,28/03/2025,X1\nA,28/03/2025,,\n"
                                                     "B,28/03/2025,,\n"}});
  const auto f = run("210", 2025, r);
  EXPECT_EQ(f.at(Table::header), (Rows{0}));
  EXPECT_EQ(f.at(Table::episodes), (Rows{1}));
}

TEST(DfeWording, Rule146K3ValidFrom2024_25) {
  // Supported accommodation (K3) is a placement type from 2024/25: valid then (the reference
  // lists it as "k3", so flags every K3 after upper-casing), not in 2023/24. XX is never valid.
  const char* text = "CHILD,PLACE\nA,K3\nB,XX\nC,U1\n";
  EXPECT_EQ(run("146", 2025, make_return(2025, {{"episodes.csv", text}}))[Table::episodes], (Rows{1}));
  EXPECT_EQ(run("146", 2024, make_return(2024, {{"episodes.csv", text}}))[Table::episodes], (Rows{0, 1}));
}

TEST(DfeWording, Rule104OnlyInvalidDates) {
  // DfE: the date UASC status ceased is not a valid date. A's 01/06/2020 is valid though before
  // the year (passes; the reference flags it); B's 31/02/2024 is no date (flagged); C blank.
  const auto r = make_return(2025, {{"uasc.csv", "CHILD,DUC\nA,01/06/2020\nB,31/02/2024\nC,\n"}});
  EXPECT_EQ(run("104", 2025, r)[Table::uasc], (Rows{1}));
}

TEST(DfeWording, Rule562EveryEpisodeFromBeforeTheYear) {
  // 2024/25 against 2023/24. DfE: an episode that began before this year with no continuous
  // episode last year. A's first episode (1 Jan 2024) is last year's open one (passes); its
  // second from before the year (1 Mar 2024) is in no episode last year (row 1 flagged; the
  // reference checks only each child's earliest, so misses it). B's episode from 1 Feb 2024 is
  // in last year's return, which also holds a later one (1 Mar 2024, ended the same day,
  // recorded in error): there is a continuous episode (passes; the reference compares with
  // last year's latest only and flags it).
  const auto last = make_return(2024, {{"episodes.csv", "CHILD,DECOM,DEC,REC\nA,01/01/2024,,\nB,01/02/2024,,\n"
                                                        "B,01/03/2024,01/03/2024,X1\n"}});
  const auto now = make_return(2025, {{"episodes.csv", "CHILD,DECOM,DEC,REC\nA,01/01/2024,01/05/2024,X1\nA,01/03/2024,,\n"
                                                       "B,01/02/2024,,\n"}});
  EXPECT_EQ(run("562", 2025, now, &last)[Table::episodes], (Rows{1}));
}

TEST(DfeWording, Rule502AgainstTheOpenEpisodeLastYearEndedWith) {
  // 2024/25 against 2023/24. DfE: last year's record ended with an open episode whose start
  // differs from this year's first. A's record last year ends with the open episode from 1 Jun
  // 2023; an earlier one (1 Jan 2023) also lacks a DEC, in error. This year's first is 1 Jun 2023
  // (passes; the reference compares with every open episode of last year and flags it). B's
  // record ended open from 1 Feb 2024, this year's first is 1 Mar 2024 (row 1 flagged).
  const auto last = make_return(2024, {{"episodes.csv", "CHILD,DECOM,DEC,REC\nA,01/01/2023,,\nA,01/06/2023,,\nB,01/02/2024,,\n"}});
  const auto now = make_return(2025, {{"episodes.csv", "CHILD,DECOM\nA,01/06/2023\nB,01/03/2024\n"}});
  EXPECT_EQ(run("502", 2025, now, &last)[Table::episodes], (Rows{1}));
}
