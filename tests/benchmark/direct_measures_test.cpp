// CIN census, S251 table A1 and the starters/ceasers characteristics tables read directly:
// published figures reproduced from the files (values read from the CSVs and checked by hand).
#include <gtest/gtest.h>

#include "careflow/benchmark/direct_measures.hpp"
#include "shared_data.hpp"

using namespace careflow::benchmark;

namespace {
const DirectMeasure& measure(const std::string& code) {
  for (auto& m : direct_measures())
    if (m.code == code) return m;
  throw std::runtime_error("no measure " + code);
}
}  // namespace

TEST(S251, SubtotalAndMemorandumLinesAreExcluded) {
  // Totals in both numbering schemes (2014-15 "16 Total ...", later "3.1.11 Total ...").
  EXPECT_TRUE(s251_line_excluded("3.1.11 Total Children Looked After"));
  EXPECT_TRUE(s251_line_excluded("16 Total Children Looked After"));
  EXPECT_TRUE(s251_line_excluded("21 Total  Safeguarding Children and Young People's Services"));
  EXPECT_TRUE(s251_line_excluded("33 CHILDREN AND YOUNG PEOPLE'S SERVICES EXPENDITURE(excluding CERA)"));
  EXPECT_TRUE(s251_line_excluded("5.0.2 TOTAL CHILDREN AND YOUNG PEOPLE'S SERVICES EXPENDITURE(excluding CERA)"));
  EXPECT_TRUE(s251_line_excluded("8a.2 Teenage pregnancy services (included in 3.5.1 and 3.5.2 above)"));
  EXPECT_TRUE(s251_line_excluded("4.0.1 Capital Expenditure from Revenue (CERA) (Children's and young people services)"));
  EXPECT_FALSE(s251_line_excluded("3.1.1 Residential care"));
  EXPECT_FALSE(s251_line_excluded("3.1.2a Fostering services (excluding fees and allowances for LA foster carers)"));
  EXPECT_FALSE(s251_line_excluded("6. Residential care"));
  EXPECT_FALSE(s251_line_excluded("3.0.4 Other spend on children under 5"));
}

TEST(S251, DetailLinesAddUpToThePublishedTotals) {
  REQUIRE_SHARED_DATA(d);
  const auto& cla = d->direct.at("s251_cla_net");
  const auto& cyp = d->direct.at("s251_cyp_net");
  // Hartlepool (805), 2018-19: the file's own total lines are 3.1.11 Total Children Looked After
  // 11,233,283.41 and 5.0.2 (excluding CERA) 23,558,622.48; the detail lines must sum to them.
  EXPECT_NEAR(cla.at_council(805, 2019)->value, 11233283.41, 0.01);
  EXPECT_NEAR(cyp.at_council(805, 2019)->value, 23558622.48, 0.01);
  // 2014-15 numbering: Hartlepool's 16 Total Children Looked After is 7,036,432, its 33 total 21,073,358.
  EXPECT_NEAR(cla.at_council(805, 2015)->value, 7036432, 0.01);
  EXPECT_NEAR(cyp.at_council(805, 2015)->value, 21073358, 0.01);
  // The file has no England rows: England is the sum over its 152 councils (Python, separately:
  // 4,658,513,078.59 on children looked after in 2018-19).
  EXPECT_NEAR(cla.at_england(2019)->value, 4658513078.59, 1.0);
  // Per child looked after at 31 March 2019: Hartlepool 285 children; England 78,140.
  const auto& m = measure("s251_cla_net");
  EXPECT_NEAR(direct_value(*d, m, 805, "", 2019).value(), 11233283.41 / 285, 0.01);
  EXPECT_NEAR(direct_value(*d, m, 0, "", 2019).value(), 4658513078.59 / 78140, 0.01);
  // No S251 in the reference data for 2025: missing, with the reason.
  std::string why;
  EXPECT_FALSE(direct_value(*d, m, 805, "", 2025, &why));
  EXPECT_EQ(why, "no published value");
}

TEST(Cin, PublishedFiguresReproduced) {
  REQUIRE_SHARED_DATA(d);
  // England 2025 as published: children in need at 31 March 402,400 (b1); referrals 632,830 with
  // 22.6% re-referrals (c1); 61,840 plans started, 24.5% second or subsequent (d3); 49,420 plans
  // at 31 March (d5). Population 0-17 from the CLA series: 12,183,016.
  EXPECT_EQ(d->direct.at("cin_at31").at_england(2025)->value, 402400);
  EXPECT_EQ(d->direct.at("referrals").at_england(2025)->value, 632830);
  EXPECT_EQ(d->direct.at("cpp_starts").at_england(2025)->value, 61840);
  EXPECT_EQ(d->direct.at("cpp_at31").at_england(2025)->value, 49420);
  EXPECT_NEAR(direct_value(*d, measure("cin_at31"), 0, "", 2025).value(), 402400.0 / 12183016 * 1e4, 1e-9);  // 330.3
  EXPECT_EQ(direct_value(*d, measure("rereferral_pct"), 0, "", 2025).value(), 22.6);
  EXPECT_EQ(direct_value(*d, measure("cpp_subsequent_pct"), 0, "", 2025).value(), 24.5);
  // England's b1 series as published 2013-2025 (13 years).
  EXPECT_EQ(d->direct.at("cin_at31").england.size(), 13u);
  EXPECT_EQ(d->direct.at("cin_at31").at_england(2013)->value, 378030);

  // Hartlepool 2025: 1,341 in need, 26.5% re-referrals, 241 plans started (32.4% subsequent),
  // 173 plans at 31 March; population 21,090. North East: 20.7% re-referrals, 27.2% subsequent.
  const auto c = compare_direct(*d, 805, 2025, measure("cin_at31"));
  EXPECT_NEAR(c.council.value(), 1341.0 / 21090 * 1e4, 1e-9);  // 635.8
  EXPECT_NEAR(c.region.value(), 24470.0 / 542710 * 1e4, 1e-9);
  EXPECT_NEAR(c.england.value(), 402400.0 / 12183016 * 1e4, 1e-9);
  EXPECT_EQ(c.neighbours_found + c.neighbours_missing, 10);
  const auto r = compare_direct(*d, 805, 2025, measure("rereferral_pct"));
  EXPECT_EQ(r.council.value(), 26.5);
  EXPECT_EQ(r.region.value(), 20.7);
  EXPECT_EQ(compare_direct(*d, 805, 2025, measure("cpp_subsequent_pct")).council.value(), 32.4);
  EXPECT_NEAR(compare_direct(*d, 805, 2025, measure("cpp_at31")).council.value(), 173.0 / 21090 * 1e4, 1e-9);
  EXPECT_NEAR(compare_direct(*d, 805, 2025, measure("cpp_starts")).council.value(), 241.0 / 21090 * 1e4, 1e-9);
}

TEST(Breakdowns, StartersByNeedWithSuppressionKept) {
  REQUIRE_SHARED_DATA(d);
  EXPECT_EQ(breakdown_year(*d, "starters", 2025), 2022);
  EXPECT_EQ(breakdown_year(*d, "ceasers", 2025), 2024);
  const auto b = compare_breakdown(*d, 805, 2022, "starters", "Category of need");
  ASSERT_EQ(b.size(), 8u);  // N1 to N8 ("Total" is the denominator)
  auto at = [&](const std::string& prefix) -> const BreakdownComparison& {
    for (auto& x : b)
      if (x.characteristic.rfind(prefix, 0) == 0) return x;
    throw std::runtime_error(prefix);
  };
  // Hartlepool 2022: 97 started; N1 abuse or neglect 75 (77%), N4 0, N5 "c". England 31,010; N1
  // 17,870 (58%); N7 low income 40, published percentage "k" (below 0.5%).
  EXPECT_NEAR(at("N1").council_share.value(), 75.0 / 97 * 100, 1e-9);
  EXPECT_NEAR(at("N1").england.value(), 17870.0 / 31010 * 100, 1e-9);
  EXPECT_EQ(at("N4").council_share.value(), 0);  // a published zero is zero
  EXPECT_FALSE(at("N5").council_share);          // suppressed is missing, never zero
  EXPECT_EQ(at("N5").council_marker, "suppressed");
  EXPECT_NEAR(at("N7").england.value(), 40.0 / 31010 * 100, 1e-9);
  EXPECT_EQ(at("N1").neighbours_found + at("N1").neighbours_missing, 10);

  const auto legal = compare_breakdown(*d, 805, 2022, "starters", "Legal status");
  EXPECT_EQ(legal.size(), 10u);
  // Ceasers 2024 by reason: Hartlepool 114 ceased, 10 adopted, 27 special guardianship;
  // England 33,620, 2,980 adopted.
  const auto c = compare_breakdown(*d, 805, 2024, "ceasers", "Reason episode ceased");
  for (auto& x : c) {
    if (x.characteristic == "Adopted") {
      EXPECT_NEAR(x.council_share.value(), 10.0 / 114 * 100, 1e-9);
      EXPECT_NEAR(x.england.value(), 2980.0 / 33620 * 100, 1e-9);
    }
    if (x.characteristic == "Special guardianship orders") {
      EXPECT_NEAR(x.council_share.value(), 27.0 / 114 * 100, 1e-9);
    }
  }
  EXPECT_EQ(c.size(), 17u);
}
