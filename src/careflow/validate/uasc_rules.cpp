// Rules on a child's UASC status (Header.UASC: is, or was, an unaccompanied asylum-seeking child)
// and the date it ceased (UASC.DUC), this year against last year, and the postcode-derived
// distance, which UASC children do not have. Written from DfE's messages; where the reference
// differs, docs/validation-deviations.md says why.
#include <charconv>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

// 304: the status ceased (DUC) after the 18th birthday.
bool status_ceased_after_18(const UascRow& r) {
  const auto dob = r.date(U::DOB), duc = r.date(U::DUC);
  return dob && duc && *duc > birthday(*dob, 18);
}

// UASC now or in last year's return: "formerly UASC" as far as the data loaded can tell (DfE also
// looks two years back, which no return given to careflow holds: the messages warn of it).
std::unordered_set<std::string_view> ever_uasc(const Run& in) {
  auto s = uasc_children(in, false);
  for (auto c : uasc_children(in, true)) s.insert(c);
  return s;
}

// Episodes flagged by a test on the episode, whether the child is (or was) UASC and its derived
// fields (none when `needs_postcodes` is false).
using EpisodeUascTest = bool (*)(const Episodes& e, size_t r, bool uasc, const DerivedEpisodeFields* d);
Rules::Check episode_uasc_rule(EpisodeUascTest test, bool needs_postcodes) {
  return [test, needs_postcodes](const Run& in) {
    Flags f;
    const Episodes e = tab<T::episodes>(in);
    if (!e || (needs_postcodes && !in.derived)) return f;
    const auto uasc = ever_uasc(in);
    const size_t n = needs_postcodes ? std::min(e.rows(), in.derived->pl_distance.size()) : e.rows();
    std::vector<size_t> rows;
    for (size_t r = 0; r < n; ++r)
      if (test(e, r, uasc.count(e(r, E::CHILD)) > 0, in.derived)) rows.push_back(r);
    put(f, T::episodes, std::move(rows));
    return f;
  };
}

// A distance as the return holds it (miles, one decimal place); nullopt when not a number.
std::optional<double> miles(const std::string& s) {
  double v = 0;
  const char* end = s.data() + s.size();
  const auto res = std::from_chars(s.data(), end, v);
  if (s.empty() || res.ec != std::errc() || res.ptr != end) return std::nullopt;
  return v;
}
// 164: PL_DISTANCE not a distance of 0.0-999.9 miles, for a child never UASC, not on a short break.
bool distance_not_valid(const Episodes& e, size_t r, bool uasc, const DerivedEpisodeFields* d) {
  if (uasc || short_break(e(r, E::LS)) || d->pl_distance[r].empty()) return false;
  const auto m = miles(d->pl_distance[r]);
  return !m || *m < 0.0 || *m > 999.9;
}
// 392a: no distance for a looked-after child (not a short break) never UASC.
bool no_distance(const Episodes& e, size_t r, bool uasc, const DerivedEpisodeFields* d) {
  return !uasc && !short_break(e(r, E::LS)) && d->pl_distance[r].empty();
}
// 392b: HOME_POST or PL_POST missing for a looked-after child never UASC.
bool postcode_missing(const Episodes& e, size_t r, bool uasc, const DerivedEpisodeFields*) {
  return !uasc && !short_break(e(r, E::LS)) && (e.blank(r, E::HOME_POST) || e.blank(r, E::PL_POST));
}
// 406: a distance recorded for a child who is, or was, UASC.
bool distance_for_uasc_child(const Episodes&, size_t r, bool uasc, const DerivedEpisodeFields* d) {
  return uasc && !d->pl_distance[r].empty();
}

// One year's UASC rows by child (first row) and DUC text.
struct UascYear {
  Uasc u;
  std::unordered_map<std::string_view, size_t> row;
  std::string_view duc(std::string_view child) const {
    const auto it = row.find(child);
    return it == row.end() ? std::string_view() : u(it->second, U::DUC);
  }
  std::optional<Date> duc_date(std::string_view child) const {
    const auto it = row.find(child);
    return it == row.end() ? std::nullopt : u.date(it->second, U::DUC);
  }
};
UascYear uasc_year(const Uasc& u) {
  UascYear y{u, {}};
  for (size_t r = 0; r < u.rows(); ++r) y.row.emplace(u(r, U::CHILD), r);
  return y;
}

// 205A-C: a test on each child of this year's return (Header and UASC tables) given its status in
// both years and both years' UASC rows; the child's UASC and Header rows are flagged.
using StatusTest = bool (*)(std::string_view child, bool now, bool last, const UascYear& u, const UascYear& l,
                            const Run& in);
Rules::Check status_rule(StatusTest test) {
  return [test](const Run& in) {
    Flags f;
    const Header h = tab<T::header>(in);
    const Uasc u = tab<T::uasc>(in);
    if (!h && !u) return f;
    const auto now = uasc_children(in, false), last = uasc_children(in, true);
    const UascYear uy = uasc_year(u), ly = uasc_year(last_tab<T::uasc>(in));
    std::unordered_set<std::string_view> failed;
    auto check = [&](std::string_view child) {
      if (test(child, now.count(child) > 0, last.count(child) > 0, uy, ly, in)) failed.insert(child);
    };
    for (size_t r = 0; r < h.rows(); ++r) check(h(r, H::CHILD));
    for (size_t r = 0; r < u.rows(); ++r) check(u(r, U::CHILD));
    std::vector<size_t> hrows, urows;
    for (size_t r = 0; r < h.rows(); ++r)
      if (failed.count(h(r, H::CHILD))) hrows.push_back(r);
    for (size_t r = 0; r < u.rows(); ++r)
      if (failed.count(u(r, U::CHILD))) urows.push_back(r);
    put(f, T::header, std::move(hrows));
    put(f, T::uasc, std::move(urows));
    return f;
  };
}
// 205A: UASC last year, not this year: the status must have ceased during last year (last
// year's DUC within it) and this year's return should hold no DUC.
bool ceased_last_year_not_so(std::string_view child, bool now, bool last, const UascYear& u, const UascYear& l,
                             const Run& in) {
  if (now || !last) return false;
  const CollectionYear prev{in.year.end_year - 1};
  const auto was = l.duc_date(child);
  return !u.duc(child).empty() || !was || *was < prev.start() || *was > prev.end();
}
// 205B: UASC both years: this year's DUC is last year's (the status, or its expected end, is
// unchanged) or falls within this year (it ceased this year).
bool still_uasc_end_not_so(std::string_view child, bool now, bool last, const UascYear& u, const UascYear& l,
                           const Run& in) {
  if (!now || !last) return false;
  if (u.duc(child) == l.duc(child)) return false;
  const auto d = u.duc_date(child);
  return !d || *d < in.year.start() || *d > in.year.end();
}
// 205C: never UASC in either year, yet a DUC is given in one of them.
bool end_without_status(std::string_view child, bool now, bool last, const UascYear& u, const UascYear& l,
                        const Run&) {
  return !now && !last && (!u.duc(child).empty() || !l.duc(child).empty());
}

// 205D: UASC this year, but last year's return holds the child as not UASC. Header.UASC is the
// flag, so its rows are flagged (the UASC rows when there is no Header).
Flags uasc_now_not_last_year(const Run& in) {
  Flags f;
  const Header h = tab<T::header>(in), lh = last_tab<T::header>(in);
  const Uasc u = tab<T::uasc>(in), lu = last_tab<T::uasc>(in);
  const auto now = uasc_children(in, false), last = uasc_children(in, true);
  // Children in last year's return (its Header, or its UASC table without one).
  std::unordered_set<std::string_view> known_last;
  const TableRef& lt = lh ? static_cast<const TableRef&>(lh) : lu;
  for (size_t r = 0; r < lt.rows(); ++r) known_last.insert(lt.child(r));
  auto fails = [&](std::string_view c) { return now.count(c) && known_last.count(c) && !last.count(c); };
  const TableRef& t = h ? static_cast<const TableRef&>(h) : u;
  std::vector<size_t> rows;
  for (size_t r = 0; r < t.rows(); ++r)
    if (fails(t.child(r))) rows.push_back(r);
  put(f, h ? T::header : T::uasc, std::move(rows));
  return f;
}

// 303: DUC given but the child's Header.UASC is not 1 (only a stated Header.UASC can disagree:
// one derived from the UASC table is 1 for every child in it).
Flags end_given_but_not_uasc(const Run& in) {
  Flags f;
  const Header h = tab<T::header>(in);
  const Uasc u = tab<T::uasc>(in);
  if (!u) return f;
  const auto uasc = uasc_children(in, false);
  std::unordered_set<std::string_view> failed;
  std::vector<size_t> urows, hrows;
  for (size_t r = 0; r < u.rows(); ++r)
    if (!u.blank(r, U::DUC) && !uasc.count(u(r, U::CHILD))) {
      urows.push_back(r);
      failed.insert(u(r, U::CHILD));
    }
  for (size_t r = 0; r < h.rows(); ++r)
    if (failed.count(h(r, H::CHILD))) hrows.push_back(r);
  put(f, T::uasc, std::move(urows));
  put(f, T::header, std::move(hrows));
  return f;
}

// 105: a stated Header.UASC (an XML return's) that is not 0 or 1, blank included. One derived
// from the UASC table (a CSV return) is always valid, so nothing is flagged then.
Rows stated_status_not_valid(const Header& h, const Run& in) {
  if (!in.header_uasc) return {};
  Rows rows;
  for (size_t r = 0; r < h.rows() && r < in.header_uasc->size(); ++r)
    if ((*in.header_uasc)[r] != "0" && (*in.header_uasc)[r] != "1") rows.push_back(r);
  return rows;
}

// 231 (query, from 2024/25): a UASC child under 11 at the end of the collection year.
Rows uasc_under_11(const Header& h, const Run& in) {
  const auto uasc = uasc_children(in, false);
  Rows rows;
  for (size_t r = 0; r < h.rows(); ++r) {
    const auto dob = h.date(r, H::DOB);
    if (dob && uasc.count(h(r, H::CHILD)) && age_on(*dob, in.year.end()) < 11) rows.push_back(r);
  }
  return rows;
}

// 1014: UASC data for a care leaver none of whose episodes falls in the year.
Flags uasc_data_for_care_leaver(const Run& in) {
  Flags f;
  const Episodes e = tab<T::episodes>(in);
  const Oc3 o = tab<T::oc3>(in);
  const Uasc u = tab<T::uasc>(in);
  if (!e || !o || !u) return f;
  std::unordered_set<std::string_view> not_in_year;
  for (const auto& [child, rs] : by_child(e)) {
    bool in_year = false;
    for (size_t r : rs) {
      const auto dec = e.date(r, E::DEC);
      const auto decom = e.date(r, E::DECOM);
      in_year |= (!dec || *dec >= in.year.start()) && (!decom || *decom <= in.year.end());
    }
    if (!in_year) not_in_year.insert(child);
  }
  std::unordered_set<std::string_view> leavers;
  std::vector<size_t> orows, urows;
  for (size_t r = 0; r < o.rows(); ++r)
    if (not_in_year.count(o(r, O3::CHILD)) && any_given(o, r, kOc3Items)) leavers.insert(o(r, O3::CHILD));
  for (size_t r = 0; r < u.rows(); ++r)
    if (leavers.count(u(r, U::CHILD))) urows.push_back(r);
  std::unordered_set<std::string_view> with_uasc;
  for (size_t r : urows) with_uasc.insert(u(r, U::CHILD));
  for (size_t r = 0; r < o.rows(); ++r)
    if (with_uasc.count(o(r, O3::CHILD)) && any_given(o, r, kOc3Items)) orows.push_back(r);
  put(f, T::uasc, std::move(urows));
  put(f, T::oc3, std::move(orows));
  return f;
}

}  // namespace

void uasc_rules(Rules& r) {
  add_row_rule(r, "104", 0, bad_date(U::DUC, false));
  add_row_rule(r, "304", 0, status_ceased_after_18);
  add_rule(r, "164", 0, {.postcodes = true}, episode_uasc_rule(distance_not_valid, true));
  add_rule(r, "392a", 0, {.postcodes = true}, episode_uasc_rule(no_distance, true));
  add_rule(r, "392b", 0, {}, episode_uasc_rule(postcode_missing, false));
  add_rule(r, "406", 0, {.postcodes = true}, episode_uasc_rule(distance_for_uasc_child, true));
  add_rule(r, "303", 0, {}, end_given_but_not_uasc);
  add_table_rule(r, "105", 0, {}, stated_status_not_valid);
  add_table_rule(r, "231", 0, {}, uasc_under_11);
  add_rule(r, "205A", 0, {.last_year = true}, status_rule(ceased_last_year_not_so));
  add_rule(r, "205B", 0, {.last_year = true}, status_rule(still_uasc_end_not_so));
  add_rule(r, "205C", 0, {.last_year = true}, status_rule(end_without_status));
  add_rule(r, "205D", 0, {.last_year = true}, uasc_now_not_last_year);
  add_rule(r, "1014", 0, {}, uasc_data_for_care_leaver);
}

}  // namespace careflow::validate::detail
