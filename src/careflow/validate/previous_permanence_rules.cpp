// Rules on previous permanence (PrevPerm): the permanence option a child had before this period
// of care (adoption, special guardianship, a child arrangements order), the LA that granted it
// and when. Written from DfE's messages; where the reference differs,
// docs/validation-deviations.md says why.
#include <unordered_set>

#include "careflow/core/la_codes.hpp"
#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

// 635: LA_PERM or DATE_PERM given without a permanence option (blank, or Z1: none).
bool details_without_option(const PrevPermRow& r) {
  return (!r.blank(PP::LA_PERM) || !r.blank(PP::DATE_PERM)) && (r.blank(PP::PREV_PERM) || r[PP::PREV_PERM] == "Z1");
}
// 633: LA_PERM, when given, is a 3-digit English LA code or 999 (unknown), WAL, SCO, NUK, NIR.
bool la_not_valid(const PrevPermRow& r) { return !r.blank(PP::LA_PERM) && !la_perm_valid(r[PP::LA_PERM]); }

// DATE_PERM: d/m/yyyy where the day, the month or every part may be ZZ (not known); nullopt when
// not of that form. `known_date` takes an unknown day or month as the first, and is unset when
// the year is not known.
struct PermDate {
  std::optional<Date> known_date;
};
std::optional<PermDate> date_perm(std::string_view v) {
  if (v == "ZZ/ZZ/ZZZZ") return PermDate{};
  const size_t a = v.find('/'), b = a == std::string_view::npos ? a : v.find('/', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  std::string day(v.substr(0, a)), month(v.substr(a + 1, b - a - 1));
  const std::string_view year = v.substr(b + 1);
  if (day == "ZZ") day = "1";
  if (month == "ZZ") month = "1";
  const auto d = return_date(day + "/" + month + "/" + std::string(year));
  if (!d) return std::nullopt;
  return PermDate{d};
}

// 632: DATE_PERM is not a date (d/m/yyyy, where the day, the month or all three parts may be
// ZZ, not known) or is not before the start of the child's current period of care. Both the
// PrevPerm row and the episode starting that period are flagged.
Flags date_not_valid_or_not_before_care(const Run& in) {
  Flags f;
  const PrevPerm p = tab<T::previous_permanence>(in);
  const Episodes e = tab<T::episodes>(in);
  if (!p) return f;
  const auto& eps_by_child = by_child(e);
  std::vector<size_t> prows, erows;
  for (size_t r = 0; r < p.rows(); ++r) {
    const auto v = p(r, PP::DATE_PERM);
    if (v.empty()) continue;
    const auto perm = date_perm(v);
    const auto it = eps_by_child.find(p(r, PP::CHILD));
    std::optional<Period> current;
    if (it != eps_by_child.end()) {
      const auto periods = periods_of_care(e, episodes_in_order(e, it->second));
      if (!periods.empty()) current = periods.back();
    }
    const bool bad = !perm || (perm->known_date && current && *perm->known_date >= current->start);
    if (!bad) continue;
    prows.push_back(r);
    if (current) erows.push_back(current->first_row);
  }
  put(f, T::previous_permanence, std::move(prows));
  put(f, T::episodes, std::move(erows));
  return f;
}

// 630: a child who started care (RNE S) this year with missing or incomplete previous
// permanence (complete: Z1, or an option with its LA and date).
Rows started_care_without_previous_permanence(const Episodes& e, const Run& in) {
  const PrevPerm p = tab<T::previous_permanence>(in);
  std::unordered_set<std::string_view> complete;
  for (size_t r = 0; r < p.rows(); ++r) {
    const auto opt = p(r, PP::PREV_PERM);
    if (opt == "Z1" || (!opt.empty() && !p.blank(r, PP::LA_PERM) && !p.blank(r, PP::DATE_PERM)))
      complete.insert(p(r, PP::CHILD));
  }
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r) {
    const auto d = e.date(r, E::DECOM);
    if (e(r, E::RNE) == "S" && d && *d >= in.year.start() && !complete.count(e(r, E::CHILD))) rows.push_back(r);
  }
  return rows;
}

// 634: previous-permanence data for a child with no episode starting on or after 1 April 2016.
Flags previous_permanence_for_care_before_2016(const Run& in) {
  Flags f;
  const Episodes e = tab<T::episodes>(in);
  const PrevPerm p = tab<T::previous_permanence>(in);
  if (!e || !p) return f;
  const auto& ec = by_child(e);
  const Date cutoff = Date::from_ymd(2016, 4, 1);
  std::vector<size_t> prows, erows;
  for (size_t r = 0; r < p.rows(); ++r) {
    if (p.blank(r, PP::PREV_PERM) && p.blank(r, PP::LA_PERM) && p.blank(r, PP::DATE_PERM)) continue;
    const auto it = ec.find(p(r, PP::CHILD));
    if (it == ec.end()) continue;
    bool recent = false;
    for (size_t q : it->second)
      if (const auto d = e.date(q, E::DECOM); d && *d >= cutoff) recent = true;
    if (recent) continue;
    prows.push_back(r);
    erows.insert(erows.end(), it->second.begin(), it->second.end());
  }
  put(f, T::previous_permanence, std::move(prows));
  put(f, T::episodes, std::move(erows));
  return f;
}

}  // namespace

void previous_permanence_rules(Rules& r) {
  add_row_rule(r, "631", 0, code_in(PP::PREV_PERM, codes::previous_permanence, true));
  add_row_rule(r, "633", 0, la_not_valid);
  add_row_rule(r, "635", 0, details_without_option);
  add_rule(r, "632", 0, {}, date_not_valid_or_not_before_care);
  add_table_rule(r, "630", 0, {}, started_care_without_previous_permanence);
  add_rule(r, "634", 0, {}, previous_permanence_for_care_before_2016);
}

}  // namespace careflow::validate::detail
