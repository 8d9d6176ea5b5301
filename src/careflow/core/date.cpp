#include "careflow/core/date.hpp"

#include <charconv>
#include <cstdio>

namespace careflow {

YearMonthDay Date::ymd() const {
  // H. Hinnant's civil_from_days.
  int z = days_ + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), static_cast<int>(m), static_cast<int>(d)};
}

std::string Date::to_string() const {
  if (is_open()) return "";
  const auto [y, m, d] = ymd();
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", d, m, y);
  return buf;
}

std::string Date::to_iso() const {
  if (is_open()) return "";
  const auto [y, m, d] = ymd();
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string_view describe(DateError e) {
  switch (e) {
    case DateError::ok: return "valid date";
    case DateError::empty: return "date is missing";
    case DateError::bad_format: return "not a date in the form dd/mm/yyyy";
    case DateError::two_digit_year: return "two-digit year: write the year in full (dd/mm/yyyy)";
    case DateError::out_of_range: return "no such calendar date";
  }
  return "invalid date";
}

namespace {

// Reads 1..max_digits digits from s at pos; returns digit count (0 if none).
int read_number(std::string_view s, size_t& pos, int max_digits, int& value) {
  int n = 0;
  value = 0;
  while (pos < s.size() && n < max_digits && s[pos] >= '0' && s[pos] <= '9') {
    value = value * 10 + (s[pos] - '0');
    ++pos;
    ++n;
  }
  return n;
}

bool is_separator(char c) { return c == '/' || c == '-' || c == '.'; }

// A spreadsheet's midnight suffix (" 00:00" or " 00:00:00" or "T00:00:00") is harmless;
// any other time of day means the cell is not a plain date.
bool is_midnight_suffix(std::string_view rest) {
  if (rest.empty()) return true;
  if (rest[0] != ' ' && rest[0] != 'T') return false;
  rest.remove_prefix(1);
  return rest == "00:00" || rest == "00:00:00" || rest == "00:00:00.000";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

ParsedDate make(int y, int m, int d) {
  if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
    return {Date(), DateError::out_of_range};
  return {Date::from_ymd(y, m, d), DateError::ok};
}

}  // namespace

ParsedDate parse_date(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.empty()) return {Date(), DateError::empty};
  size_t pos = 0;
  int a = 0, b = 0, c = 0;
  const int na = read_number(s, pos, 4, a);
  if (na == 0 || pos >= s.size() || !is_separator(s[pos])) return {Date(), DateError::bad_format};
  const char sep = s[pos++];
  const int nb = read_number(s, pos, 2, b);
  if (nb == 0 || pos >= s.size() || s[pos] != sep) return {Date(), DateError::bad_format};
  ++pos;
  const int nc = read_number(s, pos, 4, c);
  if (nc == 0) return {Date(), DateError::bad_format};
  // A fifth digit means a malformed year such as 20199.
  if (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') return {Date(), DateError::bad_format};
  if (!is_midnight_suffix(s.substr(pos))) return {Date(), DateError::bad_format};
  if (na == 4) {  // yyyy-mm-dd
    if (nc > 2) return {Date(), DateError::bad_format};
    return make(a, b, c);
  }
  if (na > 2) return {Date(), DateError::bad_format};
  if (nc <= 2) return {Date(), DateError::two_digit_year};
  if (nc != 4) return {Date(), DateError::bad_format};
  return make(c, b, a);
}

Date birthday(Date dob, int years) {
  const auto [y, m, d] = dob.ymd();
  const int ty = y + years;
  const int td = (m == 2 && d == 29 && !is_leap_year(ty)) ? 28 : d;
  return Date::from_ymd(ty, m, td);
}

int age_on(Date dob, Date on) {
  if (on < dob) return 0;
  const auto b = dob.ymd();
  const auto o = on.ymd();
  int age = o.year - b.year;
  // Compare against this year's birthday (with 29 February falling on 28 February).
  const Date this_years_birthday = birthday(dob, age);
  if (on < this_years_birthday) --age;
  return age;
}

// age_band() and label(AgeBand): core/groupings.cpp, from the banding data.

std::string CollectionYear::label() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d/%02d", end_year - 1, end_year % 100);
  return buf;
}

CollectionYear collection_year_of(Date d) {
  const auto [y, m, day] = d.ymd();
  (void)day;
  return {m >= 4 ? y + 1 : y};
}

std::optional<CollectionYear> parse_collection_year(std::string_view text) {
  // Find the first run of 4 digits; optionally followed by a separator and 2 or 4 more digits.
  for (size_t i = 0; i + 4 <= text.size(); ++i) {
    auto digit = [&](size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '9'; };
    if (!(digit(i) && digit(i + 1) && digit(i + 2) && digit(i + 3))) continue;
    if (i > 0 && digit(i - 1)) continue;
    int first = 0;
    std::from_chars(text.data() + i, text.data() + i + 4, first);
    // Collection years end in 1990 to 2100, so "1989/90" (1990's own label) is one and "2100/01" is not.
    if (first < 1989 || first > 2100) continue;
    size_t j = i + 4;
    if (j < text.size() && (text[j] == '/' || text[j] == '-' || text[j] == '_')) ++j;
    if (digit(j) && digit(j + 1) && !digit(j + 2)) {
      int second = (text[j] - '0') * 10 + (text[j + 1] - '0');
      if (second == (first + 1) % 100 && first < 2100) return CollectionYear{first + 1};
    }
    if (digit(j) && digit(j + 1) && digit(j + 2) && digit(j + 3) && !digit(j + 4)) {
      int second = 0;
      std::from_chars(text.data() + j, text.data() + j + 4, second);
      if (second == first + 1 && first < 2100) return CollectionYear{second};
    }
    // A pair whose second year does not follow the first ("2024_26") is not a year at all: read
    // as 2024 alone it would put a return in the wrong year without a word.
    if (j > i + 4 && digit(j)) continue;
    if (!digit(i + 4) && first >= 1990) return CollectionYear{first};
  }
  return std::nullopt;
}

}  // namespace careflow
