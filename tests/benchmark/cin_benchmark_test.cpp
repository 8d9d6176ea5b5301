// The Children in Need and child protection benchmark (issue #15 item 7): the published measures
// read from the CIN census tables for a known council (figures read from the CSVs by hand), a
// CIN rate's funnel limits computed independently, a reference folder without one of the files,
// and a council's own figures computed from a hand-built CIN timeline.
#include <gsl/gsl_cdf.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "careflow/api/ingest.hpp"
#include "careflow/benchmark/direct_measures.hpp"
#include "careflow/benchmark/own_cin.hpp"
#include "careflow/report/benchmark_page.hpp"
#include "careflow/synth/synth.hpp"
#include "shared_data.hpp"

using namespace careflow;
using namespace careflow::benchmark;
namespace fs = std::filesystem;

namespace {

const DirectMeasure& measure(const std::string& code) {
  for (auto& m : direct_measures())
    if (m.code == code) return m;
  throw std::runtime_error("no measure " + code);
}

const OutputTable& table(const report::BenchmarkReport& r, const std::string& id) {
  for (const auto& t : r.tables)
    if (t.id == id) return t;
  throw std::runtime_error("no table " + id);
}

size_t column(const OutputTable& t, const std::string& id) {
  for (size_t i = 0; i < t.columns.size(); ++i)
    if (t.columns[i].name == id) return i;
  throw std::runtime_error("no column " + id);
}

// The row of a breakdown comparison whose characteristic is `name`.
const BreakdownComparison& row(const std::vector<BreakdownComparison>& b, const std::string& name) {
  for (const auto& x : b)
    if (x.characteristic == name) return x;
  throw std::runtime_error("no characteristic " + name);
}

Date ymd(int y, int m, int d) { return Date::from_ymd(y, m, d); }

}  // namespace

TEST(CinBenchmark, PublishedMeasuresOfAKnownCouncil) {
  REQUIRE_SHARED_DATA(d);
  // Hartlepool (805). Population 0-17 (CLA series): 21,090 in 2025.
  // c4 2025: 948 section 47s, 304 ICPCs; durations c, 287, 7, c (so the 15-day share is suppressed).
  EXPECT_NEAR(direct_value(*d, measure("s47"), 805, "", 2025).value(), 948.0 / 21090 * 1e4, 1e-9);  // 449.5
  EXPECT_NEAR(direct_value(*d, measure("icpc"), 805, "", 2025).value(), 304.0 / 21090 * 1e4, 1e-9);
  std::string why;
  EXPECT_FALSE(direct_value(*d, measure("icpc_within_15wd"), 805, "", 2025, &why));
  EXPECT_EQ(why, "suppressed");  // a sum with a suppressed band is suppressed, never partial
  // c4 2024: bands 15, 223, 19, 10: (15 + 223) / 267.
  EXPECT_NEAR(direct_value(*d, measure("icpc_within_15wd"), 805, "", 2024).value(), 238.0 / 267 * 100, 1e-9);
  // England 2025: 6,240 + 52,430 of 6,240 + 52,430 + 6,430 + 6,990 = 81.4%.
  EXPECT_NEAR(direct_value(*d, measure("icpc_within_15wd"), 0, "", 2025).value(), 58670.0 / 72090 * 100, 1e-9);
  // c2 2022 (the last year of the table): Hartlepool 6 + 160 + 238 + 350 + 580 + 303 = 1,637 of
  // 1,869 within 45 working days; England 545,020 of 645,070.
  EXPECT_NEAR(direct_value(*d, measure("assessments_within_45wd"), 805, "", 2022).value(), 1637.0 / 1869 * 100, 1e-9);
  EXPECT_NEAR(direct_value(*d, measure("assessments_within_45wd"), 0, "", 2022).value(), 545020.0 / 645070 * 100, 1e-9);
  EXPECT_EQ(direct_latest_year(*d, measure("assessments_within_45wd"), 2025), 2022);
  // c1 2025: 536 re-referrals, 0.6% no further action. d5 2025: 2 years or more "c"; England 2.3%.
  EXPECT_EQ(d->direct.at("rereferrals").at_council(805, 2025)->value, 536);
  EXPECT_EQ(direct_value(*d, measure("referrals_nfa_pct"), 805, "", 2025).value(), 0.6);
  EXPECT_FALSE(direct_value(*d, measure("cpp_at31_2yrs_pct"), 805, "", 2025));
  EXPECT_EQ(direct_value(*d, measure("cpp_at31_2yrs_pct"), 0, "", 2025).value(), 2.3);
  EXPECT_EQ(d->direct.at("cpp_subsequent").at_council(805, 2025)->value, 78);

  // Breakdowns. d2 2022: 225 plans started, initial category 161 neglect, physical and sexual
  // "c", 47 emotional abuse.
  EXPECT_EQ(breakdown_year(*d, "cpp_starts_by_category", 2025), 2022);
  const auto starts = compare_breakdown(*d, 805, 2022, "cpp_starts_by_category", "Initial category of abuse");
  ASSERT_EQ(starts.size(), 5u);
  EXPECT_NEAR(row(starts, "Neglect").council_share.value(), 161.0 / 225 * 100, 1e-9);
  EXPECT_NEAR(row(starts, "Emotional").council_share.value(), 47.0 / 225 * 100, 1e-9);
  EXPECT_EQ(row(starts, "Sexual").council_marker, "suppressed");
  EXPECT_EQ(row(starts, "Multiple").council_share.value(), 0);
  // England 2022: 64,390 started, 30,280 neglect.
  EXPECT_NEAR(row(starts, "Neglect").england.value(), 30280.0 / 64390 * 100, 1e-9);
  // d4 2022, latest category at 31 March: 180 plans, 139 neglect, 6 physical, 0 sexual, 35 emotional.
  const auto at31 = compare_breakdown(*d, 805, 2022, "cpp_at31_by_category", "Latest category of abuse");
  EXPECT_NEAR(row(at31, "Neglect").council_share.value(), 139.0 / 180 * 100, 1e-9);
  EXPECT_NEAR(row(at31, "Physical").council_share.value(), 6.0 / 180 * 100, 1e-9);
  EXPECT_EQ(row(at31, "Sexual").council_share.value(), 0);
  EXPECT_NEAR(row(at31, "Emotional").council_share.value(), 35.0 / 180 * 100, 1e-9);
  // c3 2025: 2,097 episodes with factors; domestic abuse of a parent 815; c5 2022: 1,970
  // referrals, 600 from the police.
  const auto factors = compare_breakdown(*d, 805, 2025, "assessment_factors", "Factor identified at the end of assessment");
  EXPECT_EQ(factors.size(), 39u);
  EXPECT_NEAR(row(factors, "Domestic abuse: parent").council_share.value(), 815.0 / 2097 * 100, 1e-9);
  EXPECT_NEAR(row(factors, "Alcohol misuse: child").council_share.value(), 25.0 / 2097 * 100, 1e-9);
  EXPECT_NO_THROW(row(factors, "Physical abuse child on child"));
  const auto sources = compare_breakdown(*d, 805, 2022, "referral_sources", "Source of referral");
  EXPECT_EQ(sources.size(), 11u);
  EXPECT_NEAR(row(sources, "Police").council_share.value(), 600.0 / 1970 * 100, 1e-9);

  // On the page: every CIN measure's latest year, its trend from 2013, and the funnel rows.
  const auto rep = report::build_benchmark_report(*d, 805, 2025);
  const auto& cc = table(rep, "cin_cp_finance");
  EXPECT_EQ(cc.rows.size(), direct_measures().size());
  const auto& tr = table(rep, "cin_cp_trend");
  size_t s47_years = 0;
  for (const auto& r : tr.rows) s47_years += std::get<std::string>(r[column(tr, "code")]) == "s47";
  EXPECT_EQ(s47_years, 13u);  // 2013-2025
  const auto& fu = table(rep, "cin_cp_funnel");
  size_t hartlepool = 0;
  for (const auto& r : fu.rows) hartlepool += std::get<double>(r[column(fu, "la_number")]) == 805;
  EXPECT_EQ(hartlepool, 6u);  // one point in each of the six rate funnels
  EXPECT_NE(rep.html.find("Funnel plot, 2025: Section 47 enquiries started"), std::string::npos);
  const auto& fac = table(rep, "assessment_factors");
  // Largest England share first: 2025 mental health of a parent 171,780 of 513,250 episodes, then
  // domestic abuse (parent) 162,890, emotional abuse 97,700.
  EXPECT_EQ(std::get<std::string>(fac.rows[0][0]), "Mental health: parent");
  EXPECT_EQ(std::get<std::string>(fac.rows[1][0]), "Domestic abuse: parent");
  EXPECT_EQ(std::get<std::string>(fac.rows[2][0]), "Emotional abuse");
  EXPECT_NEAR(std::get<double>(fac.rows[0][column(fac, "england")]), 171780.0 / 513250 * 100, 1e-9);
}

TEST(CinBenchmark, FunnelLimitsOfSection47RateComputedIndependently) {
  REQUIRE_SHARED_DATA(d);
  const Funnel f = direct_funnel(*d, 2025, measure("s47"));
  // The centre from the councils' counts and populations, summed here.
  double count = 0, population = 0;
  for (const auto* a : d->councils_in(2025)) {
    const Published* n = d->direct.at("s47").at_council(a->la_number, 2025);
    if (n && n->has() && a->population.has()) {
      count += n->value;
      population += a->population.value;
    }
  }
  EXPECT_EQ(f.points.size() + f.excluded.size(), d->councils_in(2025).size());
  EXPECT_NEAR(f.national_rate, count / population * 1e4, 1e-9);
  // Close to England's published 230,590 over 12,183,016 (189.3): councils' counts are unrounded.
  EXPECT_NEAR(f.national_rate, 230590.0 / 12183016 * 1e4, 0.5);
  const auto p = std::find_if(f.points.begin(), f.points.end(), [](const FunnelPoint& x) { return x.la_number == 805; });
  ASSERT_NE(p, f.points.end());
  EXPECT_EQ(p->count, 948);
  EXPECT_EQ(p->population, 21090);
  // Garwood limits through GSL's chi-square quantiles (not the code's own gamma inversion):
  // L = chi2(a; 2E) / 2, U = chi2(1 - a; 2E + 2) / 2, as rates per 10,000.
  const double e = f.national_rate / 1e4 * 21090, k = 1e4 / 21090;
  EXPECT_NEAR(p->lo95, gsl_cdf_chisq_Pinv(0.025, 2 * e) / 2 * k, 1e-6);
  EXPECT_NEAR(p->hi95, gsl_cdf_chisq_Pinv(0.975, 2 * e + 2) / 2 * k, 1e-6);
  EXPECT_NEAR(p->lo998, gsl_cdf_chisq_Pinv(0.001, 2 * e) / 2 * k, 1e-6);
  EXPECT_NEAR(p->hi998, gsl_cdf_chisq_Pinv(0.999, 2 * e + 2) / 2 * k, 1e-6);
  // 449.5 per 10,000 against a centre near 189: far above the exact 99.8% limit.
  EXPECT_EQ(p->outside, 2);
  // Overdispersed limits: theta +/- 3.0902 sqrt(theta / n + tau2).
  const double theta = f.national_rate / 1e4, half = 3.090232306167813 * std::sqrt(theta / 21090 + f.tau2);
  EXPECT_NEAR(p->od_hi998, (theta + half) * 1e4, 1e-9);
}

TEST(CinBenchmark, MissingFileIsSaidAndTheRestRuns) {
  if (!shared_reference().file(kClaSeries)) GTEST_SKIP() << "shared reference data not found";
  // The reference folder as it is, but without table c4 (section 47s and ICPCs).
  const auto shared = published_file_reader(shared_reference());
  const PublishedFileReader without_c4 = [&](const char* file) {
    if (std::string(file) == kCinC4) return PublishedFile{std::nullopt, "c4 is not in the reference data folder"};
    return shared(file);
  };
  const PublicData d = load_public_data(without_c4, {false});
  ASSERT_EQ(std::count(d.missing.begin(), d.missing.end(), "c4 is not in the reference data folder"), 1);
  const auto rep = report::build_benchmark_report(d, 805, 2025);
  const auto& cc = table(rep, "cin_cp_finance");
  for (const auto& r : cc.rows) {
    const auto& label = std::get<std::string>(r[0]);
    if (label.find("(c4)") != std::string::npos) {
      EXPECT_EQ(std::get<std::string>(r[column(cc, "council_note")]), "file not in the reference data (data_notes)");
    }
    if (label.find("(CIN census b1)") != std::string::npos) {
      EXPECT_NEAR(std::get<double>(r[column(cc, "council")]), 1341.0 / 21090 * 1e4, 1e-9);
    }
  }
  const auto& notes = table(rep, "data_notes");
  EXPECT_EQ(std::get<std::string>(notes.rows[0][0]), "c4 is not in the reference data folder");
  // Four rate funnels remain (children in need, referrals, plans started and at 31 March).
  const auto& fu = table(rep, "cin_cp_funnel");
  size_t hartlepool = 0;
  for (const auto& r : fu.rows) hartlepool += std::get<double>(r[column(fu, "la_number")]) == 805;
  EXPECT_EQ(hartlepool, 4u);
}

namespace {

// Four children over two collection years (2023/24 and 2024/25), built by hand; the figures each
// test expects are worked out in the comments.
cin::Timeline hand_built_timeline() {
  cin::Timeline t;
  t.years = {CollectionYear{2024}, CollectionYear{2025}};
  auto episode = [](Date referral, Date closure = Date::open()) {
    cin::EpisodeOfNeed e;
    e.referral = referral;
    e.closure = closure;
    return e;
  };
  auto plan = [](Date start, Date end, std::optional<int> previous) {
    cin::ProtectionPlan p;
    p.start = start;
    p.end = end;
    p.previous_plans = previous;
    return p;
  };
  // A: referred 10 May 2023 and again exactly twelve months later (a re-referral); a section 47
  // and its conference; a first plan, open at 31 March 2025.
  cin::CinChild a;
  a.id = "A";
  a.episodes.push_back(episode(ymd(2023, 5, 10), ymd(2023, 8, 1)));
  a.episodes.push_back(episode(ymd(2024, 5, 10)));
  a.episodes[1].section47s.push_back({ymd(2024, 5, 12), std::nullopt, ymd(2024, 5, 30), false});
  a.episodes[1].protection_plans.push_back(plan(ymd(2024, 5, 30), Date::open(), 0));
  // B: referred 29 February 2024 and again 28 February 2025 (twelve months before that is 28
  // February 2024: a re-referral); a section 47 on 1 March 2025 with no conference yet.
  cin::CinChild b;
  b.id = "B";
  b.episodes.push_back(episode(ymd(2024, 2, 29), ymd(2024, 3, 10)));
  b.episodes.push_back(episode(ymd(2025, 2, 28)));
  b.episodes[1].section47s.push_back({ymd(2025, 3, 1), std::nullopt, std::nullopt, false});
  // C: referred 1 June 2023 and 2 June 2024 (twelve months and a day: not a re-referral); a
  // conference on transfer in (episode level, no section 47); a third plan (two before), ended
  // on 31 March 2025, so not open at 31 March.
  cin::CinChild c;
  c.id = "C";
  c.episodes.push_back(episode(ymd(2023, 6, 1), ymd(2023, 7, 1)));
  c.episodes.push_back(episode(ymd(2024, 6, 2)));
  c.episodes[1].icpc = ymd(2024, 6, 20);
  c.episodes[1].protection_plans.push_back(plan(ymd(2024, 7, 1), ymd(2025, 3, 31), 2));
  // D: referred 1 April 2024 (the first day of 2024/25); a section 47 whose conference on 20
  // April is also recorded at episode level (one conference); a plan then (previous plans not
  // recorded) ended in October, and a second plan from December, open at 31 March.
  cin::CinChild dd;
  dd.id = "D";
  dd.episodes.push_back(episode(ymd(2024, 4, 1)));
  dd.episodes[0].section47s.push_back({ymd(2024, 4, 2), std::nullopt, ymd(2024, 4, 20), false});
  dd.episodes[0].icpc = ymd(2024, 4, 20);
  dd.episodes[0].protection_plans.push_back(plan(ymd(2024, 4, 20), ymd(2024, 10, 1), std::nullopt));
  dd.episodes[0].protection_plans.push_back(plan(ymd(2024, 12, 1), Date::open(), 1));
  t.children = {a, b, c, dd};
  return t;
}

}  // namespace

TEST(CinBenchmark, OwnFiguresFromAHandBuiltTimeline) {
  const auto own = own_cin_years(hand_built_timeline());
  ASSERT_EQ(own.size(), 2u);
  // 2023/24: referrals A, B, C; the first year read, so re-referrals are not known.
  EXPECT_EQ(own[0].year, 2024);
  EXPECT_EQ(own[0].referrals, 3);
  EXPECT_FALSE(own[0].rereferrals);
  EXPECT_EQ(own[0].section47s, 0);
  EXPECT_EQ(own[0].cpp_at31, 0);
  // 2024/25: referrals A, B, C, D; re-referrals A and B; section 47s A, B, D; conferences A, C
  // (transfer in), D (once); plans A, C, D, D; second or subsequent C and D's second; D's first
  // not recorded; at 31 March A and D (C ended that day).
  const auto& y = own[1];
  EXPECT_EQ(y.year, 2025);
  EXPECT_EQ(y.referrals, 4);
  EXPECT_EQ(y.rereferrals.value(), 2);
  EXPECT_EQ(y.section47s, 3);
  EXPECT_EQ(y.icpcs, 3);
  EXPECT_EQ(y.cpp_starts, 4);
  EXPECT_EQ(y.cpp_starts_subsequent, 2);
  EXPECT_EQ(y.cpp_starts_previous_unknown, 1);
  EXPECT_EQ(y.cpp_at31, 2);
  EXPECT_EQ(twelve_months_before(ymd(2024, 2, 29)), ymd(2023, 2, 28));

  // A year whose previous return was not read has no re-referrals.
  auto t = hand_built_timeline();
  t.years = {CollectionYear{2025}};
  EXPECT_FALSE(own_cin_years(t)[0].rereferrals);
}

TEST(CinBenchmark, OwnFiguresBesidePublished) {
  // A hand-made published table for one council (LA 805) and year: population 20,000.
  PublicData d;
  AreaYear a;
  a.year = 2025;
  a.la_number = 805;
  a.name = "Council";
  a.stock = {100, Marker::value};
  a.population = {20000, Marker::value};
  d.cla.push_back(a);
  d.build_index();
  auto put = [&](const char* code, Published p) { d.direct[code].council[{805, 2025}] = p; };
  put("referrals", {4, Marker::value});             // agrees
  put("rereferrals", {3, Marker::value});           // own 2: one too many published
  put("rereferral_pct", {50.0, Marker::value});     // own 2/4 = 50.0%: agrees
  put("s47", {std::nan(""), Marker::suppressed});   // never a disagreement
  put("icpc", {3, Marker::value});
  put("cpp_starts", {4, Marker::value});
  put("cpp_subsequent", {2, Marker::value});
  put("cpp_subsequent_pct", {50.1, Marker::value}); // own 50.0 would be published 50.0: disagrees
  d.direct["cpp_at31"].council[{806, 2025}] = {10, Marker::value};  // another council's; none for 805
  const auto own = own_cin_years(hand_built_timeline());
  const auto c = compare_own_cin(d, 805, {own[1]});
  ASSERT_EQ(c.size(), 9u);
  auto at = [&](const std::string& code) -> const OwnCinComparison& {
    for (const auto& x : c)
      if (x.measure == code) return x;
    throw std::runtime_error(code);
  };
  EXPECT_FALSE(at("referrals").disagrees);
  EXPECT_EQ(at("referrals").own_rate.value(), 4.0 / 20000 * 1e4);  // 2.0 per 10,000
  EXPECT_TRUE(at("rereferrals").disagrees);
  EXPECT_EQ(at("rereferrals").difference, -1);
  EXPECT_FALSE(at("rereferral_pct").disagrees);
  EXPECT_FALSE(at("s47").disagrees);
  EXPECT_EQ(at("s47").published_marker, "suppressed");
  EXPECT_FALSE(at("icpc").disagrees);
  EXPECT_TRUE(at("cpp_subsequent_pct").disagrees);
  EXPECT_NEAR(at("cpp_subsequent_pct").difference, -0.1, 1e-9);
  EXPECT_EQ(at("cpp_at31").published_marker, "no published value");
  EXPECT_FALSE(at("cpp_at31").disagrees);
  // The rounding rule for percentages: 66.65 <= x < 66.75 is published 66.7.
  put("rereferrals", {2, Marker::value});
  put("rereferral_pct", {66.7, Marker::value});
  OwnCinYear y3;
  y3.year = 2025;
  y3.referrals = 3;
  y3.rereferrals = 2;  // 66.67%
  for (const auto& x : compare_own_cin(d, 805, {y3}))
    if (x.measure == "rereferral_pct") EXPECT_FALSE(x.disagrees);
  put("rereferral_pct", {66.6, Marker::value});
  for (const auto& x : compare_own_cin(d, 805, {y3}))
    if (x.measure == "rereferral_pct") EXPECT_TRUE(x.disagrees);
}

TEST(CinBenchmark, OwnCountsOfOneToFiveAreWithheld) {
  REQUIRE_SHARED_DATA(d);
  // Hartlepool 2025 as published (c1, c4, d3, d5), except 3 re-referrals (a small count) and
  // 300 conferences (published 304).
  OwnCinYear y;
  y.year = 2025;
  y.referrals = 2020;
  y.rereferrals = 3;
  y.section47s = 948;
  y.icpcs = 300;
  y.cpp_starts = 241;
  y.cpp_starts_subsequent = 78;
  y.cpp_at31 = 173;
  for (bool suppression : {true, false}) {
    const auto rep = report::build_benchmark_report(*d, 805, 2025, {}, {}, {}, suppression, {y});
    const auto& t = table(rep, "own_cin_vs_published");
    ASSERT_EQ(t.rows.size(), 9u);
    const size_t own = column(t, "own"), code = column(t, "code"), agrees = column(t, "disagrees");
    for (const auto& r : t.rows) {
      const auto& c = std::get<std::string>(r[code]);
      if (c == "rereferrals" || c == "rereferral_pct") {
        EXPECT_EQ(std::holds_alternative<Suppressed>(r[own]), suppression) << c;
        EXPECT_EQ(std::holds_alternative<Suppressed>(r[agrees]), suppression) << c;
      } else {
        EXPECT_TRUE(std::holds_alternative<double>(r[own])) << c;
      }
      if (c == "referrals" || c == "s47" || c == "cpp_subsequent_pct")
        EXPECT_EQ(std::get<std::string>(r[agrees]), "no") << c;
      if (c == "icpc") EXPECT_EQ(std::get<std::string>(r[agrees]), "yes");
    }
    if (suppression) {
      // 7 comparisons shown (referrals, s47, icpc, plans started, subsequent, %, at 31 March).
      EXPECT_NE(rep.own_summary.find("6 of 7 comparisons agree"), std::string::npos) << rep.own_summary;
      EXPECT_NE(rep.own_summary.find("2025 icpc (own 300, published 304)"), std::string::npos) << rep.own_summary;
      EXPECT_NE(rep.own_summary.find("2 more rest on an own count of 1 to 5"), std::string::npos) << rep.own_summary;
    }
  }
}

// A synthetic council's CIN census returns (synth --cin), read as `careflow benchmark --returns`
// reads them: the own figures are the generator's own counts, kept as it simulated (docs/synth.md),
// and the command sets them beside a hand-made published table with two planted differences.
TEST(CinBenchmark, OwnFiguresAreTheGeneratorsCounts) {
  synth::SynthOptions o;
  o.seed = 20250331;
  o.population = 120;
  o.first_year = 2023;
  o.last_year = 2025;
  o.threads = 1;
  o.postcodes = false;
  o.cin = true;
  std::random_device rd;
  const fs::path dir = fs::temp_directory_path() / ("careflow_cin_bench_" + std::to_string(rd()));
  const fs::path ref = dir.string() + "_ref", out = dir.string() + "_out";
  struct Cleanup {
    std::vector<fs::path> paths;
    ~Cleanup() { std::error_code ec; for (auto& p : paths) fs::remove_all(p, ec); }
  } cleanup{{dir, ref, out, out.string() + ".log"}};
  const auto truth = synth::generate(o, dir.string());
  ASSERT_EQ(truth.cin_years.size(), 3u);

  api::IngestRequest q;
  q.returns.inputs = {dir.string()};
  q.summary = false;
  const auto ing = api::ingest(api::Config{}, q);
  ASSERT_TRUE(ing.has_cin());
  const auto own = own_cin_years(ing.cin);
  ASSERT_EQ(own.size(), 3u);
  for (size_t i = 0; i < own.size(); ++i) {
    const auto& y = own[i];
    const auto& t = truth.cin_years[i];
    SCOPED_TRACE(y.year);
    ASSERT_EQ(y.year, t.year);
    EXPECT_EQ(y.referrals, t.referrals);
    // The first year read has no look-back. Later years: the generator counts a previous
    // referral at most 365 days before; twelve calendar months (DfE's "within 12 months") are 366
    // days across a 29 February, so the referrals whose previous one is exactly a leap year before
    // are re-referrals here and not in the generator's count.
    if (i == 0) {
      EXPECT_FALSE(y.rereferrals);
    } else {
      long leap = 0;
      const CollectionYear cy{y.year};
      for (const auto& c : ing.cin.children)
        for (size_t e = 1; e < c.episodes.size(); ++e) {
          const Date r = c.episodes[e].referral, prev = c.episodes[e - 1].referral;
          leap += r >= cy.start() && r <= cy.end() && r - prev == 366 && prev >= twelve_months_before(r);
        }
      EXPECT_EQ(y.rereferrals.value(), t.rereferrals + leap) << leap << " a leap year apart";
    }
    EXPECT_EQ(y.section47s, t.section47s);
    EXPECT_EQ(y.icpcs, t.icpcs);
    EXPECT_EQ(y.cpp_starts, t.cpp_starts);
    EXPECT_EQ(y.cpp_starts_subsequent, t.cpp_second_or_subsequent);
    EXPECT_EQ(y.cpp_at31, t.cpp_at_31_march);
  }

  // careflow benchmark --returns, against a published table made from the truth: 2025 referrals
  // one higher than the returns give, 2024 plans at 31 March one lower; everything else equal.
  fs::create_directories(ref / "england_cla");
  fs::create_directories(ref / "england_cin");
  {
    std::ofstream f(ref / kClaSeries);
    f << "year,geographic_level,old_la_code,new_la_code,la_name,cla_at_31_march,cla_started_during_year,"
         "cla_ceased_during_year,population_0_17_denominator,rate_per_10000_at_31_march,source\n";
    for (const auto& t : truth.years) {
      f << t.year << ",National,,E92000001,England,80000,30000,30000,12000000,67,test\n";
      f << t.year << ",Local authority,999,E06000999,Synthshire," << t.looked_after_31_march << "," << t.starters << ","
        << t.ceasers << ",40000,1,test\n";
      f << t.year << ",Local authority,998,E06000998,Otherton,500,200,190,60000,83,test\n";
    }
  }
  const std::string head = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
                           "region_name,old_la_code,new_la_code,la_name,category,";
  auto la_row = [](int year) { return std::to_string(year) + ",Reporting year,Local authority,E92000001,England,,,999,E06000999,Synthshire,x,"; };
  {
    std::ofstream c1(ref / kCinC1), c4(ref / kCinC4), d3(ref / kCinD3), d5(ref / kCinD5);
    c1 << head << "referral_count,rereferral_count,rereferral_percent\n";
    c4 << head << "Section47,ICPC\n";
    d3 << head << "CPP_start,CPP_subsequent,CPP_subsequent_percent\n";
    d5 << head << "CPP_At31\n";
    for (const auto& t : truth.cin_years) {
      const auto pct = [](double n, double d) { return d > 0 ? fmt::format("{:.1f}", std::floor(n / d * 1000 + 0.5) / 10) : "z"; };
      c1 << la_row(t.year) << t.referrals + (t.year == 2025) << "," << t.rereferrals << ","
         << pct(t.rereferrals, t.referrals) << "\n";
      c4 << la_row(t.year) << t.section47s << "," << t.icpcs << "\n";
      d3 << la_row(t.year) << t.cpp_starts << "," << t.cpp_second_or_subsequent << ","
         << pct(t.cpp_second_or_subsequent, t.cpp_starts) << "\n";
      d5 << la_row(t.year) << t.cpp_at_31_march - (t.year == 2024) << "\n";
    }
  }
  const std::string cmd = std::string(CAREFLOW_CLI_PATH) + " benchmark --la 999 --year 2025 --returns " + dir.string() +
                          " --data " + ref.string() + " --out " + out.string() + " --format csv > " + out.string() +
                          ".log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream csv(out / "own_cin_vs_published.csv");
  ASSERT_TRUE(csv) << "own_cin_vs_published.csv not written";
  std::vector<std::string> beyond;
  size_t rows = 0;
  for (std::string l; std::getline(csv, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (++rows == 1 || l.empty()) continue;
    if (l.size() > 4 && l.substr(l.size() - 4) == ",yes") beyond.push_back(l.substr(0, 4) + " " + l.substr(5, l.find(',', 5) - 5));
  }
  // 2023: 7 rows (no re-referrals); 2024 and 2025: 9 each; after the header.
  EXPECT_EQ(rows, 1u + 7 + 9 + 9);
  // The two planted differences, and the 2025 re-referral percentage if one more referral moves
  // its rounding (it does not when the planted referral leaves it within the same 0.1).
  ASSERT_GE(beyond.size(), 2u);
  EXPECT_EQ(beyond[0], "2024 Children on a child protection plan at 31 March");
  EXPECT_EQ(beyond[1], "2025 Referrals");
  std::ifstream lg(out.string() + ".log");
  std::stringstream ls;
  ls << lg.rdbuf();
  EXPECT_NE(ls.str().find("Own CIN census returns against published figures"), std::string::npos) << ls.str();
}
