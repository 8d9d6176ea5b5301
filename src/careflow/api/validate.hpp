// Use case: check a year's SSDA903 return against DfE's validation rules of its collection year
// (careflow validate), with last year's return for the rules that compare years, the postcode
// directory for the rules on placement location, and the Ofsted provider list when given. A
// year's Children in Need census return (DfE's XML, or the analysts' CSV modules) is recognised
// by its files and checked against the CIN census rules of its year instead.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "careflow/api/config.hpp"
#include "careflow/api/outcome.hpp"
#include "careflow/core/problems.hpp"
#include "careflow/validate/cin_collection.hpp"
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
  // The collection the return was recognised as: "SSDA903", or "CIN census" (then its rules'
  // results are in cin_results and `results` is empty), or "SSDA903 and CIN census" when the
  // year's folder holds both (both checked; every error and rule row names its collection).
  std::string collection = "SSDA903";
  // What reading found, in order: the returns', then the postcode directory's, then the
  // provider list's problems (each located).
  ProblemLog problems;
  // Each rule of the year's catalogue: ran, not run (and why), or not implemented; catalogue order.
  std::vector<validate::RuleResult> results;
  std::vector<validate::CinResult> cin_results;
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
  // Children with errors, in either collection (a CIN return's messages about the return as a
  // whole and its Header rows are of no child, though the tables list them under a label).
  size_t children_with_errors() const { return tables ? tables->child_count() : 0; }
};

ValidateResult validate(const Config& config, const ValidateRequest& request);

// The collection end year: the request's, else from the this-year folder's name
// ("returns/2024_25/"); 0 when neither says.
int year_of(const ValidateRequest& request);

// The files of one year's return as the request gives them (a folder's .csv and .xml files, or
// the files), sorted by collection: the CIN census's (XML with a <Message> root, or a CSV of its
// modules) and the others (the 903's).
struct FilesByCollection {
  std::vector<std::string> cin, ssda903;
};
FilesByCollection files_by_collection(const std::vector<std::string>& paths);

// Checks a CIN census return (what validate() does for one): the rules of its collection year,
// which is the request's, else the folder's name's, else the Header's ReferenceDate. Last year's
// return, the postcode directory, the provider list and --la are not read: no CIN rule uses them.
ValidateResult validate_cin(const Config& config, const ValidateRequest& request);

}  // namespace careflow::api
