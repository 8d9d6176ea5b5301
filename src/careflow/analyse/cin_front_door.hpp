// The front door and child protection (issue #15): DfE's Children in Need measures of a
// council's census returns (cin-census-spec.md §6), by collection year (1 April to 31 March),
// computed from its CIN timeline (core/cin_timeline.hpp). The report's section "The front door
// and child protection" (section id kFrontDoorSection) is made of tables built from these; the
// measures are exposed so that tests can check each against numbers derived by hand.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/cin_timeline.hpp"
#include "careflow/core/date.hpp"

namespace careflow::analyse {

inline constexpr const char* kFrontDoorSection = "front_door";

// ---- Referrals (item 1) ----------------------------------------------------------------------

// DfE's source-of-referral groups (table C5's columns), then one for a source not recorded or
// not a census code.
enum class ReferralSourceGroup : unsigned char {
  individual, schools, education_services, health_services, housing, la_services, police,
  other_legal_agency, other, anonymous, unknown, not_recorded
};
inline constexpr size_t kReferralSourceGroupCount = 12;
// 1A-1D individual, 2A schools, 2B education services, 3A-3F health services, 4 housing, 5A-5D
// local authority services, 6 police, 7 other legal agency, 8 other, 9 anonymous, 10 unknown
// (cin-census-spec.md §3.4); anything else not_recorded. Case-insensitive.
ReferralSourceGroup referral_source_group(std::string_view code);
std::string_view label(ReferralSourceGroup g);
// Table C5's column for the group ("Police"...); "" for not_recorded.
std::string_view c5_column(ReferralSourceGroup g);

// The day twelve months before `d`: the same day of the previous year, 28 February for 29
// February (as ages are counted: core/date.hpp's birthday).
Date twelve_months_before(Date d);

struct ReferralYear {
  CollectionYear year;
  // Referrals in the year: episodes of need whose CINreferralDate falls in it, each counted,
  // referrals with no further action included (§6 "Referral").
  size_t referrals = 0;
  size_t children_referred = 0;  // distinct children with a referral in the year
  // Of the referrals, those made within 12 months of a previous referral of the same child: an
  // earlier referral dated on or after twelve_months_before(this one) (§6 "Re-referral within 12
  // months"; exactly twelve months counts). Known only when the returns read reach back twelve
  // months before every referral of the year, i.e. not in the first year read (the earlier
  // year's referrals that closed before its 31 March are in no later return).
  std::optional<size_t> rereferrals;
  size_t referrals_nfa = 0;  // ReferralNFA true (§6 "Referrals resulting in NFA")
  // Referrals assessed and found not to be in need: the episode closed after assessment with
  // no further action (RC8) or with a referral to early help (RC9, which DfE split from RC8 in
  // 2022/23: counting both keeps the series comparable). §6 "Referrals assessed not in need";
  // DfE table C1's not_in_need. Closed by the year's 31 March (or `until`): DfE counts each year
  // from that year's census, so a referral still being assessed at its end is not counted.
  size_t referrals_not_in_need = 0;
  std::array<size_t, kReferralSourceGroupCount> by_source{};  // sums to referrals
};

// One per year of `years`, counting events up to `until` (the reference date: a year it falls
// in is counted to that day).
std::vector<ReferralYear> referral_measures(const cin::Timeline& t, const std::vector<CollectionYear>& years,
                                            Date until = Date::open());

}  // namespace careflow::analyse
