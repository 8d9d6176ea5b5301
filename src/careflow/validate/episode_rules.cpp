// Rules on episodes of care: their dates and codes, the reason each began (RNE) and ceased
// (REC) against the child's other episodes, the child's age when they did, and this year's
// episodes against last year's return. Written from DfE's messages; where the reference
// differs, docs/validation-deviations.md says why.
#include <unordered_map>

#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

// 353: DECOM before 14 October 1991 (the Children Act's commencement).
bool started_before_children_act(const EpisodeRow& r) {
  const auto d = r.date(E::DECOM);
  return d && *d < ymd(1991, 10, 14);
}
// 355: an episode ending the day it started.
bool ended_the_day_it_started(const EpisodeRow& r) {
  const auto a = r.date(E::DECOM), b = r.date(E::DEC);
  return a && b && *a == *b;
}

// 142: only a child's latest episode may be open (DEC and REC missing).
void open_before_latest(const Episodes& e, const Dated& eps, Rows& out) {
  for (size_t i = 0; i + 1 < eps.size(); ++i) {
    if (eps[i].first == eps.back().first) break;  // ties with the latest count as latest
    const size_t r = eps[i].second;
    if (e.blank(r, E::DEC) || e.blank(r, E::REC)) out.push_back(r);
  }
}
// 501: an episode starts before the previous one ended.
void starts_before_previous_ended(const Episodes& e, const Dated& eps, Rows& out) {
  for (size_t i = 1; i < eps.size(); ++i) {
    // An episode left open (blank DEC) has not ended, so any episode after it started before
    // its end (this catches a duplicated open episode; the reference does not flag it).
    const size_t prev = eps[i - 1].second;
    const auto prev_end = e.date(prev, E::DEC);
    if ((prev_end && eps[i].first < *prev_end) || e.blank(prev, E::DEC)) out.push_back(eps[i].second);
  }
}
// 437: died (E2) or aged 18+ (E15), yet later episodes follow.
void episodes_after_death_or_18(const Episodes& e, const Dated& eps, Rows& out) {
  for (size_t i = 0; i + 1 < eps.size(); ++i)
    if (one_of(e(eps[i].second, E::REC), {"E2", "E15"}) && eps.back().first > eps[i].first)
      out.push_back(eps[i].second);
}
// 431: a new period of care (RNE S) starts the day the previous episode ended.
void new_period_the_day_the_last_ended(const Episodes& e, const Dated& eps, Rows& out) {
  for (size_t i = 1; i < eps.size(); ++i) {
    const auto prev_end = e.date(eps[i - 1].second, E::DEC);
    if (e(eps[i].second, E::RNE) == "S" && prev_end && *prev_end == eps[i].first) out.push_back(eps[i].second);
  }
}
// 432: the previous episode ended care (REC other than X1) but this one is not RNE S.
void care_ended_but_not_a_new_period(const Episodes& e, const Dated& eps, Rows& out) {
  for (size_t i = 1; i < eps.size(); ++i) {
    const auto rec = e(eps[i - 1].second, E::REC);
    if (!rec.empty() && rec != "X1" && e(eps[i].second, E::RNE) != "S") out.push_back(eps[i].second);
  }
}
// 433: a continuation episode (RNE not S) does not start the day the previous one ended.
void continuation_not_the_day_the_last_ended(const Episodes& e, const Dated& eps, Rows& out) {
  for (size_t i = 1; i < eps.size(); ++i) {
    const auto prev_end = e.date(eps[i - 1].second, E::DEC);
    const auto rne = e(eps[i].second, E::RNE);
    if (!rne.empty() && rne != "S" && prev_end && *prev_end != eps[i].first) out.push_back(eps[i].second);
  }
}
// 504: CIN changes within a period of care (episodes joined by REC X1 and DEC = next DECOM).
void need_changes_within_a_period(const Episodes& e, const Dated& eps, Rows& out) {
  std::string_view start_cin;
  for (size_t i = 0; i < eps.size(); ++i) {
    const size_t r = eps[i].second;
    bool continues = false;
    if (i > 0) {
      const size_t p = eps[i - 1].second;
      const auto prev_end = e.date(p, E::DEC);
      continues = e(p, E::REC) == "X1" && prev_end && *prev_end == eps[i].first;
    }
    if (continues && e(r, E::CIN) != start_cin) out.push_back(r);
    if (!continues) start_cin = e(r, E::CIN);
  }
}
// 388: an episode ended X1 (continuation) but no episode starts that day, or ended another
// way yet the next episode starts that day. The child's last episode coded X1 has no
// continuation whether or not its DEC is given (a blank DEC with a REC is also 148's); an
// earlier one without a valid DEC cannot be checked against the next.
void continuation_does_not_follow(const Episodes& e, const Dated& eps, Rows& out) {
  for (size_t i = 0; i < eps.size(); ++i) {
    const size_t r = eps[i].second;
    const auto rec = e(r, E::REC);
    const bool last = i + 1 == eps.size();
    if (rec == "X1" && last) {
      out.push_back(r);
      continue;
    }
    const auto dec = e.date(r, E::DEC);
    if (!dec || rec.empty()) continue;
    const bool next_same_day = !last && eps[i + 1].first == *dec;
    if ((rec == "X1") != next_same_day) out.push_back(r);
  }
}
// 434-436: an episode against the child's previous one: did the legal status change, and did the
// placement (PLACE, PL_POST, URN, PLACE_PROVIDER; blank equals blank)? `wrong` says whether an
// episode with one of `reasons` (RNE) is flagged.
void reason_against_changes(const Episodes& e, const Dated& eps, Rows& out, std::initializer_list<std::string_view> reasons,
                            bool (*wrong)(bool ls_changed, bool placement_changed)) {
  for (size_t i = 1; i < eps.size(); ++i) {
    const size_t r = eps[i].second, p = eps[i - 1].second;
    if (!one_of(e(r, E::RNE), reasons)) continue;
    bool placement_changed = false;
    for (auto c : {E::PLACE, E::PL_POST, E::URN, E::PLACE_PROVIDER}) placement_changed |= e(r, c) != e(p, c);
    if (wrong(e(r, E::LS) != e(p, E::LS), placement_changed)) out.push_back(r);
  }
}
// 434: RNE L (legal status changed only), but the status did not change or the placement did.
void legal_status_change_not_so(const Episodes& e, const Dated& eps, Rows& out) {
  reason_against_changes(e, eps, out, {"L"}, [](bool ls, bool placement) { return !ls || placement; });
}
// 435: RNE P or T (placement changed only), but the status changed or the placement did not.
void placement_change_not_so(const Episodes& e, const Dated& eps, Rows& out) {
  reason_against_changes(e, eps, out, {"P", "T"}, [](bool ls, bool placement) { return ls || !placement; });
}
// 436: RNE B or U (both changed), but one of them did not.
void both_changed_not_so(const Episodes& e, const Dated& eps, Rows& out) {
  reason_against_changes(e, eps, out, {"B", "U"}, [](bool ls, bool placement) { return !ls || !placement; });
}

// 357: the child's first episode in the return starts in the year (so no episode before it
// is open at the start) yet its reason for new episode is not S (a new period of care).
Rows first_episode_not_a_new_period(const Episodes& e, const Run& in) {
  Rows rows;
  for (const auto& [child, eps] : episodes_by_child_in_order(e))
    if (!eps.empty() && eps.front().first >= in.year.start() && e(eps.front().second, E::RNE) != "S")
      rows.push_back(eps.front().second);
  return rows;
}

// 302: the child's first episode starts before their DOB (both rows flagged).
Flags care_began_before_birth(const Run& in) {
  Flags f;
  const Header h = tab<T::header>(in);
  const Episodes e = tab<T::episodes>(in);
  if (!h || !e) return f;
  const auto& hr = first_row_by_child(h);
  std::vector<size_t> erows, hrows;
  for (const auto& [child, rs] : by_child(e)) {
    const auto& eps = episodes_in_order(e, child);
    const auto it = hr.find(child);
    if (eps.empty() || it == hr.end()) continue;
    const auto dob = h.date(it->second, H::DOB);
    if (dob && eps.front().first < *dob) {
      erows.push_back(eps.front().second);
      hrows.push_back(it->second);
    }
  }
  put(f, T::episodes, std::move(erows));
  put(f, T::header, std::move(hrows));
  return f;
}

// Ages when an episode began (DECOM) or ended (DEC).
// 352: a new period of care (RNE S) at 18 or over.
bool started_care_at_18_or_over(const Episodes& e, size_t r, Date dob, const Run&) {
  const auto a = e(r, E::RNE) == "S" ? age_at(e, r, E::DECOM, dob) : std::nullopt;
  return a && *a >= 18;
}
// 386: adopted (E11/E12) at 18 or over.
bool adopted_at_18_or_over(const Episodes& e, size_t r, Date dob, const Run&) {
  const auto a = one_of(e(r, E::REC), {"E11", "E12"}) ? age_at(e, r, E::DEC, dob) : std::nullopt;
  return a && *a >= 18;
}
// 387: independent living (E5/E6) under 14.
bool independent_living_under_14(const Episodes& e, size_t r, Date dob, const Run&) {
  const auto a = one_of(e(r, E::REC), {"E5", "E6"}) ? age_at(e, r, E::DEC, dob) : std::nullopt;
  return a && *a < 14;
}
// 389: to residential care funded by adult social services (E7) under 16.
bool adult_residential_care_under_16(const Episodes& e, size_t r, Date dob, const Run&) {
  const auto a = e(r, E::REC) == "E7" ? age_at(e, r, E::DEC, dob) : std::nullopt;
  return a && *a < 16;
}
// 407: special guardianship orders (E45-E48) at 18 or over (Header flagged too).
bool special_guardianship_at_18_or_over(const Episodes& e, size_t r, Date dob, const Run&) {
  const auto a = one_of(e(r, E::REC), {"E45", "E46", "E47", "E48"}) ? age_at(e, r, E::DEC, dob) : std::nullopt;
  return a && *a >= 18;
}
// 460: staying put (E17) under 18.
bool staying_put_under_18(const Episodes& e, size_t r, Date dob, const Run&) {
  const auto a = e(r, E::REC) == "E17" ? age_at(e, r, E::DEC, dob) : std::nullopt;
  return a && *a < 18;
}
// 359: still looked after (open episode) at 18 or over on 31 March, other than placed with
// parents under a care order ended for staying put (LS V2 with PLACE K2).
bool open_at_18_or_over(const Episodes& e, size_t r, Date dob, const Run& in) {
  return e.blank(r, E::DEC) && age_on(dob, in.year.end()) >= 18 && !(e(r, E::LS) == "V2" && e(r, E::PLACE) == "K2");
}

// 199: an episode starting on or after the end of an earlier adoption (E11/E12), this year or
// last (last year's episodes used when given).
Rows episode_after_adoption(const Episodes& e, const Run& in) {
  const Episodes l = last_tab<T::episodes>(in);
  std::unordered_map<std::string_view, Date> adopted;  // earliest adoption end per child
  for (const Episodes* t : {&e, &l})
    for (size_t r = 0; r < t->rows(); ++r) {
      const auto dec = t->date(r, E::DEC);
      if (!dec || ((*t)(r, E::REC) != "E11" && (*t)(r, E::REC) != "E12")) continue;
      auto [it, inserted] = adopted.try_emplace((*t)(r, E::CHILD), *dec);
      if (!inserted && *dec < it->second) it->second = *dec;
    }
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r) {
    const auto it = adopted.find(e(r, E::CHILD));
    const auto d = e.date(r, E::DECOM);
    if (it != adopted.end() && d && *d >= it->second) rows.push_back(r);
  }
  return rows;
}

// NoE and 562: episodes starting before this year, against last year's episodes: the child has
// none last year (NoE), or none with the same DECOM (562).
Rows before_year_against_last(const Episodes& e, const Run& in, bool child_in_last) {
  const Episodes l = last_tab<T::episodes>(in);
  if (!l) return {};
  const auto& lc = by_child(l);
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r) {
    const auto d = e.date(r, E::DECOM);
    if (!d || *d >= in.year.start()) continue;
    const auto it = lc.find(e(r, E::CHILD));
    if (!child_in_last) {
      if (it == lc.end()) rows.push_back(r);
      continue;
    }
    if (it == lc.end()) continue;
    bool found = false;
    for (size_t q : it->second) {
      const auto ld = l.date(q, E::DECOM);
      found |= ld && *ld == *d;
    }
    if (!found) rows.push_back(r);
  }
  return rows;
}
Rows no_episodes_last_year(const Episodes& e, const Run& in) { return before_year_against_last(e, in, false); }
Rows episode_not_in_last_year(const Episodes& e, const Run& in) { return before_year_against_last(e, in, true); }

// 502: this year's first episode does not start when last year's open final episode did (dates
// compared as dates when both are valid).
bool start_differs(std::string_view now, std::string_view last) {
  const auto x = return_date(now), y = return_date(last);
  return x && y ? *x != *y : now != last;
}

}  // namespace

void episode_rules(Rules& r) {
  add_row_rule(r, "141", 0, bad_date(E::DECOM, true));
  add_row_rule(r, "143", 0, code_in(E::RNE, codes::reason_new_episode, false));
  add_row_rule(r, "145", 0, code_in(E::CIN, codes::category_of_need, false));
  add_row_rule(r, "147", 0, bad_date(E::DEC, false));
  add_row_rule(r, "148", 0, both_or_neither(E::DEC, E::REC));
  add_row_rule(r, "149", 0, code_in(E::REC, codes::reason_episode_ceased, true));
  add_row_rule(r, "353", 0, started_before_children_act);
  add_row_rule(r, "354", 0, after_collection_end(E::DECOM));
  add_row_rule(r, "355", 0, ended_the_day_it_started);
  add_row_rule(r, "356", 0, before(E::DEC, E::DECOM));
  add_row_rule(r, "385", 0, after_collection_end(E::DEC));
  add_table_rule(r, "142", 0, {}, per_child_episodes(open_before_latest));
  add_table_rule(r, "501", 0, {}, per_child_episodes(starts_before_previous_ended));
  add_table_rule(r, "437", 0, {}, per_child_episodes(episodes_after_death_or_18));
  add_table_rule(r, "431", 0, {}, per_child_episodes(new_period_the_day_the_last_ended));
  add_table_rule(r, "432", 0, {}, per_child_episodes(care_ended_but_not_a_new_period));
  add_table_rule(r, "433", 0, {}, per_child_episodes(continuation_not_the_day_the_last_ended));
  add_table_rule(r, "504", 0, {}, per_child_episodes(need_changes_within_a_period));
  add_table_rule(r, "388", 0, {}, per_child_episodes(continuation_does_not_follow));
  add_table_rule(r, "434", 0, {}, per_child_episodes(legal_status_change_not_so));
  add_table_rule(r, "435", 0, {}, per_child_episodes(placement_change_not_so));
  add_table_rule(r, "436", 0, {}, per_child_episodes(both_changed_not_so));
  add_table_rule(r, "357", 0, {}, first_episode_not_a_new_period);
  add_rule(r, "302", 0, {}, care_began_before_birth);
  add_rule(r, "352", 0, {}, episode_with_dob(started_care_at_18_or_over));
  add_rule(r, "386", 0, {}, episode_with_dob(adopted_at_18_or_over));
  add_rule(r, "387", 0, {}, episode_with_dob(independent_living_under_14));
  add_rule(r, "389", 0, {}, episode_with_dob(adult_residential_care_under_16));
  add_rule(r, "407", 0, {}, episode_with_dob(special_guardianship_at_18_or_over, /*flag_header=*/true));
  add_rule(r, "460", 0, {}, episode_with_dob(staying_put_under_18));
  add_rule(r, "359", 0, {}, episode_with_dob(open_at_18_or_over));
  add_table_rule(r, "199", 0, {}, episode_after_adoption);
  add_table_rule(r, "NoE", 0, {.last_year = true}, no_episodes_last_year);
  add_table_rule(r, "562", 0, {.last_year = true}, episode_not_in_last_year);
  add_table_rule(r, "502", 0, {.last_year = true}, against_last_open_final(E::DECOM, start_differs));
  add_table_rule(r, "503A", 0, {.last_year = true}, against_last_open_final(E::RNE, text_differs));
  add_table_rule(r, "503B", 0, {.last_year = true}, against_last_open_final(E::LS, text_differs));
  add_table_rule(r, "503C", 0, {.last_year = true}, against_last_open_final(E::CIN, text_differs));
}

}  // namespace careflow::validate::detail
