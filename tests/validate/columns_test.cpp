// The typed columns the rules read (core/ssda903_tables.hpp: one enumeration per table) are the schema's
// columns, in its order: a rule reading E::DEC reads the DEC column. Each column is named here
// as the data dictionary lists them (shared/research/ssda903-spec.md, section 2.13).
#include <gtest/gtest.h>

#include <string_view>
#include <utility>
#include <vector>

#include "careflow/io/ssda903.hpp"

using namespace careflow::ssda903;

namespace {
// Every column of the table, by its enumerator, with its name; the schema must have exactly these.
void expect_columns(Table t, const std::vector<std::pair<size_t, std::string_view>>& columns) {
  const auto& schema_columns = schema(t).columns;
  ASSERT_EQ(schema_columns.size(), columns.size()) << schema(t).name;
  for (const auto& [index, name] : columns) {
    ASSERT_LT(index, schema_columns.size()) << name;
    EXPECT_EQ(schema_columns[index], name) << schema(t).name;
  }
}
}  // namespace

TEST(Columns, EveryTablesEnumerationIsItsSchema) {
  namespace h = header_col;
  expect_columns(Table::header, {{h::CHILD, "CHILD"}, {h::SEX, "SEX"}, {h::DOB, "DOB"}, {h::ETHNIC, "ETHNIC"},
                                 {h::UPN, "UPN"}, {h::MOTHER, "MOTHER"}, {h::MC_DOB, "MC_DOB"}});
  namespace e = episodes_col;
  expect_columns(Table::episodes,
                 {{e::CHILD, "CHILD"}, {e::DECOM, "DECOM"}, {e::RNE, "RNE"}, {e::LS, "LS"}, {e::CIN, "CIN"},
                  {e::PLACE, "PLACE"}, {e::PLACE_PROVIDER, "PLACE_PROVIDER"}, {e::DEC, "DEC"}, {e::REC, "REC"},
                  {e::REASON_PLACE_CHANGE, "REASON_PLACE_CHANGE"}, {e::HOME_POST, "HOME_POST"},
                  {e::PL_POST, "PL_POST"}, {e::URN, "URN"}});
  namespace rv = reviews_col;
  expect_columns(Table::reviews, {{rv::CHILD, "CHILD"}, {rv::DOB, "DOB"}, {rv::REVIEW, "REVIEW"},
                                  {rv::REVIEW_CODE, "REVIEW_CODE"}});
  namespace u = uasc_col;
  expect_columns(Table::uasc, {{u::CHILD, "CHILD"}, {u::SEX, "SEX"}, {u::DOB, "DOB"}, {u::DUC, "DUC"}});
  namespace o2 = oc2_col;
  expect_columns(Table::oc2, {{o2::CHILD, "CHILD"}, {o2::DOB, "DOB"}, {o2::SDQ_SCORE, "SDQ_SCORE"},
                              {o2::SDQ_REASON, "SDQ_REASON"}, {o2::CONVICTED, "CONVICTED"},
                              {o2::HEALTH_CHECK, "HEALTH_CHECK"}, {o2::IMMUNISATIONS, "IMMUNISATIONS"},
                              {o2::TEETH_CHECK, "TEETH_CHECK"}, {o2::HEALTH_ASSESSMENT, "HEALTH_ASSESSMENT"},
                              {o2::SUBSTANCE_MISUSE, "SUBSTANCE_MISUSE"},
                              {o2::INTERVENTION_RECEIVED, "INTERVENTION_RECEIVED"},
                              {o2::INTERVENTION_OFFERED, "INTERVENTION_OFFERED"}});
  namespace o3 = oc3_col;
  expect_columns(Table::oc3, {{o3::CHILD, "CHILD"}, {o3::DOB, "DOB"}, {o3::IN_TOUCH, "IN_TOUCH"},
                              {o3::ACTIV, "ACTIV"}, {o3::ACCOM, "ACCOM"}});
  namespace ad = ad1_col;
  expect_columns(Table::ad1, {{ad::CHILD, "CHILD"}, {ad::DOB, "DOB"}, {ad::DATE_INT, "DATE_INT"},
                              {ad::DATE_MATCH, "DATE_MATCH"}, {ad::FOSTER_CARE, "FOSTER_CARE"},
                              {ad::NB_ADOPTR, "NB_ADOPTR"}, {ad::SEX_ADOPTR, "SEX_ADOPTR"},
                              {ad::LS_ADOPTR, "LS_ADOPTR"}});
  namespace pa = placed_col;
  expect_columns(Table::placed_for_adoption,
                 {{pa::CHILD, "CHILD"}, {pa::DOB, "DOB"}, {pa::DATE_PLACED, "DATE_PLACED"},
                  {pa::DATE_PLACED_CEASED, "DATE_PLACED_CEASED"}, {pa::REASON_PLACED_CEASED, "REASON_PLACED_CEASED"}});
  namespace pp = prev_perm_col;
  expect_columns(Table::previous_permanence, {{pp::CHILD, "CHILD"}, {pp::DOB, "DOB"}, {pp::PREV_PERM, "PREV_PERM"},
                                              {pp::LA_PERM, "LA_PERM"}, {pp::DATE_PERM, "DATE_PERM"}});
  namespace m = missing_col;
  expect_columns(Table::missing, {{m::CHILD, "CHILD"}, {m::DOB, "DOB"}, {m::MISSING, "MISSING"},
                                  {m::MIS_START, "MIS_START"}, {m::MIS_END, "MIS_END"}});
  namespace sw = sw_episodes_col;
  expect_columns(Table::sw_episodes, {{sw::CHILD, "CHILD"}, {sw::DOB, "DOB"}, {sw::SW_ID, "SW_ID"},
                                      {sw::SW_DECOM, "SW_DECOM"}, {sw::SW_DEC, "SW_DEC"}, {sw::SW_REASON, "SW_REASON"}});
  namespace dl = dolo_col;
  expect_columns(Table::dolo, {{dl::CHILD, "CHILD"}, {dl::DOB, "DOB"}, {dl::DOLO_START, "DOLO_START"},
                               {dl::DOLO_END, "DOLO_END"}});
}
