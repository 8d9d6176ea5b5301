// Use case: read any number of yearly SSDA903 returns into one care history, and say what was
// found (careflow ingest; and the first step of every use case that reads returns). Children in
// Need census returns found among the inputs (beside the 903's in the year folders, or alone) are
// read into a CIN timeline and linked to the care history (docs/cin.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "careflow/api/config.hpp"
#include "careflow/api/outcome.hpp"
#include "careflow/core/cin_timeline.hpp"
#include "careflow/core/history.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/io/cin_census.hpp"
#include "careflow/io/cin_ingest.hpp"
#include "careflow/io/ingest.hpp"

namespace careflow::api {

// Which returns: folders or files as io/ingest.hpp reads them (a folder per collection year, a
// folder of such folders, PATH@YEAR), with `year` for inputs whose name does not say.
struct Returns {
  std::vector<std::string> inputs;
  std::optional<CollectionYear> year;
};

struct IngestRequest {
  Returns returns;
  bool summary = true;  // the summary tables (children, episodes, rows by table, ...)
};

struct IngestResult : Outcome {
  History history;      // empty, with no years, when the inputs hold census returns only
  IngestReport report;  // every row rejected or repaired; report.fatal: why the returns cannot be used
  std::vector<OutputTable> summary;
  OutputTable problems;  // every problem as a table (file, line, column, rule, message), CIN's after the 903's

  // The Children in Need census, when the inputs hold any (report.cin_files).
  cin::Timeline cin;
  cin::TimelineReport cin_report;        // its problems (reading, then building) and rows by table
  std::vector<cin::FileReport> cin_files;
  std::optional<cin::Linkage> linkage;   // when both collections were read
  std::vector<OutputTable> cin_summary;  // the CIN summary tables (cin_summary, cin_rows, cin_repairs)
  bool has_cin() const { return !report.cin_files.empty(); }
  bool has_903() const { return !history.years.empty(); }
  bool unusable() const { return !report.usable(); }
};

// Problems name a child only by its pseudonym under config.pseudonym_key (none: by file and line).
// Not done when the returns cannot be used (report.fatal says why).
IngestResult ingest(const Config& config, const IngestRequest& request);

// The census returns the 903's ingest set aside (report.cin_files) read year by year (a file
// outside any year folder is a return of its own, its year its ReferenceDate) into one timeline:
// what ingest does with them, for the use cases that read the 903 through io's ingest
// (needs_assessment). `files`, when given, receives what was read of each file.
cin::Timeline read_cin_returns(const IngestReport& report, cin::TimelineReport& timeline_report,
                               std::vector<cin::FileReport>* files = nullptr);

}  // namespace careflow::api
