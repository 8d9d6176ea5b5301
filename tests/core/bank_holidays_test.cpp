// Working days on England and Wales bank holidays: expected dates counted by hand on a calendar.
#include <gtest/gtest.h>

#include <algorithm>

#include "careflow/core/bank_holidays.hpp"

using namespace careflow;

namespace {
Date d(int y, int m, int day) { return Date::from_ymd(y, m, day); }
const BankHolidayTable& ew() { return england_and_wales_bank_holidays(); }
}  // namespace

TEST(BankHolidays, TableHoldsTheYearsItSaysItCovers) {
  EXPECT_EQ(ew().first_year, 1999);
  EXPECT_EQ(ew().last_year, 2027);
  // 2022: the usual eight, with spring moved to 2 June, plus the Platinum Jubilee and the state funeral.
  size_t in_2022 = 0;
  for (const Date x : ew().dates) in_2022 += x.year() == 2022;
  EXPECT_EQ(in_2022, 10u);
  EXPECT_TRUE(ew().is_holiday(d(2022, 9, 19)));
  EXPECT_TRUE(ew().is_holiday(d(2023, 5, 8)));   // coronation
  EXPECT_FALSE(ew().is_holiday(d(2022, 5, 30)));  // the usual spring Monday, moved that year
  EXPECT_TRUE(std::is_sorted(ew().dates.begin(), ew().dates.end()));
}

TEST(BankHolidays, Weekends) {
  EXPECT_FALSE(is_weekend(d(2023, 3, 31)));  // Friday
  EXPECT_TRUE(is_weekend(d(2022, 10, 9)));   // Sunday
  EXPECT_TRUE(is_weekend(d(2020, 3, 14)));   // Saturday
  EXPECT_FALSE(is_weekend(d(2021, 6, 17)));  // Thursday
  EXPECT_TRUE(is_weekend(d(1969, 12, 28)));  // a Sunday before 1970
}

TEST(BankHolidays, WorkingDaysCountedBackInclusively) {
  // The CIN census guide's example: 45 working days before 31 March 2023 is 30 January 2023
  // (nine whole weeks of five, no holiday between).
  EXPECT_EQ(nth_working_day_back(d(2023, 3, 31), 45, ew()), d(2023, 1, 30));
  // 15 before Thursday 31 March 2022: 31, 30, 29, 28, 25...21, 18...14, 11.
  EXPECT_EQ(nth_working_day_back(d(2022, 3, 31), 15, ew()), d(2022, 3, 11));
  // Across Easter 2022 (Good Friday 15, Easter Monday 18 April): 19, 14, 13, 12, 11.
  EXPECT_EQ(nth_working_day_back(d(2022, 4, 19), 5, ew()), d(2022, 4, 11));
  // From a Sunday the first working day is the Friday before.
  EXPECT_EQ(nth_working_day_back(d(2022, 10, 9), 1, ew()), d(2022, 10, 7));
  // Christmas 2022 (Boxing Day Monday 26, Christmas substitute Tuesday 27): Friday 23 December.
  EXPECT_EQ(previous_working_day(d(2022, 12, 28), ew()), d(2022, 12, 23));
  EXPECT_EQ(previous_working_day(d(2023, 4, 1), ew()), d(2023, 3, 31));
}

TEST(BankHolidays, OutsideTheTableNoAnswer) {
  EXPECT_FALSE(is_working_day(d(1998, 12, 31), ew()).has_value());
  EXPECT_FALSE(is_working_day(d(2028, 1, 4), ew()).has_value());
  // 5 Tuesday, 4 Monday, then the weekend, New Year's Day and 1998, which the table does not hold.
  EXPECT_FALSE(nth_working_day_back(d(1999, 1, 5), 3, ew()).has_value());
  EXPECT_EQ(nth_working_day_back(d(1999, 1, 5), 2, ew()), d(1999, 1, 4));
}

TEST(BankHolidays, WorkingDaysBetweenCountsTheDaysAfterTheStart) {
  // The same day: 0 (DfE's "same day"); Friday to Monday: 1.
  EXPECT_EQ(working_days_between(d(2023, 3, 10), d(2023, 3, 10), ew()), 0);
  EXPECT_EQ(working_days_between(d(2023, 3, 10), d(2023, 3, 13), ew()), 1);
  // Saturday to Sunday: 0.
  EXPECT_EQ(working_days_between(d(2023, 3, 11), d(2023, 3, 12), ew()), 0);
  // Christmas 2024: Friday 20 December to Friday 3 January: 23, 24, 27, 30, 31 December, 2 and 3
  // January (25, 26 December and 1 January are holidays) = 7.
  EXPECT_EQ(working_days_between(d(2024, 12, 20), d(2025, 1, 3), ew()), 7);
  // Christmas 2022, on a weekend (substitute days Monday 26 and Tuesday 27): Friday 23 December to
  // Friday 30 December: 28, 29, 30 = 3.
  EXPECT_EQ(working_days_between(d(2022, 12, 23), d(2022, 12, 30), ew()), 3);
  // The census guide's 45: from Monday 30 January 2023 the 44 working days after it reach 31 March
  // (the guide counts the start day too).
  EXPECT_EQ(working_days_between(d(2023, 1, 30), d(2023, 3, 31), ew()), 44);
  // Across Easter 2022 (Good Friday 15, Easter Monday 18 April): Monday 11 to Tuesday 19 = 4.
  EXPECT_EQ(working_days_between(d(2022, 4, 11), d(2022, 4, 19), ew()), 4);
  // A long span equals counting day by day.
  int n = 0;
  for (Date x = d(2015, 6, 3) + 1; x <= d(2024, 2, 29); x = x + 1) n += *is_working_day(x, ew());
  EXPECT_EQ(working_days_between(d(2015, 6, 3), d(2024, 2, 29), ew()), n);
  // Backwards, or outside the table: no answer.
  EXPECT_FALSE(working_days_between(d(2023, 3, 13), d(2023, 3, 10), ew()));
  EXPECT_FALSE(working_days_between(d(1998, 12, 1), d(1999, 1, 10), ew()));
}
