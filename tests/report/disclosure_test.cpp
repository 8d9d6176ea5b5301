// Disclosure control on hand-made tables. Each expected result is worked out by hand in the
// comment above it, following the rules in docs/report.md.
#include "careflow/report/disclosure.hpp"

#include <gtest/gtest.h>

#include <source_location>

using namespace careflow;
using namespace careflow::report;

namespace {

OutputTable make(const std::vector<std::string>& cols, const std::vector<std::vector<double>>& rows) {
  OutputTable t;
  t.id = "t";
  t.add_column("name", "Name");
  for (const auto& c : cols) t.add_column(c, c);
  char name = 'A';
  for (const auto& r : rows) {
    std::vector<Cell> row{std::string(1, name++)};
    for (double v : r) row.push_back(v);
    t.add_row(std::move(row));
  }
  return t;
}
bool withheld(const OutputTable& t, size_t r, size_t c) { return std::holds_alternative<Suppressed>(t.rows[r][c]); }
double value(const OutputTable& t, size_t r, size_t c) { return std::get<double>(t.rows[r][c]); }

// Expects each (row, column) cell to be withheld (or, for expect_shown, not withheld). A failure
// names the cell and the line of the call.
struct At {
  size_t row, column;
};
void expect_cells(const OutputTable& t, std::initializer_list<At> cells, bool want, const std::source_location& at) {
  const ::testing::ScopedTrace trace(at.file_name(), static_cast<int>(at.line()), want ? "expect_withheld" : "expect_shown");
  for (const auto& c : cells)
    EXPECT_EQ(withheld(t, c.row, c.column), want) << "row " << c.row << ", column " << c.column;
}
void expect_withheld(const OutputTable& t, std::initializer_list<At> cells,
                     std::source_location at = std::source_location::current()) {
  expect_cells(t, cells, true, at);
}
void expect_shown(const OutputTable& t, std::initializer_list<At> cells,
                  std::source_location at = std::source_location::current()) {
  expect_cells(t, cells, false, at);
}

}  // namespace

// Primary only (no totals declared): 1..5 withheld, 0 and 6 shown.
TEST(Disclosure, PrimaryThresholdAndZeros) {
  auto t = make({"n"}, {{0}, {1}, {5}, {6}, {120}});
  const auto r = suppress(t, {.count_columns = {1}});
  expect_shown(t, {{0, 1}});
  EXPECT_EQ(value(t, 0, 1), 0);
  expect_withheld(t, {{1, 1}, {2, 1}});
  expect_shown(t, {{3, 1}});
  EXPECT_EQ(r.primary, 2u);
  EXPECT_EQ(r.secondary, 0u);
}

// Column with a total row:   y1: A 3, B 12, C 20, Total 35.
// A is withheld (3); with 35 shown, A = 35 - 12 - 20 would be known, so the smallest other
// cell, B (12), is withheld too. The total (35) and the other column are untouched.
TEST(Disclosure, OneSmallCellInAColumnForcesASecond) {
  auto t = make({"y1", "y2"}, {{3, 10}, {12, 8}, {20, 15}, {35, 33}});
  const auto r = suppress(t, {.count_columns = {1, 2}, .total_row = 3});
  expect_withheld(t, {{0, 1}, {1, 1}});
  expect_shown(t, {{2, 1}});
  EXPECT_EQ(value(t, 3, 1), 35);  // totals preserved
  EXPECT_EQ(value(t, 3, 2), 33);
  for (size_t row = 0; row < 4; ++row) EXPECT_FALSE(withheld(t, row, 2));
  EXPECT_EQ(r.primary, 1u);
  EXPECT_EQ(r.secondary, 1u);
}

// Rows and columns both totalled:
//        y1  y2 | total
//   A     3  10 |  13
//   B    12   8 |  20
//   C    20  15 |  35
//   T    35  33 |  68
// A.y1 (3) primary. Column y1 has one withheld -> B.y1 (12, smaller than 20). Row A has one
// withheld -> A.y2 (10, the only other count). Row B has one withheld -> B.y2 (8). Now every
// row and column has 0 or 2 withheld: A.y1 + A.y2 = 13, B.y1 + B.y2 = 20, A.y1 + B.y1 = 15 and
// A.y2 + B.y2 = 18 leave one unknown free, so A.y1 cannot be recovered. Totals all shown.
TEST(Disclosure, RowAndColumnTotalsNeedARectangle) {
  auto t = make({"y1", "y2", "total"}, {{3, 10, 13}, {12, 8, 20}, {20, 15, 35}, {35, 33, 68}});
  const auto r = suppress(t, {.count_columns = {1, 2}, .total_row = 3, .total_column = 3});
  expect_withheld(t, {{0, 1}, {1, 1}, {0, 2}, {1, 2}});
  expect_shown(t, {{2, 1}, {2, 2}});
  for (size_t row = 0; row < 4; ++row) EXPECT_FALSE(withheld(t, row, 3)) << row;
  EXPECT_EQ(value(t, 3, 3), 68);
  EXPECT_EQ(r.primary, 1u);
  EXPECT_EQ(r.secondary, 3u);
}

// Row total only: [7, 3 | 10]. 3 is withheld; 10 - 7 would reveal it, so 7 is withheld and the
// total 10 is kept.
TEST(Disclosure, RowTotalKeptSecondCellWithheld) {
  auto t = make({"a", "b", "total"}, {{7, 3, 10}});
  suppress(t, {.count_columns = {1, 2}, .total_column = 3});
  expect_withheld(t, {{0, 1}, {0, 2}});
  EXPECT_EQ(value(t, 0, 3), 10);
}

// Secondary prefers a non-zero cell: column [2, 0, 9 | 11]. Withholding the 0 would leave
// 2 + 0 = 11 - 9 = 2, recoverable if the reader guesses the zero; 9 is withheld instead.
TEST(Disclosure, SecondaryAvoidsZeros) {
  auto t = make({"n"}, {{2}, {0}, {9}, {11}});
  suppress(t, {.count_columns = {1}, .total_row = 3});
  expect_withheld(t, {{0, 1}, {2, 1}});
  expect_shown(t, {{1, 1}});
  EXPECT_EQ(value(t, 3, 1), 11);
}

// When the only other member of a relation is its total, the total goes: a row [3 | 30] with a
// single count would reveal the 3 through its total, so the total is withheld.
TEST(Disclosure, TotalWithheldWhenNothingElseCanBe) {
  auto t = make({"n", "total"}, {{3, 30}});
  const auto r = suppress(t, {.count_columns = {1}, .total_column = 2});
  expect_withheld(t, {{0, 1}, {0, 2}});
  EXPECT_EQ(r.secondary, 1u);
}

// Percentages derived from withheld counts are withheld; others are kept. Small totals are
// themselves withheld (a total of 4 is a count of 4 children).
TEST(Disclosure, DerivedPercentagesFollowTheirCounts) {
  auto t = make({"n", "pct"}, {{4, 40}, {6, 60}, {10, 100}});
  const auto r = suppress(t, {.count_columns = {1}, .total_row = 2, .derived = {{2, 1}}});
  // A (4) primary; column rule withholds B (6) as the only other member; their % go with them.
  expect_withheld(t, {{0, 1}, {1, 1}, {0, 2}, {1, 2}});
  EXPECT_EQ(value(t, 2, 1), 10);
  EXPECT_EQ(value(t, 2, 2), 100);
  EXPECT_EQ(r.derived, 2u);
  auto small = make({"n"}, {{2}, {2}, {4}});
  suppress(small, {.count_columns = {1}, .total_row = 2});
  expect_withheld(small, {{0, 1}, {1, 1}, {2, 1}});
}

// Text cells and empty cells are never touched, and a second run changes nothing (idempotent).
TEST(Disclosure, LeavesTextAloneAndIsIdempotent) {
  auto t = make({"n"}, {{3}, {12}, {20}, {35}});
  t.rows[2][1] = std::string("n/a");
  const DisclosureSpec s{.count_columns = {1}, .total_row = 3};
  suppress(t, s);
  EXPECT_EQ(std::get<std::string>(t.rows[2][1]), "n/a");
  expect_withheld(t, {{1, 1}});
  const auto before = t.rows;
  const auto r = suppress(t, s);
  EXPECT_EQ(r.primary + r.secondary, 0u);
  EXPECT_EQ(t.rows.size(), before.size());
}

// Two breakdowns of one total (the layout of the re-entry table):
//   All 20 | age: A 3, B 17 | status: C 10, D 10
// Age: A (3) primary; with All = 20 shown, A = 20 - 17, so B (17) is withheld too. The status
// breakdown has nothing withheld and is left alone; All is kept.
TEST(Disclosure, SeveralBreakdownsOfOneTotal) {
  auto t = make({"n"}, {{20}, {3}, {17}, {10}, {10}});
  const auto r = suppress(t, {.count_columns = {1}, .row_groups = {{{1, 2}, 0}, {{3, 4}, 0}}});
  expect_shown(t, {{0, 1}});
  expect_withheld(t, {{1, 1}, {2, 1}});
  expect_shown(t, {{3, 1}, {4, 1}});
  EXPECT_EQ(r.secondary, 1u);
}

// The Kaplan-Meier layout: periods = ended + still in care (a row total) and the bands sum to
// the last row (a total row).      periods ended open
//                              A      9      4    5     4 and 5 primary (9 is not small)
//                              B     12      3    9     3 primary
//                              C     21     10   11
//                              T     42     17   25
// Column "ended": A and B withheld (two): fine. Column "open": only A withheld; the smallest
// other, B's 9, goes (which also stops 12 - 9 revealing B's 3). Rows A and B now have two
// withheld each; nothing else changes. The totals (9, 12, 21, 42, 17, 25) all stay.
TEST(Disclosure, RowTotalsAndTotalRowTogether) {
  auto t = make({"periods", "ended", "open"}, {{9, 4, 5}, {12, 3, 9}, {21, 10, 11}, {42, 17, 25}});
  const auto r = suppress(t, {.count_columns = {2, 3}, .total_row = 3, .total_column = 1});
  expect_withheld(t, {{0, 2}, {0, 3}, {1, 2}, {1, 3}});
  expect_shown(t, {{0, 1}, {1, 1}, {2, 2}, {2, 3}});
  EXPECT_EQ(value(t, 3, 1), 42);
  EXPECT_EQ(r.primary, 3u);
  EXPECT_EQ(r.secondary, 1u);
}
