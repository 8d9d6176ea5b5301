// Problems found while reading input: every one names where it is (file, line, column) and what
// rule it breaks, so an analyst can open the file and fix it. Reading never stops at the first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace careflow {

enum class Severity : uint8_t {
  error,    // the row (or file) could not be used and was rejected
  warning,  // the row was kept, but a value in it was unusable and is treated as missing
  repair,   // the data were changed by a documented repair rule (see docs/ingestion.md)
};

struct Problem {
  Severity severity = Severity::error;
  std::string file;    // path as given by the user
  uint32_t line = 0;   // 1-based line in the file; 0 when the problem is about the whole file
  std::string column;  // column name; empty when about a whole row or file
  std::string rule;    // short stable identifier, e.g. "bad-date", "field-count"
  std::string message; // plain-English explanation; never contains a child identifier in clear
};

std::string to_string(const Problem& p);
std::string_view to_string(Severity s);

// Collects problems; callers keep going after adding one.
class ProblemLog {
 public:
  void add(Problem p) { problems_.push_back(std::move(p)); }
  const std::vector<Problem>& all() const { return problems_; }
  size_t count(Severity s) const;
  bool empty() const { return problems_.empty(); }
  void append(const ProblemLog& other);

 private:
  std::vector<Problem> problems_;
};

}  // namespace careflow
