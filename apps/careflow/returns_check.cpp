#include "returns_check.hpp"

#include <fmt/format.h>

#include <map>
#include <vector>

namespace careflow::cli {

namespace {

// The problems by kind, as print_data_quality describes; without repairs when `no_repairs`.
void print_by_kind(const ProblemLog& log, bool no_repairs) {
  // Per rule, in the order first met: its problems listed, and how many there are in all.
  struct Kind {
    std::vector<const Problem*> listed;
    size_t total = 0;
    Severity severity = Severity::warning;
  };
  std::vector<std::string> order;
  std::map<std::string, Kind> kinds;
  for (const auto& p : log.all()) {
    if (no_repairs && p.severity == Severity::repair) continue;
    auto [it, fresh] = kinds.try_emplace(p.rule);
    if (fresh) order.push_back(p.rule);
    it->second.listed.push_back(&p);
    ++it->second.total;
    it->second.severity = p.severity;
  }
  for (const auto& o : log.omitted()) {
    if (no_repairs && o.severity == Severity::repair) continue;
    auto [it, fresh] = kinds.try_emplace(o.rule);
    if (fresh) order.push_back(o.rule);
    it->second.total += o.count;
    it->second.severity = o.severity;
  }
  std::vector<std::string> repairs;
  for (const auto& rule : order) {
    const Kind& k = kinds[rule];
    if (k.severity == Severity::repair) {
      repairs.push_back(fmt::format("{} {}", rule, k.total));
      continue;
    }
    const size_t shown = k.total <= 3 ? k.listed.size() : std::min<size_t>(1, k.listed.size());
    for (size_t i = 0; i < shown; ++i) fmt::print(stderr, "  {}\n", to_string(*k.listed[i]));
    if (k.total > shown) fmt::print(stderr, "  ... {} more [{}]\n", k.total - shown, rule);
  }
  if (!repairs.empty()) fmt::print(stderr, "  repairs (docs/ingestion.md): {}\n", fmt::join(repairs, ", "));
}

}  // namespace

bool stop_on_unusable_returns(const IngestReport& report, std::string_view command) {
  if (report.usable()) return false;
  for (const auto& p : report.fatal.all()) fmt::print(stderr, "careflow {}: {}\n", command, to_string(p));
  for (const auto& o : report.fatal.omitted()) fmt::print(stderr, "careflow {}: {}\n", command, to_string(summary_of(o)));
  if (report.problems.count(Severity::error) + report.problems.count(Severity::warning)) {
    fmt::print(stderr, "careflow {}: also met while reading the returns:\n", command);
    print_by_kind(report.problems, true);
  }
  fmt::print(stderr, "careflow {}: the returns cannot be used as they are; nothing was written\n", command);
  return true;
}

void print_data_quality(const IngestReport& report, std::string_view command) {
  const ProblemLog& log = report.problems;
  if (log.empty()) return;
  fmt::print(stderr, "careflow {}: problems in the returns: {} error(s), {} warning(s), {} repair(s) (careflow ingest "
                     "--out DIR lists each one):\n",
             command, log.count(Severity::error), log.count(Severity::warning), log.count(Severity::repair));
  print_by_kind(log, false);
}

void print_stage_times(const IngestReport& report) {
  for (const auto& s : report.stages) fmt::print(stderr, "  {:<24} {:>8.3f} s\n", s.name, s.seconds);
}

}  // namespace careflow::cli
