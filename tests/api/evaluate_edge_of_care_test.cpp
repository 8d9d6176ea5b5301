// api::evaluate_edge_of_care end to end on a tiny council with both collections
// (api/edge_of_care_returns.hpp derives every figure): the list read, the returns ingested and
// linked, the tables written with disclosure control on and off, and the list's faults stopping it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/edge_of_care_returns.hpp"
#include "careflow/api/evaluate_edge_of_care.hpp"

using namespace careflow;
using careflow::testing::TempReturns;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string all_messages(const api::Outcome& r) {
  std::string s;
  for (const auto& m : r.messages) s += m.text + "\n";
  return s;
}

}  // namespace

TEST(ApiEdgeOfCare, EvaluatesTheListAgainstChildrenAlikeAndWritesTheTables) {
  TempReturns returns, work;
  careflow::testing::write_edge_of_care_returns(returns);
  const std::string list = work.write("in", "supported.csv", "Start Date,Child ID\n10/04/2023,s1\n10/04/2023,NOPE77\n");
  const std::string out = work.folder("out");
  std::filesystem::create_directories(out);
  api::Config config;
  config.suppression = false;
  api::EdgeOfCareRequest q;
  q.returns.inputs = {returns.root()};
  q.children = list;
  q.out_dir = out;
  const auto r = api::evaluate_edge_of_care(config, q);
  ASSERT_TRUE(r.done) << all_messages(r);
  const auto& n = r.evaluation.counts;
  EXPECT_EQ(n.listed, 2u);
  EXPECT_EQ(n.not_found, 1u);
  EXPECT_EQ(n.evaluated, 1u);
  EXPECT_EQ(n.matched, 1u);
  EXPECT_EQ(n.comparison_children, 2u);
  // The unknown child is named by its line only.
  const std::string messages = all_messages(r);
  EXPECT_NE(messages.find("lines 3"), std::string::npos) << messages;
  EXPECT_EQ(messages.find("NOPE77"), std::string::npos) << messages;
  for (const auto& f : r.evaluation.figures) {
    if (f.months == 12) {
      EXPECT_EQ(f.all_followed_up, 0u);  // censored: 10/04/2024 is after 31/03/2024
      continue;
    }
    EXPECT_EQ(f.all_followed_up, 1u);
    EXPECT_EQ(f.comparison_children, 2u);
    if (f.measure == analyse::EdgeOfCareMeasure::became_looked_after) {
      EXPECT_EQ(f.all_with_outcome, 1u);
      EXPECT_DOUBLE_EQ(f.comparison_proportion, 0);
      EXPECT_DOUBLE_EQ(f.comparison_effective_n, 2);  // Kish: 1^2 / (1/4 + 1/4)
      EXPECT_DOUBLE_EQ(f.difference, 1);
    }
  }
  for (const char* file : {"edge_of_care_children.csv", "edge_of_care_outcomes.csv", "edge_of_care_comparison.csv",
                           "edge_of_care.json", "edge_of_care.xlsx", "relations.json"})
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(out) / file)) << file;
  const std::string csv = slurp(std::filesystem::path(out) / "edge_of_care_comparison.csv");
  EXPECT_NE(csv.find("disclosure_control"), std::string::npos);  // marked: suppression off
  EXPECT_EQ(csv.find("S1"), std::string::npos);
  EXPECT_NE(csv.find("6,Became looked after,1,1,100.0,"), std::string::npos) << csv;

  // With disclosure control on, the counts of 1 and 2 are withheld.
  const std::string out2 = work.folder("out2");
  std::filesystem::create_directories(out2);
  q.out_dir = out2;
  const auto s = api::evaluate_edge_of_care(api::Config{}, q);
  ASSERT_TRUE(s.done);
  const std::string csv2 = slurp(std::filesystem::path(out2) / "edge_of_care_comparison.csv");
  EXPECT_EQ(csv2.find("disclosure_control"), std::string::npos);
  EXPECT_NE(csv2.find("6,Became looked after,c,c,c,"), std::string::npos) << csv2;
}

TEST(ApiEdgeOfCare, AFaultyListStopsBeforeTheReturnsAreRead) {
  TempReturns work;
  const std::string list = work.write("in", "supported.csv", "child_id,start_date\nSECRET9,2023-13-01\n");
  api::EdgeOfCareRequest q;
  q.returns.inputs = {"/nonexistent/returns"};
  q.children = list;
  const auto r = api::evaluate_edge_of_care(api::Config{}, q);
  EXPECT_FALSE(r.done);
  const std::string messages = all_messages(r);
  EXPECT_NE(messages.find("supported.csv:2 column start_date: error [bad-date]"), std::string::npos) << messages;
  EXPECT_EQ(messages.find("SECRET9"), std::string::npos);
  EXPECT_EQ(messages.find("2023-13-01"), std::string::npos);
  EXPECT_TRUE(r.ingest.fatal.empty());  // the returns were never read
}

TEST(ApiEdgeOfCare, TheReturnsMustHoldBothCollections) {
  TempReturns returns, work;
  careflow::testing::write_edge_of_care_returns(returns);
  std::filesystem::remove(returns.folder("2023_24") + "/cin_header.csv");
  for (const char* f : {"child_identifiers.csv", "cin_details.csv", "child_protection_plans.csv"})
    std::filesystem::remove(returns.folder("2023_24") + "/" + f);
  const std::string list = work.write("in", "supported.csv", "child_id,start_date\nS1,10/04/2023\n");
  api::EdgeOfCareRequest q;
  q.returns.inputs = {returns.root()};
  q.children = list;
  const auto r = api::evaluate_edge_of_care(api::Config{}, q);
  EXPECT_FALSE(r.done);
  EXPECT_NE(all_messages(r).find("Children in Need census"), std::string::npos);
}
