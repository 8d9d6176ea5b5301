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
#include "careflow/core/privacy.hpp"
#include "careflow/core/problems.hpp"
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
  // Why the inputs cannot be used at all, each a located error: an input that does not exist or
  // cannot be read, a year that cannot be told, an empty year folder, two different folders for
  // one year, a year whose return has no usable episodes. A history built from such inputs would
  // publish wrong figures, so every command stops (exit 2) when this is not empty.
  ProblemLog fatal;
  // Years without a return between the first and the last (said in `problems`, rule missing-year).
  std::vector<CollectionYear> missing_years;
  size_t files_read = 0, files_unrecognised = 0;
  // Children in Need census files found among the inputs (cin::is_cin_file: an XML whose root is
  // <Message>, CSVs of the census's modules), by the collection year of their folder or tag (0:
  // none; a census return says its own year). The 903's ingest does not read them; api::ingest does.
  std::map<int, std::vector<std::string>> cin_files;
  std::vector<std::string> ssda903_files;  // the 903 files ingest read, years ascending
  // Wall seconds of each stage of reading, in order (for profiling; never in an output).
  struct Stage {
    std::string name;
    double seconds = 0;
  };
  std::vector<Stage> stages;
  const TableTally& tally(ssda903::Table t) const { return tables[static_cast<size_t>(t)]; }
  bool usable() const { return fatal.empty(); }
};

// Reads each input as a return or a set of returns:
//  * a folder of .csv/.xml files is one year's return (year from the folder's name, else `year`);
//  * a folder of such folders is one return per sub-folder named by a year;
//  * a file is read into the year of its folder's name, else `year`;
//  * "PATH@YEAR" tags a file or folder with its collection year explicitly (2025 or 2024/25).
// Files for the same year are merged into one return; two different folders for one year are
// not (report.fatal). Every year read must have usable episodes (report.fatal otherwise). When
// report.fatal is not empty on return, the returns must not be used (none may be returned).
std::vector<ssda903::Return> read_returns(const std::vector<std::string>& inputs,
                                          std::optional<CollectionYear> year, IngestReport& report);

// Builds the history. Never throws on bad data: what cannot be used is in the report. Years
// missing between the returns' first and last are reported, and episodes open before such a gap
// are closed at it by a repair rule (docs/ingestion.md).
// Problems about a child name it by its pseudonym under `pseudonyms`; without a key they name
// only the file and line (never the identifier: the library has no key of its own).
History build_history(const std::vector<ssda903::Return>& returns, IngestReport& report,
                      const PseudonymKey* pseudonyms = nullptr);

// read_returns then build_history, in one pass over the files (the same history and report).
// When report.usable() is false afterwards, the history must not be used.
// Census files are set aside in report.cin_files; inputs holding nothing else are refused
// (report.fatal, no-903-return) unless `cin_only_ok`, when the history is empty and has no years.
History ingest(const std::vector<std::string>& inputs, std::optional<CollectionYear> year,
               IngestReport& report, const PseudonymKey* pseudonyms = nullptr, bool cin_only_ok = false);

}  // namespace careflow
