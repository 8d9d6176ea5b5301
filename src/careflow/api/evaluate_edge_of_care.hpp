// Use case: evaluate an edge-of-care service (careflow evaluate; docs/edge-of-care.md). Given the
// council's returns (the 903 and the Children in Need census) and the list of children the service
// supported, what happened next to them against children alike who were not supported.
#pragma once

#include <string>
#include <vector>

#include "careflow/analyse/edge_of_care.hpp"
#include "careflow/api/config.hpp"
#include "careflow/api/ingest.hpp"
#include "careflow/api/outcome.hpp"
#include "careflow/core/problems.hpp"

namespace careflow::api {

struct EdgeOfCareRequest {
  Returns returns;               // both collections, as for ingest
  std::string children;          // the list: CSV of child id, start date, optional end date
  std::vector<int> horizons_months = {6, 12};
  // Where edge_of_care_*.csv, edge_of_care.json, edge_of_care.xlsx and relations.json go; empty:
  // nothing is written.
  std::string out_dir;
};

struct EdgeOfCareResult : Outcome {
  IngestReport ingest;                    // what reading the returns found
  ProblemLog list_problems;               // the list's faults (any error stops the evaluation)
  analyse::EdgeOfCareEvaluation evaluation;
  std::vector<OutputTable> tables;        // as written (after disclosure control)
};

EdgeOfCareResult evaluate_edge_of_care(const Config& config, const EdgeOfCareRequest& request);

}  // namespace careflow::api
