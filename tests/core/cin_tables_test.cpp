// The CIN census's typed columns (core/cin_tables.hpp) are its schema's columns, in order, each
// named as the census specification names the data item (shared/research/cin-census-spec.md §3).
#include <gtest/gtest.h>

#include <string_view>
#include <utility>
#include <vector>

#include "careflow/core/cin_tables.hpp"

using namespace careflow::cin;

namespace {
void expect_columns(Table t, const std::vector<std::pair<size_t, std::string_view>>& columns) {
  const auto& schema_columns = schema(t).columns;
  ASSERT_EQ(schema_columns.size(), columns.size()) << schema(t).name;
  for (const auto& [index, name] : columns) {
    ASSERT_LT(index, schema_columns.size()) << name;
    EXPECT_EQ(schema_columns[index], name) << schema(t).name;
  }
}
}  // namespace

TEST(CinTables, EveryTablesEnumerationIsItsSchema) {
  namespace h = header_col;
  expect_columns(Table::header, {{h::Collection, "Collection"}, {h::Year, "Year"}, {h::ReferenceDate, "ReferenceDate"},
                                 {h::SourceLevel, "SourceLevel"}, {h::LEA, "LEA"}, {h::SoftwareCode, "SoftwareCode"},
                                 {h::Release, "Release"}, {h::SerialNo, "SerialNo"}, {h::DateTime, "DateTime"}});
  namespace ci = child_identifiers_col;
  expect_columns(Table::child_identifiers,
                 {{ci::LAchildID, "LAchildID"}, {ci::UPN, "UPN"}, {ci::FormerUPN, "FormerUPN"},
                  {ci::UPNunknown, "UPNunknown"}, {ci::PersonBirthDate, "PersonBirthDate"},
                  {ci::ExpectedPersonBirthDate, "ExpectedPersonBirthDate"}, {ci::GenderCurrent, "GenderCurrent"},
                  {ci::Sex, "Sex"}, {ci::PersonDeathDate, "PersonDeathDate"}});
  namespace cc = child_characteristics_col;
  expect_columns(Table::child_characteristics, {{cc::LAchildID, "LAchildID"}, {cc::Ethnicity, "Ethnicity"}});
  namespace d = disabilities_col;
  expect_columns(Table::disabilities, {{d::LAchildID, "LAchildID"}, {d::Disability, "Disability"}});
  namespace cd = cin_details_col;
  expect_columns(Table::cin_details,
                 {{cd::LAchildID, "LAchildID"}, {cd::CINdetailsID, "CINdetailsID"},
                  {cd::CINreferralDate, "CINreferralDate"}, {cd::ReferralSource, "ReferralSource"},
                  {cd::PrimaryNeedCode, "PrimaryNeedCode"}, {cd::CINclosureDate, "CINclosureDate"},
                  {cd::ReasonForClosure, "ReasonForClosure"}, {cd::DateOfInitialCPC, "DateOfInitialCPC"},
                  {cd::ReferralNFA, "ReferralNFA"}});
  namespace a = assessments_col;
  expect_columns(Table::assessments,
                 {{a::LAchildID, "LAchildID"}, {a::CINdetailsID, "CINdetailsID"}, {a::AssessmentID, "AssessmentID"},
                  {a::AssessmentActualStartDate, "AssessmentActualStartDate"},
                  {a::AssessmentInternalReviewDate, "AssessmentInternalReviewDate"},
                  {a::AssessmentAuthorisationDate, "AssessmentAuthorisationDate"},
                  {a::AssessmentFactors, "AssessmentFactors"}});
  namespace af = assessment_factors_col;
  expect_columns(Table::assessment_factors,
                 {{af::LAchildID, "LAchildID"}, {af::CINdetailsID, "CINdetailsID"},
                  {af::AssessmentID, "AssessmentID"}, {af::AssessmentFactor, "AssessmentFactor"}});
  namespace p = cin_plan_dates_col;
  expect_columns(Table::cin_plan_dates, {{p::LAchildID, "LAchildID"}, {p::CINdetailsID, "CINdetailsID"},
                                         {p::CINPlanStartDate, "CINPlanStartDate"},
                                         {p::CINPlanEndDate, "CINPlanEndDate"}});
  namespace s = section47_col;
  expect_columns(Table::section47,
                 {{s::LAchildID, "LAchildID"}, {s::CINdetailsID, "CINdetailsID"},
                  {s::S47ActualStartDate, "S47ActualStartDate"}, {s::InitialCPCtarget, "InitialCPCtarget"},
                  {s::DateOfInitialCPC, "DateOfInitialCPC"}, {s::ICPCnotRequired, "ICPCnotRequired"}});
  namespace cp = child_protection_plans_col;
  expect_columns(Table::child_protection_plans,
                 {{cp::LAchildID, "LAchildID"}, {cp::CINdetailsID, "CINdetailsID"}, {cp::CPPID, "CPPID"},
                  {cp::CPPstartDate, "CPPstartDate"}, {cp::CPPendDate, "CPPendDate"},
                  {cp::InitialCategoryOfAbuse, "InitialCategoryOfAbuse"},
                  {cp::LatestCategoryOfAbuse, "LatestCategoryOfAbuse"},
                  {cp::NumberOfPreviousCPP, "NumberOfPreviousCPP"}});
  namespace r = reviews_col;
  expect_columns(Table::reviews, {{r::LAchildID, "LAchildID"}, {r::CINdetailsID, "CINdetailsID"},
                                  {r::CPPID, "CPPID"}, {r::CPPreviewDate, "CPPreviewDate"}});
  namespace pp = pre_proceedings_col;
  expect_columns(Table::pre_proceedings,
                 {{pp::LAchildID, "LAchildID"}, {pp::CINdetailsID, "CINdetailsID"}, {pp::PPStartDate, "PPStartDate"},
                  {pp::LBPSentDate, "LBPSentDate"}, {pp::FGDMMeetingOffer, "FGDMMeetingOffer"},
                  {pp::FGDMMeetingFac, "FGDMMeetingFac"}, {pp::InitialPPMeetingDate, "InitialPPMeetingDate"},
                  {pp::ReviewMeetingsCount, "ReviewMeetingsCount"}, {pp::StepDecisionDate, "StepDecisionDate"},
                  {pp::PPOutcome, "PPOutcome"}, {pp::CourtAppDate, "CourtAppDate"},
                  {pp::LetterInitCPDate, "LetterInitCPDate"}});
}

TEST(CinTables, TablesAreFoundByModuleOrFileName) {
  EXPECT_EQ(table_from_name("CINdetails"), Table::cin_details);
  EXPECT_EQ(table_from_name("cin_details.csv"), Table::cin_details);
  EXPECT_EQ(table_from_name("CINPlanDates"), Table::cin_plan_dates);
  EXPECT_EQ(table_from_name("AssessmentFactorsList.csv"), Table::assessment_factors);
  EXPECT_EQ(table_from_name("ChildProtectionPlans"), Table::child_protection_plans);
  EXPECT_EQ(table_from_name("Section47.CSV"), Table::section47);
  EXPECT_FALSE(table_from_name("Episodes").has_value());
  EXPECT_FALSE(table_from_name("").has_value());
  // Every module's own names find it.
  for (const TableSchema& s : schemas()) {
    EXPECT_EQ(table_from_name(s.name), s.table) << s.name;
    EXPECT_EQ(table_from_name(s.file_name), s.table) << s.file_name;
  }
}
