// The sections drawn from benchmark and forecast: each renders (a section and an <svg>), says
// what is missing when it cannot be drawn, its numbers agree with independent derivations, and
// disclosure control applies to the counts of children it shows.
#include "careflow/report/sections.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "analyse/fixture.hpp"
#include "careflow/analyse/analyse.hpp"
#include "careflow/io/ingest.hpp"
#include "careflow/benchmark/public_data.hpp"
#include "careflow/io/reference_data.hpp"
#include "careflow/forecast/backtest.hpp"
#include "careflow/forecast/forecast.hpp"
#include "careflow/forecast/simulated_history.hpp"
#include "careflow/io/reference_data.hpp"
#include "careflow/report/needs_assessment.hpp"
#include "synthetic_council.hpp"

using namespace careflow;

namespace {

const OutputTable& find(const report::ExtraSection& s, const std::string& id) {
  for (const auto& t : s.tables)
    if (t.id == id) return t;
  throw std::runtime_error("no table " + id);
}

benchmark::AreaYear area(int year, benchmark::Level level, int la, const std::string& name, double stock, double pop,
                         double rate) {
  benchmark::AreaYear a;
  a.year = year;
  a.level = level;
  a.la_number = la;
  a.name = name;
  a.ons_code = la ? "E0900000" + std::to_string(la % 10) : "E92000001";
  a.stock = {stock, benchmark::Marker::value};
  a.population = {pop, benchmark::Marker::value};
  a.rate = {rate, benchmark::Marker::value};
  return a;
}

// Three councils: Alpha 100 children of 20,000 (50 per 10,000), Beta 300 of 30,000 (100), Gamma
// 600 of 50,000 (120); England as published: 70 per 10,000.
benchmark::PublicData three_councils() {
  benchmark::PublicData d;
  for (int y : {2024, 2025}) {
    d.cla.push_back(area(y, benchmark::Level::council, 101, "Alpha", 100, 20000, 50));
    d.cla.push_back(area(y, benchmark::Level::council, 102, "Beta", 300, 30000, 100));
    d.cla.push_back(area(y, benchmark::Level::council, 103, "Gamma", 600, 50000, 120));
    d.cla.push_back(area(y, benchmark::Level::national, 0, "England", 82000, 12000000, 70));
  }
  d.build_index();
  return d;
}

}  // namespace

// Funnel centre = (100 + 300 + 600) / (20,000 + 30,000 + 50,000) x 10,000 = 100 per 10,000 (the
// sum of the councils, not England's published 70). Alpha's expected count at that rate is 200;
// its 100 is about 7 standard deviations (sqrt 200 = 14) below: outside the 99.8% limits. In
// the trend Alpha's rate is 50, England's 70, and it ranks 3rd of 3 (1 = highest).
TEST(CompareSection, FunnelTrendAndRank) {
  const auto s = report::compare_section(three_councils(), "101", 2025);
  EXPECT_EQ(s.id, "compare");
  EXPECT_NE(s.html.find("<svg"), std::string::npos);
  EXPECT_NE(s.html.find("England&#39;s rate (100 per 10,000)"), std::string::npos) << s.html.substr(0, 3000);
  EXPECT_NE(s.html.find("Alpha (50 per 10,000) is below the 99.8% limit"), std::string::npos);
  const auto& t = find(s, "compare_trend");
  const auto& last = t.rows.back();
  EXPECT_EQ(std::get<std::string>(last[0]), "2024/25");
  EXPECT_EQ(std::get<double>(last[t.column_index("council")]), 50);
  EXPECT_EQ(std::get<double>(last[t.column_index("england")]), 70);
  EXPECT_EQ(std::get<double>(last[t.column_index("rank")]), 3);
  EXPECT_EQ(std::get<double>(last[t.column_index("of")]), 3);
  // No deprivation figures: the need-adjusted rate says it is not available.
  EXPECT_NE(s.html.find("need-adjusted expected rate is not available"), std::string::npos);
  // Returns running past the published years: the latest published year is used, and said.
  const auto later = report::compare_section(three_councils(), "101", 2026);
  EXPECT_NE(later.html.find("The latest published year is 2024/25"), std::string::npos);
}

TEST(CompareSection, SaysWhatIsMissing) {
  const auto no_la = report::compare_section("", 2025, nullptr, "");
  EXPECT_NE(no_la.html.find("the council is not known"), std::string::npos);
  EXPECT_EQ(no_la.html.find("<svg"), std::string::npos);
  EXPECT_FALSE(no_la.limitations.empty());
  const auto unknown = report::compare_section(three_councils(), "Nowhere", 2025);
  EXPECT_NE(unknown.html.find("no council in the published series matches"), std::string::npos);
  // An empty reference folder: the published series is missing, and the section says so.
  careflow::testing::TempReturns tr;
  const auto empty = ReferenceFolder::at(tr.root());
  const auto none = report::compare_section("E08000025", 2025, nullptr, empty.missing_message(benchmark::kClaSeries));
  EXPECT_NE(none.html.find("published council-level series is missing"), std::string::npos) << none.html;
  EXPECT_NE(none.html.find(tr.root()), std::string::npos) << none.html;
}

// The forecast of a synthetic council: a fan chart (two percentile bands), the stock-flow chart
// and spend; the actual number at 31 March 2025 beside the forecast equals analyse's own count
// at 31 March (a different code path: analyse's period-of-care scan against forecast's
// placement-kind count; every synthetic child has a date of birth).
TEST(ForecastSection, FanChartSpendAndActualsAgreeWithAnalyse) {
  careflow::testing::TempReturns tr;
  careflow::testing::write_synthetic_council(tr, 300, 2023, 2025, 7);
  IngestReport ir;
  const History h = ingest({tr.root()}, std::nullopt, ir);
  report::ForecastSectionOptions o;
  o.runs = 40;
  o.suppression = false;
  const auto s = report::forecast_section(h, o);
  EXPECT_EQ(s.id, "forecast");
  size_t svgs = 0, bands = 0;
  for (size_t p = 0; (p = s.html.find("<svg", p)) != std::string::npos; ++p) ++svgs;
  for (size_t p = 0; (p = s.html.find("class=\"band\"", p)) != std::string::npos; ++p) ++bands;
  EXPECT_EQ(svgs, 3u);   // fan chart, stock-flow chart, spend
  EXPECT_EQ(bands, 3u);  // 5-95 and 25-75, and the stock-flow 95% band
  const auto& y = find(s, "forecast_31_march");
  const auto a = analyse::assess(h, {});
  double analysed = -1;
  for (const auto& t : a.tables)
    if (t.table.id == "looked_after_at_31_march")
      for (const auto& r : t.table.rows)
        if (std::get<std::string>(r[0]) == "2024/25") analysed = std::get<double>(r[1]);
  ASSERT_GT(analysed, 5);
  bool found = false;
  for (const auto& r : y.rows)
    if (std::get<std::string>(r[0]) == "2025-03-31" && std::holds_alternative<double>(r[1])) {
      EXPECT_EQ(std::get<double>(r[1]), analysed);
      found = true;
    }
  EXPECT_TRUE(found);
  // Five forecast years, each 31 March with a median between its 5th and 95th percentiles.
  int forecast_rows = 0;
  for (const auto& r : y.rows)
    if (std::holds_alternative<double>(r[3])) {
      ++forecast_rows;
      EXPECT_LE(std::get<double>(r[2]), std::get<double>(r[3]));
      EXPECT_LE(std::get<double>(r[3]), std::get<double>(r[4]));
    }
  EXPECT_EQ(forecast_rows, 5);
  EXPECT_NO_THROW(find(s, "spend_by_financial_year"));
  // Three years of returns leave no backtest origin (3 years before, 1 after): said plainly.
  EXPECT_NE(s.html.find("Backtest not available: the returns cover 3 years (2022/23 to 2024/25)"), std::string::npos);
  // In the page: listed in the contents, rendered after analyse's sections.
  report::ReportOptions ro;
  ro.extra = {report::compare_section("", 2025, nullptr, ""), s};
  const std::string html = report::render_html(a, report::publishable(a, true), ro);
  EXPECT_NE(html.find("<a href=\"#forecast\">Forecast</a>"), std::string::npos);
  EXPECT_NE(html.find("<h2 id=\"forecast\">"), std::string::npos);
  EXPECT_NE(html.find("<h2 id=\"compare\">How we compare</h2>"), std::string::npos);
  EXPECT_LT(html.find("<h2 id=\"projection\">"), html.find("<h2 id=\"forecast\">"));
}

// The hand-built council has 5 children looked after at 31/03/2024 and 2 at 31/03/2025
// (analyse/fixture.hpp): counts of 1 to 5, withheld beside the forecast; shown without
// suppression.
TEST(ForecastSection, ActualCountsAreSuppressed) {
  careflow::testing::TempReturns tr;
  IngestReport ir;
  const History h = careflow::testing::hand_built_history(tr, ir);
  report::ForecastSectionOptions o;
  o.runs = 20;
  const auto on = report::forecast_section(h, o);
  const auto& t = find(on, "forecast_31_march");
  ASSERT_EQ(std::get<std::string>(t.rows[0][0]), "2024-03-31");
  EXPECT_TRUE(std::holds_alternative<Suppressed>(t.rows[0][1]));
  EXPECT_TRUE(std::holds_alternative<Suppressed>(t.rows[1][1]));
  EXPECT_NE(on.html.find(">c<"), std::string::npos);
  o.suppression = false;
  const auto off = report::forecast_section(h, o);
  const auto& u = find(off, "forecast_31_march");
  EXPECT_EQ(std::get<double>(u.rows[0][1]), 5);
  EXPECT_EQ(std::get<double>(u.rows[1][1]), 2);
}

// An actual number beside the forecast that the report's other tables withhold (as a secondary
// cell: here it is 300 or so) is withheld with them, left out of the charts and marked c there,
// and the equality is published; a figure of the same date with another value (a filtered
// profile) is not linked.
TEST(ForecastSection, ActualWithheldWhereTheProfileWithholdsIt) {
  careflow::testing::TempReturns tr;
  careflow::testing::write_synthetic_council(tr, 300, 2022, 2025, 7);
  IngestReport ir;
  const History h = ingest({tr.root()}, std::nullopt, ir);
  report::ForecastSectionOptions o;
  o.runs = 5;
  o.backtest_runs = 0;
  const auto plain = report::forecast_section(h, o);
  const auto& p = find(plain, "forecast_31_march");
  ASSERT_EQ(std::get<std::string>(p.rows[1][0]), "2023-03-31");
  const double n = std::get<double>(p.rows[1][1]);
  ASSERT_GT(n, 5);
  EXPECT_EQ(plain.html.find("class=\"withheld\""), std::string::npos);
  const CellRef profile{"looked_after_at_31_march", 1, 1};
  o.stock_elsewhere = {{Date::from_ymd(2023, 3, 31), n, true, profile},
                       {Date::from_ymd(2024, 3, 31), 1e6, true, {"looked_after_at_31_march", 2, 1}}};
  const auto s = report::forecast_section(h, o);
  const auto& t = find(s, "forecast_31_march");
  EXPECT_TRUE(std::holds_alternative<Suppressed>(t.rows[1][1]));
  EXPECT_FALSE(std::holds_alternative<Suppressed>(t.rows[2][1]));  // another value: not the same figure
  EXPECT_FALSE(std::holds_alternative<Suppressed>(t.rows[0][1]));
  EXPECT_NE(s.html.find("class=\"withheld\""), std::string::npos);
  size_t links = 0;
  for (const auto& r : s.arithmetic.relations)
    links += r.kind == Relation::Kind::equal && r.cells.size() == 2 && r.cells[1] == profile &&
             r.cells[0] == CellRef{"forecast_31_march", 1, 1};
  EXPECT_EQ(links, 1u);
}

// The backtest in the report, on a synthetic council with eight returns (2017/18 .. 2024/25):
// origins need 3 years of data before (from 31/03/2020) and 1 after: 2020 .. 2024, with horizons
// up to 3, 3, 3, 2 and 1 years, so 5 origins at 1 year, 4 at 2, 3 at 3 and 12 forecasts in all.
// The table's microsimulation MAPE and coverage at 1 year equal those of an independent call to
// forecast::backtest with the same settings (the simulation is reproducible whatever the threads),
// and the plain-language sentence quotes that MAPE.
TEST(ForecastSection, BacktestTableAgreesWithADirectBacktest) {
  careflow::testing::TempReturns tr;
  careflow::testing::write_synthetic_council(tr, 300, 2018, 2025, 3);
  IngestReport ir;
  const History h = ingest({tr.root()}, std::nullopt, ir);
  report::ForecastSectionOptions o;
  o.runs = 20;
  o.backtest_runs = 20;
  o.seed = 5;
  const auto s = report::forecast_section(h, o);
  const auto& t = find(s, "forecast_backtest");
  ASSERT_EQ(t.rows.size(), 16u);  // presented and 3 models x (1, 2, 3 years, all)
  forecast::BacktestSettings bs;
  bs.runs = 20;
  bs.seed = 5;
  std::vector<forecast::BacktestPoint> total;
  const auto points = forecast::backtest(h, bs);
  for (const auto& p : points)
    if (p.measure == "total") total.push_back(p);
  ASSERT_EQ(total.size(), 12u * 4);
  // By hand from the points: MAPE = mean |f - a| / a over the five 1-year microsimulation forecasts.
  double ape = 0, in80 = 0;
  int n = 0;
  for (const auto& p : total)
    if (p.model == "microsim" && p.horizon == 1) {
      ape += std::abs(p.forecast - p.actual) / p.actual;
      in80 += p.actual >= p.lo80 && p.actual <= p.hi80;
      ++n;
    }
  ASSERT_EQ(n, 5);
  const double mape = 100 * ape / n;
  auto num = [](const Cell& c) { return std::get<double>(c); };
  const double origins_expected[] = {5, 4, 3, 5};
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const auto& r = t.rows[i];
    EXPECT_EQ(num(r[2]), origins_expected[i % 4]) << i;
    EXPECT_GT(num(r[4]), 0.0);
    EXPECT_LT(num(r[4]), 25.0);  // a council of 300 over one to three years: errors of a few per cent
    EXPECT_LE(std::abs(num(r[5])), num(r[4]) + 1e-9);  // |bias| <= MAPE
    const bool has_interval = std::holds_alternative<double>(r[6]);
    if (i >= 4 && i < 12) {
      EXPECT_TRUE(has_interval) << i;  // microsimulation and stock-flow have intervals
    }
    if (i >= 12) {
      EXPECT_FALSE(has_interval) << i;  // no change has none
    }
    if (has_interval) {                                     // (presented: those of the models it copied)
      EXPECT_GE(num(r[6]), 0.0);
      EXPECT_LE(num(r[6]), num(r[7]));  // the 95% interval holds whatever the 80% one does
      EXPECT_LE(num(r[7]), 100.0);
    }
  }
  EXPECT_EQ(std::get<std::string>(t.rows[0][0]), "Presented (average of microsimulation and no change)");
  EXPECT_EQ(std::get<std::string>(t.rows[4][0]), "Microsimulation");
  EXPECT_EQ(std::get<std::string>(t.rows[4][1]), "1 year");
  EXPECT_EQ(num(t.rows[4][3]), 5);
  EXPECT_NEAR(num(t.rows[4][4]), mape, 1e-9);
  EXPECT_NEAR(num(t.rows[4][6]), 100 * in80 / n, 1e-9);
  EXPECT_EQ(num(t.rows[7][3]), 12);  // all horizons
  // The presented row at 1 year: the average of the microsimulation's and no change's forecasts
  // at each origin, by hand.
  double presented_ape = 0;
  int presented_n = 0;
  for (const auto& p : total)
    if (p.model == "presented" && p.horizon == 1) {
      double micro = -1, naive = -1;
      for (const auto& q : total)
        if (q.origin == p.origin && q.horizon == 1) {
          if (q.model == "microsim") micro = q.forecast;
          if (q.model == "naive") naive = q.forecast;
        }
      ASSERT_GE(micro, 0);
      ASSERT_GE(naive, 0);
      EXPECT_NEAR(p.forecast, (micro + naive) / 2, 1e-9);
      presented_ape += std::abs(p.forecast - p.actual) / p.actual;
      ++presented_n;
    }
  ASSERT_EQ(presented_n, 5);
  EXPECT_NEAR(num(t.rows[0][4]), 100 * presented_ape / presented_n, 1e-9);
  // The section says which forecast to plan on, and how it did.
  const auto choice = forecast::choose_presented(points, "total", h.data_end());
  EXPECT_EQ(choice.model, "combined");
  EXPECT_NE(s.html.find("The forecast to plan on is the average of the microsimulation and no change"), std::string::npos);
  EXPECT_NE(s.html.find(fmt::format("it was within {:.1f}% of the actual number on average", choice.mape)), std::string::npos);
  EXPECT_NE(s.html.find(fmt::format("Over 5 past years, the microsimulation&#39;s 1-year forecast of the number looked after "
                                    "was within {:.1f}%",
                                    mape)),
            std::string::npos);
  EXPECT_NE(t.notes.find("20 runs per forecast"), std::string::npos);
}

// Disclosure control in the backtest table: on a tiny simulated council (two entrants a year) the
// number looked after at a 31 March is a count of 1 to 5, and a percentage error computed from it
// would disclose it, so with suppression on every row built on such a count shows c (and the plain
// sentence, which quotes the 1-year MAPE, is held back); with suppression off the numbers show.
TEST(ForecastSection, BacktestPercentagesFromSmallCountsAreWithheld) {
  forecast::SimulatedHistorySettings ss;
  ss.entrants_per_year = 2;
  ss.seed = 2;
  const History h = forecast::simulate_history(ss);
  std::vector<double> actual;
  for (int y = 2019; y <= 2025; ++y) actual.push_back(static_cast<double>(h.count_looked_after_on(CollectionYear{y}.end())));
  ASSERT_TRUE(std::any_of(actual.begin(), actual.end(), [](double n) { return n >= 1 && n <= 5; }));
  report::ForecastSectionOptions o;
  o.runs = 20;
  o.backtest_runs = 20;
  const auto on = report::forecast_section(h, o);
  const auto& t = find(on, "forecast_backtest");
  ASSERT_FALSE(t.rows.empty());
  size_t withheld = 0;
  for (const auto& r : t.rows)
    for (size_t c = 4; c < r.size(); ++c) withheld += std::holds_alternative<Suppressed>(r[c]);
  EXPECT_GT(withheld, 0u);
  EXPECT_NE(t.notes.find("c = withheld"), std::string::npos);
  EXPECT_EQ(on.html.find("past year"), std::string::npos);  // no sentence quoting a withheld MAPE
  o.suppression = false;
  const auto off = report::forecast_section(h, o);
  for (const auto& r : find(off, "forecast_backtest").rows)
    for (const auto& c : r) EXPECT_FALSE(std::holds_alternative<Suppressed>(c));
}

TEST(ForecastSection, RunsFitTheReportsTimeBudget) {
  // A council gets 200 runs; a history so large that 200 runs would simulate more than
  // kForecastBudget children gets budget / (in care at the data end + 5 years of entrants at the
  // last year's rate), never under 50; runs given explicitly are used as given.
  forecast::SimulatedHistorySettings small;
  small.first_year = 2022;
  const History council = forecast::simulate_history(small);
  report::ForecastSectionOptions o;
  EXPECT_EQ(report::forecast_section_runs(council, o), 200);
  o.runs = 37;
  EXPECT_EQ(report::forecast_section_runs(council, o), 37);

  forecast::SimulatedHistorySettings big;
  big.first_year = 2024;
  big.entrants_per_year = 30000;
  const History h = forecast::simulate_history(big);
  // Counted here from the periods themselves rather than through History's queries.
  const Date end = h.data_end();
  double in_care = 0, entrants = 0;
  for (const auto& p : h.periods) {
    if (p.short_breaks) continue;
    if (p.start <= end && (p.is_open() || p.end > end)) in_care += 1;
    if (p.start > end - 365 && p.start <= end) entrants += 1;
  }
  ASSERT_GT(in_care + 5 * entrants, report::kForecastBudget / 200);  // 200 runs would not fit
  const double expected = std::max(50.0, std::floor(report::kForecastBudget / (in_care + 5 * entrants)));
  o.runs = -1;
  EXPECT_EQ(report::forecast_section_runs(h, o), static_cast<int>(expected));
  EXPECT_LT(expected, 200);
}

TEST(ForecastSection, ScenarioAgainstTheBaseline) {
  // A scenario cutting entries of 10-15 year-olds by 20% gets its own chart (baseline median,
  // scenario median and band) and its difference table, equal to the one the forecast library
  // gives for the same settings through its own calls; fewer entrants means fewer in care at
  // every year end by the stock-flow model, whose projection has no noise.
  careflow::testing::TempReturns tr;
  careflow::testing::write_synthetic_council(tr, 300, 2023, 2025, 7);
  IngestReport ir;
  const History h = ingest({tr.root()}, std::nullopt, ir);
  forecast::Scenario sc;
  ASSERT_FALSE(forecast::parse_scenario_toml(
      "name = \"edge of care\"\n[[entries]]\nages = [10, 15]\nchange = -0.20\nfrom = 2025-04-01\n", sc));
  report::ForecastSectionOptions o;
  o.runs = 40;
  o.backtest_runs = 0;
  o.scenarios = {sc};
  const auto s = report::forecast_section(h, o);
  EXPECT_NE(s.html.find("Scenario: edge of care"), std::string::npos);
  size_t svgs = 0;
  for (size_t p = 0; (p = s.html.find("<svg", p)) != std::string::npos; ++p) ++svgs;
  EXPECT_EQ(svgs, 4u);  // fan chart, stock-flow chart, scenario chart, spend
  const auto& d = find(s, "scenario_difference_edge_of_care");

  forecast::ForecastSettings fs;
  fs.as_of = h.data_end();
  fs.runs = 40;
  fs.seed = o.seed;
  const auto base = forecast::run_models(h, fs, forecast::Scenario{});
  const auto scen = forecast::run_models(h, fs, sc);
  const auto direct = forecast::scenario_difference_table(sc, base, scen);
  ASSERT_EQ(d.rows.size(), direct.rows.size());
  ASSERT_GE(d.rows.size(), 10u);  // children and spend for each of five financial years
  const size_t sf = d.column_index("stock_flow"), mean = d.column_index("microsim_mean");
  for (size_t r = 0; r < d.rows.size(); ++r) {
    EXPECT_EQ(std::get<std::string>(d.rows[r][0]), std::get<std::string>(direct.rows[r][0]));
    EXPECT_EQ(std::get<std::string>(d.rows[r][1]), std::get<std::string>(direct.rows[r][1]));
    EXPECT_EQ(std::get<double>(d.rows[r][mean]), std::get<double>(direct.rows[r][mean])) << r;
    const double v = std::get<double>(d.rows[r][sf]);
    EXPECT_EQ(v, std::get<double>(direct.rows[r][sf])) << r;
    EXPECT_LT(v, 0) << r;
  }
}
