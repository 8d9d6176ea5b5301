// Hand-derived failing and passing rows for rules whose reference fixtures are thin, and the
// 2024/25 SEX code change across years (rule 202). Each expectation is worked out in a comment.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <utility>

#include "careflow/io/csv.hpp"
#include "careflow/io/postcodes.hpp"
#include "careflow/io/ssda903.hpp"
#include "careflow/validate/engine.hpp"
#include "hand_return.hpp"

using namespace careflow;
using namespace careflow::validate;
using ssda903::Table;

using namespace careflow::validate::testing;

TEST(Rule202, SexCodeChangeAcrossThe2024_25Boundary) {
  // 2023/24 used 1/2; 2024/25 uses M/F/U. A: 1 -> M (same sex), B: 2 -> F (same), C: 1 -> F
  // (a real change), D: 2 -> M (a change). Only C (row 2) and D (row 3) are flagged.
  const auto last = make_return(2024, {{"header.csv", "CHILD,SEX\nA,1\nB,2\nC,1\nD,2\n"}});
  const auto now = make_return(2025, {{"header.csv", "CHILD,SEX\nA,M\nB,F\nC,F\nD,M\n"}});
  auto f = run("202", 2025, now, &last);
  EXPECT_EQ(f[Table::header], (Rows{2, 3}));
  // Within one coding (2023/24 against 2022/23): 1 -> 2 flagged, 1 -> 1 not.
  const auto l2 = make_return(2023, {{"header.csv", "CHILD,SEX\nA,1\nB,1\n"}});
  const auto n2 = make_return(2024, {{"header.csv", "CHILD,SEX\nA,1\nB,2\n"}});
  f = run("202", 2024, n2, &l2);
  EXPECT_EQ(f[Table::header], (Rows{1}));
}

TEST(SequenceRules, LegalStatusDurations) {
  // 2024/25 (1 Apr 2024 - 31 Mar 2025). A: L1 1-3 May (2 days, passes); B: L1 1-3 May then
  // L1 3-5 May, contiguous, 4 days > 3: both flagged; C: L1 open from 20 Mar 2025, 11 days to
  // 31 Mar: flagged. So rows 1, 2, 3.
  const auto r = make_return(2025, {{"episodes.csv",
                                     "CHILD,DECOM,LS,DEC\n"
                                     "A,01/05/2024,L1,03/05/2024\n"
                                     "B,01/05/2024,L1,03/05/2024\n"
                                     "B,03/05/2024,L1,05/05/2024\n"
                                     "C,20/03/2025,L1,\n"}});
  EXPECT_EQ(run("361", 2025, r)[Table::episodes], (Rows{1, 2, 3}));
  // L2 for 21 days passes (1-22 May), 22 days fails (1-23 May).
  const auto r2 = make_return(2025, {{"episodes.csv",
                                      "CHILD,DECOM,LS,DEC\nA,01/05/2024,L2,22/05/2024\nB,01/05/2024,L2,23/05/2024\n"}});
  EXPECT_EQ(run("362", 2025, r2)[Table::episodes], (Rows{1}));
}

TEST(SequenceRules, ShortBreaksAndHolidays) {
  // 365: V3 of 17 days passes (1-18 May), 18 days fails (1-19 May).
  const auto r = make_return(2025, {{"episodes.csv",
                                     "CHILD,DECOM,LS,DEC\nA,01/05/2024,V3,18/05/2024\nB,01/05/2024,V3,19/05/2024\n"}});
  EXPECT_EQ(run("365", 2025, r)[Table::episodes], (Rows{1}));
  // 377: A has three T3 placements (all flagged: rows 0, 2, 3), B two (passes).
  const auto t = make_return(2025, {{"episodes.csv",
                                     "CHILD,DECOM,PLACE\nA,01/05/2024,T3\nA,02/05/2024,U1\nA,03/05/2024,T3\n"
                                     "A,04/05/2024,T3\nB,01/05/2024,T3\nB,02/05/2024,T3\n"}});
  EXPECT_EQ(run("377", 2025, t)[Table::episodes], (Rows{0, 2, 3}));
}

TEST(SequenceRules, FirstEpisodeStartsWithS) {
  // 357 (2024/25): A's first episode starts 1 May 2024 with P (fails, row 1); B's starts with S
  // (passes); C's first episode started before the year (carried over, passes).
  const auto r = make_return(2025, {{"episodes.csv",
                                     "CHILD,DECOM,RNE\nA,01/06/2024,P\nA,01/05/2024,P\nB,01/05/2024,S\n"
                                     "C,01/05/2023,P\nC,01/05/2024,P\n"}});
  EXPECT_EQ(run("357", 2025, r)[Table::episodes], (Rows{1}));
}

TEST(SequenceRules, ResidentialEmploymentAge) {
  // 374: A born 1 Jun 2010 placed P3 on 31 May 2024 (13) fails; B born 1 May 2010 placed
  // 1 May 2024 (14) passes.
  const auto r = make_return(2025, {{"header.csv", "CHILD,DOB\nA,01/06/2010\nB,01/05/2010\n"},
                                    {"episodes.csv", "CHILD,DECOM,PLACE\nA,31/05/2024,P3\nB,01/05/2024,P3\n"}});
  EXPECT_EQ(run("374", 2025, r)[Table::episodes], (Rows{0}));
}

TEST(SequenceRules, MissingPeriodsOverlap) {
  // 574: A's second period starts 3 Jun inside the first (1-5 Jun): the new one is flagged (1);
  // B's periods touch (1-3 Jun, 3-4 Jun): pass.
  const auto r = make_return(2025, {{"missing.csv",
                                     "CHILD,MIS_START,MIS_END\nA,01/06/2024,05/06/2024\nA,03/06/2024,\n"
                                     "B,01/06/2024,03/06/2024\nB,03/06/2024,04/06/2024\n"}});
  EXPECT_EQ(run("574", 2025, r)[Table::missing], (Rows{1}));
}

TEST(ProviderRules, RegistrationEndAndUnknownUrn) {
  // Provider list: SC1 registered until 30 Jun 2024; SC2 has one ended row and one open row
  // (still registered); SC3 until 1 May 2024.
  const auto path = std::filesystem::temp_directory_path() / ("careflow_rules_test_providers_" + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream f(path);
    f << "URN,REG_END\nsc1,30/06/2024\nSC2,01/01/2020\nSC2,\nSC3,01/05/2024\n";
  }
  ProblemLog log;
  const auto providers = provider_info_from_csv(read_csv(path.string()), path.string(), log);
  std::filesystem::remove(path);
  ASSERT_TRUE(providers.has_value());
  // Episodes (2024/25): 0 SC1 1 May-1 Jun (inside the registration: passes both);
  // 1 SC1 1 Jun, open (228: the year end is after 30 Jun: fails); 2 SC3 starting 1 May, the
  // day registration ended (227 fails; 228 fails, ends 2 May); 3 SC2 (still registered: passes);
  // 4 SC9 not in the list (1008 fails); 5 XXXXXXX placeholder and 6 blank (pass).
  const auto r = make_return(2025, {{"episodes.csv",
                                     "CHILD,DECOM,DEC,URN\nA,01/05/2024,01/06/2024,SC1\nA,01/06/2024,,SC1\n"
                                     "B,01/05/2024,02/05/2024,SC3\nC,01/05/2024,,SC2\nD,01/05/2024,,SC9\n"
                                     "E,01/05/2024,,XXXXXXX\nF,01/05/2024,,\n"}});
  ValidationInput in;
  in.this_year = &r;
  in.year = CollectionYear{2025};
  in.providers = &*providers;
  EXPECT_EQ(run_rule(*find_rule("227", 2025), in).flagged[Table::episodes], (Rows{2}));
  EXPECT_EQ(run_rule(*find_rule("228", 2025), in).flagged[Table::episodes], (Rows{1, 2}));
  EXPECT_EQ(run_rule(*find_rule("1008", 2025), in).flagged[Table::episodes], (Rows{4}));
  // 219/224: SC1 is registered for K2 placements by PR1 or PR2 (codes given with spaces and
  // lower case, read as the return is). Row 0 K2/PR2 passes; row 1 K1/PR3 fails both; row 2
  // is at an unlisted URN (not these rules' business).
  {
    std::ofstream f(path);
    f << "URN,PLACE_CODES,PROVIDER_CODES\nSC1,K2,\"pr1, PR2\"\n";
  }
  const auto p2 = provider_info_from_csv(read_csv(path.string()), path.string(), log);
  std::filesystem::remove(path);
  ASSERT_TRUE(p2.has_value());
  const auto r2 = make_return(2025, {{"episodes.csv",
                                      "CHILD,DECOM,PLACE,PLACE_PROVIDER,URN\nA,01/05/2024,K2,PR2,SC1\n"
                                      "B,01/05/2024,K1,PR3,SC1\nC,01/05/2024,K1,PR3,SC9\n"}});
  ValidationInput in2;
  in2.this_year = &r2;
  in2.year = CollectionYear{2025};
  in2.providers = &*p2;
  EXPECT_EQ(run_rule(*find_rule("219", 2025), in2).flagged[Table::episodes], (Rows{1}));
  EXPECT_EQ(run_rule(*find_rule("224", 2025), in2).flagged[Table::episodes], (Rows{1}));
  // 221/229: SC1 registered at "AB1 2CD" in E09000027; SC2 elsewhere (E08000001).
  {
    std::ofstream f(path);
    f << "URN,POSTCODE,LA_CODE_INFERRED\nSC1,AB1 2CD,E09000027\nSC2,ZZ9 9ZZ,E08000001\n";
  }
  const auto p3 = provider_info_from_csv(read_csv(path.string()), path.string(), log);
  std::filesystem::remove(path);
  ASSERT_TRUE(p3.has_value());
  // Rows: 0 K2 at SC1 "AB12CD" PR1 (same postcode without the space; own LA: passes both);
  // 1 K2 at SC1 "AB1 2CE" PR2 (221 fails: other postcode; 229 fails: PR2 in our area);
  // 2 U1 at SC2 "XX1 1XX" PR1 (221 passes: foster placement; 229 fails: PR1 elsewhere).
  const auto r3 = make_return(2025, {{"episodes.csv",
                                      "CHILD,DECOM,PLACE,PLACE_PROVIDER,PL_POST,URN\n"
                                      "A,01/05/2024,K2,PR1,AB12CD,SC1\nB,01/05/2024,K2,PR2,AB1 2CE,SC1\n"
                                      "C,01/05/2024,U1,PR1,XX1 1XX,SC2\n"}});
  ValidationInput in3;
  in3.this_year = &r3;
  in3.year = CollectionYear{2025};
  in3.providers = &*p3;
  in3.la = "E09000027";
  EXPECT_EQ(run_rule(*find_rule("221", 2025), in3).flagged[Table::episodes], (Rows{1}));
  EXPECT_EQ(run_rule(*find_rule("229", 2025), in3).flagged[Table::episodes], (Rows{1, 2}));
  // Without the list the rules say what they need.
  in.providers = nullptr;
  const auto nr = run_rule(*find_rule("1008", 2025), in);
  EXPECT_EQ(nr.outcome, Outcome::not_run);
  EXPECT_NE(nr.reason.find("Ofsted provider list"), std::string::npos);
}

TEST(PostcodeRules, LocationAgainstPlacementLa) {
  // 411 with the council E09000027: row 0 IN at E09000027 passes; row 1 OUT at E09000027
  // fails; row 2 IN at E08000001 fails; row 3 OUT at E08000001 passes; row 4 (no PL_LA) passes.
  const auto r = make_return(2025, {{"episodes.csv", "CHILD,DECOM\nA,01/05/2024\nB,01/05/2024\nC,01/05/2024\n"
                                                      "D,01/05/2024\nE,01/05/2024\n"}});
  DerivedEpisodeFields d;
  d.pl_la = {"E09000027", "E09000027", "E08000001", "E08000001", ""};
  d.pl_location = {"IN", "OUT", "IN", "OUT", ""};
  d.pl_distance = {"", "", "", "", ""};
  ValidationInput in;
  in.this_year = &r;
  in.year = CollectionYear{2025};
  in.derived = &d;
  in.la = "E09000027";
  EXPECT_EQ(run_rule(*find_rule("411", 2025), in).flagged[Table::episodes], (Rows{1, 2}));
}

// ---- Rules added for issue #3: a failing and a passing row each, derived from DfE's message ----


TEST(UascRules, DistanceAndPostcodesByUascStatus) {
  // 2024/25. C is in this year's UASC table, B in last year's: both are (or were) UASC, A never.
  // Rows: 0 A C2 1000.0 miles; 1 A C2 no distance and no PL_POST; 2 A V3 nothing (short break);
  // 3 B C2 5.0 miles, no postcodes; 4 C C2 nothing.
  const auto now = make_return(2025, {{"header.csv", "CHILD\nA\nB\nC\n"},
                                      {"uasc.csv", "CHILD,DUC\nC,\n"},
                                      {"episodes.csv", "CHILD,DECOM,LS,HOME_POST,PL_POST\n"
                                                       "A,01/05/2024,C2,AB1 0JD,AB1 0JE\nA,01/06/2024,C2,AB1 0JD,\n"
                                                       "A,01/07/2024,V3,,\nB,01/05/2024,C2,,\nC,01/05/2024,C2,,\n"}});
  const auto last = make_return(2024, {{"uasc.csv", "CHILD,DUC\nB,\n"}});
  DerivedEpisodeFields d;
  d.pl_distance = {"1000.0", "", "", "5.0", ""};
  d.pl_la = d.pl_location = {"", "", "", "", ""};
  ValidationInput in;
  in.this_year = &now;
  in.last_year = &last;
  in.year = CollectionYear{2025};
  in.derived = &d;
  EXPECT_EQ(run_in("164", in)[Table::episodes], (Rows{0}));   // A's 1000.0 is over 999.9
  EXPECT_EQ(run_in("392a", in)[Table::episodes], (Rows{1}));  // A's C2 without distance; V3 exempt
  EXPECT_EQ(run_in("406", in)[Table::episodes], (Rows{3}));   // B was UASC and has a distance
  EXPECT_EQ(run_in("392b", in)[Table::episodes], (Rows{1}));  // A lacks PL_POST; B and C are UASC
  // Without last year's return, B counts as never UASC: 164 passes its 5.0, 392b flags it.
  in.last_year = nullptr;
  EXPECT_EQ(run_in("392b", in)[Table::episodes], (Rows{1, 3}));
}

TEST(UascRules, StatusAgainstDateCeased) {
  // 303: Header.UASC stated 0 for A, 1 for B, both with a DUC: only A (UASC row 0, Header row 0).
  const auto r = make_return(2025, {{"header.csv", "CHILD\nA\nB\n"}, {"uasc.csv", "CHILD,DUC\nA,01/06/2024\nB,01/06/2024\n"}});
  const std::vector<std::string> stated = {"0", "1"};
  ValidationInput in;
  in.this_year = &r;
  in.year = CollectionYear{2025};
  in.header_uasc = &stated;
  auto f = run_in("303", in);
  EXPECT_EQ(f[Table::uasc], (Rows{0}));
  EXPECT_EQ(f[Table::header], (Rows{0}));
  // Derived from the UASC table (a CSV return), both are UASC: nothing to flag.
  in.header_uasc = nullptr;
  EXPECT_TRUE(run_in("303", in).empty());

  // 231: UASC A born 1 Apr 2014 is 10 at 31 Mar 2025 (flagged); UASC B born 31 Mar 2014 is 11
  // (passes); C born 1 Apr 2014 is not UASC (passes).
  const auto y = make_return(2025, {{"header.csv", "CHILD,DOB\nA,01/04/2014\nB,31/03/2014\nC,01/04/2014\n"},
                                    {"uasc.csv", "CHILD,DUC\nA,\nB,\n"}});
  EXPECT_EQ(run("231", 2025, y)[Table::header], (Rows{0}));
}

TEST(UascRules, ThisYearAgainstLastYear) {
  // 205A: A and B UASC last year (stated), not this year. A's status ceased 1 Jun 2023, within
  // 2023/24: consistent. B's DUC last year is 1 Jun 2024, after 2023/24: flagged (Header row 1).
  const auto last = make_return(2024, {{"header.csv", "CHILD\nA\nB\n"},
                                       {"uasc.csv", "CHILD,DUC\nA,01/06/2023\nB,01/06/2024\n"}});
  const auto now = make_return(2025, {{"header.csv", "CHILD\nA\nB\n"}});
  const std::vector<std::string> was = {"1", "1"}, is = {"0", "0"};
  ValidationInput in;
  in.this_year = &now;
  in.last_year = &last;
  in.year = CollectionYear{2025};
  in.header_uasc = &is;
  in.header_uasc_last = &was;
  EXPECT_EQ(run_in("205A", in)[Table::header], (Rows{1}));

  // 205B (derived from the tables: all UASC both years). A keeps last year's DUC (passes); B's
  // DUC moved into this year (1 May 2024: ceased this year, passes); C's moved to 1 May 2026,
  // neither last year's nor in this year: flagged (UASC row 2).
  const auto l2 = make_return(2024, {{"uasc.csv", "CHILD,DUC\nA,15/06/2026\nB,15/06/2026\nC,15/06/2026\n"}});
  const auto n2 = make_return(2025, {{"uasc.csv", "CHILD,DUC\nA,15/06/2026\nB,01/05/2024\nC,01/05/2026\n"}});
  EXPECT_EQ(run("205B", 2025, n2, &l2)[Table::uasc], (Rows{2}));

  // 205C: A and B stated not UASC in both years; A has a DUC this year (flagged: Header 0, UASC
  // 0), B none.
  const auto l3 = make_return(2024, {{"header.csv", "CHILD\nA\nB\n"}});
  const auto n3 = make_return(2025, {{"header.csv", "CHILD\nA\nB\n"}, {"uasc.csv", "CHILD,DUC\nA,01/05/2024\n"}});
  const std::vector<std::string> no = {"0", "0"};
  ValidationInput in3;
  in3.this_year = &n3;
  in3.last_year = &l3;
  in3.year = CollectionYear{2025};
  in3.header_uasc = &no;
  in3.header_uasc_last = &no;
  auto f = run_in("205C", in3);
  EXPECT_EQ(f[Table::header], (Rows{0}));
  EXPECT_EQ(f[Table::uasc], (Rows{0}));

  // 205D: A, B, C UASC this year; last year A was not (flagged), B was, C was not in the return.
  const auto l4 = make_return(2024, {{"header.csv", "CHILD\nA\nB\n"}});
  const auto n4 = make_return(2025, {{"header.csv", "CHILD\nA\nB\nC\n"}});
  const std::vector<std::string> now4 = {"1", "1", "1"}, last4 = {"0", "1"};
  ValidationInput in4;
  in4.this_year = &n4;
  in4.last_year = &l4;
  in4.year = CollectionYear{2025};
  in4.header_uasc = &now4;
  in4.header_uasc_last = &last4;
  EXPECT_EQ(run_in("205D", in4)[Table::header], (Rows{0}));
}

TEST(EpisodeRules, TemporaryPlacementsAndReasonForNewEpisode) {
  // 380: a temporary placement must be a change of placement and carer (P or B): S+T1 (row 0)
  // and L+T2 (row 3) fail; P+T1, B+T0 and S+U1 pass.
  const auto t = make_return(2025, {{"episodes.csv", "CHILD,RNE,PLACE\nA,S,T1\nB,P,T1\nC,B,T0\nD,L,T2\nE,S,U1\n"}});
  EXPECT_EQ(run("380", 2025, t)[Table::episodes], (Rows{0, 3}));

  // 434-436 over A's episodes: 1 L with LS changed, placement same (passes); 2 L with LS same
  // (434 fails); 3 P with placement changed, LS same (passes); 4 T with nothing changed (435
  // fails); 5 B with both changed (passes); 6 U with nothing changed (436 fails).
  const auto r = make_return(2025, {{"episodes.csv",
                                     "CHILD,DECOM,RNE,LS,PLACE,PL_POST,URN,PLACE_PROVIDER\n"
                                     "A,01/05/2024,S,C2,U1,X1,SC1,PR1\nA,01/06/2024,L,C1,U1,X1,SC1,PR1\n"
                                     "A,01/07/2024,L,C1,U1,X1,SC1,PR1\nA,01/08/2024,P,C1,U4,X1,SC1,PR1\n"
                                     "A,01/09/2024,T,C1,U4,X1,SC1,PR1\nA,01/10/2024,B,C2,U1,X1,SC1,PR1\n"
                                     "A,01/11/2024,U,C2,U1,X1,SC1,PR1\n"}});
  EXPECT_EQ(run("434", 2025, r)[Table::episodes], (Rows{2}));
  EXPECT_EQ(run("435", 2025, r)[Table::episodes], (Rows{4}));
  EXPECT_EQ(run("436", 2025, r)[Table::episodes], (Rows{6}));

  // 383: A returns to U1 by P after T1 (passes); B moves on to U4 (row 5 fails); C returns to U1
  // but by RNE T (row 8 fails).
  const auto s = make_return(2025, {{"episodes.csv",
                                     "CHILD,DECOM,RNE,PLACE\nA,01/05/2024,S,U1\nA,02/05/2024,P,T1\nA,03/05/2024,P,U1\n"
                                     "B,01/05/2024,S,U1\nB,02/05/2024,P,T1\nB,03/05/2024,P,U4\n"
                                     "C,01/05/2024,S,U1\nC,02/05/2024,P,T2\nC,03/05/2024,T,U1\n"}});
  EXPECT_EQ(run("383", 2025, s)[Table::episodes], (Rows{5, 8}));
  // From 2025/26 the return must also be to the same PL_POST: A comes back to U1 elsewhere (row
  // 2 fails), B to the same address (passes).
  const auto p = make_return(2026, {{"episodes.csv",
                                     "CHILD,DECOM,RNE,PLACE,PL_POST\nA,01/05/2025,S,U1,X1\nA,02/05/2025,P,T1,Y1\n"
                                     "A,03/05/2025,P,U1,Z1\nB,01/05/2025,S,U1,X1\nB,02/05/2025,P,T1,Y1\nB,03/05/2025,P,U1,X1\n"}});
  EXPECT_EQ(run("383", 2026, p)[Table::episodes], (Rows{2}));
}

TEST(EpisodeRules, MissingPeriodsAndDolosAgainstCare) {
  // A was looked after 1 May - 1 Sep 2024; B from 1 May 2024, still looked after.
  // 577: A's missing period from 1 Jun has no end and A's care ended after it started (row 0
  // fails); B's open period (row 2) passes. 578: A's period from 1 Oct starts after A's care
  // ended (row 1 fails); the others start during care.
  const auto r = make_return(2025, {{"episodes.csv", "CHILD,DECOM,DEC,REC\nA,01/05/2024,01/09/2024,E4A\nB,01/05/2024,,\n"},
                                    {"missing.csv", "CHILD,MIS_START,MIS_END\nA,01/06/2024,\nA,01/10/2024,02/10/2024\nB,01/06/2024,\n"}});
  EXPECT_EQ(run("577", 2025, r)[Table::missing], (Rows{0}));
  EXPECT_EQ(run("578", 2025, r)[Table::missing], (Rows{1}));
  // 707 (2026/27), the same for DoLOs.
  const auto d = make_return(2027, {{"episodes.csv", "CHILD,DECOM,DEC,REC\nA,01/05/2026,01/09/2026,E4A\nB,01/05/2026,,\n"},
                                    {"dolo.csv", "CHILD,DOLO_START,DOLO_END\nA,01/06/2026,\nB,01/06/2026,\n"}});
  EXPECT_EQ(run("707", 2027, d)[Table::dolo], (Rows{0}));
  // 576: last year A's and B's periods from 1 Mar 2024 were open, C's ended. This year A's
  // carries on (same start), B's does not (row 1 fails), C needs none.
  const auto lm = make_return(2024, {{"missing.csv", "CHILD,MIS_START,MIS_END\nA,01/03/2024,\nB,01/03/2024,\nC,01/02/2024,02/02/2024\n"}});
  const auto nm = make_return(2025, {{"missing.csv", "CHILD,MIS_START,MIS_END\nA,01/03/2024,\nB,05/04/2024,\nC,01/05/2024,\n"}});
  EXPECT_EQ(run("576", 2025, nm, &lm)[Table::missing], (Rows{1}));
  // 706 (2026/27), the same for DoLOs.
  const auto ld = make_return(2026, {{"dolo.csv", "CHILD,DOLO_START,DOLO_END\nA,01/03/2026,\nB,01/03/2026,\n"}});
  const auto nd = make_return(2027, {{"dolo.csv", "CHILD,DOLO_START,DOLO_END\nA,01/03/2026,\nB,05/04/2026,\n"}});
  EXPECT_EQ(run("706", 2027, nd, &ld)[Table::dolo], (Rows{1}));
}

TEST(OtherRules, PermanenceFoyerOwnProvisionAndUrn) {
  // 633: 204 and SCO and 999 are valid, 809 (not a DfE LA code) and 1234 are not; blank passes.
  const auto pp = make_return(2025, {{"previous_permanence.csv",
                                      "CHILD,PREV_PERM,LA_PERM\nA,P1,204\nB,P1,809\nC,P1,SCO\nD,P1,999\nE,P1,1234\nF,Z1,\n"}});
  EXPECT_EQ(run("633", 2025, pp)[Table::previous_permanence], (Rows{1, 4}));
  // 632: A's order (1 Mar 2024) predates its care from 1 May 2024 (passes); B's (1 Jun 2024)
  // does not (fails); C's ZZ/13/2020 is no date (fails); D's ZZ/ZZ/ZZZZ is "not known" (passes).
  const auto pd = make_return(2025, {{"episodes.csv", "CHILD,DECOM\nA,01/05/2024\nB,01/05/2024\nC,01/05/2024\n"},
                                     {"previous_permanence.csv",
                                      "CHILD,PREV_PERM,DATE_PERM\nA,P1,01/03/2024\nB,P1,01/06/2024\nC,P1,ZZ/13/2020\nD,P1,ZZ/ZZ/ZZZZ\n"}});
  auto f = run("632", 2025, pd);
  EXPECT_EQ(f[Table::previous_permanence], (Rows{1, 2}));
  EXPECT_EQ(f[Table::episodes], (Rows{1, 2}));
  // 347: A (16 on 1 Apr 2024) in a foyer fails; B (18) in a foyer and C (16) in H1 pass.
  const auto oc3 = make_return(2025, {{"oc3.csv", "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nA,02/04/2007,YES,F1,T1\n"
                                                  "B,01/04/2006,YES,F1,T1\nC,02/04/2007,YES,F1,H1\n"}});
  EXPECT_EQ(run("347", 2025, oc3)[Table::oc3], (Rows{0}));

  // 1015 with the council E09000027: PR1 K1 in its area passes, PR1 K1 (row 1) and PR1 P1 (row
  // 2) elsewhere fail, PR2 elsewhere passes, PR1 foster placement U1 elsewhere (row 6) is exempt.
  // 218 (2024/25): row 0 K1 with no URN in England fails; row 1 has one; row 2 P1 is exempt;
  // row 3 is in Wales; row 4 ended in 2014; row 5 H5 needs a URN from 2024/25 (fails).
  const auto e = make_return(2025, {{"episodes.csv",
                                     "CHILD,LS,PLACE,PLACE_PROVIDER,DEC,URN\nA,C2,K1,PR1,,\nB,C2,K1,PR1,,SC1\n"
                                     "C,C2,P1,PR1,,\nD,C2,K1,PR2,,\nE,C2,K1,PR2,01/01/2014,\nF,C2,H5,PR2,,\n"
                                     "G,C2,U1,PR1,,SC2\n"}});
  DerivedEpisodeFields d;
  d.pl_la = {"E09000027", "E08000001", "E08000001", "W06000008", "E08000001", "E08000001", "E08000001"};
  d.pl_location = d.pl_distance = {"", "", "", "", "", "", ""};
  ValidationInput in;
  in.this_year = &e;
  in.year = CollectionYear{2025};
  in.derived = &d;
  in.la = "E09000027";
  EXPECT_EQ(run_in("1015", in)[Table::episodes], (Rows{1, 2}));
  EXPECT_EQ(run_in("218", in)[Table::episodes], (Rows{0, 5}));
  // Without postcode-derived fields both say what they need.
  in.derived = nullptr;
  EXPECT_EQ(run_rule(*find_rule("218", 2025), in).outcome, Outcome::not_run);
  // Placed for adoption (A3-A6) in England: the adoption agency's URN is required by 218 and not
  // refused by 222 (DfE's 222 list has no A code). 218 (2024/25): A6 with no URN (row 0) fails,
  // A5 with one (row 1) passes. 222: A5's URN (row 1) passes, P1's (row 2) fails, in 2024/25 and
  // in 2025/26.
  const auto a = make_return(2025, {{"episodes.csv", "CHILD,LS,PLACE,PLACE_PROVIDER,DEC,URN\nA,E1,A6,PR1,,\n"
                                                     "B,E1,A5,PR1,,SC3\nC,C2,P1,PR0,,SC4\n"}});
  DerivedEpisodeFields da;
  da.pl_la = {"E08000001", "E08000001", "E08000001"};
  da.pl_location = da.pl_distance = {"", "", ""};
  ValidationInput ia;
  ia.this_year = &a;
  ia.year = CollectionYear{2025};
  ia.derived = &da;
  EXPECT_EQ(run_in("218", ia)[Table::episodes], (Rows{0}));
  EXPECT_EQ(run("222", 2025, a)[Table::episodes], (Rows{2}));
  EXPECT_EQ(run("222", 2026, a)[Table::episodes], (Rows{2}));

  // 230 (2023/24): H5 in England ended 1 Nov 2023 without URN fails; ended 1 Oct 2023 passes;
  // open with XXXXXXX fails; open with a URN passes.
  const auto h = make_return(2024, {{"episodes.csv", "CHILD,PLACE,DEC,URN\nA,H5,01/11/2023,\nB,H5,01/10/2023,\n"
                                                     "C,H5,,XXXXXXX\nD,H5,,SC1\n"}});
  DerivedEpisodeFields dh;
  dh.pl_la = {"E08000001", "E08000001", "E08000001", "E08000001"};
  dh.pl_location = dh.pl_distance = {"", "", "", ""};
  ValidationInput ih;
  ih.this_year = &h;
  ih.year = CollectionYear{2024};
  ih.derived = &dh;
  EXPECT_EQ(run_in("230", ih)[Table::episodes], (Rows{0, 2}));
}

TEST(AdoptionRules, DecisionsAgainstCareAndLastYear) {
  // 117: A left care 1 Aug 2024 but the decision is dated 1 Sep 2024 (fails); B's decision of
  // 1 Jun 2025 is after the year end (fails); C's of 1 Jun 2024 while in care passes.
  const auto a = make_return(2025, {{"episodes.csv", "CHILD,DECOM,DEC,REC\nA,01/05/2024,01/08/2024,E4A\nB,01/05/2024,,\nC,01/05/2024,,\n"},
                                    {"placed_for_adoption.csv", "CHILD,DATE_PLACED\nA,01/09/2024\nB,01/06/2025\nC,01/06/2024\n"}});
  auto f = run("117", 2025, a);
  EXPECT_EQ(f[Table::placed_for_adoption], (Rows{0, 1}));
  EXPECT_EQ(f[Table::episodes], (Rows{0, 1}));
  // 117, a child back in care: D left care 13 Apr 2024 (E4A) and came back 17 Sep 2024 (still
  // open), so a decision of 29 Mar 2025 is not after D ceased to be looked after (passes); E left
  // 13 Apr 2024 and has not come back, so its decision of 29 Mar 2025 fails with its episode.
  const auto back = make_return(2025, {{"episodes.csv", "CHILD,DECOM,DEC,REC\nD,01/04/2024,13/04/2024,E4A\nD,17/09/2024,,\n"
                                                         "E,01/04/2024,13/04/2024,E4A\n"},
                                       {"placed_for_adoption.csv", "CHILD,DATE_PLACED\nD,29/03/2025\nE,29/03/2025\n"}});
  f = run("117", 2025, back);
  EXPECT_EQ(f[Table::placed_for_adoption], (Rows{1}));
  EXPECT_EQ(f[Table::episodes], (Rows{2}));
  // 118: A's decision ceased 1 Mar 2024, before the year (fails with its episode, row 0); B's
  // ceased 15 May 2024, before its first episode other than a short break (1 Jun, row 2); C's
  // ceased 1 Jun 2024 while in care (passes).
  const auto b = make_return(2025, {{"episodes.csv", "CHILD,DECOM,LS\nA,01/05/2024,C2\nB,01/04/2024,V3\nB,01/06/2024,C2\nC,01/05/2024,C2\n"},
                                    {"placed_for_adoption.csv", "CHILD,DATE_PLACED_CEASED\nA,01/03/2024\nB,15/05/2024\nC,01/06/2024\n"}});
  f = run("118", 2025, b);
  EXPECT_EQ(f[Table::placed_for_adoption], (Rows{0, 1}));
  EXPECT_EQ(f[Table::episodes], (Rows{0, 2}));
  // 557: A placed for adoption (A4) left care (E4A) with the decision not ceased (fails: episode 0,
  // decision 0); B was adopted (E11); C's decision has its date and reason ceased (passes).
  const auto c = make_return(2025, {{"episodes.csv", "CHILD,PLACE,REC\nA,A4,E4A\nB,A5,E11\nC,A6,E4A\n"},
                                    {"placed_for_adoption.csv", "CHILD,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
                                                                "A,01/03/2024,,\nC,01/03/2024,01/08/2024,RD1\n"}});
  f = run("557", 2025, c);
  EXPECT_EQ(f[Table::episodes], (Rows{0}));
  EXPECT_EQ(f[Table::placed_for_adoption], (Rows{0}));
  // 561/584: last year A's, B's and D's decisions had ceased, C's had not. This year A repeats
  // last year's date (561 and 584 fail), B's is later (passes), C's repeats a live decision
  // (passes), D's is earlier (584 fails).
  const auto l = make_return(2024, {{"placed_for_adoption.csv", "CHILD,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
                                                                "A,01/02/2023,01/06/2023,RD1\nB,01/02/2023,01/06/2023,RD1\n"
                                                                "C,01/02/2023,,\nD,01/02/2023,01/06/2023,RD1\n"}});
  const auto n = make_return(2025, {{"placed_for_adoption.csv", "CHILD,DATE_PLACED\nA,01/02/2023\nB,01/02/2024\nC,01/02/2023\nD,01/01/2023\n"}});
  EXPECT_EQ(run("561", 2025, n, &l)[Table::placed_for_adoption], (Rows{0}));
  EXPECT_EQ(run("584", 2025, n, &l)[Table::placed_for_adoption], (Rows{0, 3}));
}

TEST(Oc2Rules, TwelveMonthCohort) {
  // 2024/25. A and C looked after since 1 Mar 2024 (the 12-month cohort), B only from 1 Jun 2024.
  const char* episodes = "CHILD,DECOM,LS\nA,01/03/2024,C2\nB,01/06/2024,C2\nC,01/03/2024,C2\n";
  // 157: A (10) gives SDQ1 with no score (fails); B the same but not in the cohort (passes).
  // 186: A (10) has neither score nor reason (fails); C (2) is too young (passes).
  const auto s = make_return(2025, {{"episodes.csv", episodes},
                                    {"oc2.csv", "CHILD,DOB,SDQ_SCORE,SDQ_REASON\nA,01/01/2014,,SDQ1\nB,01/01/2014,,SDQ1\n"}});
  EXPECT_EQ(run("157", 2025, s)[Table::oc2], (Rows{0}));
  const auto t = make_return(2025, {{"episodes.csv", episodes},
                                    {"oc2.csv", "CHILD,DOB,SDQ_SCORE,SDQ_REASON\nA,01/01/2014,,\nC,01/01/2022,,\n"}});
  EXPECT_EQ(run("186", 2025, t)[Table::oc2], (Rows{0}));
  // 197B: A, 4 at 31 Mar 2025 (born 15 Jun 2020), has neither (fails); C, 10, passes.
  const auto u = make_return(2025, {{"episodes.csv", episodes},
                                    {"oc2.csv", "CHILD,DOB,SDQ_SCORE,SDQ_REASON\nA,15/06/2020,,\nC,15/06/2014,,\n"}});
  EXPECT_EQ(run("197B", 2025, u)[Table::oc2], (Rows{0}));
  // 187: A (cohort) has adoption data (fails); B (not in the cohort) has care leaver data (passes).
  const auto v = make_return(2025, {{"episodes.csv", episodes},
                                    {"ad1.csv", "CHILD,DATE_INT\nA,01/01/2025\n"},
                                    {"oc3.csv", "CHILD,IN_TOUCH\nB,YES\n"}});
  auto f = run("187", 2025, v);
  EXPECT_EQ(f[Table::ad1], (Rows{0}));
  EXPECT_TRUE(f[Table::oc3].empty());
  // 191: A's OC2 row lacks IMMUNISATIONS (fails); C has no OC2 row (its episode, row 2, fails);
  // B is not in the cohort.
  const auto w = make_return(2025, {{"episodes.csv", episodes},
                                    {"oc2.csv", "CHILD,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE\nA,,1,1,0\nB,,,,\n"}});
  f = run("191", 2025, w);
  EXPECT_EQ(f[Table::oc2], (Rows{0}));
  EXPECT_EQ(f[Table::episodes], (Rows{2}));
  // The cohort is looked after at 31 March 2025: its episode still open then (DEC blank). D,
  // looked after since 1 Mar 2024, was adopted on 30 Mar 2025 and E on 31 Mar 2025: neither is
  // looked after at 31 March (the return leaves DEC blank for care going on past it), so their
  // AD1 data passes 187 and their lack of OC2 data passes 191. F, still looked after, is in the
  // cohort: its AD1 row (row 2) fails 187 and, with no OC2 row, its episode (row 2) fails 191.
  const char* ending = "CHILD,DECOM,LS,DEC,REC\nD,01/03/2024,E1,30/03/2025,E11\nE,01/03/2024,E1,31/03/2025,E11\n"
                       "F,01/03/2024,E1,,\n";
  const auto m = make_return(2025, {{"episodes.csv", ending},
                                    {"ad1.csv", "CHILD,DATE_INT\nD,01/01/2025\nE,01/01/2025\nF,01/01/2025\n"}});
  EXPECT_EQ(run("187", 2025, m)[Table::ad1], (Rows{2}));
  EXPECT_EQ(run("191", 2025, m)[Table::episodes], (Rows{2}));
  // 196 (the fixture has no invalid code): SDQ9 fails, SDQ1 and blank pass.
  const auto x = make_return(2025, {{"oc2.csv", "CHILD,SDQ_REASON\nA,SDQ9\nB,SDQ1\nC,\n"}});
  EXPECT_EQ(run("196", 2025, x)[Table::oc2], (Rows{0}));
}

TEST(SocialWorkerRules, MissingAndOverlappingEpisodes) {
  // SW01STG1 (2023/24): A looked after on 31 March with no social worker episode fails (row 0);
  // B has one; C's care ended on 1 Jan 2024; D is on a short break.
  const auto r = make_return(2024, {{"episodes.csv", "CHILD,DECOM,LS,DEC\nA,01/05/2023,C2,\nB,01/05/2023,C2,\n"
                                                     "C,01/05/2023,C2,01/01/2024\nD,01/05/2023,V4,\n"},
                                    {"sw_episodes.csv", "CHILD,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nB,SW1,01/05/2023,,\n"}});
  EXPECT_EQ(run("SW01STG1", 2024, r)[Table::episodes], (Rows{0}));
  // SW10STG2: A's second episode starts 10 days before the first ends (row 1), B's 5 days
  // before (row 3), C's (FCONTA) 15 days before (row 5). From 2024/25 up to 7 days' overlap is
  // allowed and FCONTA is exempt: row 1 only; in 2023/24 all three fail.
  const char* sw = "CHILD,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"
                   "A,S1,01/05/2024,20/05/2024,MGMT\nA,S2,10/05/2024,,MGMT\n"
                   "B,S1,01/05/2024,20/05/2024,MGMT\nB,S2,15/05/2024,,MGMT\n"
                   "C,S1,01/05/2024,20/05/2024,MGMT\nC,S2,05/05/2024,,FCONTA\n";
  const auto s25 = make_return(2025, {{"sw_episodes.csv", sw}});
  EXPECT_EQ(run("SW10STG2", 2025, s25)[Table::sw_episodes], (Rows{1}));
  const auto s24 = make_return(2024, {{"sw_episodes.csv", sw}});
  EXPECT_EQ(run("SW10STG2", 2024, s24)[Table::sw_episodes], (Rows{1, 3, 5}));
}

TEST(PostcodeRules, PostcodesNotInTheDirectory) {
  // 392c against a directory of one postcode, AA1 1AA: row 0 gives it for both (spacing is
  // ignored in PL_POST), row 1's HOME_POST is unknown, row 2's PL_POST is unknown, row 3 gives
  // none (392b's business, not 392c's).
  const auto dir = std::filesystem::temp_directory_path() / ("careflow_rules_test_392c_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "onspd.csv") << "pcd,laua,oseast1m,osnrth1m\nAA1 1AA,E07000001,100000,200000\n";
  std::ofstream(dir / "utla.csv") << "LTLA23CD,UTLA23CD\nE07000001,E10000001\n";
  ProblemLog log;
  const auto pcd = PostcodeDirectory::load((dir / "onspd.csv").string(), (dir / "utla.csv").string(), log);
  ASSERT_TRUE(pcd);
  const auto r = make_return(2025, {{"episodes.csv", "CHILD,DECOM,HOME_POST,PL_POST\nA,01/05/2024,AA1 1AA,AA11AA\n"
                                                     "B,01/05/2024,ZZ9 9ZZ,AA1 1AA\nC,01/05/2024,AA1 1AA,ZZ9 9ZZ\nD,01/05/2024,,\n"}});
  const auto d = derive_episode_fields(*r.find(Table::episodes), *pcd, "");
  ValidationInput in;
  in.this_year = &r;
  in.year = CollectionYear{2025};
  in.postcodes = &*pcd;
  in.derived = &d;
  EXPECT_EQ(run_in("392c", in)[Table::episodes], (Rows{1, 2}));
  std::filesystem::remove_all(dir);
}

TEST(HeaderRules, UpnAgainstLastYear) {
  // 208: A's UPN changed from one real UPN to another (fails, row 0); B went from UN1 to UN2
  // and C from UN3 to a real UPN (both allowed); D had none recorded last year; E went from
  // UN4 to UN3 (fails, row 4); F from UN1 to blank (fails, row 5); G is new this year.
  const auto last = make_return(2024, {{"header.csv", "CHILD,UPN\nA,A123456789012\nB,UN1\nC,UN3\nD,\nE,UN4\nF,UN1\n"}});
  const auto now = make_return(2025, {{"header.csv", "CHILD,UPN\nA,B123456789012\nB,UN2\nC,C123456789012\nD,UN1\n"
                                                     "E,UN3\nF,\nG,UN5\n"}});
  EXPECT_EQ(run("208", 2025, now, &last)[Table::header], (Rows{0, 4, 5}));
}

TEST(AdoptionRules, OrderWithoutDecisionToPlace) {
  // 553: A under a placement order (E1) has no decision at all (episode row 0); B's decision
  // lacks DATE_PLACED (decision row 0); C's has it (passes); D is not under an order (passes).
  const auto r = make_return(2024, {{"episodes.csv", "CHILD,LS\nA,E1\nB,E1\nC,E1\nD,C2\n"},
                                    {"placed_for_adoption.csv", "CHILD,DATE_PLACED\nB,\nC,01/06/2023\nD,\n"}});
  auto f = run("553", 2024, r);
  EXPECT_EQ(f[Table::episodes], (Rows{0}));
  EXPECT_EQ(f[Table::placed_for_adoption], (Rows{0}));
  // 555 (to 2023/24), the same for freeing orders (D1): only D's episode would count, and it
  // is C2 here, so nothing; with D under D1 and its decision lacking DATE_PLACED, row 2 fails.
  EXPECT_TRUE(run("555", 2024, r).empty());
  const auto d = make_return(2024, {{"episodes.csv", "CHILD,LS\nD,D1\n"},
                                    {"placed_for_adoption.csv", "CHILD,DATE_PLACED\nB,\nC,01/06/2023\nD,\n"}});
  EXPECT_EQ(run("555", 2024, d)[Table::placed_for_adoption], (Rows{2}));
}

TEST(AdoptionRules, AdoptedChildDecisionNotCeased) {
  // 558: A was adopted (E11) and its latest decision (by DATE_PLACED) has a date ceased (fails,
  // episode row 0); B was adopted and its latest decision is open, though an earlier one ceased
  // (passes); C's decision ceased but C was not adopted (passes).
  const auto r = make_return(2025, {{"episodes.csv", "CHILD,REC\nA,E11\nB,E12\nC,E4A\n"},
                                    {"placed_for_adoption.csv", "CHILD,DATE_PLACED,DATE_PLACED_CEASED\n"
                                                                "A,01/02/2024,01/06/2024\nB,01/02/2023,01/06/2023\n"
                                                                "B,01/02/2024,\nC,01/02/2024,01/06/2024\n"}});
  EXPECT_EQ(run("558", 2025, r)[Table::episodes], (Rows{0}));
}

TEST(OtherRules, UascFlagDoloDatesAndSocialWorkerEndDates) {
  // 105: a stated Header.UASC must be 0 or 1: "2" (row 1) and blank (row 2) fail.
  const auto h = make_return(2025, {{"header.csv", "CHILD\nA\nB\nC\nD\n"}});
  const std::vector<std::string> stated = {"0", "2", "", "1"};
  ValidationInput in;
  in.this_year = &h;
  in.year = CollectionYear{2025};
  in.header_uasc = &stated;
  EXPECT_EQ(run_in("105", in)[Table::header], (Rows{1, 2}));
  // 702 (2026/27): B's DoLO ends the day before it started (fails); A's ends the day it started
  // and C's is open (pass).
  const auto d = make_return(2027, {{"dolo.csv", "CHILD,DOLO_START,DOLO_END\nA,01/06/2026,01/06/2026\n"
                                                 "B,02/06/2026,01/06/2026\nC,01/06/2026,\n"}});
  EXPECT_EQ(run("702", 2027, d)[Table::dolo], (Rows{1}));
  // SW07STG2 (2024/25: the reporting period runs from 1 Apr 2023 to 31 Mar 2025): an end on
  // 31 Mar 2023 (row 0) or 1 Apr 2025 (row 2) fails; 1 Apr 2023 and 31 Mar 2025 pass.
  const auto sw = make_return(2025, {{"sw_episodes.csv", "CHILD,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"
                                                         "A,S1,01/01/2023,31/03/2023,MGMT\nB,S1,01/01/2023,01/04/2023,MGMT\n"
                                                         "C,S1,01/01/2025,01/04/2025,MGMT\nD,S1,01/01/2025,31/03/2025,MGMT\n"}});
  EXPECT_EQ(run("SW07STG2", 2025, sw)[Table::sw_episodes], (Rows{0, 2}));
}

TEST(OtherRules, CareLeaverWithOpenEpisodeLastYear) {
  // 1010: A's latest episode last year was open and A has none this year but an OC3 row
  // (fails, row 0); B's latest episode last year had ended (passes); C has an episode this year.
  const auto last = make_return(2024, {{"episodes.csv", "CHILD,DECOM,DEC\nA,01/05/2023,01/06/2023\nA,01/06/2023,\n"
                                                        "B,01/05/2023,\nB,01/06/2023,01/07/2023\nC,01/05/2023,\n"}});
  const auto now = make_return(2025, {{"episodes.csv", "CHILD,DECOM,DEC\nC,01/05/2023,01/06/2024\n"},
                                      {"oc3.csv", "CHILD,IN_TOUCH,ACTIV,ACCOM\nA,YES,F1,H1\nB,YES,F1,H1\nC,YES,F1,H1\n"}});
  EXPECT_EQ(run("1010", 2025, now, &last)[Table::oc3], (Rows{0}));
}

TEST(AllRules, BareAndOddTablesDoNotCrash) {
  // Every table of both years with odd values in every column (blank, bad dates, ZZ dates, a
  // lone slash), with stated UASC and derived fields of the wrong length: every rule of every
  // year runs to the end (the sanitizer build checks the memory use).
  std::vector<std::string> texts;
  for (const auto& s : ssda903::schemas()) {
    std::string t;
    for (size_t c = 0; c < s.columns.size(); ++c) t.append(c ? "," : "").append(s.columns[c]);
    t += '\n';
    for (const char* v : {"A", "/", "ZZ/ZZ/1990", "31/02/2020", "01/04/2024"}) {
      for (size_t c = 0; c < s.columns.size(); ++c) t.append(c ? "," : "").append(c == 0 ? "A" : v);
      t += '\n';
    }
    texts.push_back(std::move(t));
  }
  for (int year = 2023; year <= 2027; ++year) {
    ssda903::Return now, last;
    now.year = CollectionYear{year};
    last.year = CollectionYear{year - 1};
    ProblemLog log;
    size_t i = 0;
    for (const auto& s : ssda903::schemas()) {
      for (auto* ret : {&now, &last}) {
        auto t = ssda903::to_return_table(parse_csv(texts[i], std::string(s.file_name)).table, s.file_name, log);
        if (t) ret->tables[static_cast<size_t>(t->table)] = std::move(*t);
      }
      ++i;
    }
    const std::vector<std::string> uasc = {"1"};  // shorter than the Header
    DerivedEpisodeFields d;
    d.pl_la = {"E09000027"};
    d.pl_location = {"IN"};
    d.pl_distance = {"x"};
    ValidationInput in;
    in.this_year = &now;
    in.last_year = &last;
    in.year = CollectionYear{year};
    in.la = "e09000027";
    in.header_uasc = in.header_uasc_last = &uasc;
    in.derived = in.derived_last = &d;
    const auto results = validate::validate(in);
    EXPECT_FALSE(results.empty()) << year;
  }
}

TEST(SocialWorkerRules, EndedJustBefore31March) {
  // SW11bSTG2 (2024/25, ends 31 Mar 2025): A's episode ended 28 Mar with none after (fails, row
  // 0); B's ended 28 Mar and another began 29 Mar (passes); C's ended 20 Mar, more than five
  // days before (passes: SW11a's business); D's is open.
  const auto sw = make_return(2025, {{"sw_episodes.csv", "CHILD,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"
                                                         "A,S1,01/01/2025,28/03/2025,MGMT\nB,S1,01/01/2025,28/03/2025,MGMT\n"
                                                         "B,S2,29/03/2025,,\nC,S1,01/01/2025,20/03/2025,MGMT\nD,S1,01/01/2025,,\n"}});
  EXPECT_EQ(run("SW11bSTG2", 2025, sw)[Table::sw_episodes], (Rows{0}));
}

TEST(OtherRules, MotherStatus) {
  // 165 in 2024/25 (1 Apr 2024 - 31 Mar 2025; SEX M/F/U). A: girl looked after in the year,
  // MOTHER blank (fails, row 0); B: girl, 0 (passes); C: boy with MOTHER 1 (fails, row 2, and
  // his OC3 row 1); D: MOTHER 2, not a code (fails, row 3); E: girl only on a short break (V3,
  // passes); G: girl whose care ended 1 Mar 2024, before the year (passes); H: sex U, blank
  // (passes: neither boy nor girl).
  const auto r = make_return(2025, {{"header.csv", "CHILD,SEX,MOTHER\nA,F,\nB,F,0\nC,M,1\nD,F,2\nE,F,\nG,F,\nH,U,\n"},
                                    {"episodes.csv", "CHILD,DECOM,LS,DEC\nA,01/05/2024,C2,\nB,01/05/2024,C2,\n"
                                                     "C,01/05/2024,C2,\nD,01/05/2024,C2,\nE,01/05/2024,V3,02/05/2024\n"
                                                     "G,01/01/2024,C2,01/03/2024\nH,01/05/2024,C2,\n"},
                                    {"oc3.csv", "CHILD,IN_TOUCH,ACTIV,ACCOM\nB,,,\nC,,,\n"}});
  auto f = run("165", 2025, r);
  EXPECT_EQ(f[Table::header], (Rows{0, 2, 3}));
  EXPECT_EQ(f[Table::oc3], (Rows{1}));
  // The same in 2023/24's codes (1 boy, 2 girl): a girl looked after with MOTHER blank fails
  // (row 0), a boy with MOTHER blank passes.
  const auto r24 = make_return(2024, {{"header.csv", "CHILD,SEX,MOTHER\nA,2,\nB,1,\n"},
                                      {"episodes.csv", "CHILD,DECOM,LS,DEC\nA,01/05/2023,C2,\nB,01/05/2023,C2,\n"}});
  EXPECT_EQ(run("165", 2024, r24)[Table::header], (Rows{0}));
}

TEST(OtherRules, CareLeaverNotRelevantChild) {
  // 1001 in 2024/25; last year's return begins 1 Apr 2023, so care before then is unseen except
  // in the episodes the two returns hold. Born 1 Jun 2007 (A, B, C, E): 14 on 1 Jun 2021, 16 on
  // 1 Jun 2023, after the returns begin, so their care at 16 or over is all seen.
  // A: looked after 1 Jan - 1 May 2023, none after 16 (fails, row 0). B: 1 Jan - 1 Aug 2023,
  // 61 days after 16 (passes). C: 1 Jan - 1 Mar 2023, then only a V3 short break after 16
  // (fails, row 2). D (born 1 Jun 2004): no episode in either return; all since 14 unseen
  // (passes). E: adopted (REC E11, fails, row 4). F: no date of birth anywhere (passes).
  // G (born 1 Mar 2009: 14 on 1 Mar 2023, 16 on 1 Mar 2025): looked after from 1 Feb 2025 to
  // 31 Mar (59 days, both ends counted, 31 of them at 16) plus at most 31 unseen days (1 Mar -
  // 1 Apr 2023): 90 < 91 (fails, row 6). H: the same from 29 Jan 2025: 62 + 31 = 93 (passes).
  // I (born 1 Jun 2007): left care on its 16th birthday, 1 Jun 2023, so was looked after at 16
  // (passes).
  const auto last = make_return(2024, {{"episodes.csv", "CHILD,DECOM,LS,DEC,REC\n"
                                                        "A,01/01/2023,C2,01/05/2023,E4A\nB,01/01/2023,C2,01/08/2023,E4A\n"
                                                        "C,01/01/2023,C2,01/03/2023,E4A\nC,01/07/2023,V3,10/07/2023,E4A\n"
                                                        "E,01/01/2023,C2,01/09/2023,E11\nI,01/01/2023,C2,01/06/2023,E4A\n"}});
  const auto now = make_return(2025, {{"header.csv", "CHILD,DOB\nA,01/06/2007\nB,01/06/2007\nC,01/06/2007\n"
                                                     "D,01/06/2004\nE,01/06/2007\nG,01/03/2009\nH,01/03/2009\n"
                                                     "I,01/06/2007\n"},
                                      {"episodes.csv", "CHILD,DECOM,LS,DEC,REC\nG,01/02/2025,C2,,\nH,29/01/2025,C2,,\n"},
                                      {"oc3.csv", "CHILD,IN_TOUCH,ACTIV,ACCOM\nA,YES,F1,H1\nB,YES,F1,H1\nC,YES,F1,H1\n"
                                                  "D,YES,F1,H1\nE,YES,F1,H1\nF,YES,F1,H1\nG,YES,F1,H1\nH,YES,F1,H1\n"
                                                  "I,YES,F1,H1\n"}});
  EXPECT_EQ(run("1001", 2025, now, &last)[Table::oc3], (Rows{0, 2, 4, 6}));
  // Without last year's return it is not run.
  ValidationInput in;
  in.this_year = &now;
  in.year = CollectionYear{2025};
  EXPECT_EQ(run_rule(*find_rule("1001", 2025), in).outcome, Outcome::not_run);
}

TEST(PostcodeRules, DistanceAgainstLastYearsOpenEpisode) {
  // 453 (2024/25 against 2023/24). Last year every child's episode from 1 May 2023 (RNE S) is
  // open at 10.0 miles, except D's (no distance) and E's (ended 1 Jun 2023). This year's first
  // episodes: A 10.2 (0.2 apart: fails, row 0); B 10.1 (passes); C 20.0 but RNE P, not the same
  // episode (passes); D 5.0 against none (passes); E has no open episode last year (passes);
  // F's first episode is 10.0 (passes) and its later one at 30.0 is not compared.
  const auto last = make_return(2024, {{"episodes.csv", "CHILD,DECOM,RNE,DEC\nA,01/05/2023,S,\nB,01/05/2023,S,\n"
                                                        "C,01/05/2023,S,\nD,01/05/2023,S,\nE,01/05/2023,S,01/06/2023\n"
                                                        "F,01/05/2023,S,\n"}});
  const auto now = make_return(2025, {{"episodes.csv", "CHILD,DECOM,RNE,DEC\nA,01/05/2023,S,\nB,01/05/2023,S,\n"
                                                       "C,01/05/2023,P,\nD,01/05/2023,S,\nE,01/05/2024,S,\n"
                                                       "F,01/05/2023,S,01/06/2024\nF,01/06/2024,P,\n"}});
  DerivedEpisodeFields dl, dn;
  dl.pl_la = dl.pl_location = std::vector<std::string>(6);
  dl.pl_distance = {"10.0", "10.0", "10.0", "", "10.0", "10.0"};
  dn.pl_la = dn.pl_location = std::vector<std::string>(7);
  dn.pl_distance = {"10.2", "10.1", "20.0", "5.0", "50.0", "10.0", "30.0"};
  ValidationInput in;
  in.this_year = &now;
  in.last_year = &last;
  in.year = CollectionYear{2025};
  in.derived = &dn;
  in.derived_last = &dl;
  EXPECT_EQ(run_rule(*find_rule("453", 2025), in).flagged[Table::episodes], (Rows{0}));
  in.derived = in.derived_last = nullptr;
  const RuleResult nr = run_rule(*find_rule("453", 2025), in);
  EXPECT_EQ(nr.outcome, Outcome::not_run);
  EXPECT_NE(nr.reason.find("postcode"), std::string::npos);
}

TEST(SocialWorkerRules, EndedBefore31MarchAndWholeYear) {
  // SW11aSTG2 (2023/24, ends 31 Mar 2024): A's episode ended 20 Mar with none after (fails, row
  // 0); B's ended 20 Mar and another began 28 Mar (passes); C's ended 28 Mar, within the last
  // five days (SW11b's: row 3 there, not here); D's is open.
  const auto sw = make_return(2024, {{"sw_episodes.csv", "CHILD,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"
                                                         "A,S1,01/01/2024,20/03/2024,MGMT\nB,S1,01/01/2024,20/03/2024,MGMT\n"
                                                         "B,S2,28/03/2024,,\nC,S1,01/01/2024,28/03/2024,MGMT\nD,S1,01/01/2024,,\n"}});
  EXPECT_EQ(run("SW11aSTG2", 2024, sw)[Table::sw_episodes], (Rows{0}));
  EXPECT_EQ(run("SW11bSTG2", 2024, sw)[Table::sw_episodes], (Rows{3}));
  // With the episodes: A left care on 20 Mar, the day its social worker episode ended (not
  // flagged); C's care continues (an open episode), so C's is still flagged by SW11b; a short
  // break (V3) open after the end does not count as care.
  const auto swe = make_return(2024, {{"sw_episodes.csv", "CHILD,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"
                                                          "A,S1,01/01/2024,20/03/2024,MGMT\nC,S1,01/01/2024,28/03/2024,MGMT\n"
                                                          "E,S1,01/01/2024,20/03/2024,MGMT\n"},
                                      {"episodes.csv", "CHILD,DECOM,LS,DEC\nA,01/01/2024,C2,20/03/2024\nC,01/01/2024,C2,\n"
                                                       "E,01/01/2024,C2,20/03/2024\nE,25/03/2024,V3,\n"}});
  EXPECT_EQ(run("SW11aSTG2", 2024, swe)[Table::sw_episodes], (Rows{}));
  EXPECT_EQ(run("SW11bSTG2", 2024, swe)[Table::sw_episodes], (Rows{1}));
  // SW12STG2 (2024/25, 1 Apr 2024 - 31 Mar 2025), children looked after on 31 March: A's social
  // worker episodes begin 1 Jan 2025, not the whole year (fails, SW row 0); B's from 1 Mar 2024
  // (passes); E was born 1 May 2024 and has one from then (passes); F has none (its open episode
  // fails, row 5); G came into care on 1 Dec 2024 and its first contact (FCONTA) was that day
  // (passes); H came into care on 1 Nov 2024 but its first contact was 1 Dec (fails, SW row 4).
  // C left care on 1 Mar 2025 and D is on a short break: not checked.
  const auto r = make_return(2025, {{"header.csv", "CHILD,DOB\nE,01/05/2024\n"},
                                    {"episodes.csv", "CHILD,DECOM,LS,DEC\nA,01/01/2025,C2,\nB,01/01/2025,C2,\n"
                                                     "C,01/01/2025,C2,01/03/2025\nD,01/01/2025,V4,\nE,01/06/2024,C2,\n"
                                                     "F,01/01/2025,C2,\nG,01/12/2024,C2,\nH,01/11/2024,C2,\n"},
                                    {"sw_episodes.csv", "CHILD,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nA,S1,01/01/2025,,\n"
                                                        "B,S1,01/03/2024,,\nE,S1,01/05/2024,,\nG,S1,01/12/2024,,FCONTA\n"
                                                        "H,S1,01/12/2024,,FCONTA\n"}});
  auto f = run("SW12STG2", 2025, r);
  EXPECT_EQ(f[Table::episodes], (Rows{5}));
  EXPECT_EQ(f[Table::sw_episodes], (Rows{0, 4}));
}
