// Collection years read from folder names at the ends of the range careflow accepts (years
// ending 1990 to 2100). fuzz/year_folder_fuzzer.cpp found "...1990c..." read as 1989/90 while
// "1989/90", that year's own label, was refused. docs/bad-input.md section 6.
#include <gtest/gtest.h>

#include "careflow/core/date.hpp"

using namespace careflow;

TEST(YearFolderInput, EveryYearReadIsReadBackFromItsLabel) {
  EXPECT_EQ(CollectionYear{1990}.label(), "1989/90");
  EXPECT_EQ(parse_collection_year("1990")->end_year, 1990);
  EXPECT_EQ(parse_collection_year("1989/90")->end_year, 1990);  // was refused: 1989 < 1990
  EXPECT_EQ(parse_collection_year("1989-1990")->end_year, 1990);
  EXPECT_FALSE(parse_collection_year("1989").has_value());      // would be 1988/89, before the range
  EXPECT_EQ(CollectionYear{2100}.label(), "2099/00");
  EXPECT_EQ(parse_collection_year("2099/00")->end_year, 2100);
  EXPECT_EQ(parse_collection_year("2100")->end_year, 2100);
  const auto beyond = parse_collection_year("2100_01");  // 2100/01 ends after the range
  EXPECT_TRUE(!beyond || beyond->end_year != 2101);
  for (int y = 1990; y <= 2100; ++y) EXPECT_EQ(parse_collection_year(CollectionYear{y}.label())->end_year, y) << y;
}
