// Linking CIN timelines to the 903 history (core/cin_timeline): by LA child id, then by UPN with
// agreeing dates of birth, and the counts of the linkage report, on a hand-made timeline and
// history whose every count is derived below.
#include <gtest/gtest.h>

#include "careflow/core/cin_timeline.hpp"
#include "careflow/core/code_lists.hpp"

using namespace careflow;
using namespace careflow::cin;

namespace {

Date d(int y, int m, int day) { return Date::from_ymd(y, m, day); }

CinChild cin_child(std::string id, Date dob, std::string sex, bool gender_current, std::string upn = "") {
  CinChild c;
  c.id = std::move(id);
  c.dob = dob;
  c.sex = std::move(sex);
  c.sex_is_gender_current = gender_current;
  c.upn = std::move(upn);
  return c;
}

Child child_903(std::string id, Date dob, std::string_view sex) {
  Child c;
  c.id = std::move(id);
  c.dob = dob;
  c.dob_known = true;
  c.sex = codes::sex.find(sex);
  return c;
}

PeriodOfCare period(ChildIndex c, Date start, bool short_breaks = false) {
  PeriodOfCare p;
  p.child = c;
  p.start = start;
  p.short_breaks = short_breaks;
  return p;
}

}  // namespace

TEST(CinLinkage, ChildrenAreLinkedByIdThenUpnAndTheCountsAreTheFindings) {
  // CIN: 2022/23 and 2023/24 (1 Apr 2022 - 31 Mar 2024).
  Timeline cin;
  cin.years = {CollectionYear{2023}, CollectionYear{2024}};
  CinChild a = cin_child("A1", d(2015, 5, 1), "1", true);
  EpisodeOfNeed ea;
  ea.referral = d(2022, 6, 1);
  ProtectionPlan pa;
  pa.start = d(2022, 6, 20);
  ea.protection_plans.push_back(pa);
  a.episodes.push_back(ea);
  // B2 has another id in the 903 (ZZ): linked by UPN, dates of birth agreeing.
  CinChild b = cin_child("B2", d(2010, 1, 10), "2", true, "B000000000002");
  // C3's UPN is YY's in the 903, but their dates of birth disagree: not linked.
  CinChild c = cin_child("C3", d(2019, 3, 3), "U", false, "C000000000003");
  // d4 is D4 in the 903 (read upper-cased), with another date of birth and sex.
  CinChild dd = cin_child("d4", d(2011, 2, 2), "M", false);
  EpisodeOfNeed ed;
  ed.referral = d(2023, 8, 1);  // after D4 came into care
  dd.episodes.push_back(ed);
  cin.children = {a, b, c, dd};

  // 903: 2023/24 and 2024/25 (1 Apr 2023 - 31 Mar 2025): both cover 1 Apr 2023 - 31 Mar 2024.
  History h;
  h.years = {CollectionYear{2024}, CollectionYear{2025}};
  h.children = {child_903("A1", d(2015, 5, 1), "1"), child_903("D4", d(2011, 1, 1), "2"),
                child_903("E5", d(2016, 1, 1), "1"), child_903("E6", d(2017, 1, 1), "2"),
                child_903("YY", d(2018, 1, 1), "1"), child_903("ZZ", d(2010, 1, 10), "2")};
  h.periods = {period(0, d(2023, 5, 1)),         // A1: an entrant, after its referral and CP plan
               period(1, d(2023, 6, 1)),         // D4: an entrant, before its referral
               period(2, d(2024, 1, 10)),        // E5: an entrant, in no CIN return
               period(3, d(2023, 9, 1), true),   // E6: short breaks only: not counted
               period(5, d(2023, 3, 1))};        // ZZ: in care since before the span
  const std::unordered_map<std::string, std::string> upns = {{"ZZ", "B000000000002"}, {"YY", "C000000000003"}};

  const Linkage k = link_to_903(cin, h, &upns);
  EXPECT_EQ(k.cin_children, 4u);
  EXPECT_EQ(k.found_by_id, 2u);   // A1, d4
  EXPECT_EQ(k.found_by_upn, 1u);  // B2
  EXPECT_EQ(k.not_found, 1u);     // C3
  EXPECT_EQ(k.dob_mismatch, 1u);  // d4
  EXPECT_EQ(k.sex_mismatch, 1u);  // d4: M against 2
  EXPECT_TRUE(k.spans_overlap);
  EXPECT_EQ(k.span_start, d(2023, 4, 1));
  EXPECT_EQ(k.span_end, d(2024, 3, 31));
  EXPECT_EQ(k.entrants, 3u);  // A1, D4, E5 (ZZ's began before; E6's are short breaks)
  EXPECT_EQ(k.entrants_with_earlier_episode, 1u);          // A1
  EXPECT_EQ(k.entrants_with_earlier_protection_plan, 1u);  // A1
  EXPECT_EQ(k.looked_after_not_in_cin, 1u);                // E5 (YY was never looked after)

  // Without the UPNs there is no fallback.
  const Linkage by_id = link_to_903(cin, h);
  EXPECT_EQ(by_id.found_by_upn, 0u);
  EXPECT_EQ(by_id.not_found, 2u);
  EXPECT_EQ(by_id.looked_after_not_in_cin, 2u);  // E5 and ZZ
}

TEST(CinLinkage, NoOverlapMeansNoEntrantCounts) {
  Timeline cin;
  cin.years = {CollectionYear{2020}};
  cin.children = {cin_child("A1", d(2015, 5, 1), "M", false)};
  History h;
  h.years = {CollectionYear{2024}};
  h.children = {child_903("A1", d(2015, 5, 1), "M")};
  h.periods = {period(0, d(2023, 5, 1))};
  const Linkage k = link_to_903(cin, h);
  EXPECT_EQ(k.found_by_id, 1u);
  EXPECT_FALSE(k.spans_overlap);
  EXPECT_EQ(k.entrants, 0u);
}
