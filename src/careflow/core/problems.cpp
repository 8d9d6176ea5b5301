#include "careflow/core/problems.hpp"

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

ProblemLog::Tally& ProblemLog::tally(const std::string& file, const std::string& rule) {
  key_.assign(file);
  key_ += '\n';
  key_ += rule;
  const auto it = tallies_.find(key_);
  if (it != tallies_.end()) return it->second;
  return tallies_.emplace(key_, Tally{}).first->second;
}

void ProblemLog::add(Problem p) {
  Tally& t = tally(p.file, p.rule);
  if (t.listed < kListedPerFileAndRule) {
    ++t.listed;
    problems_.push_back(std::move(p));
    return;
  }
  add_unlisted(p.file, p.rule, p.severity);
}

bool ProblemLog::lists(const std::string& file, const std::string& rule) {
  return tally(file, rule).listed < kListedPerFileAndRule;
}

void ProblemLog::add_unlisted(const std::string& file, const std::string& rule, Severity severity) {
  Tally& t = tally(file, rule);
  if (t.omitted == UINT32_MAX) {
    t.omitted = static_cast<uint32_t>(omitted_.size());
    omitted_.push_back({file, rule, severity, 0});
  }
  ++omitted_[t.omitted].count;
}

size_t ProblemLog::count(Severity s) const {
  size_t n = 0;
  for (const auto& p : problems_) n += p.severity == s;
  for (const auto& o : omitted_) n += o.severity == s ? o.count : 0;
  return n;
}

size_t ProblemLog::size() const {
  size_t n = problems_.size();
  for (const auto& o : omitted_) n += o.count;
  return n;
}

void ProblemLog::append(const ProblemLog& other) {
  problems_.reserve(problems_.size() + other.problems_.size());
  for (const auto& p : other.problems_) add(p);
  append_omitted(other);
}

void ProblemLog::append_omitted(const ProblemLog& other) {
  for (const auto& o : other.omitted_) {
    Tally& t = tally(o.file, o.rule);
    if (t.omitted == UINT32_MAX) {
      t.omitted = static_cast<uint32_t>(omitted_.size());
      omitted_.push_back({o.file, o.rule, o.severity, 0});
    }
    omitted_[t.omitted].count += o.count;
  }
}

Problem summary_of(const ProblemLog::Omitted& o) {
  return {o.severity, o.file, 0, "", o.rule,
          fmt::format("{} more {}(s) of this kind in this file are not listed (the first {} are)", o.count,
                      to_string(o.severity), ProblemLog::kListedPerFileAndRule)};
}

}  // namespace careflow
