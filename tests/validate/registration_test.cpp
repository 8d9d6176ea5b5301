// Every rule careflow registers is a rule version of the catalogue, registered once: a misspelt
// code would otherwise leave the real rule "not yet implemented" and run nothing.
#include <gtest/gtest.h>

#include "careflow/validate/engine.hpp"

using namespace careflow::validate;

namespace {
std::string lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}
}  // namespace

TEST(Registration, EverySsda903RuleIsACatalogueVersionRegisteredOnce) {
  const auto problems = registration_problems(Ssda903::catalogue(), registrations(Ssda903::rules()));
  EXPECT_TRUE(problems.empty()) << lines(problems);
}

TEST(Registration, UnknownCodesWrongVersionsAndRepeatsAreFound) {
  // A catalogue of two rules, 101 with versions for 2022/23 and 2024/25, and 102.
  const RuleVersion catalogue[] = {{"101", 2023, 2023, 2024, "", "", ""}, {"101", 2025, 2025, 2027, "", "", ""},
                                   {"102", 2023, 2023, 2027, "", "", ""}};
  EXPECT_TRUE(registration_problems(catalogue, {{"101", 2023}, {"101", 2025}, {"102", 0}}).empty());
  // 1O1 (a letter O): no such rule; 101 for 2023/24: no such version; 102 twice; 101 for every
  // version (0) and for 2022/23.
  const auto p = registration_problems(catalogue, {{"1O1", 0}, {"101", 2024}, {"102", 0}, {"102", 0}, {"101", 0}, {"101", 2023}});
  EXPECT_EQ(p, (std::vector<std::string>{"1O1: no such rule in the catalogue", "101: the catalogue has no 2023/24 version",
                                         "102, every version: registered twice", "101: registered for every version and for one"}))
      << lines(p);
}
