// Reading a year's SSDA903 return from the files a council's case-management system exports
// (CSV, or the return's XML form). The tables and columns themselves are core's
// (core/ssda903_tables.hpp).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/date.hpp"
#include "careflow/core/problems.hpp"
#include "careflow/core/ssda903_tables.hpp"
#include "careflow/io/csv.hpp"
#include "careflow/io/return_table.hpp"

namespace careflow::ssda903 {

// Recognises a table by its name as the reference validator writes it, or a file name.
std::optional<Table> table_from_name(std::string_view name);  // "Episodes", "episodes", "PrevPerm"...

// One table of one return (io/return_table.hpp).
using ReturnTable = ReturnTableOf<Table>;

// What was read from each input file, for the reconciliation in the ingest summary.
struct FileReport {
  std::string path;
  std::optional<Table> table;  // none: the file was not recognised and nothing was used
  TextEncoding encoding = TextEncoding::utf8;
  size_t records_read = 0;
  size_t records_rejected = 0;
  size_t blank_records = 0;
};

// One collection year's return (io/return_table.hpp).
using Return = ReturnOf<Table, kTableCount, FileReport>;

// Recognises a CSV's table from its columns (any order). The file name is a hint used only when
// the columns fit several tables (a file with just CHILD and DOB, say).
std::optional<Table> identify_table(const std::vector<std::string>& columns,
                                    std::string_view file_name);

// Converts a parsed CSV into the table it holds. Problems name the file.
std::optional<ReturnTable> to_return_table(CsvTable csv, std::string_view file_name,
                                           ProblemLog& problems);

// Where each of a table's columns is in a file: the file's column, or -1 (read as blank).
struct ColumnMap {
  Table table = Table::header;
  std::vector<int> from;                   // per schema column
  std::vector<bool> has_column;            // per schema column
  std::vector<std::string> extra_columns;  // in the file, not in the table
  bool identity = false;                   // the file's columns are the table's, in order
};
// Recognises the table from a file's header and maps its columns, reporting unknown, extra,
// repeated and missing columns (as to_return_table does). None: not an SSDA903 table.
std::optional<ColumnMap> map_columns(const std::vector<std::string>& columns, const std::string& source,
                                     std::string_view file_name, ProblemLog& problems);

// Receives a return's rows one at a time, cells in the table's column order (upper-cased and
// trimmed, as in ReturnTable), for readers that keep only their own compact records.
class TableRowSink {
 public:
  virtual ~TableRowSink() = default;
  virtual void row(Table table, const std::string_view* cells, uint32_t line) = 0;
};

// Reads one CSV file of a return and hands its rows to `sink` as they are parsed, reporting
// exactly what read_return_files reports for it. `buffer` holds the text while it is parsed
// and keeps its capacity for the next file.
FileReport stream_return_csv(const std::string& path, std::string& buffer, TableRowSink& sink,
                             ProblemLog& problems);

// What a folder holds, for reading it as a year's return: its .csv and .xml files, and everything
// else, which is not read but is named, so that a misnamed file (episodes.txt), a folder where a
// file was expected or a link that leads nowhere is never passed over in silence.
struct FolderContents {
  std::vector<std::string> files;     // .csv and .xml files (any case), sorted
  std::vector<std::string> folders;   // sub-folders, sorted
  std::vector<std::string> not_read;  // other entries, each "name (why it was not read)", sorted
  // Entries that cannot even be looked at (a link to nowhere, a loop of links, no permission):
  // (path, why). Also in not_read.
  std::vector<std::pair<std::string, std::string>> unreadable;
  std::string error;                  // why the folder itself cannot be listed; "" when it can
};
// Never throws: file-system errors (permissions, symbolic-link loops) are in the result.
// Names starting with '.' (.DS_Store, editors' lock files) are left out without a word.
FolderContents list_folder(const std::string& folder);
// Whether a path names a return file by its extension (.csv or .xml, any case).
bool is_return_file_name(std::string_view path);

// Reads every .csv and .xml file in a folder (not recursive) as one year's return; each other
// entry is reported as not read.
Return read_return_folder(const std::string& folder, CollectionYear year, ProblemLog& problems);
// Reads the named files as one year's return.
Return read_return_files(const std::vector<std::string>& files, CollectionYear year,
                         ProblemLog& problems);
// Reads several years' returns at once: every CSV file of every year is parsed in parallel,
// then each year is assembled in file-name order (results never depend on timing).
std::vector<Return> read_returns_by_year(const std::vector<std::pair<CollectionYear, std::vector<std::string>>>& years,
                                         ProblemLog& problems);
// Reads the return's XML form into the same tables.
void read_return_xml(const std::string& path, Return& into, ProblemLog& problems);
// The same from the file's bytes already in memory; `path` names them in problems.
void read_return_xml_text(std::string_view bytes, const std::string& path, Return& into, ProblemLog& problems);

// Episodes rows with a CHILD and a valid DECOM: what a year's return must have for careflow to
// use it. A council's return always has some; a return without any (its Episodes file missing,
// misnamed, empty or unreadable) would make every figure from that year on wrong.
size_t usable_episode_rows(const Return& r);

// The located error for a year's return without usable episodes: says which of the cases it is
// and names every file read (with the table it was taken for) and everything in the folder that
// was not read. `where`: the year's folder, or its first file. `episode_rows`: Episodes rows read.
Problem no_usable_episodes(CollectionYear year, const std::string& where, const std::vector<FileReport>& files,
                           size_t episode_rows, const std::vector<std::string>& not_read);

}  // namespace careflow::ssda903
