// Building the CIN timeline from two years' returns (io/cin_ingest): a record repeated across
// years is one record, the later return's fields win and a change is reported as a repair, and
// every table's rows balance. The returns and what they hold are in cin_returns.hpp; every
// figure below is derived there by hand.
#include <gtest/gtest.h>

#include "careflow/io/cin_census.hpp"
#include "careflow/io/cin_ingest.hpp"
#include "io/cin_returns.hpp"

using namespace careflow;
using namespace careflow::cin;

namespace {

std::string problems_text(const ProblemLog& p) {
  std::string s;
  for (const auto& x : p.all()) s += to_string(x) + "\n";
  return s;
}

std::vector<Return> two_years(ProblemLog& problems) {
  std::vector<Return> r(2);
  // Given out of order: the timeline orders returns by year.
  read_cin_xml_text(careflow::testing::kCin2024, "2023_24/cin.xml", r[0], problems);
  r[0].year = CollectionYear{2024};
  read_cin_xml_text(careflow::testing::kCin2023, "2022_23/cin.xml", r[1], problems);
  r[1].year = CollectionYear{2023};
  return r;
}

Date d(int y, int m, int day) { return Date::from_ymd(y, m, day); }

}  // namespace

TEST(CinTimeline, RepeatedRecordsAreOneAndTheLatestReturnWins) {
  ProblemLog read;
  const auto returns = two_years(read);
  ASSERT_EQ(read.size(), 0u) << problems_text(read);
  TimelineReport report;
  const Timeline t = build_timeline(returns, report);
  ASSERT_EQ(t.years.size(), 2u);
  EXPECT_EQ(t.years[0].end_year, 2023);
  EXPECT_EQ(t.data_start(), d(2022, 4, 1));
  EXPECT_EQ(t.data_end(), d(2024, 3, 31));
  ASSERT_EQ(t.children.size(), 3u);
  EXPECT_EQ(t.children[0].id, "A1");
  EXPECT_EQ(t.children[1].id, "B2");
  EXPECT_EQ(t.children[2].id, "C3");

  const CinChild& a = *t.find("A1");
  EXPECT_EQ(a.latest_return, 2024);
  EXPECT_EQ(a.la, "201");
  EXPECT_EQ(a.upn, "A123456789012");
  EXPECT_EQ(a.dob, d(2015, 5, 1));
  EXPECT_EQ(a.male_or_female(), 'M');
  EXPECT_TRUE(a.sex_is_gender_current);
  EXPECT_EQ(a.ethnicity, "WBRI");
  EXPECT_EQ(a.disabilities, (std::vector<std::string>{"AUT", "LD"}));
  ASSERT_EQ(a.episodes.size(), 1u);
  const EpisodeOfNeed& e = a.episodes[0];
  EXPECT_EQ(e.referral, d(2022, 6, 1));
  EXPECT_EQ(e.source, "2B");  // the 2023/24 return's
  EXPECT_EQ(e.primary_need, "N1");
  EXPECT_EQ(e.closure, d(2024, 2, 1));
  EXPECT_EQ(e.closure_reason, "RC3");
  EXPECT_FALSE(e.no_further_action);
  EXPECT_EQ(e.first_return, 2023);
  EXPECT_EQ(e.last_return, 2024);
  ASSERT_EQ(e.assessments.size(), 1u);
  EXPECT_EQ(e.assessments[0].start, d(2022, 6, 2));
  EXPECT_EQ(e.assessments[0].authorised, d(2022, 7, 10));
  EXPECT_EQ(e.assessments[0].factors, (std::vector<std::string>{"3B", "4B"}));
  ASSERT_EQ(e.section47s.size(), 1u);  // from 2022/23 only: kept
  EXPECT_EQ(e.section47s[0].icpc, d(2022, 6, 20));
  EXPECT_EQ(e.section47s[0].icpc_target, d(2022, 6, 24));
  EXPECT_FALSE(e.section47s[0].icpc_not_required);
  ASSERT_EQ(e.cin_plans.size(), 1u);
  EXPECT_EQ(e.cin_plans[0].start, d(2024, 1, 31));
  EXPECT_EQ(e.cin_plans[0].end, d(2024, 2, 1));
  ASSERT_EQ(e.protection_plans.size(), 1u);
  const ProtectionPlan& p = e.protection_plans[0];
  EXPECT_EQ(p.start, d(2022, 6, 20));
  EXPECT_EQ(p.end, d(2024, 1, 31));
  EXPECT_EQ(p.initial_category, "NEG");
  EXPECT_EQ(p.latest_category, "PHY");
  EXPECT_EQ(p.previous_plans, 0);
  EXPECT_EQ(p.reviews, (std::vector<Date>{d(2022, 9, 15), d(2023, 3, 10), d(2023, 9, 1)}));

  const CinChild& b = *t.find("B2");
  EXPECT_EQ(b.latest_return, 2023);
  EXPECT_EQ(b.male_or_female(), 'F');
  ASSERT_EQ(b.episodes.size(), 2u);
  EXPECT_EQ(b.episodes[0].closure_reason, "RC8");
  EXPECT_EQ(b.episodes[0].assessments[0].factors, (std::vector<std::string>{"21"}));
  EXPECT_FALSE(b.episodes[0].no_further_action);  // "0"
  EXPECT_TRUE(b.episodes[1].no_further_action);   // "TRUE"
  EXPECT_EQ(b.episodes[1].primary_need, "");

  const CinChild& c = *t.find("C3");
  EXPECT_EQ(c.male_or_female(), 0);  // GenderCurrent 9
  EXPECT_EQ(c.ethnicity, "XXXX");    // not a code: kept, and reported
  ASSERT_EQ(c.episodes.size(), 1u);
  EXPECT_TRUE(c.episodes[0].is_open());
  EXPECT_FALSE(c.episodes[0].assessments[0].completed());
  EXPECT_EQ(c.episodes[0].cin_plans[0].end, Date::open());

  const auto n = t.counts();
  EXPECT_EQ(n.children, 3u);
  EXPECT_EQ(n.episodes, 4u);
  EXPECT_EQ(n.referrals_nfa, 1u);
  EXPECT_EQ(n.open_episodes, 1u);
  EXPECT_EQ(n.assessments, 3u);
  EXPECT_EQ(n.assessment_factors, 3u);
  EXPECT_EQ(n.cin_plans, 2u);
  EXPECT_EQ(n.section47s, 1u);
  EXPECT_EQ(n.icpcs, 1u);
  EXPECT_EQ(n.protection_plans, 1u);
  EXPECT_EQ(n.reviews, 3u);
  EXPECT_EQ(n.children_with_disability, 1u);  // A1; B2's is NONE
}

TEST(CinTimeline, ChangesBetweenYearsAreRepairsAndRowsBalance) {
  ProblemLog read;
  const auto returns = two_years(read);
  TimelineReport report;
  build_timeline(returns, report);
  // Two fields changed: A1's referral source (2A -> 2B) and its plan's latest category (NEG ->
  // PHY), each said at the 2023/24 row. A closure date given later where there was none is not a
  // change.
  std::vector<const Problem*> repairs;
  for (const auto& p : report.problems.all())
    if (p.severity == Severity::repair) repairs.push_back(&p);
  ASSERT_EQ(repairs.size(), 2u) << problems_text(report.problems);
  EXPECT_EQ(repairs[0]->rule, "cin-later-return");
  EXPECT_EQ(repairs[0]->file, "2023_24/cin.xml");
  EXPECT_EQ(repairs[0]->line, 29u);
  EXPECT_EQ(repairs[0]->column, "ReferralSource");
  EXPECT_EQ(repairs[1]->line, 48u);
  EXPECT_EQ(repairs[1]->column, "LatestCategoryOfAbuse");
  for (const auto* r : repairs) {
    EXPECT_EQ(r->message.find("2A"), std::string::npos);
    EXPECT_EQ(r->message.find("PHY"), std::string::npos);
    EXPECT_EQ(r->message.find("A1"), std::string::npos);
  }
  EXPECT_EQ(report.repairs_by_rule.at("cin-later-return"), 2u);
  // C3's ethnicity is not a code: a warning at its row, naming the column, not the value.
  EXPECT_EQ(report.unknown_codes.at("Ethnicity"), 1u);
  const Problem* unknown = nullptr;
  for (const auto& p : report.problems.all())
    if (p.rule == "unknown-code") unknown = &p;
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->line, 67u);
  EXPECT_EQ(unknown->message.find("XXXX"), std::string::npos);
  EXPECT_EQ(report.problems.size(), 3u) << problems_text(report.problems);

  auto expect = [&](Table t, size_t read, size_t superseded, size_t kept) {
    const TableTally& x = report.tally(t);
    SCOPED_TRACE(std::string(schema(t).name));
    EXPECT_EQ(x.read, read);
    EXPECT_EQ(x.superseded, superseded);
    EXPECT_EQ(x.kept, kept);
    EXPECT_EQ(x.rejected + x.duplicates, 0u);
    EXPECT_TRUE(x.balances());
  };
  expect(Table::header, 2, 0, 2);
  expect(Table::child_identifiers, 4, 1, 3);
  expect(Table::child_characteristics, 4, 1, 3);
  expect(Table::disabilities, 5, 2, 3);
  expect(Table::cin_details, 5, 1, 4);
  expect(Table::assessments, 4, 1, 3);
  expect(Table::assessment_factors, 5, 2, 3);
  expect(Table::cin_plan_dates, 2, 0, 2);
  expect(Table::section47, 1, 0, 1);
  expect(Table::child_protection_plans, 2, 1, 1);
  expect(Table::reviews, 4, 1, 3);
}

TEST(CinTimeline, RowsThatCannotBePlacedAreRejectedAndSaid) {
  // A CSV-like return built by hand: an episode without a valid referral date (its assessment
  // goes with it), an assessment of an episode that is not there, a child twice.
  Return r;
  r.year = CollectionYear{2024};
  auto& ids = r.get(Table::child_identifiers, "ids.csv");
  ids.data.add_row({"X9", "", "", "", "2012-02-02", "", "", "F", ""}, 2);
  ids.data.add_row({"X9", "", "", "", "2012-02-02", "", "", "F", ""}, 3);
  auto& det = r.get(Table::cin_details, "details.csv");
  det.data.add_row({"X9", "1", "2023-13-01", "1A", "N1", "", "", "", "false"}, 2);
  det.data.add_row({"X9", "2", "2023-06-01", "1A", "N1", "", "", "", "maybe"}, 3);
  det.data.add_row({"Y8", "1", "2023-06-01", "1A", "N1", "", "", "", "false"}, 4);
  auto& as = r.get(Table::assessments, "assessments.csv");
  as.data.add_row({"X9", "1", "1", "2023-07-01", "", "", ""}, 2);
  as.data.add_row({"X9", "3", "1", "2023-07-01", "", "", ""}, 3);
  as.data.add_row({"X9", "2", "1", "2023-07-01", "", "bad", ""}, 4);
  TimelineReport report;
  const Timeline t = build_timeline({r}, report);
  ASSERT_EQ(t.children.size(), 1u);
  ASSERT_EQ(t.children[0].episodes.size(), 1u);
  EXPECT_EQ(t.children[0].episodes[0].assessments.size(), 1u);
  EXPECT_FALSE(t.children[0].episodes[0].assessments[0].authorised.has_value());
  const TableTally& c = report.tally(Table::child_identifiers);
  EXPECT_EQ(c.duplicates, 1u);
  EXPECT_EQ(c.kept, 1u);
  const TableTally& e = report.tally(Table::cin_details);
  EXPECT_EQ(e.rejected, 2u);  // a bad referral date; a child with no identifiers
  EXPECT_EQ(e.kept, 1u);
  const TableTally& a = report.tally(Table::assessments);
  EXPECT_EQ(a.rejected, 2u);  // its episode rejected; no such episode
  EXPECT_EQ(a.kept, 1u);
  for (const auto& x : report.tables) EXPECT_TRUE(x.balances());
  std::vector<std::string> rules;
  for (const auto& p : report.problems.all()) {
    rules.push_back(p.file + ":" + std::to_string(p.line) + ":" + p.rule);
    EXPECT_EQ(p.message.find("X9"), std::string::npos);
    EXPECT_EQ(p.message.find("Y8"), std::string::npos);
  }
  EXPECT_EQ(rules, (std::vector<std::string>{"ids.csv:3:duplicate-child", "details.csv:2:bad-key-date",
                                             "details.csv:3:bad-boolean", "details.csv:4:no-child",
                                             "assessments.csv:2:parent-rejected", "assessments.csv:3:no-episode",
                                             "assessments.csv:4:bad-date"}));
}

TEST(CinTimeline, AnOpenEpisodeMissingFromTheNextReturnEndsOnItsLast31MarchAndTheLaterDuplicateWins) {
  // 2022/23: Q1's episode from 1 May 2022, open, given twice (source 1A, then 2A on line 3).
  // 2023/24: Q1 again, without that episode (a new one from 1 June 2023).
  Return a, b;
  a.year = CollectionYear{2023};
  a.get(Table::child_identifiers, "a.csv").data.add_row({"Q1", "", "", "", "2012-02-02", "", "", "", ""}, 2);
  auto& da = a.get(Table::cin_details, "a_details.csv");
  da.data.add_row({"Q1", "1", "2022-05-01", "1A", "N1", "", "", "", "false"}, 2);
  da.data.add_row({"Q1", "2", "2022-05-01", "2A", "N1", "", "", "", "false"}, 3);
  b.year = CollectionYear{2024};
  b.get(Table::child_identifiers, "b.csv").data.add_row({"Q1", "", "", "", "2012-02-02", "", "", "", ""}, 2);
  b.get(Table::cin_details, "b_details.csv").data.add_row({"Q1", "1", "2023-06-01", "1A", "N1", "", "", "", "0"}, 2);
  TimelineReport report;
  const Timeline t = build_timeline({a, b}, report);
  ASSERT_EQ(t.children.size(), 1u);
  const auto& episodes = t.children[0].episodes;
  ASSERT_EQ(episodes.size(), 2u);
  EXPECT_EQ(episodes[0].source, "2A");  // the later row of the two
  EXPECT_EQ(episodes[0].closure, d(2023, 3, 31));
  EXPECT_EQ(episodes[0].closure_reason, "");  // unknown
  EXPECT_TRUE(episodes[1].is_open());
  EXPECT_EQ(report.tally(Table::cin_details).duplicates, 1u);
  EXPECT_EQ(report.tally(Table::cin_details).kept, 2u);
  EXPECT_EQ(report.repairs_by_rule.at("open-episode-missing-from-later-return"), 1u);
  std::vector<std::string> said;
  for (const auto& p : report.problems.all()) said.push_back(p.file + ":" + std::to_string(p.line) + ":" + p.rule);
  EXPECT_EQ(said, (std::vector<std::string>{"a_details.csv:3:duplicate-record",
                                            "a_details.csv:3:open-episode-missing-from-later-return"}));
}
