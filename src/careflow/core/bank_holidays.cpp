#include "careflow/core/bank_holidays.hpp"

#include <algorithm>
#include <array>

namespace careflow {

namespace {

struct Ymd { int y, m, d; };

// England and Wales bank holidays, 1999 to 2027. From 2018 as GOV.UK publishes them
// (www.gov.uk/bank-holidays, England and Wales, 2027 as announced); before, as the Banking and
// Financial Dealings Act 1971 sets them with the Royal Proclamations that moved or added days
// (1999 millennium, 2002 and 2012 jubilees with the spring holiday moved to 4 June, 2011 royal
// wedding). Substitute days (a holiday falling at a weekend) are listed as the holiday, since a
// substitute day is not a working day.
constexpr Ymd kEnglandAndWales[] = {
    {1999, 1, 1},  // Fri New Year's Day
    {1999, 4, 2},  // Fri Good Friday
    {1999, 4, 5},  // Mon Easter Monday
    {1999, 5, 3},  // Mon Early May bank holiday
    {1999, 5, 31},  // Mon Spring bank holiday
    {1999, 8, 30},  // Mon Summer bank holiday
    {1999, 12, 27},  // Mon Christmas Day (substitute day)
    {1999, 12, 28},  // Tue Boxing Day (substitute day)
    {1999, 12, 31},  // Fri Millennium celebrations
    {2000, 1, 3},  // Mon New Year's Day (substitute day)
    {2000, 4, 21},  // Fri Good Friday
    {2000, 4, 24},  // Mon Easter Monday
    {2000, 5, 1},  // Mon Early May bank holiday
    {2000, 5, 29},  // Mon Spring bank holiday
    {2000, 8, 28},  // Mon Summer bank holiday
    {2000, 12, 25},  // Mon Christmas Day
    {2000, 12, 26},  // Tue Boxing Day
    {2001, 1, 1},  // Mon New Year's Day
    {2001, 4, 13},  // Fri Good Friday
    {2001, 4, 16},  // Mon Easter Monday
    {2001, 5, 7},  // Mon Early May bank holiday
    {2001, 5, 28},  // Mon Spring bank holiday
    {2001, 8, 27},  // Mon Summer bank holiday
    {2001, 12, 25},  // Tue Christmas Day
    {2001, 12, 26},  // Wed Boxing Day
    {2002, 1, 1},  // Tue New Year's Day
    {2002, 3, 29},  // Fri Good Friday
    {2002, 4, 1},  // Mon Easter Monday
    {2002, 5, 6},  // Mon Early May bank holiday
    {2002, 6, 3},  // Mon Golden Jubilee of Elizabeth II
    {2002, 6, 4},  // Tue Spring bank holiday
    {2002, 8, 26},  // Mon Summer bank holiday
    {2002, 12, 25},  // Wed Christmas Day
    {2002, 12, 26},  // Thu Boxing Day
    {2003, 1, 1},  // Wed New Year's Day
    {2003, 4, 18},  // Fri Good Friday
    {2003, 4, 21},  // Mon Easter Monday
    {2003, 5, 5},  // Mon Early May bank holiday
    {2003, 5, 26},  // Mon Spring bank holiday
    {2003, 8, 25},  // Mon Summer bank holiday
    {2003, 12, 25},  // Thu Christmas Day
    {2003, 12, 26},  // Fri Boxing Day
    {2004, 1, 1},  // Thu New Year's Day
    {2004, 4, 9},  // Fri Good Friday
    {2004, 4, 12},  // Mon Easter Monday
    {2004, 5, 3},  // Mon Early May bank holiday
    {2004, 5, 31},  // Mon Spring bank holiday
    {2004, 8, 30},  // Mon Summer bank holiday
    {2004, 12, 27},  // Mon Christmas Day (substitute day)
    {2004, 12, 28},  // Tue Boxing Day (substitute day)
    {2005, 1, 3},  // Mon New Year's Day (substitute day)
    {2005, 3, 25},  // Fri Good Friday
    {2005, 3, 28},  // Mon Easter Monday
    {2005, 5, 2},  // Mon Early May bank holiday
    {2005, 5, 30},  // Mon Spring bank holiday
    {2005, 8, 29},  // Mon Summer bank holiday
    {2005, 12, 26},  // Mon Boxing Day
    {2005, 12, 27},  // Tue Christmas Day (substitute day)
    {2006, 1, 2},  // Mon New Year's Day (substitute day)
    {2006, 4, 14},  // Fri Good Friday
    {2006, 4, 17},  // Mon Easter Monday
    {2006, 5, 1},  // Mon Early May bank holiday
    {2006, 5, 29},  // Mon Spring bank holiday
    {2006, 8, 28},  // Mon Summer bank holiday
    {2006, 12, 25},  // Mon Christmas Day
    {2006, 12, 26},  // Tue Boxing Day
    {2007, 1, 1},  // Mon New Year's Day
    {2007, 4, 6},  // Fri Good Friday
    {2007, 4, 9},  // Mon Easter Monday
    {2007, 5, 7},  // Mon Early May bank holiday
    {2007, 5, 28},  // Mon Spring bank holiday
    {2007, 8, 27},  // Mon Summer bank holiday
    {2007, 12, 25},  // Tue Christmas Day
    {2007, 12, 26},  // Wed Boxing Day
    {2008, 1, 1},  // Tue New Year's Day
    {2008, 3, 21},  // Fri Good Friday
    {2008, 3, 24},  // Mon Easter Monday
    {2008, 5, 5},  // Mon Early May bank holiday
    {2008, 5, 26},  // Mon Spring bank holiday
    {2008, 8, 25},  // Mon Summer bank holiday
    {2008, 12, 25},  // Thu Christmas Day
    {2008, 12, 26},  // Fri Boxing Day
    {2009, 1, 1},  // Thu New Year's Day
    {2009, 4, 10},  // Fri Good Friday
    {2009, 4, 13},  // Mon Easter Monday
    {2009, 5, 4},  // Mon Early May bank holiday
    {2009, 5, 25},  // Mon Spring bank holiday
    {2009, 8, 31},  // Mon Summer bank holiday
    {2009, 12, 25},  // Fri Christmas Day
    {2009, 12, 28},  // Mon Boxing Day (substitute day)
    {2010, 1, 1},  // Fri New Year's Day
    {2010, 4, 2},  // Fri Good Friday
    {2010, 4, 5},  // Mon Easter Monday
    {2010, 5, 3},  // Mon Early May bank holiday
    {2010, 5, 31},  // Mon Spring bank holiday
    {2010, 8, 30},  // Mon Summer bank holiday
    {2010, 12, 27},  // Mon Christmas Day (substitute day)
    {2010, 12, 28},  // Tue Boxing Day (substitute day)
    {2011, 1, 3},  // Mon New Year's Day (substitute day)
    {2011, 4, 22},  // Fri Good Friday
    {2011, 4, 25},  // Mon Easter Monday
    {2011, 4, 29},  // Fri Wedding of Prince William and Catherine Middleton
    {2011, 5, 2},  // Mon Early May bank holiday
    {2011, 5, 30},  // Mon Spring bank holiday
    {2011, 8, 29},  // Mon Summer bank holiday
    {2011, 12, 26},  // Mon Boxing Day
    {2011, 12, 27},  // Tue Christmas Day (substitute day)
    {2012, 1, 2},  // Mon New Year's Day (substitute day)
    {2012, 4, 6},  // Fri Good Friday
    {2012, 4, 9},  // Mon Easter Monday
    {2012, 5, 7},  // Mon Early May bank holiday
    {2012, 6, 4},  // Mon Spring bank holiday
    {2012, 6, 5},  // Tue Diamond Jubilee of Elizabeth II
    {2012, 8, 27},  // Mon Summer bank holiday
    {2012, 12, 25},  // Tue Christmas Day
    {2012, 12, 26},  // Wed Boxing Day
    {2013, 1, 1},  // Tue New Year's Day
    {2013, 3, 29},  // Fri Good Friday
    {2013, 4, 1},  // Mon Easter Monday
    {2013, 5, 6},  // Mon Early May bank holiday
    {2013, 5, 27},  // Mon Spring bank holiday
    {2013, 8, 26},  // Mon Summer bank holiday
    {2013, 12, 25},  // Wed Christmas Day
    {2013, 12, 26},  // Thu Boxing Day
    {2014, 1, 1},  // Wed New Year's Day
    {2014, 4, 18},  // Fri Good Friday
    {2014, 4, 21},  // Mon Easter Monday
    {2014, 5, 5},  // Mon Early May bank holiday
    {2014, 5, 26},  // Mon Spring bank holiday
    {2014, 8, 25},  // Mon Summer bank holiday
    {2014, 12, 25},  // Thu Christmas Day
    {2014, 12, 26},  // Fri Boxing Day
    {2015, 1, 1},  // Thu New Year's Day
    {2015, 4, 3},  // Fri Good Friday
    {2015, 4, 6},  // Mon Easter Monday
    {2015, 5, 4},  // Mon Early May bank holiday
    {2015, 5, 25},  // Mon Spring bank holiday
    {2015, 8, 31},  // Mon Summer bank holiday
    {2015, 12, 25},  // Fri Christmas Day
    {2015, 12, 28},  // Mon Boxing Day (substitute day)
    {2016, 1, 1},  // Fri New Year's Day
    {2016, 3, 25},  // Fri Good Friday
    {2016, 3, 28},  // Mon Easter Monday
    {2016, 5, 2},  // Mon Early May bank holiday
    {2016, 5, 30},  // Mon Spring bank holiday
    {2016, 8, 29},  // Mon Summer bank holiday
    {2016, 12, 26},  // Mon Boxing Day
    {2016, 12, 27},  // Tue Christmas Day (substitute day)
    {2017, 1, 2},  // Mon New Year's Day (substitute day)
    {2017, 4, 14},  // Fri Good Friday
    {2017, 4, 17},  // Mon Easter Monday
    {2017, 5, 1},  // Mon Early May bank holiday
    {2017, 5, 29},  // Mon Spring bank holiday
    {2017, 8, 28},  // Mon Summer bank holiday
    {2017, 12, 25},  // Mon Christmas Day
    {2017, 12, 26},  // Tue Boxing Day
    {2018, 1, 1},  // Mon New Year's Day
    {2018, 3, 30},  // Fri Good Friday
    {2018, 4, 2},  // Mon Easter Monday
    {2018, 5, 7},  // Mon Early May bank holiday
    {2018, 5, 28},  // Mon Spring bank holiday
    {2018, 8, 27},  // Mon Summer bank holiday
    {2018, 12, 25},  // Tue Christmas Day
    {2018, 12, 26},  // Wed Boxing Day
    {2019, 1, 1},  // Tue New Year's Day
    {2019, 4, 19},  // Fri Good Friday
    {2019, 4, 22},  // Mon Easter Monday
    {2019, 5, 6},  // Mon Early May bank holiday
    {2019, 5, 27},  // Mon Spring bank holiday
    {2019, 8, 26},  // Mon Summer bank holiday
    {2019, 12, 25},  // Wed Christmas Day
    {2019, 12, 26},  // Thu Boxing Day
    {2020, 1, 1},  // Wed New Year's Day
    {2020, 4, 10},  // Fri Good Friday
    {2020, 4, 13},  // Mon Easter Monday
    {2020, 5, 8},  // Fri Early May bank holiday (VE Day)
    {2020, 5, 25},  // Mon Spring bank holiday
    {2020, 8, 31},  // Mon Summer bank holiday
    {2020, 12, 25},  // Fri Christmas Day
    {2020, 12, 28},  // Mon Boxing Day (substitute day)
    {2021, 1, 1},  // Fri New Year's Day
    {2021, 4, 2},  // Fri Good Friday
    {2021, 4, 5},  // Mon Easter Monday
    {2021, 5, 3},  // Mon Early May bank holiday
    {2021, 5, 31},  // Mon Spring bank holiday
    {2021, 8, 30},  // Mon Summer bank holiday
    {2021, 12, 27},  // Mon Christmas Day (substitute day)
    {2021, 12, 28},  // Tue Boxing Day (substitute day)
    {2022, 1, 3},  // Mon New Year's Day (substitute day)
    {2022, 4, 15},  // Fri Good Friday
    {2022, 4, 18},  // Mon Easter Monday
    {2022, 5, 2},  // Mon Early May bank holiday
    {2022, 6, 2},  // Thu Spring bank holiday
    {2022, 6, 3},  // Fri Platinum Jubilee of Elizabeth II
    {2022, 8, 29},  // Mon Summer bank holiday
    {2022, 9, 19},  // Mon State funeral of Elizabeth II
    {2022, 12, 26},  // Mon Boxing Day
    {2022, 12, 27},  // Tue Christmas Day (substitute day)
    {2023, 1, 2},  // Mon New Year's Day (substitute day)
    {2023, 4, 7},  // Fri Good Friday
    {2023, 4, 10},  // Mon Easter Monday
    {2023, 5, 1},  // Mon Early May bank holiday
    {2023, 5, 8},  // Mon Coronation of Charles III
    {2023, 5, 29},  // Mon Spring bank holiday
    {2023, 8, 28},  // Mon Summer bank holiday
    {2023, 12, 25},  // Mon Christmas Day
    {2023, 12, 26},  // Tue Boxing Day
    {2024, 1, 1},  // Mon New Year's Day
    {2024, 3, 29},  // Fri Good Friday
    {2024, 4, 1},  // Mon Easter Monday
    {2024, 5, 6},  // Mon Early May bank holiday
    {2024, 5, 27},  // Mon Spring bank holiday
    {2024, 8, 26},  // Mon Summer bank holiday
    {2024, 12, 25},  // Wed Christmas Day
    {2024, 12, 26},  // Thu Boxing Day
    {2025, 1, 1},  // Wed New Year's Day
    {2025, 4, 18},  // Fri Good Friday
    {2025, 4, 21},  // Mon Easter Monday
    {2025, 5, 5},  // Mon Early May bank holiday
    {2025, 5, 26},  // Mon Spring bank holiday
    {2025, 8, 25},  // Mon Summer bank holiday
    {2025, 12, 25},  // Thu Christmas Day
    {2025, 12, 26},  // Fri Boxing Day
    {2026, 1, 1},  // Thu New Year's Day
    {2026, 4, 3},  // Fri Good Friday
    {2026, 4, 6},  // Mon Easter Monday
    {2026, 5, 4},  // Mon Early May bank holiday
    {2026, 5, 25},  // Mon Spring bank holiday
    {2026, 8, 31},  // Mon Summer bank holiday
    {2026, 12, 25},  // Fri Christmas Day
    {2026, 12, 28},  // Mon Boxing Day (substitute day)
    {2027, 1, 1},  // Fri New Year's Day
    {2027, 3, 26},  // Fri Good Friday
    {2027, 3, 29},  // Mon Easter Monday
    {2027, 5, 3},  // Mon Early May bank holiday
    {2027, 5, 31},  // Mon Spring bank holiday
    {2027, 8, 30},  // Mon Summer bank holiday
    {2027, 12, 27},  // Mon Christmas Day (substitute day)
    {2027, 12, 28},  // Tue Boxing Day (substitute day)
};

}  // namespace

const BankHolidayTable& england_and_wales_bank_holidays() {
  static const std::array<Date, std::size(kEnglandAndWales)> dates = [] {
    std::array<Date, std::size(kEnglandAndWales)> out{};
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = Date::from_ymd(kEnglandAndWales[i].y, kEnglandAndWales[i].m, kEnglandAndWales[i].d);
    return out;
  }();
  static const BankHolidayTable table{"England and Wales",
                                      "December 2026: GOV.UK's list to 2027, earlier years from the 1971 Act and "
                                      "proclamations",
                                      1999, 2027, std::span<const Date>(dates)};
  return table;
}

bool BankHolidayTable::is_holiday(Date d) const { return std::binary_search(dates.begin(), dates.end(), d); }

bool is_weekend(Date d) {
  // 1 January 1970 (day 0) was a Thursday: days 2 and 3 of each week from it are Saturday, Sunday.
  const int32_t k = ((d.days() % 7) + 7) % 7;
  return k == 2 || k == 3;
}

std::optional<bool> is_working_day(Date d, const BankHolidayTable& holidays) {
  if (!holidays.covers(d)) return std::nullopt;
  return !is_weekend(d) && !holidays.is_holiday(d);
}

std::optional<int> working_days_between(Date from, Date to, const BankHolidayTable& holidays) {
  if (to < from || !holidays.covers(from) || !holidays.covers(to)) return std::nullopt;
  // Whole weeks have five weekdays; only the remainder and the holidays need looking at.
  const int32_t days = to - from;
  int n = days / 7 * 5;
  for (Date d = from + days / 7 * 7 + 1; d <= to; d = d + 1) n += !is_weekend(d);
  const auto first = std::upper_bound(holidays.dates.begin(), holidays.dates.end(), from);
  const auto last = std::upper_bound(holidays.dates.begin(), holidays.dates.end(), to);
  for (auto it = first; it != last; ++it) n -= !is_weekend(*it);
  return n;
}

std::optional<Date> nth_working_day_back(Date d, int n, const BankHolidayTable& holidays) {
  for (int counted = 0;; d = d - 1) {
    const auto w = is_working_day(d, holidays);
    if (!w) return std::nullopt;
    if (*w && ++counted == n) return d;
  }
}

std::optional<Date> previous_working_day(Date d, const BankHolidayTable& holidays) {
  return nth_working_day_back(d - 1, 1, holidays);
}

}  // namespace careflow
