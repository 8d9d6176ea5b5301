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
#include "careflow/core/history.hpp"

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

// ---- Child protection plans (item 4) ------------------------------------------------------

// InitialCategoryOfAbuse / LatestCategoryOfAbuse (cin-census-spec.md §3.8), then one for a
// category not recorded or not a census code.
enum class AbuseCategory : unsigned char { neglect, physical, sexual, emotional, multiple, not_recorded };
inline constexpr size_t kAbuseCategoryCount = 6;
AbuseCategory abuse_category(std::string_view code);  // NEG, PHY, SAB, EMO, MUL; case-insensitive
std::string_view label(AbuseCategory c);
std::string_view d2_column(AbuseCategory c);  // table D2's "Neglect_Initial"...; "" for not_recorded

// DfE's bands of a plan's length (table D5), from its start to a day (31 March, or its end), in
// calendar months and years: 3 months or less (the day is at most 3 months after the start: 1
// January to 1 April), more than 3 months to 6 months, more than 6 months but less than a year,
// 1 year to less than 2, 2 years or more (the day is on or after the second anniversary). A
// month from the 31st ends on the month's last day (31 August + 6 months: 28 or 29 February).
enum class PlanLength : unsigned char {
  three_months_or_less, three_to_six_months, six_months_to_one_year, one_to_two_years, two_years_or_more
};
inline constexpr size_t kPlanLengthCount = 5;
PlanLength plan_length(Date start, Date to);
std::string_view label(PlanLength l);
std::string_view d5_percent_column(PlanLength l);  // table D5's "3_months_or_less_percent"...

// How a plan ended, judged on its end date. Became looked after: the child (found in the 903 by
// its LAchildID, without regard to case) was looked after at the end of that day (short breaks
// excluded), or began a period of care within kBecameLookedAfterDays after it; only when the 903
// history is given. Otherwise by its episode of need: still open after that day (continued as a
// child in need, e.g. on a CIN plan), or closed on it, by reason (RC5 transferred to another
// council; RC1, RC3, RC4 adopted or a child arrangements or special guardianship order; any other
// reason, RC2, RC6, RC7..., or none).
enum class PlanEnding : unsigned char {
  became_looked_after, continued_in_need, transferred, order_or_adoption, closed_other
};
inline constexpr size_t kPlanEndingCount = 5;
inline constexpr int kBecameLookedAfterDays = 14;
std::string_view label(PlanEnding e);

struct ProtectionPlanYear {
  CollectionYear year;
  size_t starts = 0;       // CPPstartDate in the year
  size_t at_31_march = 0;  // open at the end of the year's last day (start on or before, end after or none)
  size_t ended = 0;        // CPPendDate in the year
  std::array<size_t, kAbuseCategoryCount> starts_by_category{};    // initial category, of starts
  std::array<size_t, kPlanLengthCount> at_31_march_by_length{};  // from start to 31 March
  std::array<size_t, kPlanLengthCount> ended_by_length{};        // from start to end
  // Second or subsequent plans (DfE table D3): starts with NumberOfPreviousCPP of 1 or more (the
  // child's plans before this one, ever, in any council as the council knows). Starts without
  // the number are counted apart.
  size_t second_or_subsequent = 0, previous_not_recorded = 0;
  // Starts whose child's previous plan in the returns (the latest starting before, any episode)
  // ended on or after the day two years before this start. Known only when the returns of the two
  // years before the year were read (a plan ended in them is in their returns), else none.
  std::optional<size_t> within_two_years_of_previous;
  // Of the plans ended: ended before their first review conference (no CPPreviewDate on or before
  // the end), at it (the only review on or before the end is on the end date), or after one or
  // more reviews; plans started before the first return read are not known (their earlier
  // reviews are in no return read).
  size_t ended_before_first_review = 0, ended_at_first_review = 0, ended_after_review = 0,
         ended_reviews_not_known = 0;
  std::array<size_t, kPlanEndingCount> ended_by_how{};  // sums to ended
};

// The 903 child of each census child (by index), by LAchildID = CHILD without regard to case:
// core's linkage rule without its UPN fallback. Empty when `history` has no children.
std::vector<std::optional<ChildIndex>> children_in_903(const cin::Timeline& t, const History& history);

// One per year of `years`, events counted to `until`. `history` and `in_903`
// (children_in_903's) for "became looked after"; none: no plan is counted as such.
std::vector<ProtectionPlanYear> protection_plan_measures(const cin::Timeline& t,
                                                         const std::vector<CollectionYear>& years,
                                                         Date until = Date::open(), const History* history = nullptr,
                                                         const std::vector<std::optional<ChildIndex>>* in_903 = nullptr);

// ---- Section 47 enquiries and initial child protection conferences (item 3) --------------------

struct Section47Year {
  CollectionYear year;
  size_t section47s = 0;          // S47ActualStartDate in the year
  size_t children_section47 = 0;  // distinct children with one
  // Initial child protection conferences held in the year: DateOfInitialCPC of an enquiry, and
  // of an episode (a conference not tied to an enquiry of the episode, e.g. a transfer-in), both
  // counted as DfE does (cin-census-spec.md §6 "ICPCs").
  size_t icpcs = 0, icpcs_episode_level = 0;
  // Of the enquiries' conferences held in the year: working days from the enquiry's start (the
  // strategy discussion) to the conference (core/bank_holidays working_days_between), 15 or fewer;
  // not known when a day is outside the bank-holiday table or the conference is before the start.
  size_t icpcs_timed = 0, icpcs_within_15_days = 0, icpcs_days_not_known = 0;
  // The enquiries started in the year followed to what came of them, as the latest return read
  // shows: a conference held (at any date); of those, a child protection plan starting on the
  // conference's date in the same episode (rule 2885: a plan starts at a conference); concluded
  // with no conference needed (ICPCnotRequired); neither yet.
  size_t section47_to_icpc = 0, icpc_to_plan = 0, section47_no_icpc_needed = 0, section47_open = 0;
};

std::vector<Section47Year> section47_measures(const cin::Timeline& t, const std::vector<CollectionYear>& years,
                                              Date until = Date::open());

// ---- Assessments (item 2) ----------------------------------------------------------------------

// DfE's bands of an assessment's duration in working days (table C2): the same day, 1-10, 11-20,
// 21-30, 31-40, 41-45, 46-50, 51-60, 61 or more.
inline constexpr size_t kAssessmentBandCount = 9;
size_t assessment_band(int working_days);
std::string_view assessment_band_label(size_t band);
std::string_view c2_column(size_t band);  // "Same_day", "1-10_days"...

// Factors identified at the end of assessment as table C3 counts them: one column per factor
// (alcohol misuse of the child, 1A; of a parent, 1B; of another person, 1C; ... child criminal
// exploitation, 24A). Code 21 (no factors) is none of them.
struct AssessmentFactor {
  std::string_view c3_column;  // "Alcohol_Misuse_child"
  std::string_view label;      // "Alcohol misuse: child (1A)"
  std::vector<std::string_view> codes;
};
const std::vector<AssessmentFactor>& assessment_factors();

struct AssessmentYear {
  CollectionYear year;
  // Assessments completed in the year (AssessmentAuthorisationDate in it), by working days from
  // their start (AssessmentActualStartDate) to completion (core/bank_holidays
  // working_days_between); not known when a day is outside the bank-holiday table or the
  // authorisation is before the start.
  size_t completed = 0, within_45_days = 0, days_not_known = 0;
  std::array<size_t, kAssessmentBandCount> by_band{};
  // Episodes with an assessment completed in the year that identified a factor other than 21
  // (C3's Episodes_with_assessment_factor), and by factor (assessment_factors()' order), each by
  // the child's age band at the (latest such) completion: DfE's five bands, then not known.
  std::array<size_t, 6> episodes_with_factor{};
  std::vector<std::array<size_t, 6>> by_factor;
};

std::vector<AssessmentYear> assessment_measures(const cin::Timeline& t, const std::vector<CollectionYear>& years,
                                                Date until = Date::open());

}  // namespace careflow::analyse
