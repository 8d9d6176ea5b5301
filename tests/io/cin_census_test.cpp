// The CIN return's tables from CSV exports: module recognised by file name or by columns,
// columns matched in any order and case, missing columns blank, unknown ones reported by position.
#include <gtest/gtest.h>

#include "careflow/io/cin_census.hpp"

using namespace careflow;

namespace {
CsvTable parsed(std::string_view text, std::string source) {
  auto r = parse_csv(text, std::move(source));
  EXPECT_TRUE(r.readable);
  return std::move(r.table);
}
}  // namespace

TEST(CinCensus, ModuleByFileNameColumnsInAnyOrderAndCase) {
  ProblemLog problems;
  auto t = cin::to_return_table(parsed("cinreferraldate,LACHILDID,ReferralNFA\n2022-05-01,c1,false\n", "x/CINdetails.csv"),
                                "CINdetails.csv", problems);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->table, cin::Table::cin_details);
  ASSERT_EQ(t->data.cols(), 9u);
  EXPECT_EQ(t->cell(0, cin::cin_details_col::LAchildID), "C1");
  EXPECT_EQ(t->cell(0, cin::cin_details_col::CINreferralDate), "2022-05-01");
  EXPECT_EQ(t->cell(0, cin::cin_details_col::ReferralNFA), "FALSE");
  EXPECT_EQ(t->cell(0, cin::cin_details_col::ReasonForClosure), "");
  EXPECT_TRUE(t->has_column[cin::cin_details_col::ReferralNFA]);
  EXPECT_FALSE(t->has_column[cin::cin_details_col::ReasonForClosure]);
  EXPECT_EQ(t->line(0), 2u);
  EXPECT_TRUE(problems.all().empty());
}

TEST(CinCensus, ModuleByColumnsAndUnknownHeadingsByPosition) {
  ProblemLog problems;
  auto t = cin::to_return_table(parsed("LAchildID,CPPstartDate,Z99\nc1,2022-05-01,secret\n", "plans.csv"), "plans.csv",
                                problems);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->table, cin::Table::child_protection_plans);
  ASSERT_EQ(problems.all().size(), 1u);
  EXPECT_EQ(problems.all()[0].column, "3");
  EXPECT_EQ(problems.all()[0].message.find("Z99"), std::string::npos);
  // LAchildID alone fits most modules: not recognised.
  ProblemLog p2;
  EXPECT_FALSE(cin::to_return_table(parsed("LAchildID\nc1\n", "a.csv"), "a.csv", p2));
  ASSERT_EQ(p2.all().size(), 1u);
  EXPECT_EQ(p2.all()[0].rule, "unknown-table");
}
