// api::forecast and api::backtest on a small synthetic council: a lever given as a flag, as a
// scenario file and as a value makes the same scenario (the same forecast, bit for bit, with the
// same seed), a bad lever is refused with the file's message, and an origin outside the returns
// is refused.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>

#include "careflow/api/backtest.hpp"
#include "careflow/api/forecast.hpp"
#include "careflow/api/synthesise.hpp"
#include "careflow/forecast/forecast.hpp"
#include "careflow/io/ingest.hpp"
#include "io/temp_returns.hpp"

using namespace careflow;
namespace fs = std::filesystem;

namespace {

// One council for every test: 2018/19 to 2024/25, about 60 looked after, no postcodes (no
// reference data needed).
class ApiForecast : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<careflow::testing::TempReturns>();
    api::SynthesiseRequest q;
    q.options.first_year = 2019;
    q.options.last_year = 2025;
    q.options.population = 60;
    q.options.seed = 3;
    q.options.postcodes = false;
    q.out_dir = returns();
    const auto r = api::synthesise(api::Config{}, q);
    ASSERT_TRUE(r.done);
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string returns() { return dir_->root() + "/returns"; }
  static std::string scratch(const std::string& name) { return dir_->root() + "/" + name; }

  // A quick forecast of the council's returns: 20 runs, 2 years, seed 7.
  static api::ForecastRequest request() {
    api::ForecastRequest q;
    q.returns.inputs = {returns()};
    q.runs = 20;
    q.years = 2;
    q.seed = 7;
    return q;
  }

 private:
  static inline std::unique_ptr<careflow::testing::TempReturns> dir_;
};

bool same_cell(const Cell& a, const Cell& b) {
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<double>(&a)) return *x == std::get<double>(b);  // bit for bit, not near
  if (const auto* x = std::get_if<std::string>(&a)) return *x == std::get<std::string>(b);
  return true;
}

// Same titles, columns and cells.
void expect_same_tables(const std::vector<OutputTable>& a, const std::vector<OutputTable>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t t = 0; t < a.size(); ++t) {
    SCOPED_TRACE(a[t].title);
    EXPECT_EQ(a[t].title, b[t].title);
    ASSERT_EQ(a[t].columns.size(), b[t].columns.size());
    ASSERT_EQ(a[t].rows.size(), b[t].rows.size());
    for (size_t r = 0; r < a[t].rows.size(); ++r)
      for (size_t c = 0; c < a[t].rows[r].size(); ++c)
        EXPECT_TRUE(same_cell(a[t].rows[r][c], b[t].rows[r][c])) << "row " << r << " column " << a[t].columns[c].name;
  }
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The CSV files of an output folder, by name.
std::map<std::string, std::string> csv_files(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".csv") out[e.path().filename().string()] = slurp(e.path());
  return out;
}

std::string message(const api::Outcome& r) { return r.messages.empty() ? "" : r.messages.back().text; }

}  // namespace

// The flags' levers, the same levers in a scenario file named "flags" (their dates the day after
// the origin, as the flags' default is, and the shift's end that day plus round(2 x 365.25) = 731
// days), and the same levers as a forecast::Scenario: each gives the same forecast, every cell of
// every table alike, with the same seed.
TEST_F(ApiForecast, FlagLeversMakeTheSameScenarioAsAFileAndAsAValue) {
  api::ForecastRequest flags = request();
  flags.levers.entries = {"10-15:-20%"};
  flags.levers.shifts = {"foster_ifa:foster_in_house:5:2"};
  flags.levers.reentry_change = "0.5:home";
  flags.levers.legal_change = "interim_care_order:full_care_order:1.5";
  flags.out_dir = scratch("flags");
  fs::create_directories(flags.out_dir);
  const auto a = api::forecast(api::Config{}, flags);
  ASSERT_TRUE(a.done) << message(a);
  // The origin is the end of the last return, 31 March 2025.
  EXPECT_EQ(a.as_of, Date::from_ymd(2025, 3, 31));
  const std::string day1 = (a.as_of + 1).to_iso(), end = (a.as_of + 1 + 731).to_iso();
  EXPECT_EQ(day1, "2025-04-01");
  EXPECT_EQ(end, "2027-04-02");

  const std::string toml = fmt::format(
      "name = \"flags\"\n"
      "[[entries]]\nages = [10, 15]\nchange = -0.20\nfrom = {0}\n"
      "[[shift]]\nfrom_kind = \"foster_ifa\"\nto_kind = \"foster_in_house\"\nchildren = 5\nstart = {0}\nend = {1}\n"
      "[reentry]\nfactor = 0.5\nafter = \"home\"\nfrom = {0}\n"
      "[legal_status]\nfrom_group = \"interim_care_order\"\nto_group = \"full_care_order\"\nfactor = 1.5\nfrom = {0}\n",
      day1, end);
  const std::string file = scratch("scenario/flags.toml");
  fs::create_directories(fs::path(file).parent_path());
  std::ofstream(file) << toml;
  api::ForecastRequest from_file = request();
  from_file.scenario_files = {file};
  from_file.out_dir = scratch("file");
  fs::create_directories(from_file.out_dir);
  const auto b = api::forecast(api::Config{}, from_file);
  ASSERT_TRUE(b.done) << message(b);

  forecast::Scenario value;
  value.name = "flags";
  const Date from = a.as_of + 1;
  value.entry_changes.push_back({10, 15, 1.0 + -0.20, from});  // as "-20%" and "change = -0.20" are read
  value.shifts.push_back({forecast::Kind::foster_ifa, forecast::Kind::foster_in_house, 5, from, from + 731});
  value.reentry_factor = 0.5;
  value.reentry_after = forecast::LeftHow::home;
  value.reentry_from = from;
  value.legal_change = forecast::LegalChangeLever{LegalGroup::interim_care_order, LegalGroup::full_care_order, 1.5, from};
  api::ForecastRequest as_value = request();
  as_value.scenarios = {value};
  const auto c = api::forecast(api::Config{}, as_value);
  ASSERT_TRUE(c.done) << message(c);

  // Baseline spend; the scenario's spend and its difference; the baseline's totals at 31 March.
  ASSERT_EQ(a.shown.size(), 4u);
  EXPECT_EQ(a.shown[1].title, "Placement spend by financial year (scenario 'flags')");
  expect_same_tables(a.shown, b.shown);
  expect_same_tables(a.shown, c.shown);
  // Every table written (the scenario's and the baseline's, after disclosure control) alike too.
  const auto written = csv_files(flags.out_dir);
  EXPECT_EQ(written.size(), a.tables);
  EXPECT_EQ(written, csv_files(from_file.out_dir));
  EXPECT_TRUE(fs::exists(fs::path(from_file.out_dir) / "scenarios" / "flags.toml"));
  EXPECT_TRUE(fs::exists(fs::path(flags.out_dir) / "forecast_total_flags.svg"));
  // The levers act: 20% fewer 10-15s, 5 children moved, fewer re-entries: the scenario differs.
  EXPECT_NE(written.at("forecast_total.csv"), written.at("forecast_total_flags.csv"));

  // The headline figures: the children in care at the origin are those the returns show then
  // (counted by placement category, independently of the model).
  IngestReport report;
  const History h = ingest({returns()}, std::nullopt, report);
  const auto by_kind = forecast::actual_by_kind(h, a.as_of);
  EXPECT_EQ(static_cast<double>(a.children_in_care), std::accumulate(by_kind.begin(), by_kind.end(), 0.0));
  EXPECT_GT(a.children_in_care, 30u);
  EXPECT_EQ(a.runs, 20);
  EXPECT_EQ(a.years, 2);
  EXPECT_EQ(a.seed, 7u);
}

// A bad lever is refused, nothing run, with the flag's name and the message the same lever in a
// scenario file gets (the file's reader and the flags build levers through the same checks).
TEST_F(ApiForecast, BadLeverRefusedWithTheScenarioFilesMessage) {
  struct Case {
    std::string shift, reentry, legal, toml;
  } cases[] = {
      {"a:b:3:2", "", "",
       "[[shift]]\nfrom_kind = \"a\"\nto_kind = \"b\"\nchildren = 3\nstart = 2025-04-01\nend = 2027-04-01\n"},
      {"foster_ifa:foster_in_house:-3:2", "", "",
       "[[shift]]\nfrom_kind = \"foster_ifa\"\nto_kind = \"foster_in_house\"\nchildren = -3\nstart = 2025-04-01\nend = 2027-04-01\n"},
      {"", "0.5:house", "", "[reentry]\nfactor = 0.5\nafter = \"house\"\n"},
      {"", "-0.5", "", "[reentry]\nfactor = -0.5\n"},
      {"", "0.5:home:2025-13-01", "", "[reentry]\nfactor = 0.5\nafter = \"home\"\nfrom = \"2025-13-01\"\n"},
      {"", "", "court:full_care_order:2", "[legal_status]\nfrom_group = \"court\"\nfactor = 2\n"},
      {"", "", "interim_care_order:court:2",
       "[legal_status]\nfrom_group = \"interim_care_order\"\nto_group = \"court\"\nfactor = 2\n"},
      {"", "", "section_20:section_20:2", "[legal_status]\nfrom_group = \"section_20\"\nto_group = \"section_20\"\nfactor = 2\n"},
      {"", "", "interim_care_order:any:-2", "[legal_status]\nfrom_group = \"interim_care_order\"\nto_group = \"any\"\nfactor = -2\n"},
      {"", "", "interim_care_order:any:2:bad",
       "[legal_status]\nfrom_group = \"interim_care_order\"\nfactor = 2\nfrom = \"bad\"\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.toml);
    forecast::Scenario sc;
    const auto file_says = forecast::parse_scenario_toml(c.toml, sc);
    ASSERT_TRUE(file_says.has_value());
    ASSERT_TRUE(file_says->starts_with("scenario: ")) << *file_says;
    api::ForecastRequest q = request();
    if (!c.shift.empty()) q.levers.shifts = {c.shift};
    q.levers.reentry_change = c.reentry;
    q.levers.legal_change = c.legal;
    const auto r = api::forecast(api::Config{}, q);
    EXPECT_FALSE(r.done);
    EXPECT_TRUE(r.shown.empty());
    const std::string flag = !c.shift.empty() ? "--shift" : !c.reentry.empty() ? "--reentry-change" : "--legal-change";
    EXPECT_EQ(message(r), flag + ": " + *file_says);
  }
  // What only a flag can get wrong: its shape.
  api::ForecastRequest q = request();
  q.levers.shifts = {"foster_ifa:foster_in_house:3"};
  EXPECT_EQ(message(api::forecast(api::Config{}, q)),
            "--shift: expected FROM_KIND:TO_KIND:CHILDREN:YEARS, e.g. foster_ifa:foster_in_house:21:3");
}

// The returns cover 1 April 2018 to 31 March 2025: an origin before or after is refused (a
// forecast from there would start from nothing, or from children as if nothing had happened
// since); the last day itself is the default origin and allowed.
TEST_F(ApiForecast, OriginOutsideTheReturnsRefused) {
  for (const Date d : {Date::from_ymd(2000, 1, 1), Date::from_ymd(2018, 3, 31), Date::from_ymd(2025, 4, 1)}) {
    api::ForecastRequest q = request();
    q.as_of = d;
    q.out_dir = scratch("never");
    const auto r = api::forecast(api::Config{}, q);
    EXPECT_FALSE(r.done);
    EXPECT_EQ(message(r), "--as-of " + d.to_iso() + " is outside the returns, which cover 01/04/2018 to 31/03/2025 "
                          "(2018/19 to 2024/25)");
    EXPECT_FALSE(fs::exists(q.out_dir));
  }
  api::ForecastRequest q = request();
  q.as_of = Date::from_ymd(2018, 4, 1);
  q.years = 1;
  q.runs = 5;
  const auto r = api::forecast(api::Config{}, q);
  EXPECT_TRUE(r.done) << message(r);
  EXPECT_EQ(r.as_of, Date::from_ymd(2018, 4, 1));
}

// Origins every 31 March with 3 years (1,095 days) of returns before and one after: the returns
// start on 1 April 2018, so 31 March 2021 (1,095 days later: 2020 is a leap year) to 31 March
// 2024 (365 days before the end): 4 origins, each forecast 1 year ahead.
TEST_F(ApiForecast, BacktestOriginsAndTables) {
  api::BacktestRequest q;
  q.returns.inputs = {returns()};
  q.runs = 10;
  q.horizon = 1;
  q.out_dir = scratch("backtest");
  fs::create_directories(q.out_dir);
  const auto r = api::backtest(api::Config{}, q);
  ASSERT_TRUE(r.done) << message(r);
  EXPECT_EQ(r.notes, "10 runs per forecast.");
  size_t found = 0;
  for (const auto& s : r.summary)
    if (s.measure == "total") {
      EXPECT_EQ(s.n, 4u) << s.model << " " << s.horizon;
      ++found;
    }
  EXPECT_EQ(found, 8u);  // presented, microsim, stock_flow, naive; all horizons and 1 year
  EXPECT_EQ(r.tables, 2u);
  for (const char* f : {"backtest_summary.csv", "backtest_points.csv", "backtest.json", "backtest.xlsx", "relations.json"})
    EXPECT_TRUE(fs::exists(fs::path(q.out_dir) / f)) << f;
  // 2023/24 and 2024/25 alone: 730 days before 31 March 2025, fewer than 3 years.
  api::BacktestRequest short_q;
  short_q.returns.inputs = {returns() + "/2023_24", returns() + "/2024_25"};
  short_q.runs = 10;
  const auto s = api::backtest(api::Config{}, short_q);
  EXPECT_FALSE(s.done);
  EXPECT_EQ(message(s), "not enough history (need 3 years before an origin and 1 after)");
}
