// The conformance harness, for any collection of the validation engine (collection.hpp): a
// reference validator's own rule tests, extracted as fixtures, one case per folder,
// <root>/<ruleset folder: lac2022_23, cin2023_24...>/<rule>/case_NN/expected.json. For each case
// the harness finds the rule version in the collection's catalogue (by code and the ruleset
// folder's year), counts versions never active in any year and versions careflow has not
// implemented, has the collection run the case, and compares the rows flagged, table by table,
// with the reference's. Expected rows come from the fixtures, never from careflow. What is
// particular to a collection (reading a case as a real upload is read, mapping rows, the
// documented deviations) is in its ConformanceSuite.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "careflow/validate/collection.hpp"

namespace careflow::validate::testing {

template <class Table>
struct CaseResult {
  ResultOf<Table> result;   // the rule version run on the case
  FlagsOf<Table> expected;  // the reference's rows, numbered as result.flagged's
};

template <class C>
struct ConformanceSuite {
  std::filesystem::path root;
  // Reads the case in `dir` as a real upload would be read, runs `rule` on it, and gives the
  // reference's answer from `expected` (the case's expected.json) in the same row numbering.
  std::function<CaseResult<typename C::Table>(const std::filesystem::path& dir, const nlohmann::json& expected,
                                              const RuleVersion& rule)>
      run;
  // Why careflow differs from the reference on a case, when that is documented; "" when not.
  std::function<std::string(const std::string& code, const std::string& folder, int case_number,
                            const nlohmann::json& expected)>
      deviation;
};

struct ConformanceTally {
  size_t cases = 0, match = 0, deviations = 0, not_implemented_cases = 0, never_active_cases = 0, mismatches = 0,
         not_run = 0;
  std::set<std::string> unimplemented_rules, never_active_rules;  // "code/folder"
  std::vector<std::string> deviations_seen;  // "deviation 117 (lac2022_23 case 3): why"
  std::vector<std::string> failures;         // a mismatch, or a rule not run where the reference flags rows
  std::string summary() const {
    std::ostringstream s;
    s << "conformance: " << match << " match, " << deviations << " documented deviations, "
      << unimplemented_rules.size() << " rules not yet implemented (" << not_implemented_cases << " cases), "
      << never_active_rules.size() << " rules never active in any year (" << never_active_cases << " cases), "
      << mismatches << " mismatches";
    return s.str();
  }
};

// The collection year of a ruleset folder: lac2022_23 and cin2022_23 are 2023.
inline int folder_year(const std::string& folder) {
  const size_t digits = folder.find_first_of("0123456789");
  return digits == std::string::npos ? 0 : std::stoi(folder.substr(digits, 4)) + 1;
}

template <class C>
ConformanceTally run_conformance(const ConformanceSuite<C>& suite) {
  namespace fs = std::filesystem;
  std::vector<fs::path> cases;
  for (const auto& e : fs::recursive_directory_iterator(suite.root))
    if (e.path().filename() == "expected.json") cases.push_back(e.path().parent_path());
  std::sort(cases.begin(), cases.end());
  ConformanceTally t;
  t.cases = cases.size();
  auto show = [](const FlagsOf<typename C::Table>& fl) {
    std::string s;
    for (const auto& [table, rows] : fl) {
      s += std::string(C::table_name(table)) + ":[";
      for (size_t r : rows) s += std::to_string(r) + ",";
      s += "] ";
    }
    return s.empty() ? std::string("nothing") : s;
  };
  for (const auto& dir : cases) {
    std::ifstream f(dir / "expected.json");
    const auto j = nlohmann::json::parse(f);
    const std::string code = j["rule"], folder = j["rule_folder"];
    const int case_number = j["case"];
    const std::string where = folder + " case " + std::to_string(case_number);
    const RuleVersion* rule = nullptr;
    for (const auto& v : C::catalogue())
      if (v.code == code && v.version_year == folder_year(folder)) rule = &v;
    if (!rule) {
      t.failures.push_back(code + " (" + where + "): no such rule version in the catalogue");
      continue;
    }
    // Defined and deleted in the same year (the 903's SW15, SW16a-c): no year's registry runs them.
    if (rule->first_year > rule->last_year) {
      ++t.never_active_cases;
      t.never_active_rules.insert(code + "/" + folder);
      continue;
    }
    if (!C::rules().find(*rule)) {
      ++t.not_implemented_cases;
      t.unimplemented_rules.insert(code + "/" + folder);
      continue;
    }
    const CaseResult<typename C::Table> c = suite.run(dir, j, *rule);
    if (c.result.outcome == Outcome::not_run) {
      // The reference also skips a rule whose data is absent; it then flags nothing.
      if (c.expected.empty()) {
        ++t.match;
      } else {
        ++t.not_run;
        t.failures.push_back(code + " " + where + " not run: " + c.result.reason);
      }
      continue;
    }
    if (c.result.flagged == c.expected) {
      ++t.match;
      continue;
    }
    if (const std::string why = suite.deviation ? suite.deviation(code, folder, case_number, j) : ""; !why.empty()) {
      ++t.deviations;
      t.deviations_seen.push_back("deviation " + code + " (" + where + "): " + why);
      continue;
    }
    ++t.mismatches;
    t.failures.push_back("rule " + code + " (" + where + ") flagged " + show(c.result.flagged) +
                         "but the reference flags " + show(c.expected));
  }
  return t;
}

}  // namespace careflow::validate::testing
