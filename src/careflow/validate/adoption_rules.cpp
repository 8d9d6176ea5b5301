// Rules on adoptions (AD1: the dates of the decision and the match, the adopters) against the
// child's episodes and care leaver data. Decisions to place for adoption (PlacedAdoption) are in
// placed_for_adoption_rules.cpp. Written from DfE's messages; where the reference differs,
// docs/validation-deviations.md says why.
#include <unordered_set>

#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

using Codes = std::vector<std::string_view>;
const Codes kCouple = {"MM", "FF", "MF"};
const Codes kSameSex = {"MM", "FF"};

// 333: DATE_MATCH without DATE_INT, or before it.
bool matched_before_decision(const Ad1Row& r) {
  if (!r.blank(AD::DATE_MATCH) && r.blank(AD::DATE_INT)) return true;
  const auto i = r.date(AD::DATE_INT), m = r.date(AD::DATE_MATCH);
  return i && m && *i > *m;
}
// 511: two adopters (NB_ADOPTR 2) whose SEX_ADOPTR is not a couple's code.
bool two_adopters_not_a_couple(const Ad1Row& r) {
  return r[AD::NB_ADOPTR] == "2" && !r.blank(AD::SEX_ADOPTR) && !one_of(r[AD::SEX_ADOPTR], kCouple);
}
// 514, 517-520, 524: the adopters' legal status (LS_ADOPTR) against their sex (SEX_ADOPTR).
bool single_adopter_not_one_person(const Ad1Row& r) {  // 514: L0, a single adopter, is M1 or F1
  return r[AD::LS_ADOPTR] == "L0" && !one_of(r[AD::SEX_ADOPTR], {"M1", "F1"});
}
bool unmarried_mixed_sex_couple_not_mf(const Ad1Row& r) {  // 517: L3 is MF
  return r[AD::LS_ADOPTR] == "L3" && r[AD::SEX_ADOPTR] != "MF";
}
bool unmarried_same_sex_couple_not_same_sex(const Ad1Row& r) {  // 518: L4 is MM or FF
  return r[AD::LS_ADOPTR] == "L4" && !one_of(r[AD::SEX_ADOPTR], kSameSex);
}
bool civil_partners_not_a_couple(const Ad1Row& r) {  // 519: L2 is a couple
  return r[AD::LS_ADOPTR] == "L2" && !one_of(r[AD::SEX_ADOPTR], kCouple);
}
bool married_mixed_sex_couple_same_sex(const Ad1Row& r) {  // 520: L11 is not MM or FF
  return r[AD::LS_ADOPTR] == "L11" && one_of(r[AD::SEX_ADOPTR], kSameSex);
}
bool married_same_sex_couple_not_same_sex(const Ad1Row& r) {  // 524: L12 is MM or FF
  return r[AD::LS_ADOPTR] == "L12" && !one_of(r[AD::SEX_ADOPTR], kSameSex);
}

// 134: adoption data for a child with care-leaver data.
Rows adoption_data_for_care_leaver(const Ad1& a, const Run& in) {
  const Oc3 o = tab<T::oc3>(in);
  if (!o) return {};
  std::unordered_set<std::string_view> leavers;
  for (size_t r = 0; r < o.rows(); ++r)
    if (any_given(o, r, kOc3Items)) leavers.insert(o(r, O3::CHILD));
  Rows rows;
  for (size_t r = 0; r < a.rows(); ++r)
    if (leavers.count(a(r, AD::CHILD)) && any_given(a, r, kAd1Items)) rows.push_back(r);
  return rows;
}

// 523: the date of the decision to place for adoption (DATE_PLACED) is not AD1's DATE_INT.
bool decision_dates_differ(const PlacedAdoption& p, size_t r, const Ad1& a, size_t q) {
  const auto placed = p.date(r, PA::DATE_PLACED), interest = a.date(q, AD::DATE_INT);
  return placed && interest && *placed != *interest;
}
// 525: a decision no longer to place for adoption, yet AD1 items completed.
bool adoption_data_after_decision_ceased(const PlacedAdoption& p, size_t r, const Ad1& a, size_t q) {
  return !p.blank(r, PA::DATE_PLACED_CEASED) && any_given(a, q, kAd1Items);
}
// 521: DATE_INT after the start of a placed-for-adoption episode (A3-A6).
bool decision_after_adoption_placement(const Episodes& e, size_t r, const Ad1& a, size_t q) {
  const auto decom = e.date(r, E::DECOM), di = a.date(q, AD::DATE_INT);
  const auto pl = e(r, E::PLACE);
  return (pl == "A3" || pl == "A4" || pl == "A5" || pl == "A6") && decom && di && *di > *decom;
}
// 331: DATE_MATCH after the start of the episode that ended in adoption.
bool matched_after_adoption_placement(const Episodes& e, size_t r, const Ad1& a, size_t q) {
  const auto decom = e.date(r, E::DECOM), match = a.date(q, AD::DATE_MATCH);
  return (e(r, E::REC) == "E11" || e(r, E::REC) == "E12") && decom && match && *match > *decom;
}

// 582: adopted (E11/E12) on the day of matching.
Rows adopted_on_the_day_of_matching(const Episodes& e, const Run& in) {
  const Ad1 a = tab<T::ad1>(in);
  if (!a) return {};
  const auto& ac = by_child(a);
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r) {
    const auto rec = e(r, E::REC);
    const auto dec = e.date(r, E::DEC);
    const auto it = ac.find(e(r, E::CHILD));
    if ((rec != "E11" && rec != "E12") || !dec || it == ac.end()) continue;
    for (size_t q : it->second)
      if (const auto m = a.date(q, AD::DATE_MATCH); m && *m == *dec) rows.push_back(r);
  }
  return rows;
}

// An episode ending in adoption (E11/E12) within the collection year.
bool adopted_in_year(const Episodes& e, size_t r, const Run& in) {
  const auto dec = e.date(r, E::DEC);
  const auto rec = e(r, E::REC);
  return (rec == "E11" || rec == "E12") && dec && *dec >= in.year.start() && *dec <= in.year.end();
}
// 601: adopted in the year, with AD1 items left blank: the AD1 row and the adoption episodes.
Flags adopted_with_adoption_data_blank(const Run& in) {
  Flags f;
  const Episodes e = tab<T::episodes>(in);
  const Ad1 a = tab<T::ad1>(in);
  if (!e || !a) return f;
  const auto& ec = by_child(e);
  std::vector<size_t> arows, erows;
  for (size_t r = 0; r < a.rows(); ++r) {
    bool blank = false;
    for (auto c : kAd1Items) blank |= a.blank(r, c);
    const auto it = ec.find(a(r, AD::CHILD));
    if (!blank || it == ec.end()) continue;
    bool any = false;
    for (size_t q : it->second)
      if (adopted_in_year(e, q, in)) {
        erows.push_back(q);
        any = true;
      }
    if (any) arows.push_back(r);
  }
  put(f, T::ad1, std::move(arows));
  put(f, T::episodes, std::move(erows));
  return f;
}
// 602: AD1 data for a child not adopted in the year.
Rows adoption_data_but_not_adopted(const Ad1& a, const Run& in) {
  const Episodes e = tab<T::episodes>(in);
  if (!e) return {};
  std::unordered_set<std::string_view> adopted;
  for (size_t r = 0; r < e.rows(); ++r)
    if (adopted_in_year(e, r, in)) adopted.insert(e(r, E::CHILD));
  Rows rows;
  for (size_t r = 0; r < a.rows(); ++r)
    if (any_given(a, r, kAd1Items) && !adopted.count(a(r, AD::CHILD))) rows.push_back(r);
  return rows;
}

// 335: FOSTER_CARE contradicts the child's last placement (0 with A2/A3/A5, 1 with A1/A4/A6).
Flags former_carers_contradict_placement(const Run& in) {
  Flags f;
  const Episodes e = tab<T::episodes>(in);
  const Ad1 a = tab<T::ad1>(in);
  if (!e || !a) return f;
  const auto& ec = by_child(e);
  std::vector<size_t> arows, erows;
  for (size_t r = 0; r < a.rows(); ++r) {
    const auto it = ec.find(a(r, AD::CHILD));
    if (it == ec.end()) continue;
    const auto& eps = episodes_in_order(e, it->first);
    const size_t last = eps.empty() ? it->second.back() : eps.back().second;
    const auto place = e(last, E::PLACE);
    const auto fc = a(r, AD::FOSTER_CARE);
    if ((fc == "0" && one_of(place, {"A2", "A3", "A5"})) || (fc == "1" && one_of(place, {"A1", "A4", "A6"}))) {
      arows.push_back(r);
      erows.push_back(last);
    }
  }
  put(f, T::ad1, std::move(arows));
  put(f, T::episodes, std::move(erows));
  return f;
}

}  // namespace

void adoption_rules(Rules& r) {
  add_row_rule(r, "112", 0, bad_date(AD::DATE_INT, false));
  add_row_rule(r, "113", 0, bad_date(AD::DATE_MATCH, false));
  add_row_rule(r, "114", 0, code_in(AD::FOSTER_CARE, codes::foster_care, true));
  add_row_rule(r, "151", 0, all_or_none(kAd1Items));
  add_row_rule(r, "175", 0, code_in(AD::NB_ADOPTR, codes::number_of_adopters, true));
  add_row_rule(r, "176", 0, code_in(AD::SEX_ADOPTR, codes::sex_of_adopters, true));
  add_row_rule(r, "177", 0, code_in(AD::LS_ADOPTR, codes::legal_status_of_adopters, true));
  add_row_rule(r, "333", 0, matched_before_decision);
  add_row_rule(r, "511", 0, two_adopters_not_a_couple);
  add_row_rule(r, "514", 0, single_adopter_not_one_person);
  add_row_rule(r, "517", 0, unmarried_mixed_sex_couple_not_mf);
  add_row_rule(r, "518", 0, unmarried_same_sex_couple_not_same_sex);
  add_row_rule(r, "519", 0, civil_partners_not_a_couple);
  add_row_rule(r, "520", 0, married_mixed_sex_couple_same_sex);
  add_row_rule(r, "524", 0, married_same_sex_couple_not_same_sex);
  add_table_rule(r, "134", 0, {}, adoption_data_for_care_leaver);
  add_rule(r, "523", 0, {}, pair_rule(decision_dates_differ));
  add_rule(r, "525", 0, {}, pair_rule(adoption_data_after_decision_ceased));
  add_rule(r, "521", 0, {}, pair_rule(decision_after_adoption_placement));
  add_rule(r, "331", 0, {}, pair_rule(matched_after_adoption_placement));
  add_rule(r, "334", 0, {}, before_care_start(AD::DATE_INT, /*latest=*/true));
  add_table_rule(r, "582", 0, {}, adopted_on_the_day_of_matching);
  add_rule(r, "601", 0, {}, adopted_with_adoption_data_blank);
  add_table_rule(r, "602", 0, {}, adoption_data_but_not_adopted);
  add_rule(r, "335", 0, {}, former_carers_contradict_placement);
}

}  // namespace careflow::validate::detail
