// A council's own SSDA903 returns turned into the published CLA measures (children looked after at
// 31 March, periods of care started and ceased in each collection year), for setting beside the
// published figures with compare_own.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "careflow/benchmark/analysis.hpp"
#include "careflow/benchmark/council_check.hpp"
#include "careflow/core/history_counts.hpp"
#include "careflow/io/ingest.hpp"

namespace careflow::benchmark {

// One OwnYear per collection year of the history (year = collection end year, 2025 = 2024/25).
std::vector<OwnYear> own_years(const HistoryCounts& counts);

// Children who started to be looked after in a collection year by category of need (CIN of the
// first episode of each period of care starting in the year, code "N1".."N8"; "Missing" when blank).
struct OwnBreakdown {
  int year = 0;
  std::map<std::string, long> counts;
  long total = 0;
};
std::vector<OwnBreakdown> own_starters_by_need(const History& h);

struct OwnData {
  std::vector<OwnYear> years;
  std::vector<OwnBreakdown> starters_by_need;
  ReturnsEvidence evidence;  // where the children's homes are and how many: to check --la against
  size_t files_read = 0, errors = 0, repairs = 0;
  // Why the returns cannot be used at all (IngestReport::fatal): then `years` is empty.
  std::vector<Problem> unusable;
  // Years missing between the first and the last (no own figures for them; IngestReport).
  std::vector<CollectionYear> missing_years;
};
// careflow::ingest on the inputs (folders or PATH@YEAR, as `careflow ingest` takes them), then
// count(history). Never throws on bad data; problems are counted (see `careflow ingest` for them).
OwnData own_data_from_returns(const std::vector<std::string>& inputs);
// The same from a care history ingest has read (with its report): for callers that read the
// returns once for the 903 and the CIN census alike (api::ingest). An empty history (census
// returns only) gives no years.
OwnData own_data_from_history(const History& h, const IngestReport& report);

}  // namespace careflow::benchmark
