// Use case: check a year's SSDA903 return against DfE's validation rules of its collection year
// (careflow validate), with last year's return for the rules that compare years, the postcode
// directory for the rules on placement location, and the Ofsted provider list when given.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "careflow/api/config.hpp"
#include "careflow/api/outcome.hpp"
#include "careflow/core/problems.hpp"
#include "careflow/validate/engine.hpp"
#include "careflow/validate/error_tables.hpp"

namespace careflow::api {

struct ValidateRequest {
  std::vector<std::string> this_year;  // a folder, or the return's files
  std::vector<std::string> last_year;  // the same for the year before (optional)
  int year = 0;                        // collection end year (2025 = 2024/25); 0: from the folder's name
  std::string la;                      // the council's ONS code: rules that need it, and the --la check
  bool la_mismatch_ok = false;
  std::string providers_file;          // Ofsted provider list (CSV); without it rules 219-229 and 1008 are not run
  bool postcodes = true;               // load the postcode directory (else postcode rules are not run)
  // Show children by pseudonym (config.pseudonym_key) rather than by the return's own CHILD
  // identifiers, which are what the team correcting a return needs, and personal data elsewhere.
  bool pseudonymise = false;
};

struct ValidateResult : Outcome {
  CollectionYear year{0};
  // What reading found, in order: the returns', then the postcode directory's, then the
  // provider list's problems (each located).
  ProblemLog problems;
  // Each rule of the year's catalogue: ran, not run (and why), or not implemented; catalogue order.
  std::vector<validate::RuleResult> results;
  // The errors as the three tables every format writes; rows are made as they are written.
  std::unique_ptr<validate::ErrorTables> tables;
  size_t ran = 0, not_run = 0, not_implemented = 0;
  // How children are named in the tables (for the outputs' notes).
  std::string children_note;
  // Wall and CPU seconds of each stage, when config.timing.
  struct Stage {
    std::string name;
    double wall = 0, cpu = 0;
  };
  std::vector<Stage> stages;
  // The returns and indexes the tables refer to: kept as long as the result.
  std::shared_ptr<void> kept;

  size_t error_count() const { return tables ? tables->error_count() : 0; }
};

ValidateResult validate(const Config& config, const ValidateRequest& request);

}  // namespace careflow::api
