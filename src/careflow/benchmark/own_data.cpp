#include "careflow/benchmark/own_data.hpp"

#include "careflow/core/code_lists.hpp"
#include "careflow/io/ingest.hpp"

namespace careflow::benchmark {

std::vector<OwnYear> own_years(const HistoryCounts& counts) {
  std::vector<OwnYear> out;
  for (const auto& y : counts.years)
    out.push_back({y.year.end_year, static_cast<long>(y.looked_after_at_31_march), static_cast<long>(y.started),
                   static_cast<long>(y.ceased)});
  return out;
}

std::vector<OwnBreakdown> own_starters_by_need(const History& h) {
  std::vector<OwnBreakdown> out;
  for (const auto& y : h.years) {
    OwnBreakdown b;
    b.year = y.end_year;
    for (uint32_t p : h.periods_starting(y.start(), y.end())) {
      const auto& period = h.periods[p];
      const CodeIndex need = period.episode_count ? h.episodes[period.first_episode].need : kNoCode;
      const std::string code = need == kNoCode ? "Missing" : std::string(codes::category_of_need.code(need));
      ++b.counts[code];
      ++b.total;
    }
    out.push_back(std::move(b));
  }
  return out;
}

OwnData own_data_from_returns(const std::vector<std::string>& inputs) {
  OwnData o;
  IngestReport report;
  const History h = ingest(inputs, std::nullopt, report);
  o.files_read = report.files_read;
  if (!report.usable()) {
    o.unusable = report.fatal.all();
    return o;
  }
  return own_data_from_history(h, report);
}

OwnData own_data_from_history(const History& h, const IngestReport& report) {
  OwnData o;
  o.files_read = report.files_read;
  if (!report.usable()) {
    o.unusable = report.fatal.all();
    return o;
  }
  if (h.years.empty()) return o;
  o.missing_years = report.missing_years;
  o.years = own_years(count(h));
  o.starters_by_need = own_starters_by_need(h);
  o.evidence = returns_evidence(h);
  o.errors = report.problems.count(Severity::error);
  o.repairs = report.problems.count(Severity::repair);
  return o;
}

}  // namespace careflow::benchmark
