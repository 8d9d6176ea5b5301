// The front door and child protection (analyse/cin_front_door): DfE's CIN measures on hand-made
// timelines of a few children, every count derived by hand in the comments; then the section's
// tables on a synthetic council with the census, against the counts synth kept while simulating
// (an independent count: synth/cin_simulate.cpp never reads the XML it writes).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "careflow/analyse/analyse.hpp"
#include "careflow/analyse/cin_front_door.hpp"
#include "careflow/core/cin_timeline.hpp"
#include "careflow/io/cin_census.hpp"
#include "careflow/io/cin_ingest.hpp"
#include "careflow/io/ingest.hpp"
#include "careflow/synth/synth.hpp"

using namespace careflow;
using namespace careflow::analyse;
namespace fs = std::filesystem;

namespace {

Date d(int y, int m, int day) { return Date::from_ymd(y, m, day); }

cin::EpisodeOfNeed episode(Date referral, std::string source, bool nfa = false, Date closure = Date::open(),
                           std::string reason = "") {
  cin::EpisodeOfNeed e;
  e.referral = referral;
  e.source = std::move(source);
  e.no_further_action = nfa;
  e.closure = closure;
  e.closure_reason = std::move(reason);
  return e;
}

cin::CinChild child(std::string id, std::vector<cin::EpisodeOfNeed> episodes) {
  cin::CinChild c;
  c.id = std::move(id);
  c.dob = d(2015, 1, 1);
  c.episodes = std::move(episodes);
  return c;
}

const CollectionYear y2023{2023}, y2024{2024}, y2025{2025};

}  // namespace

TEST(CinFrontDoor, SourceGroupsAreDfEsTableC5Groups) {
  EXPECT_EQ(referral_source_group("1C"), ReferralSourceGroup::individual);
  EXPECT_EQ(referral_source_group("2a"), ReferralSourceGroup::schools);  // codes are case-insensitive
  EXPECT_EQ(referral_source_group("2B"), ReferralSourceGroup::education_services);
  EXPECT_EQ(referral_source_group("3E"), ReferralSourceGroup::health_services);
  EXPECT_EQ(referral_source_group("3G"), ReferralSourceGroup::not_recorded);
  EXPECT_EQ(referral_source_group("5D"), ReferralSourceGroup::la_services);
  EXPECT_EQ(referral_source_group("6"), ReferralSourceGroup::police);
  EXPECT_EQ(referral_source_group("10"), ReferralSourceGroup::unknown);
  EXPECT_EQ(referral_source_group(""), ReferralSourceGroup::not_recorded);
  EXPECT_EQ(c5_column(ReferralSourceGroup::police), "Police");
}

TEST(CinFrontDoor, TwelveMonthsBeforeIsTheSameDayAYearEarlierAnd28FebruaryFor29th) {
  EXPECT_EQ(twelve_months_before(d(2024, 6, 15)), d(2023, 6, 15));
  EXPECT_EQ(twelve_months_before(d(2024, 2, 29)), d(2023, 2, 28));
  EXPECT_EQ(twelve_months_before(d(2025, 3, 1)), d(2024, 3, 1));  // across 29 February 2024: 365 days back
}

TEST(CinFrontDoor, ReferralsReReferralsNoFurtherActionAndNotInNeedByYear) {
  // Returns 2022/23 to 2024/25 (1 April 2022 - 31 March 2025).
  cin::Timeline t;
  t.years = {y2023, y2024, y2025};
  // A: referred 10 May 2022 (police, closed RC8 on 1 July 2022), again 10 May 2023 (exactly 12
  //    months later: a re-referral; schools, NFA), again 11 May 2024 (12 months and a day after
  //    the previous one: not a re-referral; police, open).
  t.children.push_back(child("A", {episode(d(2022, 5, 10), "6", false, d(2022, 7, 1), "RC8"),
                                   episode(d(2023, 5, 10), "2A", true, d(2023, 5, 11), "RC7"),
                                   episode(d(2024, 5, 11), "6")}));
  // B: referred 29 February 2024 (health visitor 3B; closed RC9 on 1 April 2024), again 28
  //    February 2025 (the day twelve months before 28 Feb 2025 is 28 Feb 2024, and the previous
  //    referral, 29 Feb 2024, is after it: a re-referral; source not recorded).
  t.children.push_back(child("B", {episode(d(2024, 2, 29), "3B", false, d(2024, 4, 1), "RC9"),
                                   episode(d(2025, 2, 28), "")}));
  // C: referred 31 March 2023 (the last day of 2022/23; anonymous) and 1 April 2023 (the first
  //    day of 2023/24: a re-referral a day later; LA early help 5D, NFA).
  t.children.push_back(child("C", {episode(d(2023, 3, 31), "9", false, d(2023, 3, 31), "RC7"),
                                   episode(d(2023, 4, 1), "5D", true, d(2023, 4, 2), "RC7")}));
  // D: an episode referred in 2020, open all along: in no year's referrals.
  t.children.push_back(child("D", {episode(d(2020, 9, 1), "1A")}));

  const auto m = referral_measures(t, {y2023, y2024, y2025});
  ASSERT_EQ(m.size(), 3u);
  // 2022/23: A (10 May 2022), C (31 Mar 2023): 2 referrals, 2 children; re-referrals not known
  // (the year before 2022/23 is not in the returns). NFA 0; not in need: A's RC8 = 1. Sources:
  // police 1, anonymous 1.
  EXPECT_EQ(m[0].referrals, 2u);
  EXPECT_EQ(m[0].children_referred, 2u);
  EXPECT_FALSE(m[0].rereferrals.has_value());
  EXPECT_EQ(m[0].referrals_nfa, 0u);
  EXPECT_EQ(m[0].referrals_not_in_need, 1u);
  EXPECT_EQ(m[0].by_source[size_t(ReferralSourceGroup::police)], 1u);
  EXPECT_EQ(m[0].by_source[size_t(ReferralSourceGroup::anonymous)], 1u);
  // 2023/24: A (10 May 2023, re-referral, NFA), B (29 Feb 2024, RC9), C (1 Apr 2023,
  // re-referral, NFA): 3 referrals, 3 children, 2 re-referrals, 2 NFA, and none assessed as not
  // in need in the year: B's RC9 closure came on 1 April 2024, after the 2023/24 return's 31
  // March (DfE counts from that year's census, which showed B's episode open).
  EXPECT_EQ(m[1].referrals, 3u);
  EXPECT_EQ(m[1].children_referred, 3u);
  ASSERT_TRUE(m[1].rereferrals.has_value());
  EXPECT_EQ(*m[1].rereferrals, 2u);
  EXPECT_EQ(m[1].referrals_nfa, 2u);
  EXPECT_EQ(m[1].referrals_not_in_need, 0u);
  EXPECT_EQ(m[1].by_source[size_t(ReferralSourceGroup::schools)], 1u);
  EXPECT_EQ(m[1].by_source[size_t(ReferralSourceGroup::health_services)], 1u);
  EXPECT_EQ(m[1].by_source[size_t(ReferralSourceGroup::la_services)], 1u);
  // 2024/25: A (11 May 2024, not a re-referral), B (28 Feb 2025, re-referral): 2 referrals, 1
  // re-referral, nothing NFA or closed.
  EXPECT_EQ(m[2].referrals, 2u);
  ASSERT_TRUE(m[2].rereferrals.has_value());
  EXPECT_EQ(*m[2].rereferrals, 1u);
  EXPECT_EQ(m[2].referrals_nfa, 0u);
  EXPECT_EQ(m[2].referrals_not_in_need, 0u);
  EXPECT_EQ(m[2].by_source[size_t(ReferralSourceGroup::police)], 1u);
  EXPECT_EQ(m[2].by_source[size_t(ReferralSourceGroup::not_recorded)], 1u);

  // Counted to a reference date within 2024/25 (27 February 2025): B's second referral is not yet.
  const auto to = referral_measures(t, {y2025}, d(2025, 2, 27));
  EXPECT_EQ(to[0].referrals, 1u);
  EXPECT_EQ(*to[0].rereferrals, 0u);
}

TEST(CinFrontDoor, PlanLengthsAreDfEsBandsInCalendarMonths) {
  EXPECT_EQ(plan_length(d(2022, 1, 10), d(2022, 4, 10)), PlanLength::three_months_or_less);  // exactly 3 months
  EXPECT_EQ(plan_length(d(2022, 1, 10), d(2022, 4, 11)), PlanLength::three_to_six_months);
  // From 31 August, six months end on the last day of February.
  EXPECT_EQ(plan_length(d(2024, 8, 31), d(2025, 2, 28)), PlanLength::three_to_six_months);
  EXPECT_EQ(plan_length(d(2024, 8, 31), d(2025, 3, 1)), PlanLength::six_months_to_one_year);
  EXPECT_EQ(plan_length(d(2021, 3, 1), d(2023, 2, 28)), PlanLength::one_to_two_years);
  EXPECT_EQ(plan_length(d(2021, 3, 1), d(2023, 3, 1)), PlanLength::two_years_or_more);  // the second anniversary
  // From 29 February 2024 the first anniversary is 28 February 2025.
  EXPECT_EQ(plan_length(d(2024, 2, 29), d(2025, 2, 27)), PlanLength::six_months_to_one_year);
  EXPECT_EQ(plan_length(d(2024, 2, 29), d(2025, 2, 28)), PlanLength::one_to_two_years);
}

namespace {
cin::ProtectionPlan plan(Date start, Date end, std::string category, std::optional<int> previous,
                         std::vector<Date> reviews = {}) {
  cin::ProtectionPlan p;
  p.start = start;
  p.end = end;
  p.initial_category = p.latest_category = std::move(category);
  p.previous_plans = previous;
  p.reviews = std::move(reviews);
  return p;
}
}  // namespace

TEST(CinFrontDoor, ProtectionPlansStartingAt31MarchEndedRepeatedAndHowTheyEnded) {
  // Returns 2021/22 to 2024/25 (1 April 2021 - 31 March 2025).
  cin::Timeline t;
  const CollectionYear y2022{2022};
  t.years = {y2022, y2023, y2024, y2025};
  // P (in the 903 as "p": ids are compared without regard to case), one open episode:
  //   plan 1 10 Jan 2022 - 10 Apr 2022, NEG, no previous plan, reviewed on its last day: ended at
  //   its first review, after exactly 3 months; the episode goes on (continued in need).
  //   plan 2 10 Jun 2023 - 15 Jul 2024, EMO, 1 previous (plan 1, ended 10 Apr 2022, within two
  //   years of 10 Jun 2023), reviewed 10 Sep 2023 and 10 Mar 2024: ended after a review, 1 to 2
  //   years long; at 31 March 2024 more than 6 months old (10 Dec 2023) but not a year. P starts a
  //   period of care on 20 July 2024, 5 days after the end: became looked after.
  auto ep = episode(d(2022, 1, 1), "6");
  ep.protection_plans = {plan(d(2022, 1, 10), d(2022, 4, 10), "NEG", 0, {d(2022, 4, 10)}),
                         plan(d(2023, 6, 10), d(2024, 7, 15), "EMO", 1, {d(2023, 9, 10), d(2024, 3, 10)})};
  t.children.push_back(child("P", {ep}));
  // Q (not in the 903): plan 1 Mar 2021 (before the returns) - 31 Mar 2023, PHY, previous plans not
  // recorded, no review held by the returns: not known whether it ended at its first review; two
  // years or more; ended on 31 March so not open at 31 March 2023; at 31 March 2022 a year old (1
  // to 2 years); the episode closed that day, RC5 (transferred).
  auto eq = episode(d(2020, 5, 1), "6", false, d(2023, 3, 31), "RC5");
  eq.protection_plans = {plan(d(2021, 3, 1), d(2023, 3, 31), "PHY", std::nullopt)};
  t.children.push_back(child("Q", {eq}));
  // R: plan 29 Feb 2024 - 29 May 2024, MUL, 2 previous (none in the returns: not within two
  // years), no review: ended before its first review, 3 months or less (29 May is 3 months on);
  // at 31 March 2024 a month old. The episode closed on 29 May 2024, RC7 (any other reason).
  auto er = episode(d(2024, 2, 1), "2A", false, d(2024, 5, 29), "RC7");
  er.protection_plans = {plan(d(2024, 2, 29), d(2024, 5, 29), "MUL", 2)};
  t.children.push_back(child("R", {er}));
  // S: plan from 31 Aug 2024, SAB, no previous plan, open: at 31 March 2025 more than 6 months old.
  auto es = episode(d(2024, 8, 1), "6");
  es.protection_plans = {plan(d(2024, 8, 31), Date::open(), "SAB", 0)};
  t.children.push_back(child("S", {es}));

  History h;
  h.years = {y2024, y2025};
  Child p;
  p.id = "p";
  p.first_period = 0;
  p.period_count = 1;
  h.children = {p};
  PeriodOfCare care;
  care.child = 0;
  care.start = d(2024, 7, 20);
  h.periods = {care};
  const auto in_903 = children_in_903(t, h);
  ASSERT_EQ(in_903.size(), 4u);
  EXPECT_EQ(in_903[0], std::optional<ChildIndex>(0));
  EXPECT_FALSE(in_903[1]);

  const auto m = protection_plan_measures(t, {y2022, y2023, y2024, y2025}, Date::open(), &h, &in_903);
  ASSERT_EQ(m.size(), 4u);
  using L = PlanLength;
  using E = PlanEnding;
  const auto len = [](const std::array<size_t, kPlanLengthCount>& a, L l) { return a[size_t(l)]; };
  // 2021/22: P's plan 1 starts (NEG); at 31 March 2022 P's plan 1 (3 months or less) and Q's (1-2
  // years); none ended; within two years not known (no 2019/20 or 2020/21 return).
  EXPECT_EQ(m[0].starts, 1u);
  EXPECT_EQ(m[0].starts_by_category[size_t(AbuseCategory::neglect)], 1u);
  EXPECT_EQ(m[0].second_or_subsequent, 0u);
  EXPECT_FALSE(m[0].within_two_years_of_previous);
  EXPECT_EQ(m[0].at_31_march, 2u);
  EXPECT_EQ(len(m[0].at_31_march_by_length, L::three_months_or_less), 1u);
  EXPECT_EQ(len(m[0].at_31_march_by_length, L::one_to_two_years), 1u);
  EXPECT_EQ(m[0].ended, 0u);
  // 2022/23: nothing starts or is open at 31 March 2023; P's plan 1 (at its first review,
  // continued in need, 3 months or less) and Q's (not known, transferred, 2 years or more) end.
  EXPECT_EQ(m[1].starts, 0u);
  EXPECT_EQ(m[1].at_31_march, 0u);
  EXPECT_EQ(m[1].ended, 2u);
  EXPECT_EQ(m[1].ended_at_first_review, 1u);
  EXPECT_EQ(m[1].ended_reviews_not_known, 1u);
  EXPECT_EQ(m[1].ended_before_first_review + m[1].ended_after_review, 0u);
  EXPECT_EQ(len(m[1].ended_by_length, L::three_months_or_less), 1u);
  EXPECT_EQ(len(m[1].ended_by_length, L::two_years_or_more), 1u);
  EXPECT_EQ(m[1].ended_by_how[size_t(E::continued_in_need)], 1u);
  EXPECT_EQ(m[1].ended_by_how[size_t(E::transferred)], 1u);
  // 2023/24: P's plan 2 (EMO, 1 previous, within two years) and R's (MUL, 2 previous, no earlier
  // plan in the returns) start: 2 second or subsequent, 1 within two years; both open at 31 March
  // 2024 (P's 6 months to a year, R's 3 months or less).
  EXPECT_EQ(m[2].starts, 2u);
  EXPECT_EQ(m[2].second_or_subsequent, 2u);
  EXPECT_EQ(m[2].previous_not_recorded, 0u);
  ASSERT_TRUE(m[2].within_two_years_of_previous);
  EXPECT_EQ(*m[2].within_two_years_of_previous, 1u);
  EXPECT_EQ(m[2].starts_by_category[size_t(AbuseCategory::emotional)], 1u);
  EXPECT_EQ(m[2].starts_by_category[size_t(AbuseCategory::multiple)], 1u);
  EXPECT_EQ(m[2].at_31_march, 2u);
  EXPECT_EQ(len(m[2].at_31_march_by_length, L::six_months_to_one_year), 1u);
  EXPECT_EQ(len(m[2].at_31_march_by_length, L::three_months_or_less), 1u);
  // 2024/25: S starts (SAB) and is open at 31 March 2025 (6 months to a year); P's plan 2 ends
  // (after a review, 1-2 years, became looked after) and R's (before its first review, 3 months or
  // less, closed for another reason).
  EXPECT_EQ(m[3].starts, 1u);
  EXPECT_EQ(m[3].starts_by_category[size_t(AbuseCategory::sexual)], 1u);
  EXPECT_EQ(*m[3].within_two_years_of_previous, 0u);
  EXPECT_EQ(m[3].at_31_march, 1u);
  EXPECT_EQ(len(m[3].at_31_march_by_length, L::six_months_to_one_year), 1u);
  EXPECT_EQ(m[3].ended, 2u);
  EXPECT_EQ(m[3].ended_after_review, 1u);
  EXPECT_EQ(m[3].ended_before_first_review, 1u);
  EXPECT_EQ(len(m[3].ended_by_length, L::one_to_two_years), 1u);
  EXPECT_EQ(len(m[3].ended_by_length, L::three_months_or_less), 1u);
  EXPECT_EQ(m[3].ended_by_how[size_t(E::became_looked_after)], 1u);
  EXPECT_EQ(m[3].ended_by_how[size_t(E::closed_other)], 1u);

  // Without the 903, P's plan 2 continued in need (its episode is still open).
  const auto alone = protection_plan_measures(t, {y2025});
  EXPECT_EQ(alone[0].ended_by_how[size_t(E::became_looked_after)], 0u);
  EXPECT_EQ(alone[0].ended_by_how[size_t(E::continued_in_need)], 1u);
}

namespace {
cin::Section47 enquiry(Date start, std::optional<Date> icpc, bool not_required = false) {
  cin::Section47 s;
  s.start = start;
  s.icpc = icpc;
  s.icpc_not_required = not_required;
  return s;
}
}  // namespace

TEST(CinFrontDoor, Section47EnquiriesConferencesWithin15WorkingDaysAndConversion) {
  cin::Timeline t;
  t.years = {y2024, y2025};
  // A: enquiry Friday 20 December 2024, conference Friday 10 January 2025: 23, 24, 27, 30, 31
  //    December, 2, 3, 6, 7, 8, 9, 10 January (Christmas, Boxing Day and New Year's Day are not
  //    working days) = 12 working days: within 15. A plan starts on the conference's day.
  auto ea = episode(d(2024, 12, 1), "6");
  ea.section47s = {enquiry(d(2024, 12, 20), d(2025, 1, 10))};
  ea.protection_plans = {plan(d(2025, 1, 10), Date::open(), "NEG", 0)};
  // B: enquiry Monday 2 December 2024, conference Monday 23 December: 3-6, 9-13, 16-20, 23 = 15:
  //    within 15 (exactly). No plan.
  auto eb = episode(d(2024, 11, 20), "6");
  eb.section47s = {enquiry(d(2024, 12, 2), d(2024, 12, 23))};
  // C: enquiry Friday 29 November 2024, conference Monday 23 December: 16 working days: not within.
  auto ec = episode(d(2024, 11, 20), "6");
  ec.section47s = {enquiry(d(2024, 11, 29), d(2024, 12, 23))};
  // D: enquiry 10 March 2025, no conference needed.
  auto ed = episode(d(2025, 3, 1), "6");
  ed.section47s = {enquiry(d(2025, 3, 10), std::nullopt, true)};
  // E: enquiry 25 March 2025 not yet concluded; its episode has a conference of its own (a
  //    transfer-in) on 5 February 2025.
  auto ee = episode(d(2025, 2, 1), "6");
  ee.icpc = d(2025, 2, 5);
  ee.section47s = {enquiry(d(2025, 3, 25), std::nullopt)};
  // F: enquiry Wednesday 20 March 2024 (2023/24), conference Friday 5 April 2024 (2024/25): 21,
  //    22, 25, 26, 27, 28 March, 2, 3, 4, 5 April (Good Friday 29 March, Easter Monday 1 April)
  //    = 10: within 15. A plan starts that day.
  auto ef = episode(d(2024, 3, 1), "6");
  ef.section47s = {enquiry(d(2024, 3, 20), d(2024, 4, 5))};
  ef.protection_plans = {plan(d(2024, 4, 5), Date::open(), "EMO", 0)};
  for (auto* e : {&ea, &eb, &ec, &ed, &ee, &ef}) t.children.push_back(child("c", {*e}));

  const auto m = section47_measures(t, {y2024, y2025});
  ASSERT_EQ(m.size(), 2u);
  // 2023/24: F's enquiry; no conference held in the year; the enquiry led to a conference and a plan.
  EXPECT_EQ(m[0].section47s, 1u);
  EXPECT_EQ(m[0].children_section47, 1u);
  EXPECT_EQ(m[0].icpcs, 0u);
  EXPECT_EQ(m[0].section47_to_icpc, 1u);
  EXPECT_EQ(m[0].icpc_to_plan, 1u);
  // 2024/25: enquiries A-E (5); conferences A, B, C, F and E's episode's (5, 1 at episode level);
  // of the 4 timed, A, B and F within 15 working days (3). A-E followed: A, B, C to a conference
  // (3), A's to a plan (1), D no conference needed, E not yet concluded.
  EXPECT_EQ(m[1].section47s, 5u);
  EXPECT_EQ(m[1].children_section47, 5u);
  EXPECT_EQ(m[1].icpcs, 5u);
  EXPECT_EQ(m[1].icpcs_episode_level, 1u);
  EXPECT_EQ(m[1].icpcs_timed, 4u);
  EXPECT_EQ(m[1].icpcs_within_15_days, 3u);
  EXPECT_EQ(m[1].icpcs_days_not_known, 0u);
  EXPECT_EQ(m[1].section47_to_icpc, 3u);
  EXPECT_EQ(m[1].icpc_to_plan, 1u);
  EXPECT_EQ(m[1].section47_no_icpc_needed, 1u);
  EXPECT_EQ(m[1].section47_open, 1u);
}

TEST(CinFrontDoor, AssessmentsWithin45WorkingDaysAndFactorsByAge) {
  cin::Timeline t;
  t.years = {y2025};
  const auto assessment = [](Date start, std::optional<Date> done, std::vector<std::string> factors) {
    cin::Assessment a;
    a.start = start;
    a.authorised = done;
    a.factors = std::move(factors);
    return a;
  };
  // A (born 1 Jan 2015: 10 at completion): started Monday 2 December 2024, completed Monday 3
  //   February 2025: December 3-6, 9-13, 16-20, 23, 24, 27, 30, 31 (19), January 2, 3, 6-10,
  //   13-17, 20-24, 27-31 (22), February 3 (1) = 42 working days: within 45 (band 41-45).
  //   Factors 3B (domestic abuse, parent) and 4B (mental health, parent).
  auto ea = episode(d(2024, 11, 25), "6");
  ea.assessments = {assessment(d(2024, 12, 2), d(2025, 2, 3), {"3B", "4b"})};
  // B (born 1 Jan 2015): started Monday 2 December 2024, completed Monday 10 February 2025: A's
  //   42 + 4-7 and 10 February = 47 working days: not within 45 (band 46-50). Factor 21 only (no factors): no factor row.
  auto eb = episode(d(2024, 11, 25), "6");
  eb.assessments = {assessment(d(2024, 12, 2), d(2025, 2, 10), {"21"})};
  // C (born 1 June 2024: under 1): completed the day it started (same day), factor 3B; and an
  //   assessment still open (not completed).
  auto ec = episode(d(2025, 1, 5), "6");
  ec.assessments = {assessment(d(2025, 1, 6), d(2025, 1, 6), {"3B"}), assessment(d(2025, 3, 20), std::nullopt, {})};
  t.children = {child("A", {ea}), child("B", {eb}), child("C", {ec})};
  t.children[2].dob = d(2024, 6, 1);

  const auto m = assessment_measures(t, {y2025});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].completed, 3u);
  EXPECT_EQ(m[0].within_45_days, 2u);  // A (42), C (0)
  EXPECT_EQ(m[0].days_not_known, 0u);
  EXPECT_EQ(m[0].by_band[0], 1u);  // C, same day
  EXPECT_EQ(m[0].by_band[5], 1u);  // A, 41-45
  EXPECT_EQ(m[0].by_band[6], 1u);  // B, 46-50
  // Episodes with a factor: A (aged 10 on 3 February 2025? born 1 January 2015: 10, so 10 to 15)
  // and C (under 1); B's 21 is none.
  EXPECT_EQ(m[0].episodes_with_factor[size_t(AgeBand::age_10_to_15)], 1u);
  EXPECT_EQ(m[0].episodes_with_factor[size_t(AgeBand::under_1)], 1u);
  const auto& factors = assessment_factors();
  const auto row = [&](std::string_view column) {
    for (size_t k = 0; k < factors.size(); ++k)
      if (factors[k].c3_column == column) return m[0].by_factor[k];
    ADD_FAILURE() << column;
    return std::array<size_t, 6>{};
  };
  EXPECT_EQ(row("Domestic_Abuse_parent")[size_t(AgeBand::age_10_to_15)], 1u);
  EXPECT_EQ(row("Domestic_Abuse_parent")[size_t(AgeBand::under_1)], 1u);
  EXPECT_EQ(row("Mental_Health_parent")[size_t(AgeBand::age_10_to_15)], 1u);  // "4b": codes are case-insensitive
  EXPECT_EQ(row("Mental_Health_parent")[size_t(AgeBand::under_1)], 0u);
  EXPECT_EQ(assessment_band(45), 5u);
  EXPECT_EQ(assessment_band(46), 6u);
  EXPECT_EQ(assessment_band(61), 8u);
}
