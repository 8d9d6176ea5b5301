// Pathways into care in the report (issue #15 item 5) on a synthetic council with its census:
// the four tables written, and their figures consistent with each other and with the report's own
// starters (flows_by_year), which are counted by other code from the same 903 history.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>

#include "careflow/api/needs_assessment.hpp"
#include "careflow/io/csv.hpp"
#include "careflow/synth/synth.hpp"
#include "io/temp_returns.hpp"

using namespace careflow;

namespace {

using Csv = std::map<std::string, std::map<std::string, std::optional<double>>>;

Csv read(const std::string& path) {
  Csv m;
  const auto r = read_csv(path);
  EXPECT_TRUE(r.readable) << path;
  for (size_t i = 0; i < r.table.rows(); ++i)
    for (size_t c = 1; c < r.table.cols(); ++c)
      m[std::string(r.table.cell(i, 0))][r.table.columns[c]] = parse_number_cell(r.table.cell(i, c));
  return m;
}

}  // namespace

TEST(ApiReportPathways, TheTablesAgreeWithEachOtherAndWithTheStarters) {
  careflow::testing::TempReturns dir;
  synth::SynthOptions o;
  o.first_year = 2020;
  o.last_year = 2025;
  o.population = 300;
  o.seed = 5;
  o.postcodes = false;
  o.threads = 2;
  o.cin = true;
  synth::generate(o, dir.root() + "/returns");
  api::NeedsAssessmentRequest q;
  q.returns.inputs = {dir.root() + "/returns"};
  q.out_dir = dir.root() + "/out";
  q.forecast_runs = 0;
  api::Config config;
  config.suppression = false;  // every figure, to check the arithmetic
  config.threads = 2;
  const auto r = api::needs_assessment(config, q);
  ASSERT_TRUE(r.done);
  const std::string csv = dir.root() + "/out/csv/";
  const Csv prior = read(csv + "cin_entrants_by_prior_involvement.csv");
  const Csv drift = read(csv + "cin_entrants_drift.csv");
  const Csv to_care = read(csv + "cin_protection_plans_to_care.csv");
  const Csv funnel = read(csv + "cin_funnel_by_age.csv");
  const Csv flows = read(csv + "flows_by_year.csv");
  ASSERT_EQ(prior.size(), 6u);  // 2019/20 to 2024/25
  double entrants = 0;
  for (const auto& [year, row] : prior) {
    SCOPED_TRACE(year);
    const double n = *row.at("entrants");
    entrants += n;
    EXPECT_EQ(n, *flows.at(year).at("started"));
    EXPECT_EQ(n, *row.at("protection_plan") + *row.at("cin_plan") + *row.at("referral_only") + *row.at("not_known"));
    const auto& d = drift.at(year);
    EXPECT_EQ(*d.at("with_referral"), n - *row.at("not_known"));
    double bands = 0;
    for (int b = 1; b <= 5; ++b) bands += *d.at("band_" + std::to_string(b));
    EXPECT_EQ(bands, *d.at("with_referral"));
    const auto& t = to_care.at(year);
    for (const char* h : {"6m", "12m", "24m"})
      EXPECT_LE(*t.at(std::string("looked_after_") + h), *t.at(std::string("followed_up_") + h));
  }
  EXPECT_GT(entrants, 100);
  // Censoring: plans of 2024/25 have no 12 months in the data, those of 2023/24 no 24 months; an
  // older year's plans are all followed up 24 months, and more of them reach care by 24 months.
  EXPECT_EQ(*to_care.at("2024/25").at("followed_up_12m"), 0);
  EXPECT_EQ(*to_care.at("2023/24").at("followed_up_24m"), 0);
  const auto& old = to_care.at("2020/21");
  EXPECT_EQ(*old.at("followed_up_24m"), *old.at("children"));
  EXPECT_LE(*old.at("looked_after_6m"), *old.at("looked_after_12m"));
  EXPECT_LE(*old.at("looked_after_12m"), *old.at("looked_after_24m"));
  // The funnel: the bands sum to All; plans then care within plans.
  double referred = 0;
  for (const auto& [band, row] : funnel)
    if (band != "All") referred += *row.at("referred");
  EXPECT_EQ(referred, *funnel.at("All").at("referred"));
  EXPECT_LE(*funnel.at("All").at("plan_then_care"), *funnel.at("All").at("protection_plan"));
  EXPECT_LE(*funnel.at("All").at("plan_then_care"), *funnel.at("All").at("looked_after"));
}
