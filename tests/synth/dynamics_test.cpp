// careflow synth's dynamics (docs/synth.md, "Dynamics"): each change does what it says, from when
// it says, and nothing before. Each test compares a council with the change against the same
// seed without it: the children unaffected have the same histories, so the differences are the
// change's alone, and the expected sizes are derived below from the generator's documented rates.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "careflow/synth/model.hpp"
#include "careflow/synth/synth.hpp"

using namespace careflow;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("careflow_dynamics_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(p);
  return p;
}

synth::GroundTruth run(const synth::SynthOptions& o, const std::string& name) {
  const fs::path dir = temp_dir(name);
  auto g = synth::generate(o, dir.string());
  fs::remove_all(dir);
  return g;
}

synth::SynthOptions council(int population, uint64_t seed) {
  synth::SynthOptions o;
  o.seed = seed, o.population = population, o.postcodes = false;
  o.first_year = 2016, o.last_year = 2025;
  return o;
}

const synth::YearTruth& year(const synth::GroundTruth& g, int y) {
  for (const auto& x : g.years)
    if (x.year == y) return x;
  throw std::runtime_error("no year");
}

int64_t court_exits(const synth::YearTruth& y) {
  int64_t n = 0;
  for (const char* rec : {"E11", "E12", "E41", "E45", "E46", "E47", "E48"})
    if (auto it = y.ceasers_by_rec.find(rec); it != y.ceasers_by_rec.end()) n += it->second;
  return n;
}

}  // namespace

TEST(SynthDynamics, CourtProgressByHand) {
  synth::Dynamics d;
  d.backlog_from = 2021, d.backlog_to = 2021, d.backlog_slowdown = 1.0;  // 1 April 2020 - 31 March 2021, half speed
  const Date jan = Date::from_ymd(2020, 1, 1);
  // 200 days of progress from 1 January 2020: 91 days to 1 April (31 + 29 + 31), then the other
  // 109 at half speed, 218 days: 1 April 2020 + 218 = 5 November 2020.
  EXPECT_EQ(synth::court_progress(jan, jan + 200, d), Date::from_ymd(2020, 11, 5));
  // 400 days: 91 before, the backlog's 365 days give 182.5 of progress, the remaining 126.5 after
  // it: 1 April 2021 + 126.5 = 5 August 2021 (day 126 after, rounded down).
  EXPECT_EQ(synth::court_progress(jan, jan + 400, d), Date::from_ymd(2021, 4, 1) + 126);
  // Finished before the backlog, or begun after it: as drawn.
  EXPECT_EQ(synth::court_progress(jan, jan + 80, d), jan + 80);
  const Date after = Date::from_ymd(2021, 5, 1);
  EXPECT_EQ(synth::court_progress(after, after + 300, d), after + 300);
  // Without a backlog: as drawn.
  EXPECT_EQ(synth::court_progress(jan, jan + 400, synth::Dynamics{}), jan + 400);
}

TEST(SynthDynamics, NoneByDefaultAndRecordedWhenDrawn) {
  EXPECT_FALSE(synth::Dynamics{}.any());
  auto o = council(60, 3);
  o.first_year = 2024;
  const fs::path plain = temp_dir("plain"), drawn = temp_dir("drawn");
  synth::generate(o, plain.string());
  auto std_json = nlohmann::json::parse(std::ifstream(plain / "ground_truth.json"));
  EXPECT_FALSE(std_json.contains("dynamics"));
  synth::draw_dynamics(o);
  auto again = council(60, 3);
  again.first_year = 2024;
  synth::draw_dynamics(again);
  EXPECT_EQ(again.trend_per_year, o.trend_per_year);  // the same seed draws the same dynamics
  EXPECT_EQ(again.dynamics.turn_year, o.dynamics.turn_year);
  ASSERT_TRUE(o.dynamics.any());
  synth::generate(o, drawn.string());
  auto j = nlohmann::json::parse(std::ifstream(drawn / "ground_truth.json"));
  ASSERT_TRUE(j.contains("dynamics"));
  EXPECT_DOUBLE_EQ(j["dynamics"]["trend_per_year"].get<double>(), o.trend_per_year);
  EXPECT_EQ(j["dynamics"]["entries_turn"]["year"].get<int>(), o.dynamics.turn_year);
  fs::remove_all(plain), fs::remove_all(drawn);
}

TEST(SynthDynamics, BenchCouncilsSpanSmallToLarge) {
  // log-uniform over 30..5,000 by the golden-ratio sequence: 40 councils put 8 (a fifth) in each
  // fifth of the log range, give or take one, so some under 83 (30 x 166.7^0.2) and some over 1,800.
  int small = 0, large = 0;
  for (int i = 0; i < 40; ++i) {
    const auto o = synth::bench_council(i);
    EXPECT_GE(o.population, 30);
    EXPECT_LE(o.population, 5000);
    small += o.population < 83, large += o.population > 1800;
    EXPECT_EQ(o.first_year, 2016);
    EXPECT_EQ(o.last_year, 2025);
  }
  EXPECT_GE(small, 7);
  EXPECT_GE(large, 7);
}

TEST(SynthDynamics, EdgeOfCareCutsTeenageEntriesFromItsStart) {
  // From 1 April 2020 half the new children aged 10 or over (not UASC) stay at home. Among new
  // children 87% are not UASC and 39.8% of those are 10 or over (the generator's age weights
  // .286 + .112), so 34.6% of arrivals, which are 93% of starters: starters fall by about
  // 0.5 x 0.346 x 0.93 = 16% (ratio 0.84; sd of the ratio about 0.005 at 3,000 starters).
  // Before the service nothing moves: the children it keeps at home had not yet arrived.
  auto o = council(1500, 4);
  const auto before = run(o, "edge_off");
  o.dynamics.edge_of_care_year = 2021, o.dynamics.edge_of_care_cut = 0.5;
  const auto after = run(o, "edge_on");
  for (int y = 2016; y <= 2020; ++y) {
    EXPECT_EQ(year(after, y).starters, year(before, y).starters) << y;
    EXPECT_EQ(year(after, y).looked_after_31_march, year(before, y).looked_after_31_march) << y;
  }
  int64_t a = 0, b = 0;
  for (int y = 2021; y <= 2025; ++y) a += year(after, y).starters, b += year(before, y).starters;
  const double ratio = static_cast<double>(a) / static_cast<double>(b);
  EXPECT_GT(ratio, 0.80);
  EXPECT_LT(ratio, 0.88);
}

TEST(SynthDynamics, CourtBacklogDelaysOrders) {
  // Proceedings at half speed from 1 April 2020 to 31 March 2022 (2020/21 and 2021/22): its two
  // years give one year's progress. Court exits (adoption E11/E12, child arrangements E41,
  // special guardianship E45-E48) take 1-2.5 years, so most that would have ended in those two
  // years began before them: those due in the first year of progress end within the backlog,
  // those due in the second a year late, in 2022/23. So the backlog's two years have about half
  // their court exits (those starting inside it end later still: a little under half), and
  // 2022/23 more than without (2021/22's, put off, in place of its own, put off in turn, and
  // those begun in the backlog, delayed by less than a year): between 1 and 2 times.
  // Periods ending before 1 April 2020 are untouched: every year before is the same.
  auto o = council(3000, 5);
  const auto before = run(o, "court_off");
  o.dynamics.backlog_from = 2021, o.dynamics.backlog_to = 2022, o.dynamics.backlog_slowdown = 1.0;
  const auto after = run(o, "court_on");
  for (int y = 2016; y <= 2020; ++y) {
    EXPECT_EQ(year(after, y).ceasers, year(before, y).ceasers) << y;
    EXPECT_EQ(court_exits(year(after, y)), court_exits(year(before, y))) << y;
  }
  const double during = static_cast<double>(court_exits(year(after, 2021)) + court_exits(year(after, 2022))) /
                        static_cast<double>(court_exits(year(before, 2021)) + court_exits(year(before, 2022)));
  EXPECT_GT(during, 0.35);
  EXPECT_LT(during, 0.60);
  const double catch_up = static_cast<double>(court_exits(year(after, 2023))) / static_cast<double>(court_exits(year(before, 2023)));
  EXPECT_GT(catch_up, 1.1);
  EXPECT_LT(catch_up, 2.0);
  // Children wait in care: more are looked after at 31 March 2022.
  EXPECT_GT(year(after, 2022).looked_after_31_march, year(before, 2022).looked_after_31_march);
}

TEST(SynthDynamics, PlacementMixShifts) {
  // From 2015/16 to the end of 2017/18 (full from then): 40% of the foster placements drawn for
  // children of 10 or over become children's homes, and 30 points of foster placements move from
  // in-house carers (56% -> 26%) to agencies (36% -> 66%). By 31 March 2025 nearly every
  // placement was drawn after the shifts. Children of 10 or over are about 60% of those looked
  // after and about two thirds of their placements are foster care (the age-band weights), so
  // homes gain about 0.4 x 0.6 x 0.67 = 16 points at most; fewer (moves out of homes are drawn
  // at the usual rates, and children placed under 10 keep their carers): we ask for 6 or more.
  // Unrelated foster care (U4-U6) is about half of those looked after, and 30 points of it move
  // from in-house carers to agencies: about 15 points; private providers (PR4) gain those and
  // three quarters of the new children's homes (the generator's provider weights for K2), so up
  // to 15 + 0.75 x 16 = 27 points; in-house (PR1) loses 7 or more.
  auto o = council(1500, 6);
  const auto before = run(o, "mix_off");
  o.dynamics.residential_from = 2016, o.dynamics.residential_to = 2018, o.dynamics.to_residential = 0.4;
  o.dynamics.agency_from = 2016, o.dynamics.agency_to = 2018, o.dynamics.to_agency = 0.3;
  const auto after = run(o, "mix_on");
  const auto& pb = before.calibration.at("Placement at 31 March (%)");
  const auto& pa = after.calibration.at("Placement at 31 March (%)");
  const std::string homes = "Secure units, children's homes, semi-independent (K1, K2)";
  EXPECT_GT(pa.at(homes) - pb.at(homes), 6.0);
  EXPECT_LT(pa.at(homes) - pb.at(homes), 16.0);
  const auto& vb = before.calibration.at("Provider at 31 March (%)");
  const auto& va = after.calibration.at("Provider at 31 March (%)");
  EXPECT_GT(va.at("Private (PR4)") - vb.at("Private (PR4)"), 7.0);
  EXPECT_LT(va.at("Private (PR4)") - vb.at("Private (PR4)"), 27.0);
  EXPECT_LT(va.at("Own LA (PR1)"), vb.at("Own LA (PR1)") - 7.0);
}

TEST(SynthDynamics, EntriesTurn) {
  // Flat from 2020/21 (trend 0), rising 5% a year before: arrivals in 2015/16 are
  // 1 + 0.05 x (2016 - 2021) = 0.75 of 2024/25's. Starters, with re-entries lagging, about the
  // same (sd of the ratio about 0.036 at 750 and 1,000 starters).
  auto o = council(0, 7);
  o.children_per_year = 1000;
  o.dynamics.turn_year = 2021, o.dynamics.trend_before = 0.05;
  const auto g = run(o, "turn");
  const double ratio = static_cast<double>(year(g, 2016).starters) / static_cast<double>(year(g, 2025).starters);
  EXPECT_GT(ratio, 0.62);
  EXPECT_LT(ratio, 0.88);
}

TEST(SynthDynamics, CommandLineRefusesAMalformedChange) {
  const auto dir = temp_dir("cli");
  const std::string cli = CAREFLOW_CLI_PATH;
  const std::string base = cli + " synth -o " + dir.string() + " --years 2024-2025 --population 40 --no-postcodes ";
  // Exit 2 (the command line is unusable), and the option named.
  const std::string bad = base + "--edge-of-care 2021 > /dev/null 2> " + (dir.string() + ".err");
  EXPECT_EQ(WEXITSTATUS(std::system(bad.c_str())), 2);
  std::stringstream err;
  err << std::ifstream(dir.string() + ".err").rdbuf();
  EXPECT_NE(err.str().find("--edge-of-care"), std::string::npos) << err.str();
  EXPECT_EQ(WEXITSTATUS(std::system((base + "--court-backlog 2024-2025:abc > /dev/null 2>&1").c_str())), 2);
  EXPECT_EQ(WEXITSTATUS(std::system((base + "--to-agency 2024-2025:0.9 > /dev/null 2>&1").c_str())), 2);
  ASSERT_EQ(std::system((base + "--dynamics drawn --court-backlog 2024-2025:0.5 > /dev/null").c_str()), 0);
  auto j = nlohmann::json::parse(std::ifstream(dir / "ground_truth.json"));
  EXPECT_EQ(j["dynamics"]["court_backlog"]["from_year"].get<int>(), 2024);
  EXPECT_DOUBLE_EQ(j["dynamics"]["court_backlog"]["slowdown"].get<double>(), 0.5);
  fs::remove_all(dir), fs::remove(dir.string() + ".err");
}
