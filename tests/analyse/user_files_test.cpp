// The report's own files (--population, --unit-costs, --projection) with rows that are not what
// they should be, on the hand-built council of fixture.hpp. Found by fuzz/population_fuzzer.cpp
// and fuzz/unit_costs_fuzzer.cpp: a year of 2.3e59 converted to int (undefined behaviour), an age
// of "nan" used as an index, "nan" costs and populations read as numbers. Each bad row is now
// left out and counted in a limitation (shown in the terminal and the report); the numbers come
// from the good rows only. docs/bad-input.md sections 3 and 6.
#include <gtest/gtest.h>

#include "analyse/fixture.hpp"
#include "careflow/analyse/analyse.hpp"
#include "careflow/io/population_files.hpp"

using namespace careflow;
using namespace careflow::analyse;
using namespace careflow::testing;

namespace {

using UserFiles = HandBuiltCouncil;

bool has_limitation(const Assessment& a, const std::string& text) {
  for (const auto& l : a.limitations)
    if (l == text) return true;
  ADD_FAILURE() << "no limitation: " << text;
  return false;
}

}  // namespace

// Only line 5 is a year with a positive population: 5 children at 31/03/2024 / 25,000 x 10,000
// = 2.0 per 10,000 (as in analyse_test.cpp's RateUsesTheMidYearBefore). 2024 has no usable row,
// so 2024/25 has no rate (it had one of 0 from "inf").
TEST_F(UserFiles, PopulationRowsThatAreNotNumbersAreLeftOutAndCounted) {
  Options o;
  const std::string pop = write_file("pop.csv", "year,population\n2.33333e+59,25000\n2023,nan\n2024,inf\n2023,25000\n");
  o.population = read_population_file(pop);
  const auto a = assess(h, o);
  const auto& t = table(a, "looked_after_at_31_march");
  EXPECT_DOUBLE_EQ(num(t, "2023/24", "rate_per_10000"), 2.0);
  EXPECT_FALSE(std::holds_alternative<double>(cell(t, "2024/25", "rate_per_10000")));
  has_limitation(a, "Population file " + pop +
                        ": 3 row(s) without a year and a positive population were not used (line 2 and others).");
}

// Unit-cost files are read by io before the analyses (io/unit_costs.cpp), and a row that is not a
// cost in pounds is refused with its line and column: tests/io/unit_costs_test.cpp.

// analyse_test.cpp's RatesByAgeAppliedToProjectedPopulation (100 at each age in mid-2024, 200
// in mid-2026: demand 2 -> 4, 2026's 0-17 total 3,600) with five bad rows first: an age of
// "nan" (used as an index: undefined), an age of 3.5 (was added to age 3), a year of 1e300
// (converted to int: undefined), an age of -1 and a negative population (was subtracted).
TEST_F(UserFiles, ProjectionRowsThatAreNotAYearAnAgeAndAPopulationAreLeftOut) {
  std::string rows = "year,age,population\n2024,nan,100\n2026,3.5,100\n1e300,3,100\n2024,-1,100\n2026,4,-5\n";
  for (int age = 0; age < 18; ++age) rows += "2024," + std::to_string(age) + ",100\n2026," + std::to_string(age) + ",200\n";
  rows += "2026,18,999\n";  // an adult: not part of the 0-17 population, and not a bad row
  Options o;
  const std::string proj = write_file("proj.csv", rows);
  o.projection = read_projection_file(proj);
  const auto a = assess(h, o);
  const auto& t = table(a, "projected_demand");
  ASSERT_EQ(t.table.rows.size(), 2u);
  EXPECT_NEAR(std::get<double>(t.table.rows[0][2]), 2.0, 1e-9);
  EXPECT_NEAR(std::get<double>(t.table.rows[1][2]), 4.0, 1e-9);
  EXPECT_NEAR(std::get<double>(t.table.rows[1][1]), 3600.0, 1e-9);
  has_limitation(a, "Projected demand: " + proj +
                        ": 5 row(s) without a year, an age and a population were not used (line 2 and others).");
}

// A file io could not read, or that lacks a column, is said in the limitations, naming it, and the
// analyses carry on without it (no rates per 10,000 from it; no projection).
TEST_F(UserFiles, FilesThatCouldNotBeReadAreLimitations) {
  Options o;
  o.population = PopulationFile{};
  o.population->file = "pop.csv";
  o.projection = ProjectionFile{};
  o.projection->file = "proj.csv";
  const auto a = assess(h, o);
  has_limitation(a, "Population file pop.csv could not be read (needs columns year,population): rates per 10,000 "
                    "are not shown.");
  has_limitation(a, "Projected demand: proj.csv needs columns year,age,population.");
  for (const auto& t : a.tables) EXPECT_NE(t.table.id, "projected_demand");
}
