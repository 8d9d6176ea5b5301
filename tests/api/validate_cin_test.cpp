// api::validate on a Children in Need census return: recognised by its files, checked by the CIN
// rules of its year, its errors in the same tables as the 903's (rule, message, file, line,
// child); a folder of both collections has each checked by its own rules. Expected errors derived by hand.
#include <gtest/gtest.h>

#include <string>

#include "careflow/api/validate.hpp"
#include "careflow/io/table_writers.hpp"
#include "io/temp_returns.hpp"

using namespace careflow;

namespace {

// A 2022/23 census of two children. C1's episode closed on 1 September 2022 with no reason for
// closure (8805: cin_details.csv line 2); everything else is as DfE asks: UPN unknown for a
// reason (UN2), gender recorded, referral source and primary need valid, C2's episode open and
// its only one, the Header's reference date 31 March of its Year.
void write_cin_return(careflow::testing::TempReturns& tr) {
  tr.write("2022_23", "header.csv", "Collection,Year,ReferenceDate\nCIN,2023,2023-03-31\n");
  tr.write("2022_23", "child_identifiers.csv",
           "LAchildID,UPNunknown,PersonBirthDate,GenderCurrent\nC1,UN2,2015-01-01,1\nC2,UN2,2010-05-05,2\n");
  tr.write("2022_23", "cin_details.csv",
           "LAchildID,CINdetailsID,CINreferralDate,ReferralSource,PrimaryNeedCode,CINclosureDate,ReasonForClosure,"
           "ReferralNFA\n"
           "C1,1,2022-06-01,1A,N1,2022-09-01,,false\n"
           "C2,1,2022-07-01,1A,N9,,,false\n");
}

}  // namespace

TEST(ApiValidateCin, RecognisedAndCheckedByTheCinRulesOfItsYear) {
  careflow::testing::TempReturns tr;
  write_cin_return(tr);
  api::ValidateRequest q;
  q.this_year = {tr.folder("2022_23")};
  const auto r = api::validate({}, q);
  ASSERT_TRUE(r.done) << (r.messages.empty() ? "" : r.messages.front().text);
  EXPECT_EQ(r.collection, "CIN census");
  EXPECT_EQ(r.year.end_year, 2023);
  EXPECT_TRUE(r.results.empty());
  // Every CIN rule version active in 2022/23 (105), each run: none needs what is not given.
  EXPECT_EQ(r.cin_results.size(), 105u);
  EXPECT_EQ(r.ran, 105u);
  ASSERT_EQ(r.error_count(), 1u);
  EXPECT_EQ(r.children_with_errors(), 1u);
  const auto errors = to_csv(r.tables->errors());
  EXPECT_NE(errors.find("8805,A CIN case cannot have a CIN closure date without a Reason for Closure,CINdetails,2,"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("cin_details.csv,C1,"), std::string::npos) << errors;
  std::string text;
  r.tables->text_lines(0, 1, text);
  EXPECT_NE(text.find("cin_details.csv:2: [8805]"), std::string::npos) << text;
}

TEST(ApiValidateCin, PseudonymsHideTheChildsIdentifier) {
  careflow::testing::TempReturns tr;
  write_cin_return(tr);
  api::Config config;
  config.pseudonym_key = PseudonymKey::from_words(1, 2);
  api::ValidateRequest q;
  q.this_year = {tr.folder("2022_23")};
  q.pseudonymise = true;
  const auto r = api::validate(config, q);
  ASSERT_TRUE(r.done);
  const auto errors = to_csv(r.tables->errors());
  EXPECT_EQ(errors.find(",C1,"), std::string::npos) << errors;
}

TEST(ApiValidateCin, AFolderOfBothCollectionsHasEachCheckedByItsOwnRules) {
  // The same 903 episode alone, then beside the CIN census return of write_cin_return: the joint
  // run's errors are the 903 run's plus the census's one (8805), each row naming its collection.
  const std::string episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\nA,01/05/2022,S,C2,N1,U4,PR1,,\n";
  careflow::testing::TempReturns alone;
  alone.write("2022_23", "episodes.csv", episodes);
  api::ValidateRequest q;
  q.this_year = {alone.folder("2022_23")};
  q.postcodes = false;
  const auto r903 = api::validate({}, q);
  ASSERT_TRUE(r903.done);
  ASSERT_EQ(r903.collection, "SSDA903");

  careflow::testing::TempReturns tr;
  write_cin_return(tr);
  tr.write("2022_23", "episodes.csv", episodes);
  q.this_year = {tr.folder("2022_23")};
  const auto r = api::validate({}, q);
  ASSERT_TRUE(r.done) << r.messages.front().text;
  EXPECT_EQ(r.collection, "SSDA903 and CIN census");
  EXPECT_EQ(r.year.end_year, 2023);  // from the folder's name, for both parts
  EXPECT_EQ(r.results.size(), r903.results.size());
  EXPECT_EQ(r.cin_results.size(), 105u);
  EXPECT_EQ(r.ran, r903.ran + 105u);
  ASSERT_EQ(r.error_count(), r903.error_count() + 1);
  // Child A's errors (if any) and C1's: two children when the 903 part flagged any.
  EXPECT_EQ(r.children_with_errors(), r903.children_with_errors() + 1);
  const std::string errors = to_csv(r.tables->errors());
  EXPECT_EQ(errors.rfind("collection,rule,message,", 0), 0u) << errors;
  EXPECT_NE(errors.find("\r\nCIN census,8805,A CIN case cannot have a CIN closure date without a Reason for Closure,"),
            std::string::npos) << errors;
  size_t rows_903 = 0, rows_cin = 0;
  for (size_t at = errors.find("\r\n"); at + 2 < errors.size(); at = errors.find("\r\n", at + 2)) {
    rows_903 += errors.compare(at + 2, 8, "SSDA903,") == 0;
    rows_cin += errors.compare(at + 2, 11, "CIN census,") == 0;
  }
  EXPECT_EQ(rows_903, r903.error_count());
  EXPECT_EQ(rows_cin, 1u);
  // Text lines name the collection when there are two.
  std::string text;
  r.tables->text_lines(0, r.error_count(), text);
  EXPECT_NE(text.find("cin_details.csv:2: [CIN census 8805]"), std::string::npos) << text;
  ASSERT_GT(r903.error_count(), 0u);  // (no header table: 903 rules flag the episode)
  EXPECT_NE(text.find("episodes.csv:2: [SSDA903 "), std::string::npos) << text;
  const std::string by_rule = to_csv(r.tables->by_rule());
  EXPECT_NE(by_rule.find("\r\nCIN census,8805,run,1,"), std::string::npos) << by_rule;
}

TEST(ApiValidateCin, AReturnWithoutEpisodesIsRefused) {
  careflow::testing::TempReturns tr;
  tr.write("2022_23", "child_identifiers.csv", "LAchildID,PersonBirthDate\nC1,2015-01-01\n");
  api::ValidateRequest q;
  q.this_year = {tr.folder("2022_23")};
  const auto r = api::validate({}, q);
  ASSERT_FALSE(r.done);
  EXPECT_NE(r.messages.front().text.find("no CINdetails rows"), std::string::npos) << r.messages.front().text;
  EXPECT_EQ(r.messages.front().text.find("C1"), std::string::npos);
}
