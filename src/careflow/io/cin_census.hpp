// A year's Children in Need census return as careflow holds it: one table per module (core's
// cin_tables.hpp), each with its columns in schema order, as ssda903::Return is for the 903, and
// its readers: DfE's XML (<Message> with <Header> and <Children>) flattened as DfE's validator
// flattens it, and the CSV layout analysts export (one file per module). Every row keeps its file
// and line (docs/cin.md).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/cin_tables.hpp"
#include "careflow/core/date.hpp"
#include "careflow/core/problems.hpp"
#include "careflow/io/csv.hpp"
#include "careflow/io/return_table.hpp"

namespace careflow::cin {

// One table of one return (io/return_table.hpp).
using ReturnTable = ReturnTableOf<Table>;

// What was read from each input file.
struct FileReport {
  std::string path;
  std::optional<Table> table;  // none: the file was not recognised and nothing was used
  TextEncoding encoding = TextEncoding::utf8;
  size_t records_read = 0;
  size_t records_rejected = 0;
  size_t blank_records = 0;
  bool xml = false;   // DfE's XML form (it fills several tables; `table` is none)
  bool used = false;  // anything of the file went into the tables
};

// One collection year's return (io/return_table.hpp).
using Return = ReturnOf<Table, kTableCount, FileReport>;

// Recognises a CSV's module from the file's name ("CINdetails.csv", "cin_details.csv"), else from
// its columns (any order, any case): the one table holding every column of the file that is a CIN
// column. None when neither says.
std::optional<Table> identify_table(const std::vector<std::string>& columns, std::string_view file_name);

// Converts a parsed CSV into the table it holds, columns matched case-insensitively. Unknown
// columns are reported (by name only when it is a CIN column name: a file without its header row
// has a child's values there) and left out. Problems name the file.
std::optional<ReturnTable> to_return_table(CsvTable csv, std::string_view file_name, ProblemLog& problems);

// Reads the named CSV files (one module each) as one year's return; several files of one module
// are appended in file-name order, each row keeping its file and line.
Return read_return_csv_files(const std::vector<std::string>& files, CollectionYear year, ProblemLog& problems);

// Whether a file is a CIN census return rather than a 903 one, from its first bytes only: an XML
// file whose root element is <Message> (the 903's is <EXPSSDA903>), or a CSV whose header row has
// a LAchildID column, or the CIN header's ReferenceDate or Collection, or which is named as a CIN
// module that the 903 has no table of (cin_details.csv, Section47.csv...) and has no CHILD column.
bool is_cin_file(const std::string& path);
bool is_cin_text(std::string_view first_bytes, std::string_view file_name);

// The census's booleans (ReferralNFA, ICPCnotRequired): true/false in any case, 1/0. None: blank
// or anything else.
std::optional<bool> parse_cin_bool(std::string_view text);

// Reads DfE's XML form into `into` (appending to its tables). Refuses a document type declaration
// (and so any entity declaration) with a located error, before anything is read: nothing is ever
// expanded or fetched. A malformed, truncated, empty or non-UTF-8 file, a wrong root, or a
// collection other than CIN: a located error, nothing used. Elements not of the census are
// named (file, line), once per name, and skipped. Cells are trimmed and upper-cased, as the CSV's.
// The return's year is decided by read_cin_files, from the Header's ReferenceDate.
void read_cin_xml(const std::string& path, Return& into, ProblemLog& problems);
void read_cin_xml_text(std::string_view bytes, const std::string& path, Return& into, ProblemLog& problems);

// Reads one CSV file of the analysts' layout into the table it holds (to_return_table); any
// encoding io/csv reads.
void read_cin_csv(const std::string& path, Return& into, ProblemLog& problems);
void read_cin_csv_text(std::string_view bytes, const std::string& path, Return& into, ProblemLog& problems);

// Reads a year's files (XML and CSV, in file-name order) as one return. The year is the Header's
// ReferenceDate (31 March of the year's end); `folder_year` is used when the return has none, and
// a ReferenceDate of another year is a located warning (the ReferenceDate's year is used).
// Without either, an error (the year is then `folder_year` or 0). After reading, the Assessments
// table's AssessmentFactors cell and the assessment_factors table say the same: a CSV export
// holding only one of them has the other derived from it.
Return read_cin_files(const std::vector<std::string>& files, std::optional<CollectionYear> folder_year,
                      ProblemLog& problems);

// The same for many years at once, years ascending (two returns naming one year are both kept,
// in order; the timeline takes the later as the later).
std::vector<Return> read_cin_returns(const std::vector<std::pair<CollectionYear, std::vector<std::string>>>& years,
                                     ProblemLog& problems);

}  // namespace careflow::cin
