// A council's own SSDA903 returns turned into the published CLA measures (children looked after at
// 31 March, periods of care started and ceased in each collection year), for setting beside the
// published figures with compare_own.
#pragma once

#include <string>
#include <vector>

#include "careflow/benchmark/analysis.hpp"
#include "careflow/core/summary.hpp"

namespace careflow::benchmark {

// One OwnYear per collection year of the history (year = collection end year, 2025 = 2024/25).
std::vector<OwnYear> own_years(const HistoryCounts& counts);

struct OwnData {
  std::vector<OwnYear> years;
  size_t files_read = 0, errors = 0, repairs = 0;
};
// careflow::ingest on the inputs (folders or PATH@YEAR, as `careflow ingest` takes them), then
// count(history). Never throws on bad data; problems are counted (see `careflow ingest` for them).
OwnData own_data_from_returns(const std::vector<std::string>& inputs);

}  // namespace careflow::benchmark
