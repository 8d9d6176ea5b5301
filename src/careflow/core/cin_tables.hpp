// The Children in Need census's tables and columns, as data: the vocabulary the CIN reader (io),
// the CIN validation rules (validate) and the CIN timeline share, as ssda903_tables.hpp is for the
// 903. The census is an XML tree (child → episodes of need → assessments, plans, enquiries); it is
// flattened into these tables the way DfE's validator and analysts' CSV exports flatten it, one
// table per module, each row keyed by the child (LAchildID) and, below the child, by surrogate
// keys numbered in document order within the parent (CINdetailsID, AssessmentID, CPPID), because
// the XML carries no identifiers below the child (../shared/research/cin-census-spec.md §2).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace careflow::cin {

enum class Table : uint8_t {
  header, child_identifiers, child_characteristics, disabilities, cin_details, assessments,
  assessment_factors, cin_plan_dates, section47, child_protection_plans, reviews, pre_proceedings
};
inline constexpr size_t kTableCount = 12;

struct TableSchema {
  Table table;
  std::string_view name;       // as DfE's validator names the module: "CINdetails", "Section47"
  std::string_view file_name;  // the usual CSV export name: "cin_details.csv"
  std::vector<std::string_view> columns;  // in schema (XML) order
};

const std::array<TableSchema, kTableCount>& schemas();
const TableSchema& schema(Table t);
// A table by its module name as the validator writes it ("CINdetails", "cinplandates"; case and
// the export file name's form are both accepted).
std::optional<Table> table_from_name(std::string_view name);

// Column positions, in schema order, one enumeration per table (rules name columns by these).
namespace header_col {
enum Column : uint8_t { Collection, Year, ReferenceDate, SourceLevel, LEA, SoftwareCode, Release, SerialNo, DateTime };
}
namespace child_identifiers_col {
// GenderCurrent to 2023/24, Sex from 2024/25 (the reader keeps whichever the return holds).
enum Column : uint8_t { LAchildID, UPN, FormerUPN, UPNunknown, PersonBirthDate, ExpectedPersonBirthDate,
                        GenderCurrent, Sex, PersonDeathDate };
}
namespace child_characteristics_col { enum Column : uint8_t { LAchildID, Ethnicity }; }
namespace disabilities_col { enum Column : uint8_t { LAchildID, Disability }; }
namespace cin_details_col {
enum Column : uint8_t { LAchildID, CINdetailsID, CINreferralDate, ReferralSource, PrimaryNeedCode, CINclosureDate,
                        ReasonForClosure, DateOfInitialCPC, ReferralNFA };
}
namespace assessments_col {
// AssessmentFactors: the assessment's factors as one cell, comma-separated ("3B,4B"); the
// assessment_factors table has them one per row.
enum Column : uint8_t { LAchildID, CINdetailsID, AssessmentID, AssessmentActualStartDate,
                        AssessmentInternalReviewDate, AssessmentAuthorisationDate, AssessmentFactors };
}
namespace assessment_factors_col {
enum Column : uint8_t { LAchildID, CINdetailsID, AssessmentID, AssessmentFactor };
}
namespace cin_plan_dates_col { enum Column : uint8_t { LAchildID, CINdetailsID, CINPlanStartDate, CINPlanEndDate }; }
namespace section47_col {
enum Column : uint8_t { LAchildID, CINdetailsID, S47ActualStartDate, InitialCPCtarget, DateOfInitialCPC,
                        ICPCnotRequired };
}
namespace child_protection_plans_col {
enum Column : uint8_t { LAchildID, CINdetailsID, CPPID, CPPstartDate, CPPendDate, InitialCategoryOfAbuse,
                        LatestCategoryOfAbuse, NumberOfPreviousCPP };
}
namespace reviews_col { enum Column : uint8_t { LAchildID, CINdetailsID, CPPID, CPPreviewDate }; }
namespace pre_proceedings_col {
// Expected from 2026/27 (cin-census-spec.md §3.9, to confirm against DfE's specification).
enum Column : uint8_t { LAchildID, CINdetailsID, PPStartDate, LBPSentDate, FGDMMeetingOffer, FGDMMeetingFac,
                        InitialPPMeetingDate, ReviewMeetingsCount, StepDecisionDate, PPOutcome, CourtAppDate,
                        LetterInitCPDate };
}

}  // namespace careflow::cin
