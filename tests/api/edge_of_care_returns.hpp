// A tiny council with both collections, for the edge-of-care use case and its command:
//
// 903, 2022/23 and 2023/24: X1 looked after throughout (so that 2022/23 has a return); S1 looked
// after from 01/06/2023.
// CIN census 2023/24 (the analysts' CSVs): S1, C1 and C2, born 2012 (10-15 on 10/04/2023), each
// with an N1 episode referred 01/11/2022, open, and a CP plan from 01/12/2022, open.
//
// The span both cover: 01/04/2023 to 31/03/2024. S1, supported from 10/04/2023, is followed up 6
// months (to 10/10/2023: it became looked after on 01/06/2023), not 12 (censored). Its comparison
// children are C1 and C2 (weight 1/2 each), neither looked after: 0%.
#pragma once

#include <string>

#include "io/temp_returns.hpp"

namespace careflow::testing {

inline void write_edge_of_care_returns(TempReturns& t) {
  t.write("2022_23", "header.csv", std::string(kHeaderHeader) + "X1,1,01/01/2008,WBRI,,,\n");
  t.write("2022_23", "episodes.csv", std::string(kEpisodesHeader) + "X1,01/01/2022,S,C2,N1,U1,PR1,,,,,,\n");
  t.write("2023_24", "header.csv", std::string(kHeaderHeader) + "X1,1,01/01/2008,WBRI,,,\nS1,2,01/05/2012,WBRI,,,\n");
  t.write("2023_24", "episodes.csv",
          std::string(kEpisodesHeader) + "X1,01/01/2022,S,C2,N1,U1,PR1,,,,,,\nS1,01/06/2023,S,C2,N1,U1,PR1,,,,,,\n");
  t.write("2023_24", "cin_header.csv", "Collection,Year,ReferenceDate,LEA\nCIN,2024,2024-03-31,201\n");
  t.write("2023_24", "child_identifiers.csv",
          "LAchildID,PersonBirthDate,GenderCurrent\nS1,2012-05-01,2\nC1,2012-02-01,1\nC2,2012-09-09,2\n");
  t.write("2023_24", "cin_details.csv",
          "LAchildID,CINdetailsID,CINreferralDate,ReferralSource,PrimaryNeedCode,CINclosureDate,ReasonForClosure,"
          "ReferralNFA\nS1,1,2022-11-01,2A,N1,,,false\nC1,1,2022-11-01,2A,N1,,,false\nC2,1,2022-11-01,2A,N1,,,false\n");
  t.write("2023_24", "child_protection_plans.csv",
          "LAchildID,CINdetailsID,CPPID,CPPstartDate,CPPendDate,InitialCategoryOfAbuse,LatestCategoryOfAbuse,"
          "NumberOfPreviousCPP\nS1,1,1,2022-12-01,,NEG,NEG,0\nC1,1,1,2022-12-01,,NEG,NEG,0\nC2,1,1,2022-12-01,,NEG,NEG,0\n");
}

}  // namespace careflow::testing
