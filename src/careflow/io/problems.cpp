#include "careflow/io/problems.hpp"

#include <fmt/format.h>

namespace careflow {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::repair: return "repair";
  }
  return "";
}

std::string to_string(const Problem& p) {
  std::string where = p.file;
  if (p.line) where += fmt::format(":{}", p.line);
  if (!p.column.empty()) where += fmt::format(" column {}", p.column);
  return fmt::format("{}: {} [{}]: {}", where, to_string(p.severity), p.rule, p.message);
}

size_t ProblemLog::count(Severity s) const {
  size_t n = 0;
  for (const auto& p : problems_) n += p.severity == s;
  return n;
}

void ProblemLog::append(const ProblemLog& other) {
  problems_.insert(problems_.end(), other.problems_.begin(), other.problems_.end());
}

}  // namespace careflow
