// Published tables laid out otherwise than expected (a column renamed or dropped in a new
// release, rows that are not numbers where numbers go): found by fuzz/public_data_fuzzer.cpp,
// which read cells out of bounds, converted NaN to int and let std::stoi throw. Each file here
// is hand-made in the published layout; docs/bad-input.md sections 3 and 6.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "careflow/benchmark/public_data.hpp"
#include "careflow/io/reference_data.hpp"

using namespace careflow;
using namespace careflow::benchmark;
namespace fs = std::filesystem;

namespace {

// A reference folder holding only the files given; the shared folder is chosen again after.
class TempReferenceFolder {
 public:
  TempReferenceFolder() { fs::create_directories(root_); }
  ~TempReferenceFolder() { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << text;
  }
  PublicData load() {
    return load_public_data(careflow::published_file_reader(careflow::ReferenceFolder::at(root_.string())));
  }

 private:
  fs::path root_ = fs::temp_directory_path() / ("careflow_public_input_" + std::to_string(::getpid()));
};

bool has_problem(const PublicData& d, const std::string& text) {
  for (const auto& p : d.problems)
    if (p == text) return true;
  return false;
}

const char* kClaHeader =
    "year,geographic_level,old_la_code,new_la_code,la_name,cla_at_31_march,cla_started_during_year,"
    "cla_ceased_during_year,population_0_17_denominator,rate_per_10000_at_31_march";

}  // namespace

TEST(PublicDataInput, SeriesWithoutItsSourceColumnIsStillRead) {
  // The fuzzer's case: no "source" column. Its index was -1, and every row read the cell before
  // the row (the first row: before the table) as its source.
  TempReferenceFolder ref;
  ref.write(kClaSeries, std::string(kClaHeader) + "\n2025,Local authority,330,E08000025,Birmingham,1950,700,650,291000,67\n"
                                                    "2025,National,,E92000001,England,83000,z,..,12150000,68\n");
  const auto d = ref.load();
  ASSERT_EQ(d.cla.size(), 2u);
  EXPECT_EQ(d.cla[0].la_number, 330);
  EXPECT_EQ(d.cla[0].stock.value, 1950);
  EXPECT_EQ(d.cla[0].source, "");
  EXPECT_EQ(d.cla[1].level, Level::national);
  EXPECT_EQ(d.find_council("E08000025"), 330);
}

TEST(PublicDataInput, SeriesWithoutAColumnItNeedsIsNotUsedAndSaysWhy) {
  TempReferenceFolder ref;
  ref.write(kClaSeries, "year,geographic_level,old_la_code,new_la_code,cla_at_31_march\n2025,Local authority,330,E08000025,1950\n");
  const auto d = ref.load();
  EXPECT_TRUE(d.cla.empty());
  EXPECT_TRUE(has_problem(d, std::string(kClaSeries) + ": no column la_name; the file was not used"));
}

TEST(PublicDataInput, RowsWithoutAYearOrACouncilNumberAreReportedNotGuessed) {
  // Line 2: year "2O25" (a letter O); line 3: a council row with no DfE number; line 4: a year
  // of 1e300 (converting it to int was undefined); line 5: 20000025 (the benchmark then built a
  // table row for each of twenty million years: the fuzzer's timeout). Only line 6 is read.
  TempReferenceFolder ref;
  ref.write(kClaSeries, std::string(kClaHeader) + "\n2O25,Local authority,330,E08000025,Birmingham,1,1,1,1,1\n"
                                                    "2025,Local authority,,E08000026,Coventry,2,2,2,2,2\n"
                                                    "1e300,Local authority,331,E08000026,Coventry,3,3,3,3,3\n"
                                                    "20000025,Local authority,331,E08000026,Coventry,4,4,4,4,4\n"
                                                    "2025,Local authority,331,E08000026,Coventry,720,310,290,80500,89\n");
  const auto d = ref.load();
  ASSERT_EQ(d.cla.size(), 1u);
  EXPECT_EQ(d.cla[0].stock.value, 720);
  EXPECT_TRUE(has_problem(d, std::string(kClaSeries) + " line 2: no year from 1990 to 2100; the row was not used"));
  EXPECT_TRUE(has_problem(d, std::string(kClaSeries) + " line 3: no DfE LA number (old_la_code); the row was not used"));
  EXPECT_TRUE(has_problem(d, std::string(kClaSeries) + " line 4: no year from 1990 to 2100; the row was not used"));
  EXPECT_TRUE(has_problem(d, std::string(kClaSeries) + " line 5: no year from 1990 to 2100; the row was not used"));
}

TEST(PublicDataInput, OtherTablesWithOddRowsOrTooFewColumns) {
  TempReferenceFolder ref;
  ref.write(kClaSeries, std::string(kClaHeader) + "\n2025,Local authority,330,E08000025,Birmingham,1950,700,650,291000,67\n");
  // A financial year that is not "YYYY/YY": std::stoi threw std::invalid_argument and ended the
  // run. The row is skipped; the good row is read (2021/22 ends in 2022).
  ref.write(kLowIncome, "area_code,financial_year,children_in_relative_low_income_0_19\n"
                        "E08000025,2021/xx,1\nE08000025,2021/22 (p),\"97,100\"\n");
  // LAIT rows have six columns; a file with three was read past each row's end.
  ref.write(kLait, "measure_short,year,la_number\nCIN,2025,330\n");
  // An LA list row whose number is not a whole number (330.5): converting it was fine, but a
  // number like 1e20 was undefined; neither is a DfE number.
  ref.write(kLaList, "LA Number,LA Name,Region\n1e20,X,North\n330.5,Y,North\n330,Birmingham,West Midlands\n");
  const auto d = ref.load();
  ASSERT_EQ(d.low_income_0_19.size(), 1u);
  EXPECT_EQ(d.low_income("E08000025", 2022).value(), 97100);
  EXPECT_TRUE(d.lait.empty());
  EXPECT_TRUE(has_problem(d, std::string(kLait) + ": no column value (the sixth); the file was not used"));
  ASSERT_EQ(d.region_of.size(), 1u);
  EXPECT_EQ(d.region_of.at(330), "West Midlands");
}

TEST(PublicDataInput, NotANumberIsUnreadableAndAHugeCouncilNumberIsNoCouncil) {
  EXPECT_EQ(parse_published("nan").marker, Marker::unreadable);
  EXPECT_EQ(parse_published("inf").marker, Marker::unreadable);
  EXPECT_EQ(parse_published("1e999").marker, Marker::unreadable);
  // --la 99999999999: std::stoi threw std::out_of_range and ended `careflow benchmark`.
  PublicData d;
  EXPECT_EQ(d.find_council("99999999999"), 0);
}
