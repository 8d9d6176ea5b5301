// Returns built by hand from CSV text, and one rule run over them: the tests of the validation
// rules derive each expected row in a comment beside it.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

#include "careflow/io/csv.hpp"
#include "careflow/io/ssda903.hpp"
#include "careflow/validate/engine.hpp"

namespace careflow::validate::testing {

using Rows = std::vector<size_t>;

// A return built from CSV text per table (file names as the return names them).
inline ssda903::Return make_return(int year, std::initializer_list<std::pair<const char*, const char*>> files) {
  ssda903::Return ret;
  ret.year = CollectionYear{year};
  ProblemLog log;
  for (const auto& [name, text] : files) {
    CsvReadResult csv = parse_csv(text, name);
    auto t = ssda903::to_return_table(std::move(csv.table), name, log);
    EXPECT_TRUE(t.has_value()) << name;
    if (t) ret.tables[static_cast<size_t>(t->table)] = std::move(*t);
  }
  return ret;
}

// The rows one rule flags; the rule must run (not "not run" for want of data).
inline Flags run_in(std::string_view code, const ValidationInput& in) {
  const RuleVersion* v = find_rule(code, in.year.end_year);
  EXPECT_NE(v, nullptr) << code;
  if (!v) return {};
  RuleResult r = run_rule(*v, in);
  EXPECT_EQ(r.outcome, Outcome::ran) << code << ": " << r.reason;
  return r.flagged;
}

inline Flags run(std::string_view code, int year, const ssda903::Return& ret, const ssda903::Return* last = nullptr) {
  ValidationInput in;
  in.this_year = &ret;
  in.last_year = last;
  in.year = CollectionYear{year};
  return run_in(code, in);
}

}  // namespace careflow::validate::testing
