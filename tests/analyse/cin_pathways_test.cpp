// Pathways into care (analyse/cin_pathways) on a hand-built council whose every count is derived
// in the comments: entrants by what came before, drift from the first referral, CP plans to care
// with censoring, and the funnel by age band.
#include <gtest/gtest.h>

#include "careflow/analyse/cin_pathways.hpp"

using namespace careflow;
using namespace careflow::analyse;

namespace {

Date d(int y, int m, int day) { return Date::from_ymd(y, m, day); }

struct Period {
  Date start, end = Date::open();
  bool short_breaks = false;
};

void add_903(History& h, std::string id, Date dob, std::vector<Period> periods) {
  Child c;
  c.id = std::move(id);
  c.dob = dob;
  c.dob_known = true;
  c.first_period = static_cast<uint32_t>(h.periods.size());
  c.period_count = static_cast<uint32_t>(periods.size());
  for (const auto& p : periods) {
    PeriodOfCare q;
    q.child = static_cast<ChildIndex>(h.children.size());
    q.start = p.start;
    q.end = p.end;
    q.short_breaks = p.short_breaks;
    h.periods.push_back(q);
  }
  h.children.push_back(std::move(c));
}

struct Ep {
  Date referral;
  std::vector<Date> plans = {};
  std::vector<Date> cin_plans = {};
};

void add_cin(cin::Timeline& t, std::string id, std::optional<Date> dob, std::vector<Ep> episodes) {
  cin::CinChild c;
  c.id = std::move(id);
  c.dob = dob;
  for (const auto& e : episodes) {
    cin::EpisodeOfNeed ep;
    ep.referral = e.referral;
    for (const Date p : e.plans) ep.protection_plans.push_back({.start = p});
    for (const Date p : e.cin_plans) ep.cin_plans.push_back({.start = p});
    c.episodes.push_back(ep);
  }
  t.children.push_back(std::move(c));
}

// Both collections 2022/23 and 2023/24: the data end 31/03/2024.
//  A 5-9: referred 01/05/2022, CP plan 10/05/2022, in care 01/06/2022-01/09/2022 and from 01/01/2023
//  B: referred 01/10/2021 (an older episode), CIN plan 01/01/2022; in care from 01/05/2023
//  C 10-15: referred 01/08/2023; in care from 01/09/2023
//  D: short breaks only from 01/02/2023 (not care)
//  E: in care from 01/03/2023, in no census return
//  F: in care from 01/06/2023, referred after, 01/07/2023
//  G: in care since 01/01/2020; referred 15/03/2023, CP plan 01/04/2023
//  H 5-9: census only, referred 01/12/2022, CP plans 15/01/2023 and 01/03/2023
//  I 5-9: referred 01/05/2023, CP plan 01/06/2023; in care from 01/02/2024
//  J: census only, no date of birth, referred 01/02/2023
//  K: unborn when referred on 01/03/2023 (born 01/06/2023)
struct Council {
  History h;
  cin::Timeline t;
};

Council council() {
  Council c;
  c.h.years = {CollectionYear{2023}, CollectionYear{2024}};
  c.t.years = {CollectionYear{2023}, CollectionYear{2024}};
  add_903(c.h, "A", d(2015, 1, 1), {{d(2022, 6, 1), d(2022, 9, 1)}, {d(2023, 1, 1)}});
  add_903(c.h, "B", d(2010, 3, 1), {{d(2023, 5, 1)}});
  add_903(c.h, "C", d(2008, 1, 1), {{d(2023, 9, 1)}});
  add_903(c.h, "D", d(2012, 1, 1), {{d(2023, 2, 1), Date::open(), true}});
  add_903(c.h, "E", d(2016, 1, 1), {{d(2023, 3, 1)}});
  add_903(c.h, "F", d(2011, 1, 1), {{d(2023, 6, 1)}});
  add_903(c.h, "G", d(2009, 1, 1), {{d(2020, 1, 1)}});
  add_903(c.h, "I", d(2018, 1, 1), {{d(2024, 2, 1)}});
  add_cin(c.t, "A", d(2015, 1, 1), {{d(2022, 5, 1), {d(2022, 5, 10)}}});
  add_cin(c.t, "B", d(2010, 3, 1), {{d(2021, 10, 1), {}, {d(2022, 1, 1)}}});
  add_cin(c.t, "C", d(2008, 1, 1), {{d(2023, 8, 1)}});
  add_cin(c.t, "F", d(2011, 1, 1), {{d(2023, 7, 1)}});
  add_cin(c.t, "G", d(2009, 1, 1), {{d(2023, 3, 15), {d(2023, 4, 1)}}});
  add_cin(c.t, "H", d(2014, 5, 1), {{d(2022, 12, 1), {d(2023, 1, 15), d(2023, 3, 1)}}});
  add_cin(c.t, "I", d(2018, 1, 1), {{d(2023, 5, 1), {d(2023, 6, 1)}}});
  add_cin(c.t, "J", std::nullopt, {{d(2023, 2, 1)}});
  add_cin(c.t, "K", d(2023, 6, 1), {{d(2023, 3, 1)}});
  return c;
}

size_t prior(const EntrantPathways& e, PriorInvolvement p) { return e.by_prior[static_cast<size_t>(p)]; }
size_t drift(const EntrantPathways& e, DriftBand b) { return e.by_drift[static_cast<size_t>(b)]; }

}  // namespace

TEST(CinPathways, EntrantsByWhatCameBeforeAndTheirDrift) {
  const Council c = council();
  const auto p = cin_pathways(c.h, c.t);
  ASSERT_EQ(p.years.size(), 2u);
  ASSERT_EQ(p.entrants.size(), 2u);
  // 2022/23: A twice (01/06/2022 and 01/01/2023: each start counts, as the report's starters), E.
  // D's short breaks are not care; G came before.
  const auto& e23 = p.entrants[0];
  EXPECT_EQ(e23.entrants, 3u);
  EXPECT_EQ(prior(e23, PriorInvolvement::protection_plan), 2u);  // A, A
  EXPECT_EQ(prior(e23, PriorInvolvement::not_known), 1u);        // E
  // Drift from A's referral of 01/05/2022: 31 days, and 245 to 01/01/2023; median 138.
  EXPECT_EQ(e23.with_referral, 2u);
  EXPECT_EQ(e23.median_days, 138.0);
  EXPECT_EQ(drift(e23, DriftBand::under_3_months), 1u);
  EXPECT_EQ(drift(e23, DriftBand::months_6_to_12), 1u);
  // 2023/24: B (CIN plan), C (referral only), F (referred after entering: not known), I (CP plan).
  const auto& e24 = p.entrants[1];
  EXPECT_EQ(e24.entrants, 4u);
  EXPECT_EQ(prior(e24, PriorInvolvement::protection_plan), 1u);
  EXPECT_EQ(prior(e24, PriorInvolvement::cin_plan), 1u);
  EXPECT_EQ(prior(e24, PriorInvolvement::referral_only), 1u);
  EXPECT_EQ(prior(e24, PriorInvolvement::not_known), 1u);
  // Drift: C 31 days, I 276 (01/05/2023 -> 01/02/2024), B 577 (01/10/2021 -> 01/05/2023).
  EXPECT_EQ(e24.with_referral, 3u);
  EXPECT_EQ(e24.median_days, 276.0);
  EXPECT_EQ(drift(e24, DriftBand::under_3_months), 1u);
  EXPECT_EQ(drift(e24, DriftBand::months_6_to_12), 1u);
  EXPECT_EQ(drift(e24, DriftBand::years_1_to_2), 1u);
  EXPECT_EQ(drift(e24, DriftBand::months_3_to_6), 0u);
}

TEST(CinPathways, ProtectionPlansToCareWithCensoring) {
  const Council c = council();
  const auto p = cin_pathways(c.h, c.t);
  ASSERT_EQ(p.to_care.size(), 2u);
  // 2022/23: A (plan 10/05/2022, in care 01/06/2022) and H (first plan 15/01/2023, never in care).
  // 24 months reach past 31/03/2024 for both: censored.
  const auto& t23 = p.to_care[0];
  EXPECT_EQ(t23.children, 2u);
  EXPECT_EQ(t23.followed_up, (std::vector<size_t>{2, 2, 0}));
  EXPECT_EQ(t23.looked_after, (std::vector<size_t>{1, 1, 0}));
  // 2023/24: I (plan 01/06/2023; in care 01/02/2024, after its 6 months end on 01/12/2023; its 12
  // months reach past the data). G was in care before its plan: left out.
  const auto& t24 = p.to_care[1];
  EXPECT_EQ(t24.children, 1u);
  EXPECT_EQ(t24.followed_up, (std::vector<size_t>{1, 0, 0}));
  EXPECT_EQ(t24.looked_after, (std::vector<size_t>{0, 0, 0}));
}

TEST(CinPathways, TheFunnelByAgeBand) {
  const Council c = council();
  const auto p = cin_pathways(c.h, c.t);
  ASSERT_EQ(p.funnel.size(), 7u);
  // Referred 01/04/2022-31/03/2024 and not in care the day before: A, H, I (5-9), C (10-15), J and
  // K (age unknown or unborn). B's referral is older; F and G were in care when referred.
  const FunnelRow& five = p.funnel[static_cast<size_t>(AgeBand::age_5_to_9)];
  EXPECT_EQ(five.referred, 3u);
  EXPECT_EQ(five.protection_plan, 3u);
  EXPECT_EQ(five.plan_then_care, 2u);  // A, I
  EXPECT_EQ(five.looked_after, 2u);
  const FunnelRow& ten = p.funnel[static_cast<size_t>(AgeBand::age_10_to_15)];
  EXPECT_EQ(ten.referred, 1u);
  EXPECT_EQ(ten.protection_plan, 0u);
  EXPECT_EQ(ten.looked_after, 1u);  // C, without a plan
  EXPECT_FALSE(p.funnel[5].band);
  EXPECT_EQ(p.funnel[5].referred, 2u);  // J, K
  const FunnelRow& all = p.funnel.back();
  EXPECT_EQ(all.referred, 6u);
  EXPECT_EQ(all.protection_plan, 3u);
  EXPECT_EQ(all.plan_then_care, 2u);
  EXPECT_EQ(all.looked_after, 3u);
}

TEST(CinPathways, NoCommonYearsMeansNothingMeasured) {
  Council c = council();
  c.t.years = {CollectionYear{2020}};
  const auto p = cin_pathways(c.h, c.t);
  EXPECT_TRUE(p.years.empty());
  EXPECT_TRUE(p.entrants.empty());
}
