// The backtest tables' arithmetic (backtest_arithmetic) under disclosure control, on points made
// by hand so that every withheld cell can be worked out.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "careflow/forecast/backtest.hpp"
#include "careflow/synth/synth.hpp"
#include "io/temp_returns.hpp"
#include "careflow/report/disclosure.hpp"
#include "report/disclosure_auditor.hpp"

using namespace careflow;
using namespace careflow::forecast;

namespace {

bool withheld(const OutputTable& t, size_t r, const std::string& col) {
  return std::holds_alternative<Suppressed>(t.rows[r][t.column_index(col)]);
}

}  // namespace

// One origin (31 March 2022), horizon 1 year. Actual numbers on 31 March 2023: total 20 =
// fostering 12 + residential 3 + supported 0 + other 5. At the origin (the no-change forecast):
// total 18 = fostering 10 + residential 6 + supported 2 + other 0. Each (measure) has a row for
// the microsimulation, the stock-flow model and no change.
// - Actual residential 3 and other 5 are counts of 1 to 5: withheld in all three models' rows
//   (the same number); the total's sum then has two withheld parts: nothing more.
// - No change, supported 2: withheld; the origin's sum 18 = 10 + 6 + 2 + 0 has one withheld part,
//   so the smallest other non-zero part goes: residential 6 (10 is larger; 0 is a zero).
// - The summaries (MAPE, bias, coverage) of residential and other rest on withheld actual numbers:
//   withheld, for every model; fostering's and the total's stay.
TEST(BacktestDisclosure, ActualAndNoChangeCountsByHand) {
  const Date origin = Date::from_ymd(2022, 3, 31);
  std::vector<BacktestPoint> points;
  const std::tuple<const char*, double, double> measures[] = {
      {"total", 20, 18}, {"fostering", 12, 10}, {"residential", 3, 6}, {"supported", 0, 2}, {"other", 5, 0}};
  for (const auto& [m, actual, at_origin] : measures) {
    points.push_back({"microsim", m, origin, 1, actual, actual + 1, actual - 1, actual + 2, actual - 2, actual + 3, true});
    points.push_back({"stock_flow", m, origin, 1, actual, actual + 0.5, 0, 0, 0, 0, true});
    points.push_back({"naive", m, origin, 1, actual, at_origin, 0, 0, 0, 0, false});
  }
  std::vector<OutputTable> tables{backtest_summary_table(summarise(points), ""), backtest_points_table(points)};
  const auto ba = backtest_arithmetic(tables[1], tables[0]);
  const auto published = report::publish(
      tables, [&](const OutputTable& t) { return t.id == "backtest_points" ? ba.points : ba.summary; }, ba.relations, true);
  const OutputTable& s = tables[0];
  const OutputTable& p = tables[1];
  for (size_t r = 0; r < p.rows.size(); ++r) {
    const std::string model = std::get<std::string>(p.rows[r][0]), m = std::get<std::string>(p.rows[r][1]);
    SCOPED_TRACE(model + " " + m);
    EXPECT_EQ(withheld(p, r, "actual"), m == "residential" || m == "other");
    EXPECT_EQ(withheld(p, r, "forecast"), model == "naive" && (m == "supported" || m == "residential"));
  }
  for (size_t r = 0; r < s.rows.size(); ++r) {
    const std::string m = std::get<std::string>(s.rows[r][1]);
    SCOPED_TRACE(std::get<std::string>(s.rows[r][0]) + " " + m);
    EXPECT_EQ(withheld(s, r, "mape"), m == "residential" || m == "other");
    EXPECT_EQ(withheld(s, r, "bias"), m == "residential" || m == "other");
  }
  EXPECT_TRUE(careflow::testing::audit(tables, published).empty());
}

// careflow backtest and careflow forecast on a small synthetic council (about 20 looked after):
// with disclosure control (the default) no actual number, no-change forecast or stock-flow event
// count of 1 to 5 shows and relations.json says "on"; with --no-suppression the small numbers show,
// every row of every CSV ends with disclosure_control = off and relations.json says "off".
TEST(BacktestDisclosure, CommandsWithAndWithoutSuppression) {
  namespace fs = std::filesystem;
  careflow::testing::TempReturns tr;
  synth::SynthOptions so;
  so.population = 20;
  so.seed = 5;
  so.first_year = 2020;
  so.threads = 1;
  so.postcodes = false;
  synth::generate(so, tr.root() + "/returns");
  auto run = [&](const std::string& args) {
    const std::string cmd = std::string(CAREFLOW_CLI_PATH) + " " + args + " > " + tr.root() + "/log.txt 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  };
  auto slurp = [](const fs::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  };
  // Rows of a CSV (CRLF lines) as fields.
  auto csv = [&](const fs::path& p) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(slurp(p));
    for (std::string l; std::getline(in, l);) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      std::vector<std::string> f;
      std::istringstream ls(l);
      for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
      rows.push_back(f);
    }
    return rows;
  };
  auto small = [](const std::string& x) {
    if (x.empty() || x == "c") return false;
    const double v = std::stod(x);
    return v >= 1 && v <= 5;
  };
  // Each command's folder is replaced whole: one folder each.
  const std::string r = tr.root() + "/returns";
  run("backtest " + r + " --runs 10 --out " + tr.root() + "/on/backtest");
  run("forecast " + r + " --runs 5 --years 1 --out " + tr.root() + "/on/forecast");
  run("backtest " + r + " --runs 10 --no-suppression --out " + tr.root() + "/off/backtest");
  run("forecast " + r + " --runs 5 --years 1 --no-suppression --out " + tr.root() + "/off/forecast");
  size_t shown_small = 0, withheld = 0;
  for (const auto& [file, cols] : std::vector<std::pair<std::string, std::vector<size_t>>>{
           {"backtest/backtest_points.csv", {4}}, {"forecast/stock_flow_rates.csv", {3}}}) {
    const fs::path on = tr.root() + "/on", off = tr.root() + "/off";
    const auto with = csv(on / file), without = csv(off / file);
    ASSERT_GT(with.size(), 1u) << file;
    ASSERT_EQ(with.size(), without.size()) << file;
    for (size_t r = 1; r < with.size(); ++r)
      for (size_t c : cols) {
        EXPECT_FALSE(small(with[r][c])) << file << " row " << r;
        withheld += with[r][c] == "c";
        shown_small += small(without[r][c]);
      }
  }
  const auto points = csv(tr.root() + "/on/backtest/backtest_points.csv");
  for (size_t r = 1; r < points.size(); ++r)
    if (points[r][0] == "naive") {
      EXPECT_FALSE(small(points[r][5])) << "no-change forecast, row " << r;
    }
  EXPECT_GT(shown_small, 0u) << "the council is meant to have numbers of 1 to 5";
  EXPECT_GE(withheld, shown_small);
  size_t files = 0;
  for (const char* command : {"backtest", "forecast"}) {
    const fs::path on = tr.root() + "/on/" + command, off = tr.root() + "/off/" + command;
    EXPECT_NE(slurp(on / "relations.json").find("\"disclosure_control\":\"on\""), std::string::npos) << command;
    EXPECT_NE(slurp(off / "relations.json").find("\"disclosure_control\":\"off\""), std::string::npos) << command;
    for (const auto& e : fs::directory_iterator(off)) {
      if (e.path().extension() != ".csv") continue;
      ++files;
      const auto rows = csv(e.path());
      ASSERT_FALSE(rows.empty());
      EXPECT_EQ(rows[0].back(), "disclosure_control") << e.path();
      for (size_t r = 1; r < rows.size(); ++r) EXPECT_EQ(rows[r].back(), "off") << e.path();
    }
    for (const auto& e : fs::directory_iterator(on))
      if (e.path().extension() == ".csv") {
        EXPECT_NE(csv(e.path())[0].back(), "disclosure_control") << e.path();
      }
  }
  EXPECT_EQ(files, 12u);  // backtest's 2 tables and forecast's 10
}
