// api::ingest with Children in Need census returns beside the 903's in the same year folders (the
// 2022/23 census as DfE's XML, the 2023/24 one as the analysts' CSVs), and alone; and careflow
// ingest writing the CIN summary table. Every figure is derived by hand from the files below.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "careflow/api/ingest.hpp"
#include "io/cin_returns.hpp"
#include "io/temp_returns.hpp"

using namespace careflow;
using careflow::testing::TempReturns;

namespace {

// 903: A1 (the census's A1, boy, born 1 May 2015) looked after from 10 July 2022 (after its
// referral on 1 June 2022 and its CP plan from 20 June 2022); E5 from 1 September 2023, in no
// census return. Census 2023/24 as CSVs: A1's episode again, now closed on 1 Feb 2024 (RC3), its
// referral source changed (2A -> 2B); its plan again, ended 31 Jan 2024 with latest category PHY
// (was NEG), one new review on 1 Sep 2023.
void write_returns(TempReturns& t) {
  using careflow::testing::kEpisodesHeader;
  using careflow::testing::kHeaderHeader;
  t.write("2022_23", "header.csv", std::string(kHeaderHeader) + "A1,1,01/05/2015,WBRI,A123456789012,,\n");
  t.write("2022_23", "episodes.csv", std::string(kEpisodesHeader) + "A1,10/07/2022,S,C2,N1,U1,PR1,,,,,,\n");
  t.write("2022_23", "cin.xml", careflow::testing::kCin2023);
  t.write("2023_24", "header.csv",
          std::string(kHeaderHeader) + "A1,1,01/05/2015,WBRI,A123456789012,,\nE5,2,03/03/2016,WBRI,,,\n");
  t.write("2023_24", "episodes.csv",
          std::string(kEpisodesHeader) + "A1,10/07/2022,S,C2,N1,U1,PR1,,,,,,\nE5,01/09/2023,S,V2,N1,U1,PR1,,,,,,\n");
  t.write("2023_24", "cin_header.csv", "Collection,Year,ReferenceDate,LEA\nCIN,2024,2024-03-31,201\n");
  t.write("2023_24", "child_identifiers.csv", "LAchildID,PersonBirthDate,GenderCurrent\nA1,2015-05-01,1\n");
  t.write("2023_24", "cin_details.csv",
          "LAchildID,CINdetailsID,CINreferralDate,ReferralSource,PrimaryNeedCode,CINclosureDate,ReasonForClosure,"
          "ReferralNFA\nA1,1,2022-06-01,2B,N1,2024-02-01,RC3,false\n");
  t.write("2023_24", "child_protection_plans.csv",
          "LAchildID,CINdetailsID,CPPID,CPPstartDate,CPPendDate,InitialCategoryOfAbuse,LatestCategoryOfAbuse,"
          "NumberOfPreviousCPP\nA1,1,1,2022-06-20,2024-01-31,NEG,PHY,0\n");
  t.write("2023_24", "cin_reviews.csv", "LAchildID,CINdetailsID,CPPID,CPPreviewDate\nA1,1,1,2023-09-01\n");
}

double cell_of(const OutputTable& t, std::string_view measure) {
  for (const auto& r : t.rows)
    if (std::get<std::string>(r[0]).find(measure) == 0) return std::get<double>(r[1]);
  ADD_FAILURE() << "no row " << measure;
  return -1;
}

}  // namespace

TEST(ApiIngestCin, CensusReturnsBesideThe903AreReadLinkedAndSummarised) {
  TempReturns t;
  write_returns(t);
  const auto r = api::ingest(api::Config{}, {{{t.root()}, std::nullopt}});
  ASSERT_TRUE(r.done);
  // The 903 is read as without the census files beside it.
  EXPECT_EQ(r.history.children.size(), 2u);
  EXPECT_EQ(r.report.ssda903_files.size(), 4u);
  EXPECT_EQ(r.report.problems.size(), 0u);
  ASSERT_TRUE(r.has_cin());
  EXPECT_EQ(r.report.cin_files.at(2023).size(), 1u);
  EXPECT_EQ(r.report.cin_files.at(2024).size(), 5u);
  EXPECT_EQ(r.cin_files.size(), 6u);
  ASSERT_EQ(r.cin.years.size(), 2u);
  EXPECT_EQ(r.cin.years[1].end_year, 2024);

  const auto n = r.cin.counts();
  EXPECT_EQ(n.children, 2u);  // A1, B2
  EXPECT_EQ(n.episodes, 3u);  // A1's once; B2's two
  EXPECT_EQ(n.open_episodes, 0u);
  EXPECT_EQ(n.assessments, 2u);  // from 2022/23: the CSVs have no assessments file
  EXPECT_EQ(n.protection_plans, 1u);
  EXPECT_EQ(n.reviews, 3u);
  const cin::CinChild& a = *r.cin.find("A1");
  EXPECT_EQ(a.episodes[0].source, "2B");
  EXPECT_EQ(a.episodes[0].closure, Date::from_ymd(2024, 2, 1));
  EXPECT_EQ(a.episodes[0].protection_plans[0].latest_category, "PHY");
  EXPECT_EQ(r.cin_report.repairs_by_rule.at("cin-later-return"), 2u);
  std::vector<std::string> repairs;
  for (const auto& p : r.cin_report.problems.all())
    if (p.severity == Severity::repair) repairs.push_back(p.file.substr(t.root().size()) + ":" + std::to_string(p.line));
  EXPECT_EQ(repairs, (std::vector<std::string>{"/2023_24/cin_details.csv:2", "/2023_24/child_protection_plans.csv:2"}));

  ASSERT_TRUE(r.linkage.has_value());
  const cin::Linkage& k = *r.linkage;
  EXPECT_EQ(k.found_by_id, 1u);  // A1
  EXPECT_EQ(k.not_found, 1u);    // B2
  EXPECT_EQ(k.dob_mismatch + k.sex_mismatch, 0u);
  EXPECT_EQ(k.entrants, 2u);  // A1 (10 July 2022), E5 (1 Sep 2023)
  EXPECT_EQ(k.entrants_with_earlier_episode, 1u);
  EXPECT_EQ(k.entrants_with_earlier_protection_plan, 1u);
  EXPECT_EQ(k.looked_after_not_in_cin, 1u);  // E5

  ASSERT_EQ(r.cin_summary.size(), 3u);
  const OutputTable& s = r.cin_summary[0];
  EXPECT_EQ(s.id, "cin_summary");
  EXPECT_EQ(cell_of(s, "Children in need"), 2);
  EXPECT_EQ(cell_of(s, "Census children found in the 903 by LA child id"), 1);
  EXPECT_EQ(cell_of(s, "Periods of care starting"), 2);
  EXPECT_EQ(cell_of(s, "  of which the child had a CIN referral"), 1);
  EXPECT_EQ(r.cin_summary[1].id, "cin_rows");
  EXPECT_EQ(r.cin_summary[2].id, "cin_repairs");
  ASSERT_EQ(r.cin_summary[2].rows.size(), 1u);
  EXPECT_EQ(std::get<double>(r.cin_summary[2].rows[0][1]), 2);  // cin-later-return
  EXPECT_EQ(r.problems.row_count(), 2u);  // the two repairs, after the 903's none
  EXPECT_FALSE(r.summary.empty());
}

TEST(ApiIngestCin, CensusReturnsAloneAreReadWithoutLinkageAndOtherUseCasesRefuseThem) {
  TempReturns t;
  t.write("2022_23", "cin.xml", careflow::testing::kCin2023);
  t.write("somewhere", "cin2024.xml", careflow::testing::kCin2024);  // its year from its ReferenceDate
  const auto r = api::ingest(api::Config{}, {{{t.folder("2022_23"), t.folder("somewhere") + "/cin2024.xml"}, std::nullopt}});
  ASSERT_TRUE(r.done);
  EXPECT_FALSE(r.has_903());
  EXPECT_TRUE(r.summary.empty());
  EXPECT_FALSE(r.linkage.has_value());
  ASSERT_EQ(r.cin.years.size(), 2u);
  EXPECT_EQ(r.cin.counts().children, 3u);
  // The 903's own ingest (every other use case) refuses census returns alone, saying why.
  IngestReport report;
  careflow::ingest({t.folder("2022_23")}, std::nullopt, report);
  ASSERT_FALSE(report.usable());
  EXPECT_EQ(report.fatal.all().front().rule, "no-903-return");
}

TEST(CliIngestCin, WritesTheCinSummaryTable) {
  TempReturns t;
  write_returns(t);
  const std::string out = t.root() + "/out";
  const std::string log = t.root() + "/log.txt";
  const int rc = std::system((std::string(CAREFLOW_CLI_PATH) + " ingest " + t.root() + "/2022_23 " + t.root() +
                              "/2023_24 --out " + out + " > " + log + " 2>&1").c_str());
  std::stringstream text;
  text << std::ifstream(log).rdbuf();
  ASSERT_EQ(WEXITSTATUS(rc), 0) << text.str();
  EXPECT_NE(text.str().find("Children in Need census: 6 file(s), 2 collection year(s) (2022/23 to 2023/24)"),
            std::string::npos)
      << text.str();
  std::stringstream csv;
  csv << std::ifstream(out + "/cin_summary.csv").rdbuf();
  EXPECT_NE(csv.str().find("Children in need (any episode),2"), std::string::npos) << csv.str();
  EXPECT_NE(csv.str().find("Census children found in the 903 by LA child id,1"), std::string::npos);
  EXPECT_TRUE(std::ifstream(out + "/cin_rows.csv").good());
  EXPECT_EQ(text.str().find("A123456789012"), std::string::npos);  // no identifier printed
}
