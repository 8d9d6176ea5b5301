// A council's own returns beside published figures: synthetic returns whose numbers are known
// (the generator's ground truth) against a hand-made published table, through the API and through
// `careflow benchmark --returns`.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "careflow/benchmark/analysis.hpp"
#include "careflow/benchmark/own_data.hpp"
#include "careflow/synth/synth.hpp"
#include "shared_data.hpp"

using namespace careflow;
using namespace careflow::benchmark;
namespace fs = std::filesystem;

namespace {

Published val(double v) { return {v, Marker::value}; }
Published mark(Marker m) { return {std::nan(""), m}; }

AreaYear council(int la, int year, Published stock, Published starters, Published ceasers, Published pop, Published rate) {
  AreaYear a;
  a.year = year;
  a.level = Level::council;
  a.la_number = la;
  a.ons_code = "E0699" + std::to_string(la);
  a.name = "Council " + std::to_string(la);
  a.stock = stock; a.starters = starters; a.ceasers = ceasers; a.population = pop; a.rate = rate;
  return a;
}

struct Synthetic {
  fs::path dir;
  synth::GroundTruth truth;
  Synthetic() {
    synth::SynthOptions o;
    o.seed = 20250331;
    o.population = 180;
    o.first_year = 2022;
    o.last_year = 2025;
    o.threads = 1;
    std::random_device rd;
    dir = fs::temp_directory_path() / ("careflow_bm_own_" + std::to_string(rd()));
    truth = synth::generate(o, dir.string());
  }
  ~Synthetic() { std::error_code ec; fs::remove_all(dir, ec); }
  const synth::YearTruth& year(int y) const {
    for (auto& t : truth.years)
      if (t.year == y) return t;
    throw std::runtime_error("no year");
  }
};

const Synthetic& synthetic() {
  static const Synthetic s;
  return s;
}

}  // namespace

TEST(OwnData, ReturnsGiveTheGeneratorsCounts) {
  const auto& s = synthetic();
  const OwnData od = own_data_from_returns({s.dir.string()});
  EXPECT_EQ(od.errors, 0u);
  ASSERT_EQ(od.years.size(), 4u);
  for (auto& y : od.years) {
    SCOPED_TRACE(y.year);
    const auto& t = s.year(y.year);
    EXPECT_EQ(y.stock, t.looked_after_31_march);
    EXPECT_EQ(y.starters, t.starters);
    EXPECT_EQ(y.ceasers, t.ceasers);
  }
}

TEST(OwnData, SyntheticCouncilAgainstHandMadePublishedTable) {
  const auto& s = synthetic();
  const OwnData od = own_data_from_returns({s.dir.string()});
  const auto& t22 = s.year(2022), &t23 = s.year(2023), &t24 = s.year(2024), &t25 = s.year(2025);
  // Published table made by hand from the known truth: 2022 exact; 2023 stock one higher than the
  // returns give; 2024 starters suppressed ("c") and ceasers not applicable; 2025 rate published
  // one above what the own count gives with the published population (40,000 children).
  const double pop = 40000;
  auto rate_of = [&](int64_t n) { return std::floor(n / pop * 1e4 + 0.5); };
  PublicData d;
  d.cla.push_back(council(999, 2022, val(t22.looked_after_31_march), val(t22.starters), val(t22.ceasers), val(pop),
                          val(rate_of(t22.looked_after_31_march))));
  d.cla.push_back(council(999, 2023, val(t23.looked_after_31_march + 1), val(t23.starters), val(t23.ceasers), val(pop),
                          val(rate_of(t23.looked_after_31_march + 1))));
  d.cla.push_back(council(999, 2024, val(t24.looked_after_31_march), mark(Marker::suppressed),
                          mark(Marker::not_applicable), val(pop), val(rate_of(t24.looked_after_31_march))));
  d.cla.push_back(council(999, 2025, val(t25.looked_after_31_march), val(t25.starters), val(t25.ceasers), val(pop),
                          val(rate_of(t25.looked_after_31_march) + 1)));
  d.build_index();
  const auto c = compare_own(d, 999, od.years);
  ASSERT_EQ(c.size(), 16u);  // 4 years x (stock, starters, ceasers, rate)
  auto at = [&](int year, const std::string& m) -> const OwnComparison& {
    for (auto& x : c)
      if (x.year == year && x.measure == m) return x;
    throw std::runtime_error("missing");
  };
  for (auto m : {"stock", "starters", "ceasers", "rate_per_10000"}) EXPECT_FALSE(at(2022, m).disagrees) << m;
  EXPECT_TRUE(at(2023, "stock").disagrees);
  EXPECT_EQ(at(2023, "stock").difference, -1);
  EXPECT_EQ(at(2023, "stock").rounding_unit, 1);  // one council: too few to call the year rounded
  EXPECT_FALSE(at(2024, "starters").disagrees);
  EXPECT_FALSE(at(2024, "starters").published.has_value());
  EXPECT_EQ(at(2024, "starters").published_marker, "suppressed");
  EXPECT_EQ(at(2024, "ceasers").published_marker, "not applicable");
  EXPECT_FALSE(at(2025, "stock").disagrees);
  EXPECT_TRUE(at(2025, "rate_per_10000").disagrees);
  EXPECT_NEAR(at(2025, "rate_per_10000").own, t25.looked_after_31_march / pop * 1e4, 1e-12);
  int disagreements = 0;
  for (auto& x : c) disagreements += x.disagrees;
  // 2023: the stock and perhaps its rate (only if the extra child moves the whole number), 2025: the rate.
  const int rate23 = rate_of(t23.looked_after_31_march + 1) != rate_of(t23.looked_after_31_march);
  EXPECT_EQ(disagreements, 2 + rate23);
}

TEST(OwnData, BeyondRoundingWhenCountsArePublishedToTen) {
  // A release rounding every council count to 10 (25 councils, all multiples of 10): own x agrees
  // with published P when P - 5 <= x < P + 5, i.e. x would itself be published as P (half up).
  PublicData d;
  for (int i = 0; i < 25; ++i)
    d.cla.push_back(council(800 + i, 2030, val(330 + 10 * i), val(100), val(90), val(50000), val(66 + 2 * i)));
  // Another year with one unrounded count is exact.
  for (int i = 0; i < 25; ++i)
    d.cla.push_back(council(800 + i, 2031, val(330 + 10 * i + (i == 3)), val(100), val(90), val(50000), val(66)));
  d.build_index();
  EXPECT_EQ(council_rounding_unit(d, 2030, Measure::stock), 10);
  EXPECT_EQ(council_rounding_unit(d, 2031, Measure::stock), 1);
  EXPECT_EQ(council_rounding_unit(d, 2031, Measure::starters), 10);
  // 19 councils all multiples of 10 are not enough evidence (1 in 10^19 is, but 20 is the rule).
  PublicData few;
  for (int i = 0; i < 19; ++i) few.cla.push_back(council(800 + i, 2030, val(10 * i + 10), val(10), val(10), val(1), val(1)));
  few.build_index();
  EXPECT_EQ(council_rounding_unit(few, 2030, Measure::stock), 1);

  // Council 800 published 330 in 2030, population 50,000, rate 66 (330 / 50,000 x 10,000 = 66.0).
  auto stock = [&](long x) { return compare_own(d, 800, {{2030, x, 100, 90}})[0]; };
  EXPECT_FALSE(stock(325).disagrees);  // 325 rounds half up to 330
  EXPECT_FALSE(stock(334).disagrees);
  EXPECT_TRUE(stock(335).disagrees);   // would be published as 340
  EXPECT_TRUE(stock(324).disagrees);   // would be published as 320
  EXPECT_EQ(stock(334).tolerance, 5);
  EXPECT_EQ(stock(334).rounding_unit, 10);
  // The rate is a whole number: 332 / 50,000 x 10,000 = 66.4 -> 66 agrees; 333 -> 66.6 -> 67 and
  // 327 -> 65.4 -> 65 do not.
  EXPECT_FALSE(compare_own(d, 800, {{2030, 332, 100, 90}})[3].disagrees);
  EXPECT_TRUE(compare_own(d, 800, {{2030, 333, 100, 90}})[3].disagrees);
  EXPECT_TRUE(compare_own(d, 800, {{2030, 327, 100, 90}})[3].disagrees);  // 65.4 -> 65
  // Exactly on the half: population 40,000, 262 children = 65.5 per 10,000, published half up as 66.
  PublicData h;
  h.cla.push_back(council(800, 2030, val(262), val(1), val(1), val(40000), val(66)));
  h.build_index();
  EXPECT_FALSE(compare_own(h, 800, {{2030, 262, 1, 1}})[3].disagrees);
  h.cla[0].rate = val(65);
  h.build_index();
  EXPECT_TRUE(compare_own(h, 800, {{2030, 262, 1, 1}})[3].disagrees);
}

TEST(OwnData, CommandPutsOwnReturnsBesidePublished) {
  const auto& s = synthetic();
  // A reference folder holding only the CLA series, with the synthetic council (999) and two others.
  const fs::path ref = s.dir.string() + "_ref", out = s.dir.string() + "_out";
  const std::string log = s.dir.string() + "_log.txt";
  struct Cleanup {
    std::vector<fs::path> paths;
    ~Cleanup() { std::error_code ec; for (auto& p : paths) fs::remove_all(p, ec); }
  } cleanup{{ref, out, log}};
  fs::create_directories(ref / "england_cla");
  {
    std::ofstream f(ref / "england_cla/england_cla_la_timeseries_2010_to_2025_combined.csv");
    f << "year,geographic_level,old_la_code,new_la_code,la_name,cla_at_31_march,cla_started_during_year,"
         "cla_ceased_during_year,population_0_17_denominator,rate_per_10000_at_31_march,source\n";
    for (auto& t : s.truth.years) {
      f << t.year << ",National,,E92000001,England,80000,30000,30000,12000000,67,test\n";
      // 2023: published stock 7 lower than the returns give.
      const int64_t stock = t.looked_after_31_march - (t.year == 2023 ? 7 : 0);
      f << t.year << ",Local authority,999,E06000999,Synthshire," << stock << "," << t.starters << "," << t.ceasers
        << ",40000," << std::floor(stock / 4.0 + 0.5) << ",test\n";
      f << t.year << ",Local authority,998,E06000998,Otherton,500,200,190,60000,83,test\n";
      f << t.year << ",Local authority,997,E06000997,Thirdby,300,150,140,50000,60,test\n";
    }
  }
  const std::string cmd = std::string(CAREFLOW_CLI_PATH) + " benchmark --la 999 --year 2025 --returns " +
                          s.dir.string() + " --data " + ref.string() + " --out " + out.string() +
                          " --format csv,html > " + log + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream csv(out / "own_vs_published.csv");
  ASSERT_TRUE(csv) << "own_vs_published.csv not written";
  std::stringstream body;
  body << csv.rdbuf();
  // 4 years x 4 measures after the header.
  int lines = 0;
  for (std::string l; std::getline(body, l);) lines += !l.empty();
  EXPECT_EQ(lines, 17);
  body.clear();
  body.seekg(0);
  // The last column says whether the difference is beyond rounding: the 2023 stock (7 apart) and
  // its rate (own 1.75 per 10,000 above the unrounded published rate, so never within the 0.5
  // of rounding) only.
  int beyond = 0;
  for (std::string l; std::getline(body, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();  // CSV rows end in CRLF
    beyond += l.size() > 4 && l.substr(l.size() - 4) == ",yes";
  }
  EXPECT_EQ(beyond, 2) << body.str();
  std::ifstream html(out / "benchmark.html");
  std::stringstream hs;
  hs << html.rdbuf();
  // 2023 stock 7 apart, and its rate (7 children = 1.75 per 10,000 at 40,000) moves by 1 or 2: 2 disagreements of 16.
  EXPECT_NE(hs.str().find("Own returns against published figures: 14 of 16 comparisons agree"), std::string::npos);
  std::ifstream lg(log);
  std::stringstream ls;
  ls << lg.rdbuf();
  EXPECT_NE(ls.str().find("14 of 16"), std::string::npos) << ls.str();
}

TEST(OwnData, StartersByNeedAreTheGeneratorsStarters) {
  const auto& s = synthetic();
  const OwnData od = own_data_from_returns({s.dir.string()});
  ASSERT_EQ(od.starters_by_need.size(), 4u);
  for (auto& b : od.starters_by_need) {
    SCOPED_TRACE(b.year);
    // One category per period starting in the year: the totals are the generator's starters.
    EXPECT_EQ(b.total, s.year(b.year).starters);
    long sum = 0;
    for (auto& [code, n] : b.counts) {
      sum += n;
      EXPECT_TRUE(code == "Missing" || (code.size() == 2 && code[0] == 'N' && code[1] >= '1' && code[1] <= '8')) << code;
    }
    EXPECT_EQ(sum, b.total);
  }
  // Set beside the published shares on the benchmark page: tests/report/benchmark_page_test.cpp.
}

// benchmark --returns for a tiny council (about 6 looked after): its own counts of 1 to 5 --
// known from the generator's ground truth -- are withheld ("c"), with what would reveal them
// (the difference from the published figure, whether they agree, the own rate); nothing in 1 to
// 5 shows. With --no-suppression they show, equal to the ground truth, every row of every CSV
// says disclosure_control = off, and relations.json says so too.
TEST(OwnData, SmallOwnCountsAreWithheld) {
  synth::SynthOptions o;
  o.seed = 11;
  o.population = 6;
  o.first_year = 2022;
  o.last_year = 2025;
  o.threads = 1;
  o.postcodes = false;
  std::random_device rd;
  const fs::path dir = fs::temp_directory_path() / ("careflow_bm_small_" + std::to_string(rd()));
  const fs::path ref = dir.string() + "_ref", on = dir.string() + "_on", off = dir.string() + "_off";
  struct Cleanup {
    std::vector<fs::path> paths;
    ~Cleanup() { std::error_code ec; for (auto& p : paths) fs::remove_all(p, ec); }
  } cleanup{{dir, ref, on, off}};
  const auto truth = synth::generate(o, dir.string());
  std::map<std::pair<int, std::string>, int64_t> expected;
  int small = 0;
  for (const auto& t : truth.years)
    for (auto [m, v] : {std::pair{"stock", t.looked_after_31_march}, {"starters", t.starters}, {"ceasers", t.ceasers}}) {
      expected[{t.year, m}] = v;
      small += v >= 1 && v <= 5;
    }
  ASSERT_GT(small, 2) << "the council is meant to be small enough to have counts of 1 to 5";
  fs::create_directories(ref / "england_cla");
  {
    std::ofstream f(ref / "england_cla/england_cla_la_timeseries_2010_to_2025_combined.csv");
    f << "year,geographic_level,old_la_code,new_la_code,la_name,cla_at_31_march,cla_started_during_year,"
         "cla_ceased_during_year,population_0_17_denominator,rate_per_10000_at_31_march,source\n";
    for (auto& t : truth.years) {
      f << t.year << ",National,,E92000001,England,80000,30000,30000,12000000,67,test\n";
      f << t.year << ",Local authority,999,E06000999,Synthshire,7,4,4,40000,2,test\n";
      f << t.year << ",Local authority,998,E06000998,Otherton,500,200,190,60000,83,test\n";
    }
  }
  auto run = [&](const fs::path& out, const std::string& extra) {
    const std::string cmd = std::string(CAREFLOW_CLI_PATH) + " benchmark --la 999 --year 2025 --returns " + dir.string() +
                            " --data " + ref.string() + " --out " + out.string() + " --format csv,json " + extra + " > " +
                            out.string() + ".log 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    cleanup.paths.push_back(out.string() + ".log");
  };
  // Rows of own_vs_published.csv as fields.
  auto rows = [](const fs::path& path) {
    std::ifstream f(path);
    std::vector<std::vector<std::string>> out;
    for (std::string l; std::getline(f, l);) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      std::vector<std::string> fields;
      std::stringstream ss(l);
      for (std::string x; std::getline(ss, x, ',');) fields.push_back(x);
      out.push_back(fields);
    }
    return out;
  };
  run(on, "");
  const auto with = rows(on / "own_vs_published.csv");
  ASSERT_EQ(with.size(), 17u);  // header + 4 years x 4 measures
  ASSERT_EQ(with[0][2], "own");
  int withheld = 0;
  for (size_t r = 1; r < with.size(); ++r) {
    const int year = std::stoi(with[r][0]);
    const std::string m = with[r][1];
    SCOPED_TRACE(with[r][0] + " " + m);
    if (m != "rate_per_10000") {
      const int64_t v = expected.at({year, m});
      if (v >= 1 && v <= 5) {
        EXPECT_EQ(with[r][2], "c");
      }
      if (with[r][2] != "c") {
        EXPECT_EQ(std::stod(with[r][2]), double(v));
      }
    }
    if (with[r][2] == "c") {
      ++withheld;
      EXPECT_EQ(with[r][6], "c");  // own - published
      EXPECT_EQ(with[r][7], "c");  // beyond rounding
    }
  }
  EXPECT_GE(withheld, small);
  EXPECT_TRUE(fs::exists(on / "relations.json"));

  run(off, "--no-suppression");
  const auto without = rows(off / "own_vs_published.csv");
  ASSERT_EQ(without[0].back(), "disclosure_control");
  for (size_t r = 1; r < without.size(); ++r) {
    EXPECT_EQ(without[r].back(), "off");
    if (without[r][1] != "rate_per_10000") {
      EXPECT_EQ(std::stod(without[r][2]), double(expected.at({std::stoi(without[r][0]), without[r][1]})));
    }
  }
  for (const auto& entry : fs::directory_iterator(off))
    if (entry.path().extension() == ".csv") {
      const auto t = rows(entry.path());
      ASSERT_FALSE(t.empty());
      EXPECT_EQ(t[0].back(), "disclosure_control") << entry.path();
    }
  std::ifstream rel(off / "relations.json");
  std::stringstream rs;
  rs << rel.rdbuf();
  EXPECT_NE(rs.str().find("\"disclosure_control\":\"off\""), std::string::npos);
}
