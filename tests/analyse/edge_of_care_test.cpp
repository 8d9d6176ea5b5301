// The edge-of-care evaluation (analyse/edge_of_care) on a hand-built council: nine listed children
// and six others in a 903 history and a CIN timeline, whose every count, proportion, weight and
// interval is derived in the comments below; and the interval formulas against published values.
#include <gtest/gtest.h>

#include <cmath>

#include "careflow/analyse/edge_of_care.hpp"
#include "careflow/core/code_lists.hpp"

using namespace careflow;
using namespace careflow::analyse;

namespace {

Date d(int y, int m, int day) { return Date::from_ymd(y, m, day); }

// A 903 history built child by child, each with its periods of care (start, end or open).
struct HistoryBuilder {
  History h;
  void child(std::string id, Date dob, std::vector<std::pair<Date, Date>> periods = {}) {
    Child c;
    c.id = std::move(id);
    c.dob = dob;
    c.dob_known = true;
    c.first_period = static_cast<uint32_t>(h.periods.size());
    c.period_count = static_cast<uint32_t>(periods.size());
    for (const auto& [start, end] : periods) {
      PeriodOfCare p;
      p.child = static_cast<ChildIndex>(h.children.size());
      p.start = start;
      p.end = end;
      h.periods.push_back(p);
    }
    h.children.push_back(std::move(c));
  }
};

struct CinBuilder {
  cin::Timeline t;
  cin::CinChild& child(std::string id, Date dob) {
    cin::CinChild c;
    c.id = std::move(id);
    c.dob = dob;
    t.children.push_back(std::move(c));
    return t.children.back();
  }
  static cin::EpisodeOfNeed& episode(cin::CinChild& c, Date referral, std::string need, Date closure = Date::open()) {
    cin::EpisodeOfNeed e;
    e.referral = referral;
    e.primary_need = std::move(need);
    e.closure = closure;
    c.episodes.push_back(std::move(e));
    return c.episodes.back();
  }
  static void plan(cin::EpisodeOfNeed& e, Date start, Date end = Date::open()) {
    cin::ProtectionPlan p;
    p.start = start;
    p.end = end;
    e.protection_plans.push_back(p);
  }
  cin::Timeline done() {
    std::sort(t.children.begin(), t.children.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return t;
  }
};

// Both collections: 2022/23 and 2023/24, so the data end on 31 March 2024.
//
// Listed:  S1 (as "s1": ids are compared without regard to case), 10-15, open N1 episode, on a CP
//          plan; started 10/01/2023; looked after from 01/05/2023.
//          S2 5-9, open N2 (closed 01/09/2023), no plan; started 01/02/2023, support ended 01/06/2023.
//          S3 10-15, open N1, on a plan; started 15/08/2023: followed up 6 months (15/02/2024), not 12.
//          S9 1-4, open N5 (closed 01/05/2023); started 01/03/2023: nobody alike, unmatched.
//          ZZ9 in neither collection; HH1 in the 903 only; L1 looked after on its start date; S7
//          started before the data; S8 18 on its start date.
// Others:  C1 10-15, N1 with a plan; looked after from 01/12/2023: alike S1 (10/01/2023) and S3 (15/08/2023).
//          C2 10-15, N1 with a plan, both ended 01/06/2023: alike S1 only (closed by S3's date).
//          C3 5-9, N2 open; CP plan from 01/04/2023: alike S2.
//          C4 10-15 with N2: nobody's cell. C5 5-9 N2 but looked after on S2's date. C6 5-9 N2 but
//          referred after S2's date.
struct Council {
  History history;
  cin::Timeline cin;
  std::vector<SupportedChild> list;
};

Council council() {
  HistoryBuilder hb;
  hb.h.years = {CollectionYear{2023}, CollectionYear{2024}};
  hb.child("C1", d(2011, 6, 1), {{d(2023, 12, 1), Date::open()}});
  hb.child("C5", d(2014, 6, 1), {{d(2023, 1, 1), Date::open()}});
  hb.child("HH1", d(2012, 2, 2));
  hb.child("L1", d(2010, 1, 1), {{d(2022, 6, 1), Date::open()}});
  hb.child("S1", d(2012, 5, 1), {{d(2023, 5, 1), Date::open()}});

  CinBuilder cb;
  cb.t.years = {CollectionYear{2023}, CollectionYear{2024}};
  {
    auto& s1 = cb.child("S1", d(2012, 5, 1));
    CinBuilder::plan(CinBuilder::episode(s1, d(2022, 11, 1), "N1"), d(2022, 12, 1));
  }
  CinBuilder::episode(cb.child("S2", d(2014, 3, 1)), d(2022, 10, 1), "N2", d(2023, 9, 1));
  {
    auto& s3 = cb.child("S3", d(2010, 1, 1));
    CinBuilder::plan(CinBuilder::episode(s3, d(2023, 6, 1), "N1"), d(2023, 7, 1));
  }
  CinBuilder::episode(cb.child("S9", d(2020, 1, 1)), d(2023, 2, 1), "N5", d(2023, 5, 1));
  CinBuilder::episode(cb.child("L1", d(2010, 1, 1)), d(2022, 5, 1), "N1");
  CinBuilder::episode(cb.child("S7", d(2012, 1, 1)), d(2020, 12, 1), "N1");
  CinBuilder::episode(cb.child("S8", d(2005, 1, 1)), d(2022, 12, 1), "N1");
  {
    auto& c1 = cb.child("C1", d(2011, 6, 1));
    CinBuilder::plan(CinBuilder::episode(c1, d(2022, 9, 1), "N1"), d(2022, 10, 1));
  }
  {
    auto& c2 = cb.child("C2", d(2009, 2, 1));
    CinBuilder::plan(CinBuilder::episode(c2, d(2022, 12, 15), "N1", d(2023, 6, 1)), d(2023, 1, 5), d(2023, 6, 1));
  }
  {
    auto& c3 = cb.child("C3", d(2015, 1, 1));
    CinBuilder::plan(CinBuilder::episode(c3, d(2022, 5, 1), "N2"), d(2023, 4, 1));
  }
  CinBuilder::episode(cb.child("C4", d(2013, 1, 1)), d(2022, 5, 1), "N2");
  CinBuilder::episode(cb.child("C5", d(2014, 6, 1)), d(2022, 5, 1), "N2");
  CinBuilder::episode(cb.child("C6", d(2013, 5, 5)), d(2023, 3, 1), "N2");

  Council c;
  c.history = std::move(hb.h);
  c.cin = cb.done();
  c.list = {{"s1", d(2023, 1, 10), std::nullopt, 2},
            {"S2", d(2023, 2, 1), d(2023, 6, 1), 3},
            {"S3", d(2023, 8, 15), std::nullopt, 4},
            {"ZZ9", d(2023, 1, 1), std::nullopt, 5},
            {"HH1", d(2023, 1, 1), std::nullopt, 6},
            {"L1", d(2023, 1, 1), std::nullopt, 7},
            {"S7", d(2021, 1, 1), std::nullopt, 8},
            {"S8", d(2023, 1, 10), std::nullopt, 9},
            {"S9", d(2023, 3, 1), std::nullopt, 10}};
  return c;
}

const EdgeOfCareFigure& figure(const EdgeOfCareEvaluation& e, int months, EdgeOfCareMeasure m) {
  for (const auto& f : e.figures)
    if (f.months == months && f.measure == m) return f;
  throw std::runtime_error("no figure");
}

}  // namespace

TEST(EdgeOfCare, WilsonAndNewcombeIntervalsMatchPublishedValues) {
  // 9 of 10: Wilson 0.5958 to 0.9821 (Newcombe 1998, table I's method 3 gives these for 9/10).
  const Interval w = wilson_interval(9, 10);
  EXPECT_NEAR(w.lower, 0.5958, 5e-5);
  EXPECT_NEAR(w.upper, 0.9821, 5e-5);
  // 0 of 10: 0 to z^2 / (10 + z^2) = 3.8415 / 13.8415 = 0.2775.
  const Interval z = wilson_interval(0, 10);
  EXPECT_DOUBLE_EQ(z.lower, 0);
  EXPECT_NEAR(z.upper, 0.2775, 5e-5);
  // Newcombe (Stat Med 1998; 17: 873-890), example (a): 56/70 - 48/80 = 0.175, method 10
  // 0.0524 to 0.3339.
  const double p1 = 56.0 / 70, p2 = 48.0 / 80;
  const Interval d = newcombe_difference(p1, wilson_interval(56, 70), p2, wilson_interval(48, 80));
  EXPECT_NEAR(d.lower, 0.0524, 5e-5);
  EXPECT_NEAR(d.upper, 0.3339, 5e-5);
  // No children: the whole range.
  EXPECT_DOUBLE_EQ(wilson_interval(0, 0).lower, 0);
  EXPECT_DOUBLE_EQ(wilson_interval(0, 0).upper, 1);
}

TEST(EdgeOfCare, MonthsAfterKeepsTheDayOrTakesTheMonthsLast) {
  EXPECT_EQ(months_after(d(2023, 1, 10), 6), d(2023, 7, 10));
  EXPECT_EQ(months_after(d(2023, 8, 31), 6), d(2024, 2, 29));
  EXPECT_EQ(months_after(d(2022, 8, 31), 6), d(2023, 2, 28));
  EXPECT_EQ(months_after(d(2023, 8, 15), 12), d(2024, 8, 15));
}

TEST(EdgeOfCare, ChildrenAreCountedByWhyTheyWereOrWereNotEvaluated) {
  const Council c = council();
  const auto e = evaluate_edge_of_care(c.history, c.cin, c.list);
  EXPECT_EQ(e.span_start, d(2022, 4, 1));
  EXPECT_EQ(e.span_end, d(2024, 3, 31));
  const auto& n = e.counts;
  EXPECT_EQ(n.listed, 9u);
  EXPECT_EQ(n.not_found, 1u);  // ZZ9
  EXPECT_EQ(e.not_found_lines, std::vector<uint32_t>{5});
  EXPECT_EQ(n.not_in_cin, 1u);             // HH1
  EXPECT_EQ(n.dob_unknown, 0u);
  EXPECT_EQ(n.start_outside_data, 1u);     // S7
  EXPECT_EQ(n.looked_after_at_start, 1u);  // L1
  EXPECT_EQ(n.aged_18_or_over, 1u);        // S8
  EXPECT_EQ(n.evaluated, 4u);              // S1, S2, S3, S9
  EXPECT_EQ(n.matched, 3u);                // S1 (C1, C2), S2 (C3), S3 (C1)
  EXPECT_EQ(n.unmatched, 1u);              // S9
  EXPECT_EQ(n.comparison_children, 3u);    // C1, C2, C3
  EXPECT_EQ(n.support_ended, 1u);          // S2
}

TEST(EdgeOfCare, SixMonthOutcomesAndTheWeightedComparison) {
  const Council c = council();
  const auto e = evaluate_edge_of_care(c.history, c.cin, c.list);
  // Six months: every evaluated child is followed up (S3's six months end 15/02/2024).
  const auto& out = figure(e, 6, EdgeOfCareMeasure::out_of_care);
  EXPECT_EQ(out.all_followed_up, 4u);
  EXPECT_EQ(out.all_with_outcome, 3u);  // all but S1, in care from 01/05/2023
  EXPECT_EQ(out.matched_followed_up, 3u);
  EXPECT_EQ(out.matched_with_outcome, 2u);  // S2, S3
  // Comparison, weights: S1's C1 and C2 1/2 each, S2's C3 1, S3's C1 1. Out of care: C1 and C2
  // from S1's date (1/2 + 1/2), C3 (1); not C1 from S3's date (in care 01/12/2023): 2 of 3.
  EXPECT_DOUBLE_EQ(out.comparison_proportion, 2.0 / 3);
  // Effective size: Kish's 3^2 / (2 x 1/4 + 1 + 1) = 9 / 2.5 = 3.6, but only 3 distinct children
  // (C1 twice): 3.
  EXPECT_DOUBLE_EQ(out.comparison_effective_n, 3);
  EXPECT_EQ(out.comparison_children, 3u);
  EXPECT_EQ(out.comparison_children_with_outcome, 3u);  // C1 (from S1's date), C2, C3
  EXPECT_NEAR(out.difference, 0, 1e-12);
  const Interval ci = wilson_interval(2, 3);
  EXPECT_DOUBLE_EQ(out.comparison_interval.lower, ci.lower);
  EXPECT_DOUBLE_EQ(out.comparison_interval.upper, ci.upper);
  const Interval di = newcombe_difference(2.0 / 3, wilson_interval(2, 3), 2.0 / 3, ci);
  EXPECT_NEAR(out.difference_interval.lower, di.lower, 1e-12);
  EXPECT_NEAR(out.difference_interval.upper, di.upper, 1e-12);
  EXPECT_LT(out.difference_interval.lower, 0);
  EXPECT_GT(out.difference_interval.upper, 0);

  const auto& became = figure(e, 6, EdgeOfCareMeasure::became_looked_after);
  EXPECT_EQ(became.all_with_outcome, 1u);  // S1
  EXPECT_EQ(became.matched_with_outcome, 1u);
  EXPECT_DOUBLE_EQ(became.comparison_proportion, 1.0 / 3);  // C1 from S3's date, weight 1
  EXPECT_EQ(became.comparison_children_with_outcome, 1u);

  const auto& plan = figure(e, 6, EdgeOfCareMeasure::protection_plan);
  EXPECT_EQ(plan.all_with_outcome, 0u);  // S1's and S3's plans began before their start dates
  EXPECT_DOUBLE_EQ(plan.comparison_proportion, 1.0 / 3);  // C3's plan from 01/04/2023
  EXPECT_DOUBLE_EQ(plan.difference, -1.0 / 3);

  const auto& closed = figure(e, 6, EdgeOfCareMeasure::case_closed);
  EXPECT_EQ(closed.all_with_outcome, 1u);      // S9 (S2's episode closed after its six months)
  EXPECT_EQ(closed.matched_with_outcome, 0u);
  EXPECT_DOUBLE_EQ(closed.comparison_proportion, 0.5 / 3);  // C2, weight 1/2
  EXPECT_EQ(closed.comparison_children_with_outcome, 1u);
}

TEST(EdgeOfCare, TwelveMonthsCensorsTheChildTheDataDoNotReach) {
  const Council c = council();
  const auto e = evaluate_edge_of_care(c.history, c.cin, c.list);
  // S3's twelve months would end 15/08/2024, after the data's 31/03/2024: censored.
  const auto& out = figure(e, 12, EdgeOfCareMeasure::out_of_care);
  EXPECT_EQ(out.all_followed_up, 3u);
  EXPECT_EQ(out.all_with_outcome, 2u);  // S2, S9
  EXPECT_EQ(out.matched_followed_up, 2u);
  EXPECT_EQ(out.matched_with_outcome, 1u);
  // S1's C1 entered care 01/12/2023, within S1's twelve months: out of care are C2 (1/2) and C3 (1).
  EXPECT_DOUBLE_EQ(out.comparison_proportion, 1.5 / 2);
  EXPECT_DOUBLE_EQ(out.comparison_effective_n, 4 / 1.5);  // Kish: 2^2 / (2 x 1/4 + 1), under 3 distinct
  EXPECT_EQ(out.comparison_children_with_outcome, 2u);
  const auto& became = figure(e, 12, EdgeOfCareMeasure::became_looked_after);
  EXPECT_DOUBLE_EQ(became.comparison_proportion, 0.25);
  EXPECT_DOUBLE_EQ(became.difference, 0.25);  // 1/2 - 1/4
  const auto& closed = figure(e, 12, EdgeOfCareMeasure::case_closed);
  EXPECT_EQ(closed.all_with_outcome, 2u);  // S2 (closed 01/09/2023), S9
  EXPECT_EQ(closed.matched_with_outcome, 1u);
  EXPECT_DOUBLE_EQ(closed.comparison_proportion, 0.25);
  const auto& plan = figure(e, 12, EdgeOfCareMeasure::protection_plan);
  EXPECT_DOUBLE_EQ(plan.comparison_proportion, 0.5);
}

TEST(EdgeOfCare, TablesDeclareTheirArithmetic) {
  const Council c = council();
  const auto e = evaluate_edge_of_care(c.history, c.cin, c.list);
  const auto t = edge_of_care_tables(e);
  ASSERT_EQ(t.tables.size(), 3u);
  ASSERT_EQ(t.specs.size(), 3u);
  EXPECT_EQ(t.tables[0].id, "edge_of_care_children");
  EXPECT_EQ(t.tables[1].id, "edge_of_care_outcomes");
  EXPECT_EQ(t.tables[2].id, "edge_of_care_comparison");
  EXPECT_EQ(t.tables[1].rows.size(), 8u);  // 2 horizons x 4 outcomes
  // Every declared relation holds on the figures (what disclosure control relies on).
  auto value = [&](const CellRef& r) {
    for (const auto& tab : t.tables)
      if (tab.id == r.table) return std::get<double>(tab.rows.at(r.row).at(r.column));
    throw std::runtime_error("no table " + r.table);
  };
  size_t sums = 0;
  for (const auto& rel : t.relations) {
    if (rel.kind == Relation::Kind::sum) {
      double parts = 0;
      for (size_t i = 1; i < rel.cells.size(); ++i) parts += value(rel.cells[i]);
      EXPECT_DOUBLE_EQ(value(rel.cells[0]), parts);
      ++sums;
    } else if (rel.kind == Relation::Kind::equal) {
      EXPECT_DOUBLE_EQ(value(rel.cells[0]), value(rel.cells[1]));
    }
  }
  EXPECT_EQ(sums, 1u + 2u + 2u * 2u);  // children: evaluated, 2 horizons; out + became, 2 tables x 2 horizons
  // 12 months, out of care, in the comparison: 75.0% against the supported 50.0%.
  const auto& cmp = t.tables[2];
  const auto& row = cmp.rows[4];
  EXPECT_EQ(std::get<double>(row[0]), 12);
  EXPECT_DOUBLE_EQ(std::get<double>(row[cmp.column_index("supported_percent")]), 50);
  EXPECT_DOUBLE_EQ(std::get<double>(row[cmp.column_index("comparison_percent")]), 75);
  EXPECT_DOUBLE_EQ(std::get<double>(row[cmp.column_index("difference_points")]), -25);
}
