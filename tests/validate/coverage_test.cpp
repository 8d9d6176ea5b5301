// Issue #3 asks for at least one failing and one passing row per rule. For every implemented rule
// version this counts the reference fixture cases with a flagged row and those with an unflagged
// row (from each case's expected.json: its tables' row counts and the reference's flags under
// ingest), and requires every rule the fixtures leave thin to have hand-derived cases in
// rules_test.cpp (kHandDerived) or to be on the list of older rules not yet
// given them (kKnownThin, which may only shrink).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "careflow/validate/engine.hpp"

namespace fs = std::filesystem;
using namespace careflow::validate;

namespace {

// Rule codes with a hand-derived failing and passing row in rules_test.cpp.
const std::set<std::string> kHandDerived = {
    // before issue #3
    "202", "357", "361", "362", "365", "374", "377", "574", "227", "228", "219", "224", "221", "229",
    "1008", "411",
    // issue #3
    "164", "205A", "205B", "205C", "205D", "231", "303", "392a", "392b", "406", "380", "383", "434",
    "435", "436", "576", "577", "578", "633", "347", "706", "707", "1015", "117", "118", "557",
    "561", "584", "632", "157", "186", "187", "191", "197B", "218", "230", "196", "SW01STG1",
    "SW10STG2", "392c", "208", "553", "555", "558", "105", "702",
    "SW07STG2", "1010", "SW11bSTG2",
    // the last five (issue #3)
    "165", "1001", "453", "SW11aSTG2", "SW12STG2"};

// Older rules whose fixtures lack a failing or a passing row and which have no hand-derived case
// yet (printed by the test; remove a code when it gets one).
const std::set<std::string> kKnownThin = {};

}  // namespace

TEST(Coverage, EveryRuleHasAFailingAndAPassingRow) {
  const fs::path root = fs::path(CAREFLOW_SHARED_DIR) / "conformance" / "903-validator-fixtures";
  if (!fs::is_directory(root)) GTEST_SKIP() << "conformance fixtures not found at " << root.string();

  struct Count {
    int failing = 0, passing = 0;
  };
  std::map<std::string, Count> by_rule;  // implemented rule code -> cases
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().filename() != "expected.json") continue;
    std::ifstream f(e.path());
    const auto j = nlohmann::json::parse(f);
    const std::string code = j["rule"], folder = j["rule_folder"];
    const int version_year = std::stoi(folder.substr(3, 4)) + 1;
    const RuleVersion* rule = nullptr;
    for (const auto& v : catalogue())
      if (v.code == code && v.version_year == version_year) rule = &v;
    if (!rule || !implementation(*rule)) continue;
    auto& c = by_rule[code];
    size_t flagged_total = 0;
    bool unflagged = false;
    for (const auto& [table, in] : j["inputs"].items()) {
      if (table.find("_last") != std::string::npos || !in.contains("rows")) continue;
      const size_t rows = in["rows"].get<size_t>();
      size_t flagged = 0;
      if (j["ingest_flagged_by_table"].contains(table)) flagged = j["ingest_flagged_by_table"][table].size();
      flagged_total += flagged;
      unflagged |= rows > flagged;
    }
    c.failing += flagged_total > 0;
    c.passing += unflagged;
  }

  // Every implemented rule active in some year, including those with no fixture at all.
  for (const auto& v : catalogue())
    if (implementation(v)) by_rule.try_emplace(std::string(v.code));

  std::vector<std::string> thin;
  for (const auto& [code, c] : by_rule)
    if (c.failing == 0 || c.passing == 0) thin.push_back(code);
  std::string list;
  for (const auto& code : thin) list += code + " ";
  std::cout << "fixture coverage: " << by_rule.size() - thin.size() << " of " << by_rule.size()
            << " implemented rules have a fixture case with a flagged row and one with an unflagged row; thin: "
            << (list.empty() ? "none" : list) << std::endl;
  for (const auto& code : thin)
    EXPECT_TRUE(kHandDerived.count(code) || kKnownThin.count(code))
        << "rule " << code << ": the fixtures lack a failing or a passing row and no hand-derived case covers it";
  for (const auto& code : kKnownThin)
    EXPECT_TRUE(std::find(thin.begin(), thin.end(), code) != thin.end())
        << "rule " << code << " is no longer thin: remove it from kKnownThin";
}
