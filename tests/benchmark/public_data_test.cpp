// Suppression markers, council lookups and boundary changes in the published series.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "shared_data.hpp"

using namespace careflow;
using namespace careflow::benchmark;

TEST(Markers, KeptWithTheirMeaningNeverZero) {
  EXPECT_EQ(parse_published("x").marker, Marker::suppressed);
  EXPECT_EQ(parse_published("c").marker, Marker::suppressed);
  EXPECT_EQ(parse_published("z").marker, Marker::not_applicable);
  EXPECT_EQ(parse_published("..").marker, Marker::not_available);
  EXPECT_EQ(parse_published(":").marker, Marker::not_available);  // older releases (c5, Cornwall 2014)
  EXPECT_EQ(parse_published(".").marker, Marker::not_available);
  EXPECT_EQ(parse_published("").marker, Marker::not_available);
  EXPECT_EQ(parse_published("-").marker, Marker::negligible);
  EXPECT_EQ(parse_published("k").marker, Marker::negligible);        // EES: a percentage below 0.5
  EXPECT_EQ(parse_published("u").marker, Marker::low_reliability);   // EES: low reliability
  EXPECT_EQ(marker_meaning(Marker::low_reliability), "low reliability");
  EXPECT_EQ(parse_published("n/a").marker, Marker::unreadable);
  for (auto s : {"x", "c", "z", "..", ".", "-", "", "k", "u"}) EXPECT_TRUE(std::isnan(parse_published(s).value)) << s;
  EXPECT_EQ(parse_published(" 72,670 ").value, 72670);
  EXPECT_EQ(parse_published("0").value, 0);
  EXPECT_TRUE(parse_published("0").has());
  EXPECT_EQ(marker_meaning(Marker::suppressed), "suppressed");
}

TEST(Markers, CountsInTheCombinedSeries) {
  REQUIRE_SHARED_DATA(d);
  // Counted with grep/Python over the file: the stock column holds 32 "z" and 2 "c".
  int z = 0, c = 0, unreadable = 0;
  for (auto& a : d->cla) {
    z += a.stock.marker == Marker::not_applicable;
    c += a.stock.marker == Marker::suppressed;
    unreadable += a.stock.marker == Marker::unreadable;
  }
  EXPECT_EQ(z, 32);
  EXPECT_EQ(c, 2);
  EXPECT_EQ(unreadable, 0);
  EXPECT_TRUE(d->problems.empty());
  EXPECT_EQ(d->cla.size(), 2645u);
}

TEST(Councils, FoundByCodeNumberOrName) {
  REQUIRE_SHARED_DATA(d);
  EXPECT_EQ(d->find_council("E06000001"), 805);
  EXPECT_EQ(d->find_council("805"), 805);
  EXPECT_EQ(d->find_council("hartlepool"), 805);
  // Gateshead was recoded in 2013; both codes find it.
  EXPECT_EQ(d->find_council("E08000020"), 390);
  EXPECT_EQ(d->find_council("E08000037"), 390);
  EXPECT_EQ(d->find_council("Nowhere"), 0);
}

TEST(Boundaries, EveryCouncilOnceAndNoneDoubleCounted) {
  REQUIRE_SHARED_DATA(d);
  for (int y = 2010; y <= 2025; ++y) {
    std::multiset<int> seen;
    double sum = 0;
    for (auto* a : d->councils_in(y)) {
      seen.insert(a->la_number);
      if (a->stock.has()) sum += a->stock.value;
    }
    for (int la : seen) EXPECT_EQ(seen.count(la), 1u) << la << " in " << y;
    for (auto& ch : boundary_changes()) {
      for (int p : ch.predecessors) EXPECT_EQ(seen.count(p), y < ch.first_year ? 1u : 0u) << p << " in " << y;
      for (int s : ch.successors) EXPECT_EQ(seen.count(s), y >= ch.first_year ? 1u : 0u) << s << " in " << y;
    }
    // England's count is published rounded to 10 (to 100 in 2010); the councils reporting that
    // year must add up to it. Counting Dorset or Northamptonshire twice would add hundreds.
    const AreaYear* e = d->national_year(y);
    ASSERT_NE(e, nullptr);
    EXPECT_LE(std::abs(sum - e->stock.value), y == 2010 ? 50 : 5) << y;
  }
}

TEST(Boundaries, DeprivationFollowsRecodedAndSplitCouncils) {
  REQUIRE_SHARED_DATA(d);
  // IoD2019 gives Northamptonshire (E10000021) an IDACI score of 0.142; both successors inherit it.
  EXPECT_DOUBLE_EQ(d->deprivation(d->idaci_score_2019, "E06000061").value(), 0.142);
  EXPECT_DOUBLE_EQ(d->deprivation(d->idaci_score_2019, "E06000062").value(), 0.142);
  // North Yorkshire recoded in 2023 (E10000023 -> E06000065): 0.099.
  EXPECT_DOUBLE_EQ(d->deprivation(d->idaci_score_2019, "E06000065").value(), 0.099);
  EXPECT_FALSE(d->deprivation(d->idaci_score_2019, "E99999999").has_value());
}

TEST(Reference, MissingFolderIsReportedPlainly) {
  const auto d = load_public_data(careflow::published_file_reader(careflow::ReferenceFolder::at("/nonexistent/careflow-reference")));
  EXPECT_TRUE(d.cla.empty());
  ASSERT_FALSE(d.missing.empty());
  EXPECT_NE(d.missing[0].find(kClaSeries), std::string::npos) << d.missing[0];
}
