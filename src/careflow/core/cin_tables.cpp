#include "careflow/core/cin_tables.hpp"

#include <cctype>
#include <string>

namespace careflow::cin {

const std::array<TableSchema, kTableCount>& schemas() {
  static const std::array<TableSchema, kTableCount> kSchemas = {{
      {Table::header, "Header", "header.csv",
       {"Collection", "Year", "ReferenceDate", "SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo",
        "DateTime"}},
      {Table::child_identifiers, "ChildIdentifiers", "child_identifiers.csv",
       {"LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate", "ExpectedPersonBirthDate",
        "GenderCurrent", "Sex", "PersonDeathDate"}},
      {Table::child_characteristics, "ChildCharacteristics", "child_characteristics.csv", {"LAchildID", "Ethnicity"}},
      {Table::disabilities, "Disabilities", "disabilities.csv", {"LAchildID", "Disability"}},
      {Table::cin_details, "CINdetails", "cin_details.csv",
       {"LAchildID", "CINdetailsID", "CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
        "ReasonForClosure", "DateOfInitialCPC", "ReferralNFA"}},
      {Table::assessments, "Assessments", "assessments.csv",
       {"LAchildID", "CINdetailsID", "AssessmentID", "AssessmentActualStartDate", "AssessmentInternalReviewDate",
        "AssessmentAuthorisationDate", "AssessmentFactors"}},
      {Table::assessment_factors, "AssessmentFactorsList", "assessment_factors.csv",
       {"LAchildID", "CINdetailsID", "AssessmentID", "AssessmentFactor"}},
      {Table::cin_plan_dates, "CINplanDates", "cin_plan_dates.csv",
       {"LAchildID", "CINdetailsID", "CINPlanStartDate", "CINPlanEndDate"}},
      {Table::section47, "Section47", "section47.csv",
       {"LAchildID", "CINdetailsID", "S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC",
        "ICPCnotRequired"}},
      {Table::child_protection_plans, "ChildProtectionPlans", "child_protection_plans.csv",
       {"LAchildID", "CINdetailsID", "CPPID", "CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse", "NumberOfPreviousCPP"}},
      {Table::reviews, "Reviews", "reviews.csv", {"LAchildID", "CINdetailsID", "CPPID", "CPPreviewDate"}},
      {Table::pre_proceedings, "PreProceedingsandFGDM", "pre_proceedings.csv",
       {"LAchildID", "CINdetailsID", "PPStartDate", "LBPSentDate", "FGDMMeetingOffer", "FGDMMeetingFac",
        "InitialPPMeetingDate", "ReviewMeetingsCount", "StepDecisionDate", "PPOutcome", "CourtAppDate",
        "LetterInitCPDate"}},
  }};
  return kSchemas;
}

const TableSchema& schema(Table t) { return schemas()[static_cast<size_t>(t)]; }

namespace {
// Lower case without '_', so "CINplanDates", "cin_plan_dates" and "cinplandates.csv"'s stem meet.
std::string fold(std::string_view s) {
  std::string out;
  for (const char c : s)
    if (c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::optional<Table> table_from_name(std::string_view name) {
  if (name.size() > 4 && fold(name.substr(name.size() - 4)) == ".csv") name.remove_suffix(4);
  const std::string key = fold(name);
  for (const TableSchema& s : schemas()) {
    std::string_view file = s.file_name;
    file.remove_suffix(4);
    if (key == fold(s.name) || key == fold(file)) return s.table;
  }
  if (key == "assessmentfactors") return Table::assessment_factors;  // the export's other spelling
  return std::nullopt;
}

}  // namespace careflow::cin
