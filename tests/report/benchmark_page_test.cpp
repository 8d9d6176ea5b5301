// The benchmark page (report/benchmark_page): every table and chart on the real public data, and
// a council's own starters by category of need set beside the published shares. (The analyses it
// presents are tested in tests/benchmark/.)
#include "careflow/report/benchmark_page.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <set>
#include <string>

#include "benchmark/shared_data.hpp"
#include "careflow/benchmark/own_data.hpp"
#include "careflow/synth/synth.hpp"

using namespace careflow;
namespace fs = std::filesystem;

TEST(BenchmarkPage, BuildsEveryTableAndChart) {
  REQUIRE_SHARED_DATA_WITH(d, true);
  const auto rep = report::build_benchmark_report(*d, 805, 2025, {{2025, 332, 126, 131}});
  std::set<std::string> ids;
  for (auto& t : rep.tables) ids.insert(t.id);
  for (auto id : {"comparison", "other_measures", "trend", "funnel", "funnel_outside", "need_model", "need_adjusted",
                  "reduced_over_five_years", "own_vs_published", "boundary_changes", "cin_cp_finance",
                  "starters_by_need", "starters_by_legal_status", "ceasers_by_reason", "cin_cp_trend", "cin_cp_funnel",
                  "cpp_starts_by_category", "cpp_at31_by_category", "assessment_factors", "referral_sources"})
    EXPECT_TRUE(ids.count(id)) << id;
  // The own figures are the published ones: every comparison agrees, and the page says so.
  EXPECT_NE(rep.html.find("Own returns against published figures: 4 of 4 comparisons agree"), std::string::npos);
  EXPECT_EQ(rep.own_summary, "Own returns against published figures: 4 of 4 comparisons agree within published rounding.");
  // need_adjusted carries both intervals: the NB one contains the Poisson one for Hartlepool.
  for (auto& t : rep.tables)
    if (t.id == "need_adjusted")
      for (auto& r : t.rows)
        if (std::get<double>(r[0]) == 805) {
          EXPECT_LT(std::get<double>(r[11]), std::get<double>(r[7]));
          EXPECT_GT(std::get<double>(r[12]), std::get<double>(r[8]));
        }
  // Five charts and a funnel plot for each of the six CIN and child protection rates, no scripts
  // or external resources.
  size_t svgs = 0;
  for (size_t p = 0; (p = rep.html.find("<svg", p)) != std::string::npos; ++p) ++svgs;
  EXPECT_EQ(svgs, 11u);
  EXPECT_EQ(rep.html.find("<script"), std::string::npos);
  EXPECT_EQ(rep.html.find("http://"), rep.html.find("http://www.w3.org/2000/svg"));
}

TEST(BenchmarkPage, OwnStartersByNeedBesidePublishedShares) {
  // Four years of a small synthetic council's returns (as tests/benchmark/own_data_test.cpp).
  synth::SynthOptions o;
  o.seed = 20250331;
  o.population = 180;
  o.first_year = 2022;
  o.last_year = 2025;
  o.threads = 1;
  std::random_device rd;
  const fs::path dir = fs::temp_directory_path() / ("careflow_page_own_" + std::to_string(rd()));
  struct Cleanup {
    fs::path p;
    ~Cleanup() { std::error_code ec; fs::remove_all(p, ec); }
  } cleanup{dir};
  synth::generate(o, dir.string());
  const benchmark::OwnData od = benchmark::own_data_from_returns({dir.string()});
  ASSERT_EQ(od.starters_by_need.size(), 4u);
  REQUIRE_SHARED_DATA(d);
  // The published starters table stops in 2022, which the synthetic returns cover. (Without
  // disclosure control, to see every own number.)
  const auto rep = report::build_benchmark_report(*d, 805, 2025, od.years, od.starters_by_need, {}, false);
  const OutputTable* t = nullptr;
  for (auto& x : rep.tables)
    if (x.id == "starters_by_need") t = &x;
  ASSERT_TRUE(t);
  ASSERT_EQ(t->columns.back().name, "own_share");
  const auto& b22 = od.starters_by_need[0];
  ASSERT_EQ(b22.year, 2022);
  double n = 0, share = 0;
  for (auto& r : t->rows) {
    n += std::get<double>(r[r.size() - 2]);
    share += std::get<double>(r.back());
  }
  // Blank codes have a row of their own ("Not recorded (own returns)"), so the own numbers add up
  // to every period starting in 2022 and the shares to 100.
  EXPECT_EQ(n, double(b22.total));
  EXPECT_NEAR(share, 100.0, 1e-9);
}

