// The SSDA903 return's twelve tables and their columns, as data: the vocabulary every layer
// shares (validation rules name columns by these enumerations; the ingest summary names tables by
// schema). Reading the files that hold them is io's (io/ssda903.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace careflow::ssda903 {

enum class Table : uint8_t {
  header, episodes, reviews, uasc, oc2, oc3, ad1, placed_for_adoption, previous_permanence,
  missing, sw_episodes, dolo
};
inline constexpr size_t kTableCount = 12;

struct TableSchema {
  Table table;
  std::string_view name;       // as the reference validator names it: "Episodes", "PrevPerm"
  std::string_view file_name;  // the usual export name: "episodes.csv"
  std::vector<std::string_view> columns;  // in DfE order
};

const std::array<TableSchema, kTableCount>& schemas();
const TableSchema& schema(Table t);

// Column positions, in schema order, one enumeration per table (a rule reading a column of the
// wrong table does not compile: tests/validate/columns_test.cpp checks each against the schema).
namespace header_col { enum Column : uint8_t { CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB }; }
namespace episodes_col {
enum Column : uint8_t { CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE,
                        HOME_POST, PL_POST, URN };
}
namespace reviews_col { enum Column : uint8_t { CHILD, DOB, REVIEW, REVIEW_CODE }; }
namespace uasc_col { enum Column : uint8_t { CHILD, SEX, DOB, DUC }; }
namespace oc2_col {
enum Column : uint8_t { CHILD, DOB, SDQ_SCORE, SDQ_REASON, CONVICTED, HEALTH_CHECK, IMMUNISATIONS, TEETH_CHECK,
                        HEALTH_ASSESSMENT, SUBSTANCE_MISUSE, INTERVENTION_RECEIVED, INTERVENTION_OFFERED };
}
namespace oc3_col { enum Column : uint8_t { CHILD, DOB, IN_TOUCH, ACTIV, ACCOM }; }
namespace ad1_col {
enum Column : uint8_t { CHILD, DOB, DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR };
}
namespace placed_col { enum Column : uint8_t { CHILD, DOB, DATE_PLACED, DATE_PLACED_CEASED, REASON_PLACED_CEASED }; }
namespace prev_perm_col { enum Column : uint8_t { CHILD, DOB, PREV_PERM, LA_PERM, DATE_PERM }; }
namespace missing_col { enum Column : uint8_t { CHILD, DOB, MISSING, MIS_START, MIS_END }; }
namespace sw_episodes_col { enum Column : uint8_t { CHILD, DOB, SW_ID, SW_DECOM, SW_DEC, SW_REASON }; }
namespace dolo_col { enum Column : uint8_t { CHILD, DOB, DOLO_START, DOLO_END }; }

}  // namespace careflow::ssda903
