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
