#include "careflow/core/ssda903_tables.hpp"

namespace careflow::ssda903 {

const std::array<TableSchema, kTableCount>& schemas() {
  static const std::array<TableSchema, kTableCount> kSchemas = {{
      {Table::header, "Header", "header.csv", {"CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"}},
      {Table::episodes, "Episodes", "episodes.csv",
       {"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
        "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"}},
      {Table::reviews, "Reviews", "reviews.csv", {"CHILD", "DOB", "REVIEW", "REVIEW_CODE"}},
      {Table::uasc, "UASC", "uasc.csv", {"CHILD", "SEX", "DOB", "DUC"}},
      {Table::oc2, "OC2", "oc2.csv",
       {"CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
        "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED"}},
      {Table::oc3, "OC3", "oc3.csv", {"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"}},
      {Table::ad1, "AD1", "ad1.csv",
       {"CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"}},
      {Table::placed_for_adoption, "PlacedAdoption", "placed_for_adoption.csv",
       {"CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"}},
      {Table::previous_permanence, "PrevPerm", "previous_permanence.csv",
       {"CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"}},
      {Table::missing, "Missing", "missing.csv", {"CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"}},
      {Table::sw_episodes, "SWEpisodes", "sw_episodes.csv",
       {"CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"}},
      {Table::dolo, "DoLo", "dolo.csv", {"CHILD", "DOB", "DOLO_START", "DOLO_END"}},
  }};
  return kSchemas;
}

const TableSchema& schema(Table t) { return schemas()[static_cast<size_t>(t)]; }

}  // namespace careflow::ssda903
