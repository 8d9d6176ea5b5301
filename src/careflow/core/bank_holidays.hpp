// England and Wales bank holidays as data, with the years the table covers, and working-day
// arithmetic on them (the CIN census's working-day rules: an assessment open more than 45
// working days, a section 47 enquiry 15 working days without a conference). A date outside the
// table's years has no answer: callers report the rule as not run rather than guess which days
// were holidays.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "careflow/core/date.hpp"

namespace careflow {

struct BankHolidayTable {
  std::string_view name;     // "England and Wales"
  std::string_view version;  // when the table was last brought up to date, and from what
  int first_year = 0, last_year = -1;  // calendar years covered, every holiday of each listed
  std::span<const Date> dates;         // sorted

  bool covers(Date d) const { return d.year() >= first_year && d.year() <= last_year; }
  // Only for a date the table covers.
  bool is_holiday(Date d) const;
};

const BankHolidayTable& england_and_wales_bank_holidays();

bool is_weekend(Date d);
// A weekday that is not a bank holiday; none when the table does not cover the date.
std::optional<bool> is_working_day(Date d, const BankHolidayTable& holidays);

// The day that is the n-th working day counting back from `d`, `d` itself counting as the first
// when it is a working day (DfE's validator counts so: 45 working days before Friday 31 March
// 2023 is Monday 30 January 2023; n = 1 is `d`, or the working day before it). None when the
// count leaves the table's years. n >= 1.
std::optional<Date> nth_working_day_back(Date d, int n, const BankHolidayTable& holidays);

// Working days after `from` up to and including `to` (none when to < from, or when the table
// does not cover a day counted): a task started and finished the same day took 0 working days,
// one finished the next working day 1, as DfE counts an assessment's duration (table C2's "same
// day", 1-10 days...) and the 15 working days from a strategy discussion to a conference.
// Friday 20 December 2024 to Friday 3 January 2025 is 7 (Christmas Day, Boxing Day and New
// Year's Day are not working days).
std::optional<int> working_days_between(Date from, Date to, const BankHolidayTable& holidays);

// The last working day strictly before `d` (1 April 2023's is Friday 31 March 2023). None when
// the table does not cover the days looked at.
std::optional<Date> previous_working_day(Date d, const BankHolidayTable& holidays);

}  // namespace careflow
