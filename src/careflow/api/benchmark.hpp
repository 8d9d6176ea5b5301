// Use case: compare a council with its statistical neighbours, region and England from published
// statistics (careflow benchmark): funnel plots, need-adjusted expected rates, and, given the
// council's own returns, its own figures beside the published ones (under disclosure control).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "careflow/api/config.hpp"
#include "careflow/api/ingest.hpp"
#include "careflow/api/outcome.hpp"

namespace careflow::api {

struct BenchmarkRequest {
  std::string la;   // ONS code, DfE LA number or name
  int year = 2025;  // CLA year (2025 = at 31 March 2025)
  Returns own_returns;  // optional: the council's own returns (inputs empty: none)
  bool la_mismatch_ok = false;
  std::string out_dir;
  std::set<std::string> formats{"csv", "json", "xlsx", "html"};
};

struct BenchmarkResult : Outcome {
  std::string council_name;
  int la_number = 0;
  size_t tables = 0;
  // With own returns: what was read (for the terminal) and the one line comparing own figures
  // with the published ones.
  size_t own_files = 0, own_years = 0, own_errors = 0, own_repairs = 0;
  size_t own_cin_files = 0, own_cin_years = 0;  // CIN census returns among them
  std::string own_summary;
};

BenchmarkResult benchmark(const Config& config, const BenchmarkRequest& request);

}  // namespace careflow::api
