// The council's own population files for the needs assessment (careflow report --population and
// --projection), read into typed rows by io so that analyse is given values and opens no file.
//
// A file is read whole: the rows that are what they should be are kept, in the file's order, and
// the lines of the others are listed, for the analysis to say how many it left out and where. A
// file that cannot be read, or lacks a column, is not `readable` and has no rows: what that means
// for the report (no rates, no projection) is the analysis's to say, in its place among the other
// limitations.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/io/csv.hpp"

namespace careflow {

// A mid-year population of children aged 0-17: `year,population` (--population).
struct PopulationFile {
  struct Row {
    int year = 0;           // mid-year, 1900-2200 (2023 = mid-2023, the denominator of 2023/24's rates)
    double population = 0;  // positive
  };
  std::string file;                   // as given: names the file in messages
  bool readable = false;              // read, with columns year and population
  std::vector<Row> rows;              // rows with a whole year and a positive population
  std::vector<uint32_t> unread_lines; // the file's lines (header = 1) of the other rows
};

// A projected population by single year of age: `year,age,population` (--projection).
struct ProjectionFile {
  struct Row {
    int year = 0;           // mid-year, 1900-2200
    int age = 0;            // 0-200: ages above 17 are rows too (adults, for the reader to leave out)
    double population = 0;  // zero or more
  };
  std::string file;
  bool readable = false;              // read, with columns year, age and population
  std::vector<Row> rows;              // rows with a whole year, a whole age and a population
  std::vector<uint32_t> unread_lines; // the file's lines of the other rows
};

PopulationFile read_population_file(const std::string& path);
ProjectionFile read_projection_file(const std::string& path);
// The same from a file already read (read_csv or parse_csv); `file` names it in messages.
PopulationFile population_file_from_csv(const CsvReadResult& csv, std::string file);
ProjectionFile projection_file_from_csv(const CsvReadResult& csv, std::string file);

}  // namespace careflow
