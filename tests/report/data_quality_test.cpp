// The report's Data quality section: problems by kind with counts, small counts of children's
// rows withheld, counts of years and files shown, and a missing year among the notes.
#include "careflow/report/data_quality.hpp"

#include <gtest/gtest.h>

using namespace careflow;

namespace {
const std::vector<Cell>* row_of(const OutputTable& t, const std::string& rule) {
  for (const auto& r : t.rows)
    if (std::get<std::string>(r[0]) == rule) return &r;
  return nullptr;
}
}  // namespace

// Problems: 1 missing year, 3 rows with a date after the year, 7 duplicate episodes, 2 files not
// read. With disclosure control: the 3 rows are withheld (1 to 5), the 7 shown, and the year and
// the 2 files shown (not counts of children). Errors come first, then warnings, then repairs.
TEST(DataQuality, CountsByKindWithSmallCountsOfRowsWithheld) {
  IngestReport r;
  r.problems.add({Severity::warning, "r/2024_25", 0, "", "missing-year", "no return for 2022/23 (between ...)"});
  for (int i = 0; i < 3; ++i) r.problems.add({Severity::warning, "e.csv", 0, "DEC", "date-after-year", "x"});
  for (int i = 0; i < 7; ++i) r.problems.add({Severity::repair, "e.csv", 2u + i, "DECOM", "duplicate-episode", "x"});
  for (int i = 0; i < 2; ++i) r.problems.add({Severity::warning, "r/2024_25", 0, "", "not-read", "x"});
  r.problems.add({Severity::error, "e.csv", 9, "", "field-count", "x"});

  const auto s = report::data_quality_section(r, /*suppression=*/true);
  ASSERT_EQ(s.tables.size(), 1u);
  const OutputTable& t = s.tables[0];
  ASSERT_EQ(t.rows.size(), 5u);
  EXPECT_EQ(std::get<std::string>(t.rows[0][0]), "field-count");
  EXPECT_EQ(std::get<std::string>(t.rows[4][0]), "duplicate-episode");
  EXPECT_TRUE(std::holds_alternative<Suppressed>((*row_of(t, "field-count"))[2]));
  EXPECT_TRUE(std::holds_alternative<Suppressed>((*row_of(t, "date-after-year"))[2]));
  EXPECT_EQ(std::get<double>((*row_of(t, "duplicate-episode"))[2]), 7.0);
  EXPECT_EQ(std::get<double>((*row_of(t, "missing-year"))[2]), 1.0);
  EXPECT_EQ(std::get<double>((*row_of(t, "not-read"))[2]), 2.0);
  ASSERT_EQ(s.limitations.size(), 1u);
  EXPECT_EQ(s.limitations[0], "Data quality: no return for 2022/23 (between ...).");
  EXPECT_NE(s.html.find("no return for 2022/23"), std::string::npos);

  const auto open = report::data_quality_section(r, /*suppression=*/false);
  EXPECT_EQ(std::get<double>((*row_of(open.tables[0], "date-after-year"))[2]), 3.0);
  // Every rule careflow reports while reading has a meaning here.
  for (const char* rule : {"missing-year", "date-after-year", "episode-before-birth", "conflicting-header",
                           "sex-changed", "unterminated-quote", "open-episode-closed-at-gap", "not-read",
                           "unknown-element", "duplicate-year-folder"})
    EXPECT_FALSE(report::describe_problem_rule(rule).empty()) << rule;
}
