#include "careflow/benchmark/own_data.hpp"

#include "careflow/core/ingest.hpp"

namespace careflow::benchmark {

std::vector<OwnYear> own_years(const HistoryCounts& counts) {
  std::vector<OwnYear> out;
  for (const auto& y : counts.years)
    out.push_back({y.year.end_year, static_cast<long>(y.looked_after_at_31_march), static_cast<long>(y.started),
                   static_cast<long>(y.ceased)});
  return out;
}

OwnData own_data_from_returns(const std::vector<std::string>& inputs) {
  OwnData o;
  IngestReport report;
  const History h = ingest(inputs, std::nullopt, report);
  o.years = own_years(count(h));
  o.files_read = report.files_read;
  o.errors = report.problems.count(Severity::error);
  o.repairs = report.problems.count(Severity::repair);
  return o;
}

}  // namespace careflow::benchmark
