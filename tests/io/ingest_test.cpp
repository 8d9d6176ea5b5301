#include "careflow/io/ingest.hpp"

#include <gtest/gtest.h>

#include "careflow/report/ingest_summary.hpp"
#include "temp_returns.hpp"

using namespace careflow;
using careflow::testing::kEpisodesHeader;
using careflow::testing::kHeaderHeader;
using careflow::testing::TempReturns;

namespace {
Date d(int y, int m, int day) { return Date::from_ymd(y, m, day); }

size_t count_rule(const IngestReport& r, const std::string& rule) {
  size_t n = 0;
  for (const auto& p : r.problems.all()) n += p.rule == rule;
  return n;
}
const Problem* find_rule(const IngestReport& r, const std::string& rule) {
  for (const auto& p : r.problems.all())
    if (p.rule == rule) return &p;
  return nullptr;
}
}  // namespace

// One child, two periods of care. Hand-derived expectations:
//  period 1: S 01/04/2020 (U6, V2) -> X1 10/05/2020; P 10/05/2020 (U4, C2) -> X1 01/09/2020;
//            L 01/09/2020 (U4, E1... no: C2 -> L to C2? legal status change to E1) -> E4A 15/01/2021
//    placements: [S] and [P, L] = 2; legal-status spans: V2, C2, E1 = 3
//  period 2: S 01/03/2021 (K2, V2), open = 1 placement, 1 legal status span
TEST(Ingest, PeriodsPlacementsAndLegalStatuses) {
  TempReturns tr;
  tr.write("2020_21", "header.csv", std::string(kHeaderHeader) + "A1,1,15/06/2008,WBRI,,,\n");
  tr.write("2020_21", "episodes.csv", std::string(kEpisodesHeader) +
           "A1,01/04/2020,S,V2,N1,U6,PR1,10/05/2020,X1,,,,\n"
           "A1,10/05/2020,P,C2,N1,U4,PR4,01/09/2020,X1,CARPL,,,\n"
           "A1,01/09/2020,L,E1,N1,U4,PR4,15/01/2021,E4A,,,,\n"
           "A1,01/03/2021,S,V2,N4,K2,PR4,,,,,,\n");
  IngestReport r;
  const History h = ingest({tr.folder("2020_21")}, std::nullopt, r);
  ASSERT_EQ(h.children.size(), 1u);
  EXPECT_EQ(h.episodes.size(), 4u);
  ASSERT_EQ(h.periods.size(), 2u);
  EXPECT_EQ(h.periods[0].start, d(2020, 4, 1));
  EXPECT_EQ(h.periods[0].end, d(2021, 1, 15));
  EXPECT_EQ(codes::reason_episode_ceased.code(h.periods[0].reason_ceased), "E4A");
  EXPECT_EQ(h.periods[0].placement_count, 2u);
  EXPECT_EQ(h.periods[1].number, 2);
  EXPECT_TRUE(h.periods[1].is_open());
  ASSERT_EQ(h.placements.size(), 3u);
  EXPECT_EQ(h.placements[1].start, d(2020, 5, 10));
  EXPECT_EQ(h.placements[1].end, d(2021, 1, 15));
  EXPECT_EQ(codes::placement_type.code(h.placements[1].placement_type), "U4");
  EXPECT_EQ(codes::reason_place_change.code(h.placements[0].reason_place_change), "");
  ASSERT_EQ(h.legal_statuses.size(), 4u);
  EXPECT_EQ(codes::legal_status.code(h.legal_statuses[2].legal_status), "E1");
  EXPECT_EQ(h.legal_statuses[2].start, d(2020, 9, 1));
  // Stock: looked after at end of 31/03/2021 (period 2 open); not on 20/02/2021 (between periods).
  EXPECT_EQ(h.count_looked_after_on(d(2021, 3, 31)), 1u);
  EXPECT_EQ(h.count_looked_after_on(d(2021, 2, 20)), 0u);
  // A child who ceases on a day is not looked after at the end of it.
  EXPECT_EQ(h.count_looked_after_on(d(2021, 1, 15)), 0u);
  EXPECT_EQ(h.count_looked_after_on(d(2021, 1, 14)), 1u);
  EXPECT_EQ(h.age_on(0, d(2020, 4, 1)), 11);
  // Days in care in 2020/21 by placement type: U6 01/04..09/05 = 39 days; U4 10/05/2020..14/01/2021
  // = 22+30+31+31+30+31+30+31+14 = 250 days; K2 01/03..31/03/2021 = 31 days.
  const auto days = h.days_in_care_by_placement_type(d(2020, 4, 1), d(2021, 3, 31));
  EXPECT_EQ(days[codes::placement_type.find("U6")], 39);
  EXPECT_EQ(days[codes::placement_type.find("U4")], 250);
  EXPECT_EQ(days[codes::placement_type.find("K2")], 31);
  EXPECT_TRUE(r.tally(ssda903::Table::episodes).balances());
  EXPECT_EQ(r.problems.count(Severity::repair), 0u);
}

// The same episode in two returns: open at 31/03/2020, closed in the 2020/21 return. The later
// wins, and the row of the earlier return counts as superseded.
TEST(Ingest, MultiYearRepeatsAreOneEpisode) {
  TempReturns tr;
  tr.write("2019_20", "header.csv", std::string(kHeaderHeader) + "B2,2,01/01/2015,WBRI,,,\n");
  tr.write("2019_20", "episodes.csv", std::string(kEpisodesHeader) + "B2,01/02/2020,S,C2,N1,U6,PR1,,,,,,\n");
  tr.write("2020_21", "header.csv", std::string(kHeaderHeader) + "B2,2,01/01/2015,WBRI,,,\n");
  tr.write("2020_21", "episodes.csv", std::string(kEpisodesHeader) + "B2,01/02/2020,S,C2,N1,U6,PR1,01/07/2020,E12,,,,\n");
  IngestReport r;
  const History h = ingest({tr.root()}, std::nullopt, r);
  ASSERT_EQ(h.years.size(), 2u);
  ASSERT_EQ(h.episodes.size(), 1u);
  EXPECT_EQ(h.episodes[0].end, d(2020, 7, 1));
  EXPECT_EQ(h.episodes[0].collection_year, 2021);
  const auto& t = r.tally(ssda903::Table::episodes);
  EXPECT_EQ(t.read, 2u);
  EXPECT_EQ(t.superseded, 1u);
  EXPECT_EQ(t.kept, 1u);
  EXPECT_TRUE(t.balances());
  EXPECT_EQ(r.tally(ssda903::Table::header).superseded, 1u);
  EXPECT_EQ(h.count_looked_after_on(d(2020, 3, 31)), 1u);
  EXPECT_EQ(h.count_looked_after_on(d(2021, 3, 31)), 0u);
}

// Open at 31/03/2020 but absent from the 2020/21 return that exists: closed on 31/03/2020.
TEST(Ingest, OpenEpisodeMissingFromLaterReturnIsClosedAndReported) {
  TempReturns tr;
  tr.write("2019_20", "episodes.csv", std::string(kEpisodesHeader) + "C3,01/02/2020,S,C2,N1,U6,PR1,,,,,,\n");
  tr.write("2020_21", "episodes.csv", std::string(kEpisodesHeader) + "D4,01/05/2020,S,V2,N1,U6,PR1,,,,,,\n");
  IngestReport r;
  const History h = ingest({tr.root()}, std::nullopt, r);
  ASSERT_EQ(h.episodes.size(), 2u);
  EXPECT_EQ(h.episodes[0].end, d(2020, 3, 31));
  EXPECT_EQ(h.episodes[0].reason_ceased, kNoCode);
  EXPECT_EQ(count_rule(r, "open-episode-missing-from-later-return"), 1u);
  EXPECT_EQ(r.repairs_by_rule.at("open-episode-missing-from-later-return"), 1u);
  // Ending on 31 March, the child is not counted at 31 March 2020 (ended that day).
  EXPECT_EQ(h.count_looked_after_on(d(2020, 3, 31)), 0u);
  EXPECT_TRUE(h.episodes[1].is_open());
}

TEST(Ingest, OverlapsDuplicatesAndOpenEpisodesAreRepairedAndReported) {
  TempReturns tr;
  const auto path = tr.write("2021_22", "episodes.csv", std::string(kEpisodesHeader) +
      "E5,01/06/2021,S,V2,N1,U6,PR1,20/07/2021,X1,,,,\n"   // line 2: overlaps next (starts 10/07)
      "E5,10/07/2021,P,V2,N1,U4,PR1,,,,,,\n"               // line 3: open but followed -> closed 01/09
      "E5,01/09/2021,P,V2,N1,U6,PR4,,,,,,\n"               // line 4: duplicate of line 5
      "E5,01/09/2021,P,V2,N1,U6,PR4,,,,,,\n");             // line 5: used
  IngestReport r;
  const History h = ingest({tr.folder("2021_22")}, std::nullopt, r);
  ASSERT_EQ(h.episodes.size(), 3u);
  EXPECT_EQ(h.episodes[0].end, d(2021, 7, 10));
  EXPECT_EQ(h.episodes[1].end, d(2021, 9, 1));
  EXPECT_EQ(codes::reason_episode_ceased.code(h.episodes[1].reason_ceased), "X1");
  EXPECT_EQ(h.periods.size(), 1u);
  EXPECT_EQ(h.placements.size(), 3u);
  const Problem* overlap = find_rule(r, "overlap-truncated");
  ASSERT_NE(overlap, nullptr);
  EXPECT_EQ(overlap->file, path);
  EXPECT_EQ(overlap->line, 2u);
  EXPECT_EQ(overlap->column, "DEC");
  const Problem* open = find_rule(r, "open-episode-closed");
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->line, 3u);
  const Problem* dup = find_rule(r, "duplicate-episode");
  ASSERT_NE(dup, nullptr);
  EXPECT_EQ(dup->line, 4u);
  EXPECT_EQ(r.tally(ssda903::Table::episodes).duplicates, 1u);
  EXPECT_TRUE(r.tally(ssda903::Table::episodes).balances());
  // Child identifiers never appear in clear in messages.
  for (const auto& p : r.problems.all()) EXPECT_EQ(p.message.find("E5"), std::string::npos) << p.message;
}

TEST(Ingest, MalformedInputIsReportedWithFileLineAndColumn) {
  TempReturns tr;
  const auto path = tr.write("2022_23", "episodes.csv", std::string(kEpisodesHeader) +
      "F6,01/06/22,S,V2,N1,U6,PR1,,,,,,\n"      // line 2: two-digit year in DECOM -> rejected
      "F6,01/06/2022,S,V2,N1,U6,PR1\n"          // line 3: wrong field count -> rejected
      "F6,01/07/2022,S,V2,N1,ZZ,PR1,,,,,,\n"    // line 4: unknown PLACE -> kept, warning
      ",01/08/2022,S,V2,N1,U6,PR1,,,,,,\n"      // line 5: no CHILD -> rejected
      "G7,01/08/2022,S,V2,N1,U6,PR1,31/02/2023,E4A,,,,\n");  // line 6: impossible DEC -> warning
  IngestReport r;
  const History h = ingest({tr.folder("2022_23")}, std::nullopt, r);
  EXPECT_EQ(h.episodes.size(), 2u);
  const auto& t = r.tally(ssda903::Table::episodes);
  EXPECT_EQ(t.read, 5u);
  EXPECT_EQ(t.unreadable, 1u);
  EXPECT_EQ(t.rejected, 2u);
  EXPECT_EQ(t.kept, 2u);
  EXPECT_TRUE(t.balances());
  const Problem* two_digit = find_rule(r, "bad-key-date");
  ASSERT_NE(two_digit, nullptr);
  EXPECT_EQ(two_digit->line, 2u);
  EXPECT_EQ(two_digit->column, "DECOM");
  EXPECT_NE(two_digit->message.find("two-digit year"), std::string::npos);
  const Problem* fields = find_rule(r, "field-count");
  ASSERT_NE(fields, nullptr);
  EXPECT_EQ(fields->line, 3u);
  EXPECT_EQ(fields->file, path);
  const Problem* unknown = find_rule(r, "unknown-code");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->line, 4u);
  EXPECT_EQ(unknown->column, "PLACE");
  const Problem* missing = find_rule(r, "missing-key");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->line, 5u);
  const Problem* bad_dec = find_rule(r, "bad-date");
  ASSERT_NE(bad_dec, nullptr);
  EXPECT_EQ(bad_dec->line, 6u);
  EXPECT_EQ(bad_dec->column, "DEC");
}

TEST(Ingest, TablesAreRecognisedByColumnsInAnyOrderWhateverTheFileName) {
  TempReturns tr;
  tr.write("2023_24", "export_1.csv",
           "DECOM,CHILD,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
           "01/05/2023,H8,s,c2,n1,u4,pr1,,,,,,\n");
  tr.write("2023_24", "export_2.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nH8,1,29/02/2012,WBRI,,,\n");
  IngestReport r;
  const History h = ingest({tr.folder("2023_24")}, std::nullopt, r);
  ASSERT_EQ(h.episodes.size(), 1u);
  EXPECT_EQ(codes::placement_type.code(h.episodes[0].placement_type), "U4");
  EXPECT_EQ(codes::reason_new_episode.code(h.episodes[0].reason_new), "S");
  ASSERT_TRUE(h.children[0].dob_known);
  EXPECT_EQ(h.age_on(0, d(2024, 2, 28)), 11);  // 2024 is a leap year: 12th birthday is 29 Feb 2024
  EXPECT_EQ(h.age_on(0, d(2024, 2, 29)), 12);
  EXPECT_EQ(h.age_on(0, d(2023, 2, 28)), 11);  // 28 Feb in a common year is the birthday
  EXPECT_EQ(r.problems.count(Severity::error), 0u);
}

TEST(Ingest, TimelineIsInDateOrder) {
  TempReturns tr;
  tr.write("2020_21", "header.csv", std::string(kHeaderHeader) + "J9,1,15/06/2008,WBRI,,,\n");
  tr.write("2020_21", "episodes.csv", std::string(kEpisodesHeader) +
           "J9,01/04/2020,S,V2,N1,U6,PR1,10/05/2020,X1,CARPL,,,\n"
           "J9,10/05/2020,P,C2,N1,U4,PR4,,,,,,\n");
  tr.write("2020_21", "missing.csv", "CHILD,DOB,MISSING,MIS_START,MIS_END\nJ9,15/06/2008,M,01/06/2020,03/06/2020\n");
  IngestReport r;
  const History h = ingest({tr.folder("2020_21")}, std::nullopt, r);
  const auto tl = h.timeline(0);
  ASSERT_GE(tl.size(), 8u);
  for (size_t i = 1; i < tl.size(); ++i) EXPECT_LE(tl[i - 1].date, tl[i].date);
  EXPECT_EQ(tl.front().kind, TimelineEvent::Kind::born);
  EXPECT_EQ(tl.back().kind, TimelineEvent::Kind::eighteenth_birthday);
  EXPECT_EQ(h.missing.size(), 1u);
}

// A folder that does not exist, and a year whose only file is no table of the return, are both
// reasons to stop (report.fatal), each located; the unknown file is also reported as itself.
TEST(Ingest, UnknownFoldersAndFilesAreReported) {
  TempReturns tr;
  IngestReport r;
  const History h = ingest({tr.root() + "/nope"}, std::nullopt, r);
  EXPECT_TRUE(h.episodes.empty());
  ASSERT_EQ(r.fatal.all().size(), 1u);
  EXPECT_EQ(r.fatal.all()[0].rule, "unreadable");
  EXPECT_EQ(r.fatal.all()[0].file, tr.root() + "/nope");
  EXPECT_EQ(r.fatal.all()[0].message, "no such file or folder");
  tr.write("2020_21", "notes.csv", "FOO,BAR\n1,2\n");
  IngestReport r2;
  ingest({tr.folder("2020_21")}, std::nullopt, r2);
  EXPECT_EQ(count_rule(r2, "unknown-table"), 1u);
  EXPECT_EQ(r2.files_unrecognised, 1u);
  ASSERT_EQ(r2.fatal.all().size(), 1u);
  EXPECT_EQ(r2.fatal.all()[0].rule, "no-episodes");
  EXPECT_NE(r2.fatal.all()[0].message.find("notes.csv (not read as a table"), std::string::npos) << r2.fatal.all()[0].message;
}
