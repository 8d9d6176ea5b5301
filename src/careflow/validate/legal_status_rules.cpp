// Rules on legal statuses (LS): statuses held longer than the law allows, orders that no longer
// exist, short breaks (respite care, V3/V4), and deprivation of liberty orders (DoLO), which
// DfE collects beside the legal status. Written from DfE's messages; where the reference
// differs, docs/validation-deviations.md says why.
#include <unordered_map>
#include <unordered_set>

#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

// 361-364: a legal status held for more than `max_days`, counting a run of contiguous episodes
// with that status (each starting the day the previous ended) as one; an open episode runs to
// the end of the collection year. Every episode of an over-long run is flagged.
TableCheck<T::episodes> legal_status_too_long(std::string_view ls, int max_days) {
  return [ls, max_days](const Episodes& e, const Run& in) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(e)) {
      std::vector<size_t> mine;
      for (size_t r : rs)
        if (e(r, E::LS) == ls) mine.push_back(r);
      const auto eps = episodes_in_order(e, mine);
      auto end_of = [&](size_t r) {
        return e.blank(r, E::DEC) ? std::optional<Date>(in.year.end()) : e.date(r, E::DEC);
      };
      for (size_t i = 0; i < eps.size();) {
        std::vector<size_t> run{eps[i].second};
        const Date start = eps[i].first;
        std::optional<Date> end = end_of(eps[i].second);
        size_t j = i + 1;
        while (j < eps.size() && end && *end == eps[j].first) {
          run.push_back(eps[j].second);
          end = end_of(eps[j].second);
          ++j;
        }
        if (end && *end - start > max_days) rows.insert(rows.end(), run.begin(), run.end());
        i = j;
      }
    }
    return rows;
  };
}

// 378: placed with parents (P1) under a single period of accommodation (V2).
bool with_parents_under_single_accommodation(const EpisodeRow& r) { return r[E::PLACE] == "P1" && r[E::LS] == "V2"; }
// 408: placed for adoption (A5/A6) without a placement order (E1).
bool placed_for_adoption_without_order(const EpisodeRow& r) {
  return one_of(r[E::PLACE], {"A5", "A6"}) && r[E::LS] != "E1";
}
// 445: a freeing order (D1) for an episode starting after December 2005.
bool freeing_order_after_2005(const EpisodeRow& r) {
  const auto d = r.date(E::DECOM);
  return r[E::LS] == "D1" && d && *d > ymd(2005, 12, 31);
}
// 446: a placement order (E1) for an episode starting before December 2005.
bool placement_order_before_december_2005(const EpisodeRow& r) {
  const auto d = r.date(E::DECOM);
  return r[E::LS] == "E1" && d && *d < ymd(2005, 12, 1);
}
// 451: still freed for adoption (D1, open).
bool still_freed_for_adoption(const EpisodeRow& r) { return r[E::LS] == "D1" && r.blank(E::DEC) && r.blank(E::REC); }
// 358: remanded or detained (J1-J3) under 10 at the episode's start (Header flagged too).
bool remanded_under_10(const Episodes& e, size_t r, Date dob, const Run&) {
  const auto a = one_of(e(r, E::LS), {"J1", "J2", "J3"}) ? age_at(e, r, E::DECOM, dob) : std::nullopt;
  return a && *a < 10;
}

// ---- Short breaks (V3, V4) ----
// 214: a placement postcode or URN for a short break.
bool placement_recorded_for_short_break(const EpisodeRow& r) {
  return short_break(r[E::LS]) && (!r.blank(E::PL_POST) || !r.blank(E::URN));
}
// 366: a short break (V3) that is not a new period of care (a placement change within it).
bool short_break_changes_placement(const EpisodeRow& r) { return r[E::LS] == "V3" && r[E::RNE] != "S"; }
// 382: a short break in a temporary placement (T0-T4).
bool short_break_in_temporary_placement(const EpisodeRow& r) {
  return short_break(r[E::LS]) && one_of(r[E::PLACE], {"T0", "T1", "T2", "T3", "T4"});
}
// 384: a short break in long-term foster care (U1/U4).
bool short_break_in_long_term_foster_care(const EpisodeRow& r) {
  return short_break(r[E::LS]) && one_of(r[E::PLACE], {"U1", "U4"});
}
// 398: home or placement postcode for a short break.
bool postcodes_for_short_break(const EpisodeRow& r) {
  return short_break(r[E::LS]) && (!r.blank(E::HOME_POST) || !r.blank(E::PL_POST));
}
// 365: one short break (V3) of more than 17 days; an open one runs to the year end.
bool short_break_over_17_days(const EpisodeRow& r) {
  if (r[E::LS] != "V3") return false;
  const auto start = r.date(E::DECOM);
  const auto end = r.blank(E::DEC) ? std::optional<Date>(r.in.year.end()) : r.date(E::DEC);
  return start && end && *end - *start > 17;
}

// 367: short breaks (V3) adding up to more than 75 days within the collection year. A break
// still open (DEC blank) runs to 31 March, as for 365: its days so far are respite care. Every
// V3 episode with days in the year is flagged (one with none, ended before the year or ending
// before it started, adds nothing and is not).
Rows short_breaks_over_75_days(const Episodes& e, const Run& in) {
  Rows rows;
  for (const auto& [child, rs] : by_child(e)) {
    long days = 0;
    std::vector<size_t> mine;
    for (size_t r : rs) {
      if (e(r, E::LS) != "V3") continue;
      const auto a = e.date(r, E::DECOM);
      const auto b = e.blank(r, E::DEC) ? std::optional<Date>(in.year.end()) : e.date(r, E::DEC);
      if (!a || !b) continue;
      const int in_year = std::min(*b, in.year.end()) - std::max(*a, in.year.start());
      if (in_year <= 0) continue;
      mine.push_back(r);
      days += in_year;
    }
    if (days > 75) rows.insert(rows.end(), mine.begin(), mine.end());
  }
  return rows;
}

// 426: V3 and V4 for the same child in the year: every short-break episode is flagged.
Rows both_kinds_of_short_break(const Episodes& e, const Run&) {
  Rows rows;
  for (const auto& [child, rs] : by_child(e)) {
    bool v3 = false, v4 = false;
    for (size_t r : rs) {
      v3 |= e(r, E::LS) == "V3";
      v4 |= e(r, E::LS) == "V4";
    }
    if (v3 && v4)
      for (size_t r : rs)
        if (short_break(e(r, E::LS))) rows.push_back(r);
  }
  return rows;
}

// 399: a child only ever on short breaks (V3/V4) with MOTHER or reviews completed: the Header
// row, the reviews, and the child's episodes.
Flags mother_or_reviews_for_short_breaks_only(const Run& in) {
  Flags f;
  const Header h = tab<T::header>(in);
  const Episodes e = tab<T::episodes>(in);
  const Reviews rv = tab<T::reviews>(in);
  if (!h || !e) return f;
  std::unordered_map<std::string_view, std::vector<size_t>> short_break_only;
  for (const auto& [child, rs] : by_child(e)) {
    bool all = true;
    for (size_t r : rs) all &= short_break(e(r, E::LS));
    if (all) short_break_only[child] = rs;
  }
  std::vector<size_t> hrows, erows, rrows;
  std::unordered_set<std::string_view> flagged;
  for (size_t r = 0; r < h.rows(); ++r)
    if (short_break_only.count(h(r, H::CHILD)) && !h.blank(r, H::MOTHER)) {
      hrows.push_back(r);
      flagged.insert(h(r, H::CHILD));
    }
  for (size_t r = 0; r < rv.rows(); ++r)
    if (short_break_only.count(rv(r, RV::CHILD)) && (!rv.blank(r, RV::REVIEW) || !rv.blank(r, RV::REVIEW_CODE))) {
      rrows.push_back(r);
      flagged.insert(rv(r, RV::CHILD));
    }
  for (auto child : flagged) {
    const auto& rs = short_break_only[child];
    erows.insert(erows.end(), rs.begin(), rs.end());
  }
  put(f, T::header, std::move(hrows));
  put(f, T::episodes, std::move(erows));
  put(f, T::reviews, std::move(rrows));
  return f;
}

// ---- Deprivation of liberty orders ----
// 708: a DoLO starting on or before the child's birth.
bool dolo_before_birth(const DoloRow& r) {
  const auto s = r.date(DL::DOLO_START), dob = r.date(DL::DOB);
  return s && dob && *s <= *dob;
}
// 702 (2026/27): a DoLO ending before it started.
bool dolo_ends_before_it_starts(const DoloRow& r) {
  const auto start = r.date(DL::DOLO_START), end = r.date(DL::DOLO_END);
  return start && end && *end < *start;
}
// 705: a DoLO starts while the previous one (in the order recorded) is open, or before it.
Rows dolo_overlaps_previous(const Dolo& d, const Run&) {
  Rows rows;
  for (const auto& [child, rs] : by_child(d))
    for (size_t i = 1; i < rs.size(); ++i) {
      const auto start = d.date(rs[i], DL::DOLO_START);
      const auto prev_start = d.date(rs[i - 1], DL::DOLO_START);
      const auto prev_end = d.date(rs[i - 1], DL::DOLO_END);
      if (!start) continue;
      if (!prev_end || *start < *prev_end || (prev_start && *start < *prev_start)) rows.push_back(rs[i]);
    }
  return rows;
}
// 709/710: placements during a DoLO (open DoLOs run to the year end): 709 any PLACE but K2, Z12
// and Z13; 710 PLACE K1, P1, R5 or K3. The DoLO and the episode are flagged.
Flags placement_during_dolo(const Run& in, bool (*wrong)(std::string_view place)) {
  Flags f;
  const Dolo d = tab<T::dolo>(in);
  const Episodes e = tab<T::episodes>(in);
  if (!d || !e) return f;
  const auto& ec = by_child(e);
  std::vector<size_t> drows, erows;
  for (size_t r = 0; r < d.rows(); ++r) {
    const auto s = d.date(r, DL::DOLO_START);
    const auto it = ec.find(d(r, DL::CHILD));
    if (!s || it == ec.end()) continue;
    const Date end = d.blank(r, DL::DOLO_END) ? in.year.end() + 1 : d.date(r, DL::DOLO_END).value_or(in.year.end() + 1);
    // An episode runs from its DECOM up to its DEC, the day the next begins (as a DoLO up to its
    // end): one starting the day the DoLO ended, or ending the day it began, is not in a
    // placement during it.
    for (size_t q : it->second) {
      const auto a = e.date(q, E::DECOM);
      const auto b = e.blank(q, E::DEC) ? std::optional<Date>(in.year.end()) : e.date(q, E::DEC);
      if (a && b && (*a < end || *a == *s) && *b > *s && wrong(e(q, E::PLACE))) {
        drows.push_back(r);
        erows.push_back(q);
      }
    }
  }
  put(f, T::dolo, std::move(drows));
  put(f, T::episodes, std::move(erows));
  return f;
}
Flags placement_not_allowed_during_dolo(const Run& in) {
  return placement_during_dolo(in, [](std::string_view p) { return p != "K2" && p != "Z12" && p != "Z13"; });
}
Flags placement_unsuitable_during_dolo(const Run& in) {
  return placement_during_dolo(in, [](std::string_view p) { return p == "K1" || p == "P1" || p == "R5" || p == "K3"; });
}

}  // namespace

void legal_status_rules(Rules& r) {
  add_row_rule(r, "144", 0, code_in(E::LS, codes::legal_status, false));
  add_table_rule(r, "361", 0, {}, legal_status_too_long("L1", 3));   // police protection: 72 hours
  add_table_rule(r, "362", 0, {}, legal_status_too_long("L2", 21));  // emergency protection order
  add_table_rule(r, "363", 0, {}, legal_status_too_long("L3", 7));   // child assessment order
  add_table_rule(r, "364", 0, {}, legal_status_too_long("J2", 21));  // PACE accommodation
  add_row_rule(r, "378", 0, with_parents_under_single_accommodation);
  add_row_rule(r, "408", 0, placed_for_adoption_without_order);
  add_row_rule(r, "445", 0, freeing_order_after_2005);
  add_row_rule(r, "446", 0, placement_order_before_december_2005);
  add_row_rule(r, "451", 0, still_freed_for_adoption);
  add_rule(r, "358", 0, {}, episode_with_dob(remanded_under_10, /*flag_header=*/true));
  add_row_rule(r, "214", 0, placement_recorded_for_short_break);
  add_row_rule(r, "366", 0, short_break_changes_placement);
  add_row_rule(r, "382", 0, short_break_in_temporary_placement);
  add_row_rule(r, "384", 0, short_break_in_long_term_foster_care);
  add_row_rule(r, "398", 0, postcodes_for_short_break);
  add_row_rule(r, "365", 0, short_break_over_17_days);
  add_table_rule(r, "367", 0, {}, short_breaks_over_75_days);
  add_table_rule(r, "426", 0, {}, both_kinds_of_short_break);
  add_rule(r, "399", 0, {}, mother_or_reviews_for_short_breaks_only);
  add_row_rule(r, "700", 0, bad_date(DL::DOLO_START, true));
  add_row_rule(r, "701", 0, bad_date(DL::DOLO_END, false));
  add_row_rule(r, "703", 0, after_collection_end(DL::DOLO_START));
  add_row_rule(r, "704", 0, outside_collection_year(DL::DOLO_END));
  add_row_rule(r, "708", 0, dolo_before_birth);
  add_row_rule(r, "702", 0, dolo_ends_before_it_starts);
  add_table_rule(r, "705", 0, {}, dolo_overlaps_previous);
  add_table_rule(r, "706", 0, {.last_year = true}, open_last_year_not_carried(DL::DOLO_START, DL::DOLO_END));
  add_table_rule(r, "707", 0, {}, open_after_care_ended(DL::DOLO_START, DL::DOLO_END));
  add_rule(r, "709", 0, {}, placement_not_allowed_during_dolo);
  add_rule(r, "710", 0, {}, placement_unsuitable_during_dolo);
}

}  // namespace careflow::validate::detail
