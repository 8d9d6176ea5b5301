// Building one History from many yearly returns. Each return covers 1 April to 31 March and
// repeats the episodes still open from earlier years, so the same episode (CHILD, DECOM) arrives
// several times: the latest return wins. Faults councils' data really have (duplicates within
// a return, overlapping episodes, open episodes that a later return forgot) are repaired by the
// rules in docs/ingestion.md, and every repair is reported with its rule, file and line.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "careflow/core/history.hpp"
#include "careflow/io/problems.hpp"
#include "careflow/io/ssda903.hpp"

namespace careflow {

// How the rows of one table were accounted for. Invariant, checked by tests:
// read == unreadable + rejected + superseded + duplicates + kept.
struct TableTally {
  size_t read = 0;        // data records in the files (including blank and malformed ones)
  size_t unreadable = 0;  // blank records and records with the wrong number of fields
  size_t rejected = 0;    // missing or invalid key (CHILD, or the table's key date)
  size_t superseded = 0;  // the same record in a later return, which was used instead
  size_t duplicates = 0;  // the same record twice within one return; one copy kept
  size_t kept = 0;        // distinct records in the history
  bool balances() const { return read == unreadable + rejected + superseded + duplicates + kept; }
};

struct IngestReport {
  std::array<TableTally, ssda903::kTableCount> tables{};
  std::map<std::string, size_t> repairs_by_rule;  // rule -> count
  ProblemLog problems;                            // everything, in the order found
  size_t files_read = 0, files_unrecognised = 0;
  const TableTally& tally(ssda903::Table t) const { return tables[static_cast<size_t>(t)]; }
};

// Reads each input as a return or a set of returns:
//  * a folder of .csv/.xml files is one year's return (year from the folder's name, else `year`);
//  * a folder of such folders is one return per sub-folder;
//  * "PATH@YEAR" tags a file or folder with its collection year explicitly (2025 or 2024/25).
// Inputs that resolve to the same year are merged into one return.
std::vector<ssda903::Return> read_returns(const std::vector<std::string>& inputs,
                                          std::optional<CollectionYear> year, IngestReport& report);

// Builds the history. Never throws on bad data: what cannot be used is in the report.
History build_history(const std::vector<ssda903::Return>& returns, IngestReport& report);

// read_returns then build_history.
History ingest(const std::vector<std::string>& inputs, std::optional<CollectionYear> year,
               IngestReport& report);

}  // namespace careflow
