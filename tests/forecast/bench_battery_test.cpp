// The forecast test bench in CI: the small councils among the bench's first twenty
// (synth::bench_council: dynamics drawn per council), written, read back and backtested with
// `careflow backtest`'s defaults, the points pooled. The whole battery of 40 (30 to 5,000 looked
// after) is bench/forecast_battery.cpp, and its table is in docs/forecast.md. These are today's
// models' figures: the test holds what must be true of any honest backtest on the bench, and
// that the bench is hard, not the figures themselves (issue #13 is to improve them).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "forecast/bench_battery.hpp"

using namespace careflow;

TEST(BenchBattery, SmallCouncilsPooled) {
#if defined(CAREFLOW_SANITIZED) || defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the battery takes minutes under the sanitizers; the release build runs it";
#endif
  forecast::BacktestSettings settings;  // careflow backtest's defaults: 200 runs, horizons 1-3
  std::vector<forecast::BacktestPoint> points;
  int councils = 0;
  for (int i = 0; i < 20; ++i) {
    if (synth::bench_council(i).population > 500) continue;
    const auto r = bench_battery::run_council(i, settings, std::filesystem::temp_directory_path());
    ASSERT_TRUE(r.usable) << "council " << i;
    points.insert(points.end(), r.points.begin(), r.points.end());
    ++councils;
  }
  // Golden-ratio sizes (synth::bench_council, 30 x (5000/30)^frac(0.5 + 0.618i)): indices 0, 1,
  // 3, 6, 8, 9, 11, 13, 14, 16, 17 and 19 of the first twenty are at most 500 (387, 55, 184, 87,
  // 291, 41, 138, 462, 65, 219, 31, 104).
  ASSERT_EQ(councils, 12);
  const auto summary = forecast::summarise(points);

  // Every council has 2015/16-2024/25: origins 31 March 2018 (three years of data before) to
  // 2024, so 7 one-year, 6 two-year and 5 three-year forecasts of its total, never of zero.
  for (const char* model : {"naive", "stock_flow", "microsim"}) {
    ASSERT_NE(bench_battery::find(summary, model, "total", 1), nullptr) << model;
    EXPECT_EQ(bench_battery::find(summary, model, "total", 1)->n, 7u * 12);
    EXPECT_EQ(bench_battery::find(summary, model, "total", 2)->n, 6u * 12);
    EXPECT_EQ(bench_battery::find(summary, model, "total", 3)->n, 5u * 12);
  }
  // Finite figures; coverage a proportion, and the 95% interval holds the 80% one, so covers
  // at least as often.
  for (const auto& s : summary) {
    EXPECT_TRUE(std::isfinite(s.mape) && std::isfinite(s.bias)) << s.model << " " << s.measure;
    EXPECT_GE(s.mape, 0.0);
    if (s.model == "naive") {
      EXPECT_EQ(s.cover80, -1.0);  // no interval
      continue;
    }
    EXPECT_GE(s.cover80, 0.0) << s.model << " " << s.measure;
    EXPECT_LE(s.cover95, 100.0) << s.model << " " << s.measure;
    EXPECT_LE(s.cover80, s.cover95) << s.model << " " << s.measure << " " << s.horizon;
  }
  // The bench is hard. Entries move by up to 6% a year and the mix shifts, so "no change" is
  // further out at three years than at one (a steady council's stock barely moves, and then the
  // two would be alike).
  const auto* naive1 = bench_battery::find(summary, "naive", "total", 1);
  const auto* naive3 = bench_battery::find(summary, "naive", "total", 3);
  EXPECT_GT(naive3->mape, naive1->mape * 1.3);
  // And "no change" is not beaten everywhere: of the microsimulation's measures (the total, four
  // categories, the legal-status groups) at least one is forecast less accurately than by no
  // change (issue #13: full care orders, section 20).
  int worse = 0, measures = 0;
  for (const auto& s : summary) {
    if (s.model != "microsim" || s.horizon != 0) continue;
    const auto* naive = bench_battery::find(summary, "naive", s.measure, 0);
    ASSERT_NE(naive, nullptr) << s.measure;
    ++measures, worse += s.mape > naive->mape;
  }
  EXPECT_GE(measures, 9);
  EXPECT_GE(worse, 1);
  EXPECT_LT(worse, measures);  // nor is the microsimulation worse at everything
  // The presented forecast (the average of the microsimulation and no change) is what careflow
  // puts forward because over the 40-council bench it beat no change at every horizon
  // (docs/forecast.md §5; councils under 150: 7.20 / 9.91 / 11.82 against 7.47 / 10.64 / 12.77).
  // On these twelve too, pooled over origins (measured: 5.93 / 7.95 / 9.98 against 6.51 / 9.20 /
  // 11.12; the microsimulation's 5.76 / 7.99 / 10.46).
  for (int h = 1; h <= 3; ++h) {
    const auto* presented = bench_battery::find(summary, "presented", "total", h);
    const auto* naive = bench_battery::find(summary, "naive", "total", h);
    ASSERT_NE(presented, nullptr) << h;
    EXPECT_LT(presented->mape, naive->mape) << h;
  }
}
