// Rules on decisions to place a child for adoption (PlacedAdoption) against the collection year,
// the child's episodes and last year's decisions. Written from DfE's messages; where the
// reference differs, docs/validation-deviations.md says why.
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

// A decision no longer to place for adoption is recorded when its date or its reason is given.
bool ceased(const PlacedAdoption& p, size_t r) {
  return !p.blank(r, PA::DATE_PLACED_CEASED) || !p.blank(r, PA::REASON_PLACED_CEASED);
}

// 563: a decision no longer to place (its date or reason) without the decision's date.
bool ceased_without_decision(const PlacedRow& r) {
  return (!r.blank(PA::DATE_PLACED_CEASED) || !r.blank(PA::REASON_PLACED_CEASED)) && r.blank(PA::DATE_PLACED);
}

// 579: a decision to place for adoption starts while the previous one is open or not ceased.
Rows decision_while_previous_open(const PlacedAdoption& p, const Run&) {
  Rows rows;
  for (const auto& [child, rs] : by_child(p)) {
    const auto ds = in_date_order(p, rs, PA::DATE_PLACED);
    for (size_t i = 1; i < ds.size(); ++i) {
      const auto previous_ceased = p.date(ds[i - 1].second, PA::DATE_PLACED_CEASED);
      if (!previous_ceased || ds[i].first < *previous_ceased) rows.push_back(ds[i].second);
    }
  }
  return rows;
}
// 583: several decisions, and one before the latest has not been ceased.
Rows earlier_decision_not_ceased(const PlacedAdoption& p, const Run&) {
  Rows rows;
  for (const auto& [child, rs] : by_child(p)) {
    const auto ds = in_date_order(p, rs, PA::DATE_PLACED);
    for (size_t i = 0; i + 1 < ds.size(); ++i)
      if (p.blank(ds[i].second, PA::DATE_PLACED_CEASED)) rows.push_back(ds[i].second);
  }
  return rows;
}

// 184: decision to place for adoption before the child was born.
Rows decision_before_birth(const PlacedAdoption& p, const Run& in) {
  const Header h = tab<T::header>(in);
  if (!h) return {};
  const auto& dob = dob_by_child(h);
  Rows rows;
  for (size_t r = 0; r < p.rows(); ++r) {
    const auto it = dob.find(p(r, PA::CHILD));
    const auto d = p.date(r, PA::DATE_PLACED);
    if (it != dob.end() && d && *d < it->second) rows.push_back(r);
  }
  return rows;
}

// The child's episode with the latest (or, with `earliest`, the earliest) valid DECOM among those
// `keep` accepts.
template <class Keep>
std::optional<size_t> episode_by_start(const Episodes& e, const std::vector<size_t>& rows, bool earliest, Keep keep) {
  std::optional<size_t> best;
  std::optional<Date> best_d;
  for (const auto& [d, r] : episodes_in_order(e, rows)) {
    if (!keep(r)) continue;
    if (!best_d || (earliest ? d < *best_d : d >= *best_d)) {
      best = r;
      best_d = d;
    }
  }
  return best;
}

// 117, 118: PlacedAdoption rows failing a test against the child's episodes (by child); the row
// and the episode the test names are flagged (SIZE_MAX: the child has no episode to name).
using DecisionTest = std::optional<size_t> (*)(const PlacedAdoption& p, size_t r, const Episodes& e,
                                               const std::vector<size_t>& eps, const Run& in);
Rules::Check decision_against_episodes(DecisionTest test) {
  return [test](const Run& in) {
    Flags f;
    const PlacedAdoption p = tab<T::placed_for_adoption>(in);
    const Episodes e = tab<T::episodes>(in);
    if (!p || !e) return f;
    const auto& eps = by_child(e);
    static const std::vector<size_t> kNone;
    std::vector<size_t> prows, erows;
    for (size_t r = 0; r < p.rows(); ++r) {
      const auto it = eps.find(p(r, PA::CHILD));
      const auto ep = test(p, r, e, it == eps.end() ? kNone : it->second, in);
      if (!ep) continue;
      prows.push_back(r);
      if (*ep != SIZE_MAX) erows.push_back(*ep);
    }
    put(f, T::placed_for_adoption, std::move(prows));
    put(f, T::episodes, std::move(erows));
    return f;
  };
}
// 117: DATE_PLACED or DATE_PLACED_CEASED after the end of the collection year, or after the
// child ceased to be looked after: the DEC of the child's latest episode whose REC is not X1
// (which is flagged with the decision; else the latest episode is). An open episode counts as
// that latest one (its blank REC is not X1), so a child back in care after leaving has not
// ceased to be looked after and only the year end applies.
std::optional<size_t> decision_after_year_or_care(const PlacedAdoption& p, size_t r, const Episodes& e,
                                                  const std::vector<size_t>& eps, const Run& in) {
  const auto left_care = episode_by_start(e, eps, false, [&e](size_t q) { return e(q, E::REC) != "X1"; });
  const auto last = left_care ? left_care : episode_by_start(e, eps, false, [](size_t) { return true; });
  std::optional<Date> left;
  if (left_care) left = e.date(*left_care, E::DEC);
  bool bad = false;
  for (auto c : {PA::DATE_PLACED, PA::DATE_PLACED_CEASED})
    if (const auto d = p.date(r, c)) bad |= *d > in.year.end() || (left && *d > *left);
  if (!bad) return std::nullopt;
  return last ? *last : SIZE_MAX;
}
// 118: DATE_PLACED_CEASED before the start of the collection year, or before the child started
// to be looked after (the earliest episode other than a V3/V4 short break, which is flagged).
std::optional<size_t> ceased_before_year_or_care(const PlacedAdoption& p, size_t r, const Episodes& e,
                                                 const std::vector<size_t>& eps, const Run& in) {
  const auto d = p.date(r, PA::DATE_PLACED_CEASED);
  if (!d) return std::nullopt;
  const auto first = episode_by_start(e, eps, true, [&e](size_t q) { return e(q, E::LS) != "V3" && e(q, E::LS) != "V4"; });
  const auto started = first ? e.date(*first, E::DECOM) : std::nullopt;
  if (*d >= in.year.start() && (!started || *d >= *started)) return std::nullopt;
  return first ? *first : SIZE_MAX;
}

// 557: a child placed for adoption (PLACE A3-A6, or under a placement order, LS E1, and to
// 2023/24 a freeing order, D1) left care other than by adoption (REC given, not E11/E12, not
// X1) but the decision no longer to place (DATE_PLACED_CEASED and REASON_PLACED_CEASED) is not
// completed: the episode, and any of the child's decisions missing either item, are flagged.
Flags left_care_placed_but_decision_not_ceased(const Run& in, bool freeing_orders) {
  Flags f;
  const Episodes e = tab<T::episodes>(in);
  const PlacedAdoption p = tab<T::placed_for_adoption>(in);
  if (!e) return f;
  const auto& decisions = by_child(p);
  std::vector<size_t> erows, prows;
  for (size_t r = 0; r < e.rows(); ++r) {
    const auto place = e(r, E::PLACE), ls = e(r, E::LS), rec = e(r, E::REC);
    const bool placed = place == "A3" || place == "A4" || place == "A5" || place == "A6" || ls == "E1" ||
                        (freeing_orders && ls == "D1");
    if (!placed || rec.empty() || rec == "E11" || rec == "E12" || rec == "X1") continue;
    const auto it = decisions.find(e(r, E::CHILD));
    bool complete = it != decisions.end();
    if (it != decisions.end())
      for (size_t q : it->second)
        if (p.blank(q, PA::DATE_PLACED_CEASED) || p.blank(q, PA::REASON_PLACED_CEASED)) {
          complete = false;
          prows.push_back(q);
        }
    if (!complete) erows.push_back(r);
  }
  put(f, T::episodes, std::move(erows));
  put(f, T::placed_for_adoption, std::move(prows));
  return f;
}
Flags left_care_placed_but_decision_not_ceased_2023(const Run& in) {
  return left_care_placed_but_decision_not_ceased(in, true);
}
Flags left_care_placed_but_decision_not_ceased_2025(const Run& in) {
  return left_care_placed_but_decision_not_ceased(in, false);
}

// 553 (placement order, LS E1) and 555 (freeing order, D1, to 2023/24): the order is granted
// but there is no date of the decision to place for adoption: a decision of the child's without
// DATE_PLACED is flagged, or the episode when the child has no decision at all.
Flags order_without_decision(const Run& in, std::string_view ls) {
  Flags f;
  const Episodes e = tab<T::episodes>(in);
  const PlacedAdoption p = tab<T::placed_for_adoption>(in);
  if (!e) return f;
  const auto& decisions = by_child(p);
  std::vector<size_t> erows, prows;
  for (size_t r = 0; r < e.rows(); ++r) {
    if (e(r, E::LS) != ls) continue;
    const auto it = decisions.find(e(r, E::CHILD));
    if (it == decisions.end()) {
      erows.push_back(r);
      continue;
    }
    for (size_t q : it->second)
      if (p.blank(q, PA::DATE_PLACED)) prows.push_back(q);
  }
  put(f, T::episodes, std::move(erows));
  put(f, T::placed_for_adoption, std::move(prows));
  return f;
}
Flags placement_order_without_decision(const Run& in) { return order_without_decision(in, "E1"); }
Flags freeing_order_without_decision(const Run& in) { return order_without_decision(in, "D1"); }

// Each child's latest decision: the latest valid DATE_PLACED, else the child's last row.
std::unordered_map<std::string_view, size_t> latest_decisions(const PlacedAdoption& p) {
  std::unordered_map<std::string_view, size_t> latest;
  for (const auto& [child, rs] : by_child(p)) {
    size_t best = rs.back();
    std::optional<Date> best_d;
    for (size_t r : rs)
      if (const auto d = p.date(r, PA::DATE_PLACED); d && (!best_d || *d >= *best_d)) {
        best = r;
        best_d = d;
      }
    latest.emplace(child, best);
  }
  return latest;
}

// 558: an adopted child (episode REC E11/E12) whose latest decision to place for adoption has
// a DATE_PLACED_CEASED: adoption means the decision was not reversed. The episode is flagged.
Rows adopted_after_decision_ceased(const Episodes& e, const Run& in) {
  const PlacedAdoption p = tab<T::placed_for_adoption>(in);
  if (!p) return {};
  const auto latest = latest_decisions(p);
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r) {
    if (e(r, E::REC) != "E11" && e(r, E::REC) != "E12") continue;
    const auto it = latest.find(e(r, E::CHILD));
    if (it != latest.end() && !p.blank(it->second, PA::DATE_PLACED_CEASED)) rows.push_back(r);
  }
  return rows;
}

// 561, 584: this year's decision against the child's latest decision last year (latest valid
// DATE_PLACED; the last row when none is valid), when that one had ceased.
using AgainstCeased = bool (*)(const PlacedAdoption& p, size_t r, const PlacedAdoption& l, size_t lr);
TableCheck<T::placed_for_adoption> against_last_ceased(AgainstCeased test) {
  return [test](const PlacedAdoption& p, const Run& in) -> Rows {
    const PlacedAdoption l = last_tab<T::placed_for_adoption>(in);
    if (!l) return {};
    const auto latest = latest_decisions(l);
    Rows rows;
    for (size_t r = 0; r < p.rows(); ++r) {
      const auto it = latest.find(p(r, PA::CHILD));
      if (it != latest.end() && ceased(l, it->second) && test(p, r, l, it->second)) rows.push_back(r);
    }
    return rows;
  };
}
// 561: this year's DATE_PLACED is last year's, but last year's decision had ceased: a decision
// made again needs its new date.
bool same_date_as_ceased_decision(const PlacedAdoption& p, size_t r, const PlacedAdoption& l, size_t lr) {
  return !p.blank(r, PA::DATE_PLACED) && p(r, PA::DATE_PLACED) == l(lr, PA::DATE_PLACED);
}
// 584: last year's decision had ceased, so this year's decision is a new one and its
// DATE_PLACED must be later than last year's (a blank or earlier date is flagged).
bool not_after_ceased_decision(const PlacedAdoption& p, size_t r, const PlacedAdoption& l, size_t lr) {
  const auto was = l.date(lr, PA::DATE_PLACED);
  if (!was) return false;
  const auto is = p.date(r, PA::DATE_PLACED);
  return !is || *is <= *was;
}

// 559: a decision dated before this year that last year's return does not hold.
Rows earlier_decision_not_in_last_year(const PlacedAdoption& p, const Run& in) {
  const PlacedAdoption l = last_tab<T::placed_for_adoption>(in);
  if (!l) return {};
  const auto& lc = by_child(l);
  Rows rows;
  for (size_t r = 0; r < p.rows(); ++r) {
    const auto d = p.date(r, PA::DATE_PLACED);
    if (!d || *d >= in.year.start()) continue;
    bool found = false;
    if (const auto it = lc.find(p(r, PA::CHILD)); it != lc.end())
      for (size_t q : it->second) found |= l.date(q, PA::DATE_PLACED) == d;
    if (!found) rows.push_back(r);
  }
  return rows;
}
// 560: last year's decision was open, but this year's DATE_PLACED differs from it.
Rows open_decision_redated(const PlacedAdoption& p, const Run& in) {
  const PlacedAdoption l = last_tab<T::placed_for_adoption>(in);
  if (!l) return {};
  const auto& lc = by_child(l);
  Rows rows;
  for (size_t r = 0; r < p.rows(); ++r) {
    const auto it = lc.find(p(r, PA::CHILD));
    if (it == lc.end()) continue;
    for (size_t q : it->second)
      if (l.blank(q, PA::DATE_PLACED_CEASED) && !l.blank(q, PA::DATE_PLACED) &&
          l(q, PA::DATE_PLACED) != p(r, PA::DATE_PLACED)) {
        rows.push_back(r);
        break;
      }
  }
  return rows;
}

// 551: placed for adoption (A3-A6) with no date of the decision to place.
Rows placed_without_decision(const Episodes& e, const Run& in) {
  const PlacedAdoption p = tab<T::placed_for_adoption>(in);
  if (!p) return {};
  std::unordered_set<std::string_view> decided;
  for (size_t r = 0; r < p.rows(); ++r)
    if (!p.blank(r, PA::DATE_PLACED)) decided.insert(p(r, PA::CHILD));
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r)
    if (one_of(e(r, E::PLACE), {"A3", "A4", "A5", "A6"}) && !decided.count(e(r, E::CHILD))) rows.push_back(r);
  return rows;
}
// 552: the decision to place for adoption is dated after the adoption placement started.
bool decision_after_placement(const PlacedAdoption& p, size_t r, const Episodes& e, size_t q) {
  const auto placed = p.date(r, PA::DATE_PLACED), decom = e.date(q, E::DECOM);
  return one_of(e(q, E::PLACE), {"A3", "A4", "A5", "A6"}) && placed && decom && *placed > *decom;
}
// 554: the decision to place for adoption is dated after the placement order (LS E1) began.
bool decision_after_placement_order(const PlacedAdoption& p, size_t r, const Episodes& e, size_t q) {
  const auto placed = p.date(r, PA::DATE_PLACED), decom = e.date(q, E::DECOM);
  return e(q, E::LS) == "E1" && placed && decom && *placed > *decom;
}
// 556: the decision is dated after the freeing order (LS D1) began (the episode is flagged).
Rows decision_after_freeing_order(const Episodes& e, const Run& in) {
  const PlacedAdoption p = tab<T::placed_for_adoption>(in);
  if (!p) return {};
  const auto& pc = by_child(p);
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r) {
    const auto decom = e.date(r, E::DECOM);
    const auto it = pc.find(e(r, E::CHILD));
    if (e(r, E::LS) != "D1" || !decom || it == pc.end()) continue;
    for (size_t q : it->second)
      if (const auto placed = p.date(q, PA::DATE_PLACED); placed && *placed > *decom) {
        rows.push_back(r);
        break;
      }
  }
  return rows;
}

}  // namespace

void placed_for_adoption_rules(Rules& r) {
  add_row_rule(r, "115", 0, bad_date(PA::DATE_PLACED, true));
  add_row_rule(r, "116", 0, bad_date(PA::DATE_PLACED_CEASED, false));
  add_row_rule(r, "119", 0, both_or_neither(PA::DATE_PLACED_CEASED, PA::REASON_PLACED_CEASED));
  add_row_rule(r, "120", 0, code_in(PA::REASON_PLACED_CEASED, codes::reason_placed_ceased, true));
  add_row_rule(r, "522", 0, before(PA::DATE_PLACED_CEASED, PA::DATE_PLACED));
  add_row_rule(r, "563", 0, ceased_without_decision);
  add_table_rule(r, "579", 0, {}, decision_while_previous_open);
  add_table_rule(r, "583", 0, {}, earlier_decision_not_ceased);
  add_table_rule(r, "184", 0, {}, decision_before_birth);
  add_rule(r, "1003", 0, {}, before_care_start(PA::DATE_PLACED, /*latest=*/false));
  add_rule(r, "117", 0, {}, decision_against_episodes(decision_after_year_or_care));
  add_rule(r, "118", 0, {}, decision_against_episodes(ceased_before_year_or_care));
  add_rule(r, "557", 2023, {}, left_care_placed_but_decision_not_ceased_2023);
  add_rule(r, "557", 2025, {}, left_care_placed_but_decision_not_ceased_2025);
  add_rule(r, "553", 0, {}, placement_order_without_decision);
  add_rule(r, "555", 0, {}, freeing_order_without_decision);
  add_table_rule(r, "558", 0, {}, adopted_after_decision_ceased);
  add_table_rule(r, "561", 0, {.last_year = true}, against_last_ceased(same_date_as_ceased_decision));
  add_table_rule(r, "584", 0, {.last_year = true}, against_last_ceased(not_after_ceased_decision));
  add_table_rule(r, "559", 0, {.last_year = true}, earlier_decision_not_in_last_year);
  add_table_rule(r, "560", 0, {.last_year = true}, open_decision_redated);
  add_table_rule(r, "551", 0, {}, placed_without_decision);
  add_rule(r, "552", 0, {}, pair_rule(decision_after_placement));
  add_rule(r, "554", 0, {}, pair_rule(decision_after_placement_order));
  add_table_rule(r, "556", 0, {}, decision_after_freeing_order);
}

}  // namespace careflow::validate::detail
