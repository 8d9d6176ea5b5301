// Conformance of the CIN census rules with the reference validator's own rule tests, extracted
// as CSV fixtures (../shared/conformance/cin-validator-fixtures, its README). For each case: read
// its CSVs as an export is read, run the rule version the case belongs to, and compare the rows
// flagged (or the return-level message) with what the reference gives a user: its answer under
// real ingest (`ingest_flagged_by_table`, `ingest_la_level`), or, where its report drops what the
// rule found, the report's (`pipeline_flagged_by_table`). Expected rows come from the fixtures,
// never from careflow. Where the reference contradicts DfE's specification careflow follows DfE:
// the documented deviations below, kept in step with docs/validation-deviations.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "careflow/io/cin_census.hpp"
#include "careflow/validate/cin_collection.hpp"
#include "conformance_harness.hpp"

namespace fs = std::filesystem;
using namespace careflow;
using namespace careflow::validate;

namespace {

struct Deviation {
  std::string_view code;
  std::string_view folder;
  int case_number;
  std::string_view reason;
};

// Keep in step with docs/validation-deviations.md (section "CIN census").
const Deviation kDeviations[] = {
    {"2886Q", "cin2022_23", 1,
     "reference defect: the rule compares GenderCurrent with the number 0, so on a real return (text codes) it never "
     "fires; two of the three born children have no gender recorded (0 and blank), far above DfE's 2%, and careflow "
     "raises the query, as the rule's own test asserts"},
    {"8898", "cin2022_23", 1,
     "reference defect: on a real return the rule crashes on the factor lists (TypeError: unhashable type 'list') and "
     "reports nothing; careflow flags the assessment with factor 111 twice (Assessments row 0), as the rule's own test "
     "asserts"},
    {"8540", "cin2022_23", 1,
     "reference defect: the rule finds children 1 and 3 (disability blank, and 'notreal'), but its report step looks "
     "for a ROW_ID column the rule's output names ROW_ID_x and silently drops every location, so a user sees nothing; "
     "careflow reports the child, the disability and the episodes that went on to further action (rows 0 and 2 of "
     "ChildIdentifiers, Disabilities and CINdetails)"},
    {"8935", "cin2022_23", 1,
     "DfE's message: this child is showing more than one open child protection plan; child 1 has three open plans "
     "(rows 0, 1, 2) and careflow flags all three. The reference groups open plans by CPPID, so flags only the two "
     "rows that share one (0, 1) and misses the child's third open plan (row 2)"},
    {"4004", "cin2022_23", 1,
     "DfE's message: this child is showing more than one open CIN plan; child 1 has three open plans (rows 0, 1, 2), "
     "two in one episode and one in another, and careflow flags all three. The reference counts open plans within "
     "each episode, so misses row 2"},
};

const Deviation* deviation_for(const std::string& code, const std::string& folder, int c) {
  for (const auto& d : kDeviations)
    if (d.code == code && d.folder == folder && d.case_number == c) return &d;
  return nullptr;
}

std::vector<std::string> csvs_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".csv") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The reference's rows of a case, by table, from a {"Table": [rows]} object.
void add_expected(const nlohmann::json& by_table, CinFlags& out) {
  if (!by_table.is_object()) return;
  for (const auto& [name, rows] : by_table.items()) {
    const auto t = cin::table_from_name(name);
    EXPECT_TRUE(t.has_value()) << name;
    if (!t) continue;
    for (const auto& r : rows) out[*t].push_back(r.get<size_t>());
    std::sort(out[*t].begin(), out[*t].end());
    if (out[*t].empty()) out.erase(*t);
  }
}

validate::testing::CaseResult<cin::Table> run_case(const fs::path& dir, const nlohmann::json& j, const RuleVersion& rule,
                                                   size_t& blank_records_flagged) {
  ProblemLog problems;
  const int year = validate::testing::folder_year(j["rule_folder"]);
  // Read as careflow reads a year's files (the rule version, though, is the fixture folder's).
  const cin::Return ret = cin::read_cin_files(csvs_in(dir), CollectionYear{year}, problems);
  for (const auto& fr : ret.files) EXPECT_TRUE(fr.table.has_value()) << "unrecognised fixture file " << fr.path;
  CinInput in;
  in.this_year = &ret;
  in.year = CollectionYear{year};

  validate::testing::CaseResult<cin::Table> c;
  // What a user of the reference meets: its answer under real ingest (null when the rule
  // crashed), or its report's where the report drops the rule's rows.
  add_expected(j["pipeline_matches_test"].get<bool>() ? j["ingest_flagged_by_table"] : j["pipeline_flagged_by_table"],
               c.expected);
  if (j["ingest_la_level"].is_array()) c.expected[cin::Table::header] = {kReturnLevel};
  c.result = run_cin_rule(rule, in);
  // Rows are mapped back to the CSV's 0-based data rows by their line (no fixture has a line
  // break in a field). The reader skips records whose every field is empty (reported once, at
  // ingest); rows the reference flags on such records are counted apart.
  for (auto& [t, rows] : c.result.flagged)
    for (auto& r : rows)
      if (r != kReturnLevel) r = ret.find(t)->line(r) - 2;
  for (auto it = c.expected.begin(); it != c.expected.end();) {
    const cin::ReturnTable* rt = ret.find(it->first);
    if (!rt || it->second == std::vector<size_t>{kReturnLevel}) {
      ++it;
      continue;
    }
    std::set<size_t> present;
    for (size_t r = 0; r < rt->rows(); ++r) present.insert(rt->line(r) - 2);
    std::vector<size_t> kept;
    for (size_t r : it->second) {
      if (present.count(r)) kept.push_back(r);
      else ++blank_records_flagged;
    }
    it->second = kept;
    it = it->second.empty() ? c.expected.erase(it) : std::next(it);
  }
  return c;
}

}  // namespace

TEST(CinConformance, ReferenceFixtures) {
  const fs::path root = fs::path(CAREFLOW_SHARED_DIR) / "conformance" / "cin-validator-fixtures";
  if (!fs::is_directory(root))
    GTEST_SKIP() << "CIN conformance fixtures not found at " << root.string()
                 << " (they live in the shared folder next to the repository)";
  size_t blank_records_flagged = 0;
  validate::testing::ConformanceSuite<CinCensus> suite;
  suite.root = root;
  suite.run = [&](const fs::path& dir, const nlohmann::json& j, const RuleVersion& rule) {
    return run_case(dir, j, rule, blank_records_flagged);
  };
  std::set<std::string> deviations_met;
  suite.deviation = [&](const std::string& code, const std::string& folder, int case_number, const nlohmann::json&) {
    const Deviation* d = deviation_for(code, folder, case_number);
    if (!d) return std::string();
    deviations_met.insert(code + "/" + folder);
    return std::string(d->reason);
  };
  const validate::testing::ConformanceTally tally = validate::testing::run_conformance(suite);
  ASSERT_EQ(tally.cases, 114u) << "the fixture set's README says 114 cases";
  for (const auto& d : tally.deviations_seen) std::cout << d << "\n";
  for (const auto& f : tally.failures) ADD_FAILURE() << f;
  std::cout << "CIN " << tally.summary() << "; " << blank_records_flagged << " flags on blank records left to ingest"
            << std::endl;
  EXPECT_EQ(tally.mismatches, 0u);
  EXPECT_EQ(tally.not_run, 0u);
  EXPECT_TRUE(tally.unimplemented_rules.empty()) << *tally.unimplemented_rules.begin();
  // Every documented deviation is met: a rule changed to agree with the reference must lose its entry.
  EXPECT_EQ(deviations_met.size(), std::size(kDeviations));
}

TEST(CinConformance, EveryRuleVersionImplementedOnce) {
  EXPECT_EQ(CinCensus::catalogue().size(), 114u);
  const auto problems = registration_problems(CinCensus::catalogue(), registrations(CinCensus::rules()));
  for (const auto& p : problems) ADD_FAILURE() << p;
  for (const auto& v : CinCensus::catalogue()) EXPECT_NE(CinCensus::rules().find(v), nullptr) << v.code;
}
