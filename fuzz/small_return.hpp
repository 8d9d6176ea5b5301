// A small hand-made return (2023/24: four children, six episodes), for the targets whose file
// is read beside a return: the Ofsted provider list, unit costs, population and projection.
#pragma once

#include "careflow/io/ingest.hpp"
#include "careflow/io/csv.hpp"
#include "careflow/io/ssda903.hpp"

namespace careflow::fuzz {

inline const ssda903::Return& small_return() {
  static const ssda903::Return ret = [] {
    ssda903::Return r;
    r.year = CollectionYear{2024};
    ProblemLog problems;
    const std::pair<const char*, const char*> files[] = {
        {"header.csv",
         "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
         "1001,1,03/02/2012,WBRI,,,\n1002,2,15/07/2016,MWBC,,,\n1003,1,20/11/2007,ASIA,,,\n1004,2,01/01/2023,WBRI,,,\n"},
        {"episodes.csv",
         "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
         "1001,10/05/2021,S,C2,N1,U4,PR1,01/09/2023,X1,CARPL,AB1 2CD,EF3 4GH,SC123456\n"
         "1001,01/09/2023,P,C2,N1,K2,PR3,,,,AB1 2CD,EF3 4GH,SC654321\n"
         "1002,12/12/2022,S,V2,N2,U6,PR4,03/03/2024,E4A,,AB1 3CD,AB1 5CD,XXXXXXX\n"
         "1003,01/06/2023,S,C1,N4,R1,PR1,,,,AB2 2CD,AB2 3CD,\n"
         "1004,05/01/2023,S,E1,N1,A5,PR1,01/02/2024,X1,OTHER,AB3 2CD,AB3 9CD,\n"
         "1004,01/02/2024,P,E1,N1,A4,PR0,,,,AB3 2CD,AB3 9CD,\n"},
    };
    for (auto [name, text] : files) {
      auto csv = parse_csv(text, name);
      auto t = ssda903::to_return_table(std::move(csv.table), name, problems);
      r.tables[static_cast<size_t>(t->table)] = std::move(t);
    }
    return r;
  }();
  return ret;
}

inline const History& small_history() {
  static const History h = [] {
    IngestReport report;
    return build_history({small_return()}, report);
  }();
  return h;
}

}  // namespace careflow::fuzz
