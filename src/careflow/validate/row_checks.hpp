// Per-row tests built from a column or two, declared as data by the topic files: a code-list
// value valid in the collection year, a valid date, fields given together, date order, dates
// against the collection year. The table is the column's: code_in(H::SEX, ...) tests Header rows.
#pragma once

#include <algorithm>
#include <array>
#include <initializer_list>
#include <span>

#include "careflow/validate/rule_support.hpp"

namespace careflow::validate::detail {

// Whether `v` is one of the codes.
inline bool one_of(std::string_view v, std::initializer_list<std::string_view> codes) {
  return std::find(codes.begin(), codes.end(), v) != codes.end();
}
inline bool one_of(std::string_view v, std::span<const std::string_view> codes) {
  return std::find(codes.begin(), codes.end(), v) != codes.end();
}
// A short break (respite care): legal status V3 or V4.
inline bool short_break(std::string_view ls) { return ls == "V3" || ls == "V4"; }
// Some of the fields given.
template <Table Tb, size_t N>
bool any_given(const Tab<Tb>& t, size_t r, const std::array<Col<Tb>, N>& cols) {
  for (auto c : cols)
    if (!t.blank(r, c)) return true;
  return false;
}

// Flags a value not in the code list for the collection year; blank flagged unless allowed.
template <class C>
RowTest<table_of<C>> code_in(C c, const CodeList& list, bool blank_ok) {
  return [c, &list, blank_ok](const Row<table_of<C>>& r) {
    const auto v = r[c];
    if (v.empty()) return !blank_ok;
    return !list.valid_in(v, r.year);
  };
}
// Flags a value that is not a valid date; blank flagged only when required.
template <class C>
RowTest<table_of<C>> bad_date(C c, bool required) {
  return [c, required](const Row<table_of<C>>& r) {
    const auto v = r[c];
    if (v.empty()) return required;
    return !return_date(v);
  };
}
template <class C>
RowTest<table_of<C>> both_or_neither(C a, C b) {
  return [a, b](const Row<table_of<C>>& r) { return r.blank(a) != r.blank(b); };
}
// Some but not all of the fields given.
template <class C, size_t N>
RowTest<table_of<C>> all_or_none(std::array<C, N> cols) {
  return [cols](const Row<table_of<C>>& r) {
    size_t given = 0;
    for (auto c : cols) given += !r.blank(c);
    return given != 0 && given != cols.size();
  };
}
// Both dates valid and `later` strictly before `earlier`.
template <class C>
RowTest<table_of<C>> before(C later, C earlier) {
  return [later, earlier](const Row<table_of<C>>& r) {
    const auto a = r.date(later), b = r.date(earlier);
    return a && b && *a < *b;
  };
}
template <class C>
RowTest<table_of<C>> after_collection_end(C c) {
  return [c](const Row<table_of<C>>& r) {
    const auto d = r.date(c);
    return d && *d > r.in.year.end();
  };
}
template <class C>
RowTest<table_of<C>> outside_collection_year(C c) {
  return [c](const Row<table_of<C>>& r) {
    const auto d = r.date(c);
    return d && (*d < r.in.year.start() || *d > r.in.year.end());
  };
}
// Age on a day, from the row's own date of birth column.
template <Table Tb>
std::optional<int> age_at(const Row<Tb>& r, Col<Tb> dob_col, Date on) {
  const auto dob = r.date(dob_col);
  if (!dob) return std::nullopt;
  return age_on(*dob, on);
}

inline Date ymd(int y, int m, int d) { return Date::from_ymd(y, m, d); }

}  // namespace careflow::validate::detail
