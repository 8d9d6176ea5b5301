// Calendar dates as whole days. Every date in careflow is a `Date`: the number of days since
// 1970-01-01, so that durations are subtraction and a whole country's episodes stay small.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace careflow {

struct YearMonthDay {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

class Date {
 public:
  constexpr Date() = default;
  constexpr explicit Date(int32_t days_since_epoch) : days_(days_since_epoch) {}

  static constexpr Date from_ymd(int y, int m, int d);
  static Date from_ymd(YearMonthDay ymd) { return from_ymd(ymd.year, ymd.month, ymd.day); }
  // The missing date: sorts after every real date, so an open episode "ends" after all others.
  static constexpr Date open() { return Date(INT32_MAX); }

  constexpr int32_t days() const { return days_; }
  constexpr bool is_open() const { return days_ == INT32_MAX; }
  YearMonthDay ymd() const;
  int year() const { return ymd().year; }

  // dd/mm/yyyy, the form of the SSDA903 return.
  std::string to_string() const;
  // yyyy-mm-dd, for machine-readable outputs (CSV/JSON), which Excel, R and pandas parse.
  std::string to_iso() const;

  constexpr Date operator+(int32_t n) const { return Date(days_ + n); }
  constexpr Date operator-(int32_t n) const { return Date(days_ - n); }
  constexpr int32_t operator-(Date other) const { return days_ - other.days_; }
  constexpr auto operator<=>(const Date&) const = default;

 private:
  int32_t days_ = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr int32_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

constexpr Date Date::from_ymd(int y, int m, int d) { return Date(days_from_civil(y, m, d)); }

constexpr bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
constexpr int days_in_month(int y, int m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

// Why a date string was refused; `ok` when it parsed.
enum class DateError { ok, empty, bad_format, two_digit_year, out_of_range };
std::string_view describe(DateError e);

struct ParsedDate {
  Date date;
  DateError error = DateError::ok;
  explicit operator bool() const { return error == DateError::ok; }
};

// Accepts dd/mm/yyyy (also d/m/yyyy and '-' or '.' separators), yyyy-mm-dd, and either followed
// by a midnight time as spreadsheets append (" 00:00" or " 00:00:00"). Two-digit years are
// refused rather than guessed: 01/04/19 could be 1919 or 2019 for a child's date of birth.
ParsedDate parse_date(std::string_view text);

// ---- Ages -----------------------------------------------------------------------------------

// The date of the `years`-th birthday. For a child born on 29 February the birthday in a common
// year is 28 February: the reference validator (pandas DateOffset) and the Social Finance demand
// model (relativedelta) both do this, so careflow's ages agree with the tools councils compare
// it with. (Some read English law as 1 March; the choice moves an age by one day, once in four
// years, for about one child in 1,461.)
Date birthday(Date dob, int years);

// Completed years of age on `on` (0 before the first birthday).
int age_on(Date dob, Date on);

// The age bands of DfE's children-looked-after publications.
enum class AgeBand : uint8_t { under_1, age_1_to_4, age_5_to_9, age_10_to_15, age_16_plus };
inline constexpr int kAgeBandCount = 5;
AgeBand age_band(int age_years);
std::string_view label(AgeBand band);

// ---- Collection years -----------------------------------------------------------------------

// An SSDA903 collection year, named as DfE does by the year it ends: 2025 is 1 April 2024 to
// 31 March 2025.
struct CollectionYear {
  int end_year = 0;
  Date start() const { return Date::from_ymd(end_year - 1, 4, 1); }
  Date end() const { return Date::from_ymd(end_year, 3, 31); }
  std::string label() const;  // "2024/25"
  auto operator<=>(const CollectionYear&) const = default;
};

// The collection year containing a date.
CollectionYear collection_year_of(Date d);

// Parses "2025", "2024/25", "2024-25", "2024_25", "lac2024_25" and "202425" style names.
std::optional<CollectionYear> parse_collection_year(std::string_view text);

}  // namespace careflow
