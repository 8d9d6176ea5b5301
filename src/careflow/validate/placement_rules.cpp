// Rules on placements: the placement type (PLACE) and provider (PLACE_PROVIDER) and the codes
// that go together, temporary placements, the reason for a change of placement, the minimum
// age for a placement type, and the placement against last year's open episode. The rules on
// where a placement is (postcodes, the Ofsted provider list) are in placement_location_rules.cpp.
// Written from DfE's messages; where the reference differs, docs/validation-deviations.md says why.
#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

using Codes = std::vector<std::string_view>;
// Temporary placements (T0-T4; T4 ends in 2025/26, when Z11-Z14 count with them for 213/178/526).
const Codes kTemporary = {"T0", "T1", "T2", "T3", "T4"};
const Codes kTemporary2026 = {"T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"};
bool temporary(std::string_view place) { return one_of(place, kTemporary); }

// 213: a provider given for a temporary placement.
bool provider_for_temporary_placement_2023(const EpisodeRow& r) {
  return one_of(r[E::PLACE], kTemporary) && !r.blank(E::PLACE_PROVIDER);
}
bool provider_for_temporary_placement_2026(const EpisodeRow& r) {
  return one_of(r[E::PLACE], kTemporary2026) && !r.blank(E::PLACE_PROVIDER);
}
// 217: placed for adoption with current foster carers (A3/A5) from 1 April 2015, yet the reason
// for the new episode is not S, T or U.
bool adoption_by_foster_carers_without_reason(const EpisodeRow& r) {
  const auto d = r.date(E::DECOM);
  return one_of(r[E::PLACE], {"A3", "A5"}) && d && *d >= ymd(2015, 4, 1) && !one_of(r[E::RNE], {"S", "T", "U"});
}
// 217t: independent living (P2) still in use after 28 October 2023.
bool independent_living_after_october_2023(const EpisodeRow& r) {
  const auto d = r.date(E::DEC);
  return r[E::PLACE] == "P2" && (r.blank(E::DEC) || (d && *d > ymd(2023, 10, 28)));
}
// 233: a reason for placement change on an episode that has not ceased (DEC blank).
bool change_reason_on_open_episode(const EpisodeRow& r) {
  return !r.blank(E::REASON_PLACE_CHANGE) && r.blank(E::DEC);
}
// 380: a temporary placement (T0-T4) must be a change of placement and carer (RNE P or B), not
// the start of a period of care (S) or a change that keeps the carer or the placement.
bool temporary_placement_not_a_move(const EpisodeRow& r) {
  return temporary(r[E::PLACE]) && r[E::RNE] != "P" && r[E::RNE] != "B";
}
// 381: care ended (REC other than X1) from a temporary placement.
bool care_ended_in_temporary_placement(const EpisodeRow& r) {
  return !r.blank(E::REC) && r[E::REC] != "X1" && temporary(r[E::PLACE]);
}
// 375, 376, 379: temporary placements longer than allowed (days from DECOM to DEC).
RowTest<T::episodes> temporary_over(std::string_view place, int days) {
  return [place, days](const EpisodeRow& r) {
    const auto a = r.date(E::DECOM), b = r.date(E::DEC);
    return r[E::PLACE] == place && a && b && (*b - *a) > days;
  };
}
// 390: adopted (E11/E12) but not placed for adoption (A3-A6).
bool adopted_but_not_placed_for_adoption(const EpisodeRow& r) {
  return one_of(r[E::REC], {"E11", "E12"}) && !one_of(r[E::PLACE], {"A3", "A4", "A5", "A6"});
}
// 516: a special guardianship order to former foster carers (E45/E46) from a placement that is
// not foster care (U1-U6).
bool guardianship_by_foster_carers_not_from_foster_care(const EpisodeRow& r) {
  return one_of(r[E::REC], {"E45", "E46"}) && !one_of(r[E::PLACE], {"U1", "U2", "U3", "U4", "U5", "U6"});
}
// 527-531, 550: placement types a provider cannot provide.
bool own_provision_for_type_it_cannot_be(const EpisodeRow& r) {  // 527
  return r[E::PLACE_PROVIDER] == "PR1" && one_of(r[E::PLACE], {"P1", "R2", "R5"});
}
bool other_la_for_type_it_cannot_be(const EpisodeRow& r) {  // 528
  return r[E::PLACE_PROVIDER] == "PR2" && one_of(r[E::PLACE], {"P1", "R2", "R5"});
}
bool voluntary_for_type_it_cannot_be(const EpisodeRow& r) {  // 529
  return r[E::PLACE_PROVIDER] == "PR3" &&
         one_of(r[E::PLACE], {"P1", "A3", "A4", "A5", "A6", "K1", "K2", "U1", "U2", "U3", "U4", "U5", "U6"});
}
bool private_provider_for_parents(const EpisodeRow& r) {  // 530
  return r[E::PLACE_PROVIDER] == "PR4" && r[E::PLACE] == "P1";
}
bool self_employed_for_parents(const EpisodeRow& r) {  // 531
  return r[E::PLACE_PROVIDER] == "PR5" && r[E::PLACE] == "P1";
}
bool parents_code_for_other_placement(const EpisodeRow& r) {  // 550
  return r[E::PLACE_PROVIDER] == "PR0" && r[E::PLACE] != "P1";
}
// 178: PLACE_PROVIDER a valid code, and blank for temporary and 'other' placements.
RowTest<T::episodes> provider_code_not_valid(Codes no_provider) {
  return [no_provider = std::move(no_provider)](const EpisodeRow& r) {
    if (r.blank(E::PLACE_PROVIDER)) return false;
    return !codes::placement_provider.valid_in(r[E::PLACE_PROVIDER], r.year) || one_of(r[E::PLACE], no_provider);
  };
}
// 526: PLACE_PROVIDER missing for a placement type that has one.
RowTest<T::episodes> provider_missing(Codes exempt) {
  return [exempt = std::move(exempt)](const EpisodeRow& r) {
    return !r.blank(E::PLACE) && !one_of(r[E::PLACE], exempt) && r.blank(E::PLACE_PROVIDER);
  };
}
// 222: URN recorded for a placement type without Ofsted registration (XXXXXXX means none).
// DfE's list by year: residential employment (P3) in every year; independent living (P2)
// until 2023/24 (registered supported accommodation, K3, replaces it from 2024/25); H5 in
// 2022/23 only (from 28 October 2023 it needs a URN: rules 230, 218); Z11-Z14 replace Z1 in
// 2025/26. The types 218 exempts from needing a URN in the same year, less H5 and P2 in
// 2023/24. Not the adoption placements (A3-A6): DfE's list leaves them out, and 218 requires
// their URN (the adoption agency's) in England.
RowTest<T::episodes> urn_not_expected(Codes types) {
  return [types = std::move(types)](const EpisodeRow& r) {
    return !r.blank(E::URN) && r[E::URN] != "XXXXXXX" && one_of(r[E::PLACE], types);
  };
}

// 226: REASON_PLACE_CHANGE on a temporary placement, or on the episode just before one.
void change_reason_around_temporary_placement(const Episodes& e, const Dated& eps, Rows& out) {
  for (size_t i = 0; i < eps.size(); ++i) {
    const size_t r = eps[i].second;
    if (!temporary(e(r, E::PLACE))) continue;
    if (!e.blank(r, E::REASON_PLACE_CHANGE) || (i > 0 && !e.blank(eps[i - 1].second, E::REASON_PLACE_CHANGE)))
      out.push_back(r);
  }
}
// 225: a placement change (next RNE P/B/T/U, neither placement temporary) with no reason.
void placement_change_without_reason(const Episodes& e, const Dated& eps, Rows& out) {
  for (size_t i = 0; i + 1 < eps.size(); ++i) {
    const size_t r = eps[i].second, n = eps[i + 1].second;
    if (e(r, E::REC) == "X1" && e.blank(r, E::REASON_PLACE_CHANGE) && !temporary(e(r, E::PLACE)) &&
        one_of(e(n, E::RNE), {"P", "B", "T", "U"}) && !temporary(e(n, E::PLACE)))
      out.push_back(r);
  }
}
// 336: placed for adoption with current foster carers (A3/A5, as DfE's text says) but the
// previous episode was not a foster placement (U1-U6).
void adoption_by_foster_carers_not_after_foster_care(const Episodes& e, const Dated& eps, Rows& out) {
  for (size_t i = 1; i < eps.size(); ++i) {
    const auto place = e(eps[i].second, E::PLACE);
    const auto prev = e(eps[i - 1].second, E::PLACE);
    if ((place == "A3" || place == "A5") && !one_of(prev, {"U1", "U2", "U3", "U4", "U5", "U6"}))
      out.push_back(eps[i].second);
  }
}
// 383: after a temporary placement the child returns to the placement before it: the next
// episode is a change of placement (RNE P) back to the same PLACE (from 2025/26 also the same
// PL_POST). The episode that does not return is flagged.
void no_return_after_temporary_placement(const Episodes& e, const Dated& eps, Rows& out, bool same_postcode) {
  for (size_t i = 1; i + 1 < eps.size(); ++i) {
    const size_t before = eps[i - 1].second, tmp = eps[i].second, after = eps[i + 1].second;
    if (!temporary(e(tmp, E::PLACE))) continue;
    const bool returned = e(after, E::RNE) == "P" && e(after, E::PLACE) == e(before, E::PLACE) &&
                          (!same_postcode || e(after, E::PL_POST) == e(before, E::PL_POST));
    if (!returned) out.push_back(after);
  }
}
void no_return_after_temporary_placement_2023(const Episodes& e, const Dated& eps, Rows& out) {
  no_return_after_temporary_placement(e, eps, out, false);
}
void no_return_after_temporary_placement_2026(const Episodes& e, const Dated& eps, Rows& out) {
  no_return_after_temporary_placement(e, eps, out, true);
}

// 377: more than two T3 (foster carer's holiday) placements in the year: all are flagged.
Rows more_than_two_carer_holidays(const Episodes& e, const Run&) {
  Rows rows;
  for (const auto& [child, rs] : by_child(e)) {
    std::vector<size_t> t3;
    for (size_t r : rs)
      if (e(r, E::PLACE) == "T3") t3.push_back(r);
    if (t3.size() > 2) rows.insert(rows.end(), t3.begin(), t3.end());
  }
  return rows;
}

// 374: residential employment (P3) for a child under 14 at the episode's start.
Rows residential_employment_under_14(const Episodes& e, const Run& in) {
  const Header h = tab<T::header>(in);
  if (!h) return {};
  const auto& dob = dob_by_child(h);
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r) {
    if (e(r, E::PLACE) != "P3") continue;
    const auto it = dob.find(e(r, E::CHILD));
    const auto start = e.date(r, E::DECOM);
    if (it != dob.end() && start && age_on(it->second, *start) < 14) rows.push_back(r);
  }
  return rows;
}

// Ages at the start of a placement (DECOM), from the Header's DOB.
bool placed_with_type_under(const Episodes& e, size_t r, Date dob, std::initializer_list<std::string_view> places, int age) {
  const auto a = one_of(e(r, E::PLACE), places) ? age_at(e, r, E::DECOM, dob) : std::nullopt;
  return a && *a < age;
}
// 372: youth custody or prison (R5) under 10.
bool youth_custody_under_10(const Episodes& e, size_t r, Date dob, const Run&) {
  return placed_with_type_under(e, r, dob, {"R5"}, 10);
}
// 373: a school (S1) placement under 4.
bool school_placement_under_4(const Episodes& e, size_t r, Date dob, const Run&) {
  return placed_with_type_under(e, r, dob, {"S1"}, 4);
}
// 370: independent living (P2) under 15 (2022/23), under 16 (2023/24).
bool independent_living_under_15(const Episodes& e, size_t r, Date dob, const Run&) {
  return placed_with_type_under(e, r, dob, {"P2"}, 15);
}
bool independent_living_under_16(const Episodes& e, size_t r, Date dob, const Run&) {
  return placed_with_type_under(e, r, dob, {"P2"}, 16);
}
// 371: semi-independent (H5) under 14 (2022/23), under 16 (2023/24); with supported
// accommodation (K3) from 2024/25.
bool semi_independent_under_14(const Episodes& e, size_t r, Date dob, const Run&) {
  return placed_with_type_under(e, r, dob, {"H5"}, 14);
}
bool semi_independent_under_16(const Episodes& e, size_t r, Date dob, const Run&) {
  return placed_with_type_under(e, r, dob, {"H5"}, 16);
}
bool supported_accommodation_under_16(const Episodes& e, size_t r, Date dob, const Run&) {
  return placed_with_type_under(e, r, dob, {"H5", "K3"}, 16);
}
// 234: a child under 10 at an episode's start whose placement changed for custody (CUSTOD).
bool custody_under_10(const Episodes& e, size_t r, Date dob, const Run&) {
  const auto a = e(r, E::REASON_PLACE_CHANGE) == "CUSTOD" ? age_at(e, r, E::DECOM, dob) : std::nullopt;
  return a && *a < 10;
}

// 503D: the placement type differs from last year's open final episode; H5 became K3 in
// 2024/25, Z1 became Z11-Z14 in 2025/26.
bool place_differs_2025(std::string_view now, std::string_view last) {
  return now != last && !(last == "H5" && now == "K3");
}
bool place_differs_2026(std::string_view now, std::string_view last) {
  return now != last && !(last == "Z1" && (now == "Z11" || now == "Z12" || now == "Z13" || now == "Z14"));
}

}  // namespace

void placement_rules(Rules& r) {
  add_row_rule(r, "146", 0, code_in(E::PLACE, codes::placement_type, false));
  add_row_rule(r, "1009", 0, code_in(E::REASON_PLACE_CHANGE, codes::reason_place_change, true));
  add_row_rule(r, "178", 2023, provider_code_not_valid({"T0", "T1", "T2", "T3", "T4", "Z1"}));
  add_row_rule(r, "178", 2026, provider_code_not_valid({"T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"}));
  add_row_rule(r, "526", 2023, provider_missing({"T0", "T1", "T2", "T3", "T4", "Z1"}));
  add_row_rule(r, "526", 2026, provider_missing({"T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"}));
  add_row_rule(r, "527", 0, own_provision_for_type_it_cannot_be);
  add_row_rule(r, "528", 0, other_la_for_type_it_cannot_be);
  add_row_rule(r, "529", 0, voluntary_for_type_it_cannot_be);
  add_row_rule(r, "530", 0, private_provider_for_parents);
  add_row_rule(r, "531", 0, self_employed_for_parents);
  add_row_rule(r, "550", 0, parents_code_for_other_placement);
  add_row_rule(r, "213", 2023, provider_for_temporary_placement_2023);
  add_row_rule(r, "213", 2026, provider_for_temporary_placement_2026);
  add_row_rule(r, "222", 2023, urn_not_expected({"H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}));
  add_row_rule(r, "222", 2024, urn_not_expected({"P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}));
  add_row_rule(r, "222", 2025, urn_not_expected({"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}));
  add_row_rule(r, "222", 2026, urn_not_expected({"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}));
  add_row_rule(r, "217", 0, adoption_by_foster_carers_without_reason);
  add_row_rule(r, "217t", 0, independent_living_after_october_2023);
  add_row_rule(r, "233", 0, change_reason_on_open_episode);
  add_row_rule(r, "380", 0, temporary_placement_not_a_move);
  add_row_rule(r, "381", 0, care_ended_in_temporary_placement);
  add_row_rule(r, "375", 0, temporary_over("T1", 42));  // six weeks
  add_row_rule(r, "376", 0, temporary_over("T3", 21));  // three weeks
  add_row_rule(r, "379", 0, temporary_over("T4", 7));
  add_row_rule(r, "390", 0, adopted_but_not_placed_for_adoption);
  add_row_rule(r, "516", 0, guardianship_by_foster_carers_not_from_foster_care);
  add_table_rule(r, "226", 0, {}, per_child_episodes(change_reason_around_temporary_placement));
  add_table_rule(r, "225", 0, {}, per_child_episodes(placement_change_without_reason));
  add_table_rule(r, "336", 0, {}, per_child_episodes(adoption_by_foster_carers_not_after_foster_care));
  add_table_rule(r, "383", 2023, {}, per_child_episodes(no_return_after_temporary_placement_2023));
  add_table_rule(r, "383", 2026, {}, per_child_episodes(no_return_after_temporary_placement_2026));
  add_table_rule(r, "377", 0, {}, more_than_two_carer_holidays);
  add_table_rule(r, "374", 0, {}, residential_employment_under_14);
  add_rule(r, "372", 0, {}, episode_with_dob(youth_custody_under_10));
  add_rule(r, "373", 0, {}, episode_with_dob(school_placement_under_4));
  add_rule(r, "370", 2023, {}, episode_with_dob(independent_living_under_15));
  add_rule(r, "370", 2024, {}, episode_with_dob(independent_living_under_16));
  add_rule(r, "371", 2023, {}, episode_with_dob(semi_independent_under_14));
  add_rule(r, "371", 2024, {}, episode_with_dob(semi_independent_under_16));
  add_rule(r, "371", 2025, {}, episode_with_dob(supported_accommodation_under_16));
  add_rule(r, "234", 0, {}, episode_with_dob(custody_under_10, /*flag_header=*/true));
  add_table_rule(r, "503D", 2023, {.last_year = true}, against_last_open_final(E::PLACE, text_differs));
  add_table_rule(r, "503D", 2025, {.last_year = true}, against_last_open_final(E::PLACE, place_differs_2025));
  add_table_rule(r, "503D", 2026, {.last_year = true}, against_last_open_final(E::PLACE, place_differs_2026));
  add_table_rule(r, "503E", 0, {.last_year = true}, against_last_open_final(E::PLACE_PROVIDER, text_differs));
  add_table_rule(r, "503F", 0, {.last_year = true}, against_last_open_final(E::URN, text_differs));
}

}  // namespace careflow::validate::detail
