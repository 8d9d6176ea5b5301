// The forecast test bench, whole: backtests the battery of synthetic councils (40 by default,
// 30 to 5,000 looked after, dynamics drawn per council: synth::bench_council) from every origin
// and prints the pooled MAPE, bias and interval coverage of each model for the total, each
// placement category and each legal-status group, as the Markdown table in docs/forecast.md
// ("The test bench"). Not a Google Benchmark: it measures accuracy, not time, and runs for
// several minutes, so never in CI (tests/forecast/bench_battery_test.cpp runs a small battery).
//
//   build/bench/bench_forecast_battery [--councils 40] [--runs 200] [--scratch /tmp] [--seed 1] [--trend-change-sd 0]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>

#include "../tests/forecast/bench_battery.hpp"

using namespace careflow;

namespace {

std::string dynamics_text(const synth::SynthOptions& o) {
  const auto& d = o.dynamics;
  std::string s = fmt::format("trend {:+.1f}%/yr", 100 * o.trend_per_year);
  if (d.turn_year && d.trend_before != 0) s += fmt::format(", {:+.1f}%/yr before {}", 100 * d.trend_before, d.turn_year);
  if (d.edge_of_care_year) s += fmt::format(", edge of care {} -{:.0f}% of 10+", d.edge_of_care_year, 100 * d.edge_of_care_cut);
  if (d.backlog_from) s += fmt::format(", court backlog {}-{} x{:.2f}", d.backlog_from, d.backlog_to, 1 + d.backlog_slowdown);
  if (d.residential_from)
    s += fmt::format(", fostering to homes {}-{} {:.0f}%", d.residential_from, d.residential_to, 100 * d.to_residential);
  if (d.agency_from) s += fmt::format(", in-house to IFA {}-{} {:.0f}%", d.agency_from, d.agency_to, 100 * d.to_agency);
  return s;
}

std::string pct(const forecast::BacktestSummary* s, double forecast::BacktestSummary::*field, bool sign = false) {
  if (!s || ((s->*field) < 0 && field != &forecast::BacktestSummary::bias)) return "";  // no interval
  return sign ? fmt::format("{:+.2f}", s->*field) : fmt::format("{:.2f}", s->*field);
}

void print_table(const std::vector<forecast::BacktestPoint>& points) {
  const auto summary = forecast::summarise(points);
  // The measures as the backtest names them: the total, the placement categories, then the
  // legal-status groups.
  std::vector<std::string> measures{"total"};
  for (bool legal : {false, true})
    for (const auto& x : summary)
      if (x.measure.starts_with(forecast::kLegalMeasurePrefix) == legal &&
          std::find(measures.begin(), measures.end(), x.measure) == measures.end())
        measures.push_back(x.measure);
  fmt::print("| measure | model | MAPE 1y | MAPE 2y | MAPE 3y | bias 1y | bias 2y | bias 3y | 80% covered | 95% covered | n |\n");
  fmt::print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const auto& m : measures)
    for (const char* model : {"naive", "stock_flow", "microsim", "presented"}) {
      const auto* all = bench_battery::find(summary, model, m, 0);
      if (!all) continue;
      std::string row = fmt::format("| {} | {} |", m, model);
      for (int h = 1; h <= 3; ++h) row += fmt::format(" {} |", pct(bench_battery::find(summary, model, m, h), &forecast::BacktestSummary::mape));
      for (int h = 1; h <= 3; ++h)
        row += fmt::format(" {} |", pct(bench_battery::find(summary, model, m, h), &forecast::BacktestSummary::bias, true));
      row += fmt::format(" {} | {} | ", pct(all, &forecast::BacktestSummary::cover80), pct(all, &forecast::BacktestSummary::cover95));
      row += fmt::format("{} |", all->n);
      fmt::print("{}\n", row);
    }
}

}  // namespace

int main(int argc, char** argv) {
  int councils = 40;
  forecast::BacktestSettings settings;  // careflow backtest's defaults
  std::string scratch = "/tmp";
  std::string points_csv;  // every forecast against its outcome, for analyses beyond the tables
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--no-legal-exits")) settings.exits_by_legal_status = false;
    else if (has_value && !std::strcmp(argv[i], "--councils")) councils = std::atoi(argv[++i]);
    else if (has_value && !std::strcmp(argv[i], "--runs")) settings.runs = std::atoi(argv[++i]);
    else if (has_value && !std::strcmp(argv[i], "--scratch")) scratch = argv[++i];
    else if (has_value && !std::strcmp(argv[i], "--points")) points_csv = argv[++i];
    else if (has_value && !std::strcmp(argv[i], "--seed")) settings.seed = std::strtoull(argv[++i], nullptr, 10);
    else if (has_value && !std::strcmp(argv[i], "--trend-change-sd")) settings.trend_change_sd = std::atof(argv[++i]);
    else {
      fmt::print(stderr, "usage: {} [--councils N] [--runs N] [--scratch DIR] [--seed S] [--trend-change-sd SD] [--no-legal-exits] [--points FILE.csv]\n", argv[0]);
      return 2;
    }
  }
  if (councils < 1 || settings.runs < 10) {
    fmt::print(stderr, "--councils must be at least 1 and --runs at least 10\n");
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<forecast::BacktestPoint> all;
  std::vector<int> council_of;  // all[k]'s council
  std::map<std::string, std::vector<forecast::BacktestPoint>> by_size;
  fmt::print("Forecast test bench: {} councils, {} runs per forecast, seed {}, trend change s.d. {}, exits by legal status {}, "
             "origins 31 March 2018-2024, horizons 1-3 years\n\n", councils, settings.runs, settings.seed, settings.trend_change_sd,
             settings.exits_by_legal_status ? "on" : "off");
  fmt::print("| council | seed | looked after (target) | dynamics | total MAPE: naive | microsim |\n| ---: | ---: | ---: | --- | ---: | ---: |\n");
  for (int i = 0; i < councils; ++i) {
    const auto r = bench_battery::run_council(i, settings, scratch);
    if (!r.usable) {
      fmt::print(stderr, "council {}: its returns could not be read back\n", i);
      return 1;
    }
    const auto s = forecast::summarise(r.points);
    const auto* naive = bench_battery::find(s, "naive", "total", 0);
    const auto* micro = bench_battery::find(s, "microsim", "total", 0);
    fmt::print("| {} | {} | {} | {} | {:.2f} | {:.2f} |\n", i, r.options.seed, r.options.population, dynamics_text(r.options),
               naive ? naive->mape : NAN, micro ? micro->mape : NAN);
    std::fflush(stdout);
    all.insert(all.end(), r.points.begin(), r.points.end());
    council_of.resize(all.size(), i);
    const int p = r.options.population;
    auto& size = by_size[p < 150 ? "a. under 150" : p < 1000 ? "b. 150-999" : "c. 1,000 or more"];
    size.insert(size.end(), r.points.begin(), r.points.end());
  }
  fmt::print("\nPooled over all councils, origins and horizons (each forecast one point; MAPE and bias in %, "
             "coverage: % of outcomes inside the interval):\n\n");
  print_table(all);
  fmt::print("\nTotal in care by council size:\n\n| size | model | MAPE 1y | MAPE 2y | MAPE 3y | bias 1y | bias 2y | bias 3y | 80% covered | 95% covered | n |\n");
  fmt::print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const auto& [size, points] : by_size) {
    const auto summary = forecast::summarise(points);
    for (const char* model : {"naive", "stock_flow", "microsim", "presented"}) {
      const auto* a = bench_battery::find(summary, model, "total", 0);
      if (!a) continue;
      std::string row = fmt::format("| {} | {} |", size.substr(3), model);
      for (int h = 1; h <= 3; ++h) row += fmt::format(" {} |", pct(bench_battery::find(summary, model, "total", h), &forecast::BacktestSummary::mape));
      for (int h = 1; h <= 3; ++h)
        row += fmt::format(" {} |", pct(bench_battery::find(summary, model, "total", h), &forecast::BacktestSummary::bias, true));
      row += fmt::format(" {} | {} | ", pct(a, &forecast::BacktestSummary::cover80), pct(a, &forecast::BacktestSummary::cover95));
      fmt::print("{}{} |\n", row, a->n);
    }
  }
  if (!points_csv.empty()) {
    std::FILE* f = std::fopen(points_csv.c_str(), "w");
    if (!f) {
      fmt::print(stderr, "cannot write {}\n", points_csv);
      return 1;
    }
    fmt::print(f, "council,model,measure,origin,horizon,actual,forecast,lo80,hi80,lo95,hi95,chosen\n");
    for (size_t k = 0; k < all.size(); ++k) {
      const auto& p = all[k];
      fmt::print(f, "{},{},{},{},{},{},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{}\n", council_of[k], p.model, p.measure, p.origin.to_string(),
                 p.horizon, p.actual, p.forecast, p.lo80, p.hi80, p.lo95, p.hi95, p.chosen);
    }
    std::fclose(f);
  }
  fmt::print("\nTook {:.0f} s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return 0;
}
