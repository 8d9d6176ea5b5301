// api::validate, the validation use case every front end calls: what it refuses and why, how it
// finds the collection year, and that its tables hold what the rules flagged, counted by hand.
#include "careflow/api/validate.hpp"

#include <gtest/gtest.h>

#include <string>

#include "careflow/io/table_writers.hpp"
#include "io/temp_returns.hpp"

using namespace careflow;

namespace {

// A 2024/25 return of two children (rule 388, derived by hand as in tests/validate): A's only
// episode ends X1 with no DEC and no episode follows (episodes.csv line 2, flagged); B's first
// episode ends X1 on 1 June and the next starts that day (lines 3, 4, not flagged).
void write_return(careflow::testing::TempReturns& tr) {
  tr.write("2024_25", "header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA,1,01/06/2010,WBRI,,,\nB,2,15/03/2012,WBRI,,,\n");
  tr.write("2024_25", "episodes.csv",
           "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
           "A,01/05/2024,S,C2,N1,U4,PR1,,X1,,,,\n"
           "B,01/05/2024,S,C2,N1,U4,PR1,01/06/2024,X1,CARPL,,,\n"
           "B,01/06/2024,P,C2,N1,U4,PR1,,,,,,\n");
}

const validate::RuleResult* result_of(const api::ValidateResult& r, std::string_view code) {
  for (const auto& x : r.results)
    if (x.rule->code == code) return &x;
  return nullptr;
}

}  // namespace

TEST(ApiValidate, FindsTheYearFromTheFolderEvenWithATrailingSlash) {
  careflow::testing::TempReturns tr;
  write_return(tr);
  api::ValidateRequest q;
  q.this_year = {tr.folder("2024_25") + "/"};
  q.postcodes = false;
  const auto r = api::validate({}, q);
  ASSERT_TRUE(r.done) << (r.messages.empty() ? "" : r.messages.front().text);
  EXPECT_EQ(r.year.end_year, 2025);
}

TEST(ApiValidate, TablesHoldWhatTheRulesFlagged) {
  careflow::testing::TempReturns tr;
  write_return(tr);
  api::ValidateRequest q;
  q.this_year = {tr.folder("2024_25")};
  q.postcodes = false;
  const auto r = api::validate({}, q);
  ASSERT_TRUE(r.done);
  const auto* rule388 = result_of(r, "388");
  ASSERT_TRUE(rule388);
  ASSERT_EQ(rule388->flagged.count(ssda903::Table::episodes), 1u);
  EXPECT_EQ(rule388->flagged.at(ssda903::Table::episodes), (std::vector<size_t>{0}));
  // Every flagged row is one error row, and the counts of outcomes add up to the catalogue's year.
  size_t flagged = 0;
  for (const auto& x : r.results)
    for (const auto& [table, rows] : x.flagged) flagged += rows.size();
  EXPECT_EQ(r.error_count(), flagged);
  EXPECT_EQ(r.ran + r.not_run + r.not_implemented, r.results.size());
  // Rules on postcodes were not run, and say why.
  EXPECT_GT(r.not_run, 0u);
  // The errors name the return's own identifiers unless pseudonymised.
  const std::string csv = to_csv(r.tables->errors());
  EXPECT_NE(csv.find(",A,"), std::string::npos) << csv;
}

TEST(ApiValidate, PseudonymsNeedAKeyAndReplaceTheIdentifiers) {
  careflow::testing::TempReturns tr;
  write_return(tr);
  api::ValidateRequest q;
  q.this_year = {tr.folder("2024_25")};
  q.postcodes = false;
  q.pseudonymise = true;
  const auto refused = api::validate({}, q);
  EXPECT_FALSE(refused.done);
  api::Config config;
  config.pseudonym_key = PseudonymKey::from_words(1, 2);
  const auto r = api::validate(config, q);
  ASSERT_TRUE(r.done);
  ASSERT_GT(r.error_count(), 0u);
  const std::string expected_a = pseudonymise("A", *config.pseudonym_key);
  const std::string csv = to_csv(r.tables->errors());
  EXPECT_EQ(csv.find(",A,"), std::string::npos) << csv;
  EXPECT_EQ(csv.find(",B,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(expected_a), std::string::npos) << csv;
}

TEST(ApiValidate, RefusesWhatCannotBeChecked) {
  careflow::testing::TempReturns tr;
  write_return(tr);
  api::ValidateRequest missing;
  missing.this_year = {tr.root() + "/nowhere"};
  const auto a = api::validate({}, missing);
  ASSERT_FALSE(a.done);
  EXPECT_NE(a.messages.back().text.find("no such file or folder"), std::string::npos);
  // A year no rule covers would pass by checking nothing.
  api::ValidateRequest early;
  early.this_year = {tr.folder("2024_25")};
  early.year = 1995;
  const auto b = api::validate({}, early);
  ASSERT_FALSE(b.done);
  EXPECT_NE(b.messages.back().text.find("no DfE validation rule applies"), std::string::npos);
  // A return without an episode it can use would "pass" most rules.
  tr.write("2023_24", "header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA,1,01/06/2010,WBRI,,,\n");
  api::ValidateRequest empty;
  empty.this_year = {tr.folder("2023_24")};
  empty.postcodes = false;
  const auto c = api::validate({}, empty);
  EXPECT_FALSE(c.done);
}
