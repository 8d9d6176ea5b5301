// The council's own population files of careflow report (--population year,population and
// --projection year,age,population), read by io into typed rows (io/population_files). Every
// expected value is read off the text above it; line numbers count the header as line 1.
#include "careflow/io/population_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "careflow/io/csv.hpp"

namespace careflow {
namespace {

PopulationFile population(const std::string& text) {
  return population_file_from_csv(parse_csv(text, "pop.csv"), "pop.csv");
}
ProjectionFile projection(const std::string& text) {
  return projection_file_from_csv(parse_csv(text, "proj.csv"), "proj.csv");
}

// Lines 2-9, of which three are kept: 2022 (line 2), 2023 with a thousands separator (line 5) and
// 2023 again (line 9: both kept, in order; which wins is the reader's choice). Not kept: a
// population of 0 (line 3, not positive), "nan" (line 4), a year of 2023.5 (line 6, not whole),
// 1899 (line 7, before 1900), a blank population (line 8).
TEST(PopulationFile, KeepsYearsWithAPositivePopulationAndListsTheLinesOfTheOthers) {
  const auto p = population("year,population\n"
                            "2022,24000\n"
                            "2024,0\n"
                            "2024,nan\n"
                            "2023,\"25,000\"\n"
                            "2023.5,100\n"
                            "1899,100\n"
                            "2025,\n"
                            "2023,26000.5\n");
  EXPECT_TRUE(p.readable);
  EXPECT_EQ(p.file, "pop.csv");
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.rows[0].year, 2022);
  EXPECT_EQ(p.rows[0].population, 24000);
  EXPECT_EQ(p.rows[1].year, 2023);
  EXPECT_EQ(p.rows[1].population, 25000);
  EXPECT_EQ(p.rows[2].year, 2023);
  EXPECT_EQ(p.rows[2].population, 26000.5);
  EXPECT_EQ(p.unread_lines, (std::vector<uint32_t>{3, 4, 6, 7, 8}));
}

// Columns are found by name, in any order, with others beside them.
TEST(PopulationFile, ColumnsByName) {
  const auto p = population("area,population,year\nX,17500,2024\n");
  ASSERT_TRUE(p.readable);
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].year, 2024);
  EXPECT_EQ(p.rows[0].population, 17500);
  EXPECT_TRUE(p.unread_lines.empty());
}

// Without a column, or without a file, nothing is read, and the name is kept for the message.
TEST(PopulationFile, AFileWithoutTheColumnsOrThatCannotBeReadIsNotReadable) {
  const auto no_population = population("year,children\n2023,25000\n");
  EXPECT_FALSE(no_population.readable);
  EXPECT_TRUE(no_population.rows.empty());
  EXPECT_TRUE(no_population.unread_lines.empty());
  const auto empty = population("");
  EXPECT_FALSE(empty.readable);
  const std::string missing = (std::filesystem::temp_directory_path() / "careflow-no-such-population.csv").string();
  const auto absent = read_population_file(missing);
  EXPECT_FALSE(absent.readable);
  EXPECT_EQ(absent.file, missing);
  EXPECT_TRUE(absent.rows.empty());
}

// Lines 2-10. Kept: line 2 (2024, age 0, 100), line 6 (2026, age 17, 0: a population of zero is
// one), line 9 (age 18, an adult: kept for the reader to leave out) and line 10 (2026, age 3,
// 1,200.5). Not kept: age "nan" (line 3), age 3.5 (line 4), a year of 1e300 (line 5), age -1
// (line 7), a population of -5 (line 8).
TEST(ProjectionFile, KeepsWholeYearsAndAgesWithAPopulationAndListsTheLinesOfTheOthers) {
  const auto p = projection("year,age,population\n"
                            "2024,0,100\n"
                            "2024,nan,100\n"
                            "2026,3.5,100\n"
                            "1e300,3,100\n"
                            "2026,17,0\n"
                            "2024,-1,100\n"
                            "2026,4,-5\n"
                            "2026,18,999\n"
                            "2026,3,\"1,200.5\"\n");
  EXPECT_TRUE(p.readable);
  EXPECT_EQ(p.file, "proj.csv");
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.rows[0].year, 2024);
  EXPECT_EQ(p.rows[0].age, 0);
  EXPECT_EQ(p.rows[0].population, 100);
  EXPECT_EQ(p.rows[1].year, 2026);
  EXPECT_EQ(p.rows[1].age, 17);
  EXPECT_EQ(p.rows[1].population, 0);
  EXPECT_EQ(p.rows[2].age, 18);
  EXPECT_EQ(p.rows[2].population, 999);
  EXPECT_EQ(p.rows[3].year, 2026);
  EXPECT_EQ(p.rows[3].age, 3);
  EXPECT_EQ(p.rows[3].population, 1200.5);
  EXPECT_EQ(p.unread_lines, (std::vector<uint32_t>{3, 4, 5, 7, 8}));
}

// The same from a file on disk; and a file lacking the age column is not readable.
TEST(ProjectionFile, ReadFromAFileAndNeedsEveryColumn) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("careflow-projection-" + std::to_string(::getpid()) + ".csv"))
                               .string();
  std::ofstream(path) << "year,age,population\n2025,5,300\nx,5,300\n";
  const auto p = read_projection_file(path);
  std::filesystem::remove(path);
  EXPECT_TRUE(p.readable);
  EXPECT_EQ(p.file, path);
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].year, 2025);
  EXPECT_EQ(p.rows[0].age, 5);
  EXPECT_EQ(p.rows[0].population, 300);
  EXPECT_EQ(p.unread_lines, (std::vector<uint32_t>{3}));
  EXPECT_FALSE(projection("year,population\n2025,300\n").readable);
}

}  // namespace
}  // namespace careflow
