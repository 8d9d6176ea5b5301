// A small hand-built council: five children over two returns (2023/24 and 2024/25), written so
// that every number the analyses produce can be worked out by hand (see analyse_test.cpp), and
// the helpers the analyse tests share to set it up and read the tables made from it.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <initializer_list>
#include <source_location>
#include <stdexcept>
#include <string>

#include "careflow/analyse/analyse.hpp"
#include "careflow/io/ingest.hpp"
#include "io/temp_returns.hpp"

namespace careflow::testing {

// Identifiers are distinctive so tests can check they never appear in outputs.
//  AAAA1001 M dob 01/06/2010: S 01/05/2023 U4 -> P 01/09/2023 U6 (U4 ended CARPL) -> P 01/01/2024 K2 (U6 ended CREQB), open
//  BBBB2002 F dob 15/03/2007: S 01/02/2024 V2 U6, ceased 15/03/2025 (her 18th birthday) E17
//  CCCC3003 F dob 10/10/2020: S 01/06/2023 C1 U4, ceased 01/12/2023 E4A; S 01/03/2024 C2 U4, open
//  DDDD4004 M dob 01/01/2023: S 01/04/2023 C2 U4 -> L 01/10/2023 E1 (same placement) -> P 01/02/2024 A4
//           (U4 ended CARPL), adopted 01/02/2025 E11
//  EEEE5005 M dob 05/05/2012: S 01/01/2020 C2 U4, open at 31/03/2024, ceased 30/06/2024 E45 (SGO)
inline History hand_built_history(TempReturns& tr, IngestReport& report) {
  const std::string header = std::string(kHeaderHeader) +
                             "AAAA1001,1,01/06/2010,WBRI,,,\n"
                             "BBBB2002,2,15/03/2007,BAFR,,,\n"
                             "CCCC3003,2,10/10/2020,WBRI,,,\n"
                             "DDDD4004,1,01/01/2023,MWBC,,,\n"
                             "EEEE5005,1,05/05/2012,WBRI,,,\n";
  tr.write("2023_24", "header.csv", header);
  tr.write("2023_24", "episodes.csv", std::string(kEpisodesHeader) +
           "AAAA1001,01/05/2023,S,C2,N1,U4,PR1,01/09/2023,X1,CARPL,,,\n"
           "AAAA1001,01/09/2023,P,C2,N1,U6,PR1,01/01/2024,X1,CREQB,,,\n"
           "AAAA1001,01/01/2024,P,C2,N1,K2,PR4,,,,,,\n"
           "BBBB2002,01/02/2024,S,V2,N4,U6,PR1,,,,,,\n"
           "CCCC3003,01/06/2023,S,C1,N1,U4,PR1,01/12/2023,E4A,,,,\n"
           "CCCC3003,01/03/2024,S,C2,N1,U4,PR1,,,,,,\n"
           "DDDD4004,01/04/2023,S,C2,N1,U4,PR1,01/10/2023,X1,,,,\n"
           "DDDD4004,01/10/2023,L,E1,N1,U4,PR1,01/02/2024,X1,CARPL,,,\n"
           "DDDD4004,01/02/2024,P,E1,N1,A4,PR1,,,,,,\n"
           "EEEE5005,01/01/2020,S,C2,N1,U4,PR1,,,,,,\n");
  tr.write("2024_25", "header.csv", header);
  tr.write("2024_25", "episodes.csv", std::string(kEpisodesHeader) +
           "AAAA1001,01/01/2024,P,C2,N1,K2,PR4,,,,,,\n"
           "BBBB2002,01/02/2024,S,V2,N4,U6,PR1,15/03/2025,E17,,,,\n"
           "CCCC3003,01/03/2024,S,C2,N1,U4,PR1,,,,,,\n"
           "DDDD4004,01/02/2024,P,E1,N1,A4,PR1,01/02/2025,E11,,,,\n"
           "EEEE5005,01/01/2020,S,C2,N1,U4,PR1,30/06/2024,E45,,,,\n");
  return ingest({tr.root()}, std::nullopt, report);
}

// ---- Reading an assessment's tables --------------------------------------------------------

inline const analyse::Table& table(const analyse::Assessment& a, const std::string& id) {
  for (const auto& t : a.tables)
    if (t.table.id == id) return t;
  throw std::runtime_error("no table " + id);
}

// The cell in the row whose first cell starts with `row` (or, for long tables, equals it).
inline Cell cell(const analyse::Table& t, const std::string& row, const std::string& column) {
  const size_t c = t.table.column_index(column);
  for (const auto& r : t.table.rows)
    if (const auto* s = std::get_if<std::string>(&r[0]); s && s->rfind(row, 0) == 0) return r[c];
  return Cell{std::string("<no row " + row + ">")};
}
inline double num(const analyse::Table& t, const std::string& row, const std::string& column) {
  const Cell c = cell(t, row, column);
  if (const double* v = std::get_if<double>(&c)) return *v;
  ADD_FAILURE() << t.table.id << " " << row << " " << column << " is not a number: " << format_cell(c);
  return -1;
}
inline bool has_row(const analyse::Table& t, const std::string& row) {
  for (const auto& r : t.table.rows)
    if (const auto* s = std::get_if<std::string>(&r[0]); s && s->rfind(row, 0) == 0) return true;
  return false;
}

// Expects num(t, row, column) == value, exactly, for each (row, column, value). A failure names
// the line of the call as well as the table, row and column.
struct Expected {
  std::string row, column;
  double value;
};
inline void expect_numbers(const analyse::Table& t, std::initializer_list<Expected> expected,
                           std::source_location at = std::source_location::current()) {
  const ::testing::ScopedTrace trace(at.file_name(), static_cast<int>(at.line()), "expect_numbers");
  for (const auto& e : expected)
    EXPECT_EQ(num(t, e.row, e.column), e.value) << t.table.id << ", row " << e.row << ", column " << e.column;
}

// ---- Fixtures ------------------------------------------------------------------------------

// The hand-built council's history, with a place to write the files an option names.
class HandBuiltCouncil : public ::testing::Test {
 protected:
  void SetUp() override { h = hand_built_history(tr, report); }
  // Writes `content` to a file beside the returns; returns its path.
  std::string write_file(const std::string& name, const std::string& content) {
    const std::string path = tr.root() + "/" + name;
    std::ofstream(path) << content;
    return path;
  }
  TempReturns tr;
  IngestReport report;
  History h;
};

// The same, assessed with the default options (no council, no costs, no projection).
class HandBuilt : public HandBuiltCouncil {
 protected:
  void SetUp() override {
    HandBuiltCouncil::SetUp();
    ASSERT_EQ(h.years.size(), 2u);
    analyse::Options o;  // no council: no population, but England figures may load; tests do not depend on them
    a = analyse::assess(h, o);
  }
  analyse::Assessment a;
};

}  // namespace careflow::testing
