// careflow report with the Children in Need census beside the 903 (issue #15): a synthetic
// council with the census gets the section "The front door and child protection" and its CSVs,
// whose figures are the counts synth kept while simulating (synth/cin_write.cpp counts them from
// its own simulation, not from the XML); the same council without the census gets no such
// section, and every other table is the same byte for byte.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "careflow/api/needs_assessment.hpp"
#include "careflow/io/csv.hpp"
#include "careflow/synth/synth.hpp"
#include "io/temp_returns.hpp"
#include "shared_reference.hpp"

using namespace careflow;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// A council of about 300 looked after, 2020/21 to 2024/25, its census with it or not (the 903
// files are the same either way: the census draws from streams of its own).
class ApiReportCin : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<careflow::testing::TempReturns>();
    synth::SynthOptions o;
    o.first_year = 2021;
    o.last_year = 2025;
    o.population = 300;
    o.seed = 11;
    o.postcodes = false;
    o.threads = 2;
    o.cin = true;
    truth_ = std::make_unique<synth::GroundTruth>(synth::generate(o, root() + "/with"));
    o.cin = false;
    synth::generate(o, root() + "/without");
    // The council's 0-17 population (synth's, for the census's rates), the same every mid-year.
    {
      std::ofstream pop(root() + "/population.csv");
      pop << "year,population\n";
      for (int y = 2019; y <= 2025; ++y) pop << y << "," << fmt::format("{}", truth_->cin_population) << "\n";
    }
    with_ = run("with", "out_with");
    without_ = run("without", "out_without");
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string root() { return dir_->root(); }

  static api::NeedsAssessmentResult run(const std::string& returns, const std::string& out) {
    api::NeedsAssessmentRequest q;
    q.returns.inputs = {root() + "/" + returns};
    q.out_dir = root() + "/" + out;
    q.population_file = root() + "/population.csv";
    q.forecast_runs = 0;
    api::Config config;
    config.reference = shared_reference();
    config.threads = 2;
    return api::needs_assessment(config, q);
  }

  // A CSV the report wrote: year label (first column) -> column -> number (none: blank or c).
  static std::map<std::string, std::map<std::string, std::optional<double>>> csv(const std::string& out,
                                                                                const std::string& id) {
    std::map<std::string, std::map<std::string, std::optional<double>>> m;
    const auto r = read_csv(root() + "/" + out + "/csv/" + id + ".csv");
    EXPECT_TRUE(r.readable) << id;
    for (size_t i = 0; i < r.table.rows(); ++i)
      for (size_t c = 1; c < r.table.cols(); ++c)
        m[std::string(r.table.cell(i, 0))][r.table.columns[c]] = parse_number_cell(r.table.cell(i, c));
    return m;
  }

  static inline std::unique_ptr<careflow::testing::TempReturns> dir_;
  static inline std::unique_ptr<synth::GroundTruth> truth_;
  static inline api::NeedsAssessmentResult with_, without_;
};

}  // namespace

TEST_F(ApiReportCin, TheSectionIsThereWithTheCensusAndItsFiguresAreSynthsCounts) {
  ASSERT_TRUE(with_.done);
  const std::string html = slurp(root() + "/out_with/report.html");
  EXPECT_NE(html.find("id=\"front_door\""), std::string::npos);
  EXPECT_NE(html.find("The front door and child protection"), std::string::npos);
  EXPECT_NE(html.find("id=\"t-cin_referrals\""), std::string::npos);

  const auto referrals = csv("out_with", "cin_referrals");
  const auto outcomes = csv("out_with", "cin_referral_outcomes");
  const auto sources = csv("out_with", "cin_referrals_by_source");
  for (const auto& t : truth_->cin_years) {
    const std::string y = CollectionYear{t.year}.label();
    SCOPED_TRACE(y);
    ASSERT_TRUE(referrals.count(y));
    // Referrals, and their rate on synth's population.
    EXPECT_EQ(referrals.at(y).at("referrals"), double(t.referrals));
    ASSERT_TRUE(referrals.at(y).at("rate_per_10000"));
    EXPECT_NEAR(*referrals.at(y).at("rate_per_10000"), 10000.0 * double(t.referrals) / truth_->cin_population, 0.051);
    EXPECT_EQ(outcomes.at(y).at("no_further_action"), double(t.referrals_nfa));
    // Re-referrals: synth counts a previous referral at most 365 days before; careflow from the
    // same day a year earlier, which is 366 days back across a 29 February: as many or a few more.
    // The first year read has none (the year before is not in the returns).
    if (t.year == 2021) {
      EXPECT_FALSE(outcomes.at(y).at("rereferrals"));
    } else {
      ASSERT_TRUE(outcomes.at(y).at("rereferrals"));
      EXPECT_GE(*outcomes.at(y).at("rereferrals"), double(t.rereferrals));
      EXPECT_LE(*outcomes.at(y).at("rereferrals"), double(t.rereferrals) * 1.01 + 2);
    }
    // Not in need: synth counts every referral of the year its simulation closes RC8 or RC9,
    // careflow those closed by 31 March (as that year's return shows): a few fewer, the referrals
    // of the year's last weeks still being assessed.
    ASSERT_TRUE(outcomes.at(y).at("not_in_need"));
    EXPECT_LE(*outcomes.at(y).at("not_in_need"), double(t.referrals_not_in_need));
    EXPECT_GE(*outcomes.at(y).at("not_in_need"), 0.85 * double(t.referrals_not_in_need));
    // Sources: each of synth's groups (named as C5 names them) is the row of that group.
    EXPECT_EQ(sources.at("Total").at(fmt::format("y{}", t.year)), double(t.referrals));
    for (const auto& [group, n] : t.referrals_by_source) {
      std::optional<double> found;
      for (const auto& [label, cols] : sources)
        if (label.rfind(group == "LA services" ? "Local authority services" : group, 0) == 0 &&
            (group != "Other" || label.rfind("Other (", 0) == 0))
          found = cols.at(fmt::format("y{}", t.year));
      EXPECT_EQ(found, n > 5 ? std::optional<double>(double(n)) : found) << group;
    }
  }
  // Child protection plans against synth's counts: starts, second or subsequent, at 31 March, by
  // initial category exactly; by length at 31 March within a few (synth bands by days: 91, 182,
  // 365, 730; careflow by calendar months, DfE's bands).
  const auto plans = csv("out_with", "cin_cp_plans");
  const auto repeat = csv("out_with", "cin_cp_repeat_plans");
  const auto category = csv("out_with", "cin_cp_by_category");
  const auto length = csv("out_with", "cin_cp_length_at_31_march");
  const std::map<std::string, std::string> kCategory = {{"NEG", "Neglect (NEG)"}, {"PHY", "Physical abuse (PHY)"},
                                                        {"SAB", "Sexual abuse (SAB)"}, {"EMO", "Emotional abuse (EMO)"},
                                                        {"MUL", "Multiple (MUL)"}};
  for (const auto& t : truth_->cin_years) {
    const std::string y = CollectionYear{t.year}.label(), col = fmt::format("y{}", t.year);
    SCOPED_TRACE(y);
    EXPECT_EQ(plans.at(y).at("starting"), double(t.cpp_starts));
    EXPECT_EQ(plans.at(y).at("at_31_march"), double(t.cpp_at_31_march));
    EXPECT_EQ(repeat.at(y).at("second_or_subsequent"), double(t.cpp_second_or_subsequent));
    // A small category may be withheld (a count of 1 to 5 beside it, protected by another): shown,
    // it is synth's.
    for (const auto& [code, n] : t.cpp_starts_by_initial_category) {
      const auto shown = category.at(kCategory.at(code)).at(col);
      if (shown) {
        EXPECT_EQ(*shown, double(n)) << code;
      }
    }
    for (const auto& [band, n] : t.cpp_at_31_march_by_duration) {
      if (n > 5) {
        ASSERT_TRUE(length.count(band)) << band;
        if (const auto shown = length.at(band).at(col)) {
          EXPECT_NEAR(*shown, double(n), 0.05 * double(n) + 3) << band;
        }
      }
    }
  }
  // England beside the council: C1 2024/25, 632,830 referrals, re-referrals 22.6%.
  EXPECT_EQ(referrals.at("2024/25").at("england_referrals"), 632830.0);
  EXPECT_EQ(outcomes.at("2024/25").at("england_rereferral_percent"), 22.6);
}

TEST_F(ApiReportCin, WithoutTheCensusTheSectionIsAbsentAndNothingElseChanges) {
  ASSERT_TRUE(with_.done);
  ASSERT_TRUE(without_.done);
  const std::string html = slurp(root() + "/out_without/report.html");
  EXPECT_EQ(html.find("front_door"), std::string::npos);
  std::set<std::string> with_files, without_files;
  for (const auto& e : fs::directory_iterator(root() + "/out_with/csv")) with_files.insert(e.path().filename());
  for (const auto& e : fs::directory_iterator(root() + "/out_without/csv")) without_files.insert(e.path().filename());
  for (const auto& f : without_files) {
    ASSERT_TRUE(with_files.count(f)) << f;
    // The notes hold the key messages, which the section adds to.
    if (f == "notes.csv") continue;
    EXPECT_EQ(slurp(root() + "/out_with/csv/" + f), slurp(root() + "/out_without/csv/" + f)) << f;
  }
  for (const auto& f : with_files) {
    if (!without_files.count(f)) {
      EXPECT_EQ(f.rfind("cin_", 0), 0u) << f;
    }
  }
  // 3 of referrals, 7 of child protection plans, 2 of section 47 enquiries, 3 of assessments, 4 of
  // pathways into care.
  EXPECT_EQ(with_files.size() - without_files.size(), 19u);
}
