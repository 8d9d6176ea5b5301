// Each child's records across tables and years as the rules of several topics read them:
// episodes in date order, periods of care, last year's open final episodes, the OC2 cohort,
// dates of birth, UASC status. Each is built once per run (through the run's cache) by the
// first rule asking for it.
#pragma once

#include <array>
#include <unordered_map>
#include <unordered_set>

#include "careflow/validate/row_checks.hpp"

namespace careflow::validate::detail {

// Rows with a valid date in `column`, in date order (ties in row order).
using Dated = std::vector<std::pair<Date, size_t>>;
template <Table Tb>
Dated in_date_order(const Tab<Tb>& t, const std::vector<size_t>& rows, Col<Tb> column) {
  Dated out;
  for (size_t r : rows)
    if (const auto d = t.date(r, column)) out.emplace_back(*d, r);
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.first < b.first; });
  return out;
}
// A child's episodes with a valid DECOM, in date order (ties in row order).
inline Dated episodes_in_order(const Episodes& e, const std::vector<size_t>& rows) {
  return in_date_order(e, rows, E::DECOM);
}
// Every child's episodes in date order (children as in by_child), and one child's.
using EpisodesByChild = ChildMap<Dated>;
const EpisodesByChild& episodes_by_child_in_order(const Episodes& e);
const Dated& episodes_in_order(const Episodes& e, std::string_view child);

// Flags Episodes rows by a test over each child's episodes in DECOM order (episodes whose DECOM
// is not a valid date have no place in the order and are not compared).
using SequenceTest = void (*)(const Episodes& e, const Dated& eps, Rows& out);
TableCheck<T::episodes> per_child_episodes(SequenceTest test);

// For each row of `from`, the first row of `to` with the same child (kNoRow: none). Some forty
// rules join a table to Header row by row; the join is made once per run, not once per rule.
constexpr size_t kNoRow = static_cast<size_t>(-1);
const std::vector<size_t>& first_row_in(const TableRef& to, const TableRef& from);

// Each child's open final episode in last year's return (the latest DECOM among episodes with
// no DEC): this year's first episode must carry on from it (502, 503x, 452, 453).
const ChildMap<std::pair<Date, size_t>>& last_open_final_episodes(const Episodes& l);
// Flags this year's first episode of each child whose `field` differs (`differs(now, last)`)
// from last year's open final episode. Needs last year's return.
using Differs = bool (*)(std::string_view now, std::string_view last);
TableCheck<T::episodes> against_last_open_final(E::Column field, Differs differs);
inline bool text_differs(std::string_view now, std::string_view last) { return now != last; }

// The children of this year's Episodes looked after continuously for at least 12 months at 31
// March (the OC2 cohort; `to_31_march` false also counts care ending on 30 or 31 March, as the
// reference does for some rules).
const ChildMap<bool>& twelve_month_cohort(const Run& in, bool to_31_march);

// Each child's date of birth from the Header (children whose DOB is not a valid date are absent).
const ChildMap<Date>& dob_by_child(const Header& h);

// Episodes joined to the child's Header DOB: flags the episodes for which `test` holds (and, with
// `flag_header`, the child's Header row). Needs both tables.
using EpisodeAgeTest = bool (*)(const Episodes& e, size_t r, Date dob, const Run& in);
Rules::Check episode_with_dob(EpisodeAgeTest test, bool flag_header = false);
// The child's age on the episode's date in `column` (none when it is not a valid date).
inline std::optional<int> age_at(const Episodes& e, size_t r, E::Column column, Date dob) {
  const auto d = e.date(r, column);
  if (!d) return std::nullopt;
  return age_on(dob, *d);
}

// A child's periods of care from its episodes in DECOM order: an episode starting after the
// previous one ended begins a new period. `end` is unset while the period is open.
struct Period {
  Date start;
  std::optional<Date> end;
  size_t first_row;  // the episode that started it
};
std::vector<Period> periods_of_care(const Episodes& e, const Dated& eps);

// 577, 707: a record (missing period, DoLO) with no end date, for a child whose period of care
// ended on or after the record started: the child ceased to be looked after while it was open.
template <class C>
TableCheck<table_of<C>> open_after_care_ended(C start_col, C end_col) {
  return [start_col, end_col](const Tab<table_of<C>>& x, const Run& in) -> Rows {
    const Episodes e = tab<T::episodes>(in);
    if (!e) return {};
    const auto& eps_by_child = by_child(e);
    Rows rows;
    for (size_t r = 0; r < x.rows(); ++r) {
      const auto start = x.date(r, start_col);
      if (!start || !x.blank(r, end_col)) continue;
      const auto it = eps_by_child.find(x.child(r));
      if (it == eps_by_child.end()) continue;
      for (const auto& p : periods_of_care(e, episodes_in_order(e, it->second)))
        if (p.end && *p.end >= *start) {
          rows.push_back(r);
          break;
        }
    }
    return rows;
  };
}

// 576, 706: last year's open record (no end date) has no record this year with the same start:
// the record at the start of this year (the child's earliest start; its first row if none has a
// valid one), which should have carried the open one on, is flagged. Needs last year's return.
template <class C>
TableCheck<table_of<C>> open_last_year_not_carried(C start_col, C end_col) {
  return [start_col, end_col](const Tab<table_of<C>>& x, const Run& in) -> Rows {
    const auto l = last_tab<table_of<C>>(in);
    if (!l) return {};
    const auto& now = by_child(x);
    Rows rows;
    for (size_t r = 0; r < l.rows(); ++r) {
      if (!l.blank(r, end_col)) continue;
      const auto it = now.find(l.child(r));
      if (it == now.end()) continue;  // the child is not in this year's table
      bool carried = false;
      for (size_t q : it->second) carried |= x(q, start_col) == l(r, start_col);
      if (carried) continue;
      size_t first = it->second.front();
      std::optional<Date> first_start;
      for (size_t q : it->second)
        if (const auto d = x.date(q, start_col); d && (!first_start || *d < *first_start)) {
          first = q;
          first_start = d;
        }
      rows.push_back(first);
    }
    return rows;
  };
}

// Pairs of rows of two tables for the same child: both flagged when `test` holds.
template <Table Ta, Table Tb>
Rules::Check pair_rule(bool (*test)(const Tab<Ta>& a, size_t r, const Tab<Tb>& b, size_t q)) {
  return [test](const Run& in) {
    Flags f;
    const auto a = tab<Ta>(in);
    const auto b = tab<Tb>(in);
    if (!a || !b) return f;
    const auto& bc = by_child(b);
    std::vector<size_t> ra, rb;
    for (size_t r = 0; r < a.rows(); ++r) {
      const auto it = bc.find(a.child(r));
      if (it == bc.end()) continue;
      for (size_t q : it->second)
        if (test(a, r, b, q)) {
          ra.push_back(r);
          rb.push_back(q);
        }
    }
    put(f, Ta, std::move(ra));
    put(f, Tb, std::move(rb));
    return f;
  };
}

// A date in another table (`column`) before the start of the child's earliest (or, `latest`,
// latest) new period of care (RNE S): the episode and the row are flagged (1003, 334).
template <class C>
Rules::Check before_care_start(C column, bool latest) {
  return [column, latest](const Run& in) {
    constexpr Table other = table_of<C>;
    Flags f;
    const Episodes e = tab<T::episodes>(in);
    const auto x = tab<other>(in);
    if (!e || !x) return f;
    std::unordered_map<std::string_view, std::vector<size_t>> starts;
    for (size_t r = 0; r < e.rows(); ++r)
      if (e(r, E::RNE) == "S") starts[e(r, E::CHILD)].push_back(r);
    std::vector<size_t> erows, xrows;
    for (size_t r = 0; r < x.rows(); ++r) {
      const auto it = starts.find(x.child(r));
      const auto d = x.date(r, column);
      if (it == starts.end() || !d) continue;
      const auto ds = episodes_in_order(e, it->second);
      if (ds.empty()) continue;
      const auto& s = latest ? ds.back() : ds.front();
      if (*d < s.first) {
        erows.push_back(s.second);
        xrows.push_back(r);
      }
    }
    put(f, T::episodes, std::move(erows));
    put(f, other, std::move(xrows));
    return f;
  };
}

// Children who are, or were, UASC in one year's return (Header.UASC = 1). Where the return
// states Header.UASC (ValidationInput::header_uasc / header_uasc_last) that is used; otherwise
// every child in that year's UASC table is UASC, as DfE derives Header.UASC for CSV returns. A
// year with neither has no UASC children.
std::unordered_set<std::string_view> uasc_children(const Run& in, bool last_year);

// The items of a table whose completion the rules test.
inline constexpr std::array<O3::Column, 3> kOc3Items = {O3::IN_TOUCH, O3::ACTIV, O3::ACCOM};
inline constexpr std::array<AD::Column, 6> kAd1Items = {AD::DATE_INT, AD::DATE_MATCH, AD::FOSTER_CARE,
                                                        AD::NB_ADOPTR, AD::SEX_ADOPTR, AD::LS_ADOPTR};
inline constexpr std::array<O2::Column, 8> kOc2Items = {O2::CONVICTED, O2::HEALTH_CHECK, O2::IMMUNISATIONS,
                                                        O2::TEETH_CHECK, O2::HEALTH_ASSESSMENT, O2::SUBSTANCE_MISUSE,
                                                        O2::INTERVENTION_RECEIVED, O2::INTERVENTION_OFFERED};
inline constexpr std::array<O2::Column, 4> kOc2Core = {O2::IMMUNISATIONS, O2::TEETH_CHECK, O2::HEALTH_ASSESSMENT,
                                                       O2::SUBSTANCE_MISUSE};

}  // namespace careflow::validate::detail
