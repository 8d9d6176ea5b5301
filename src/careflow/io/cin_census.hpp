// A year's Children in Need census return as careflow holds it: one table per module (core's
// cin_tables.hpp), each with its columns in schema order, as ssda903::Return is for the 903. This
// file has what the CIN validation and the readers share: the return, and turning a CSV export
// of one module into its table. (The XML reader builds the same tables.)
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

namespace careflow::cin {

// One module of one return, with its columns in schema order. Cells are text, trimmed and
// upper-cased (codes are case-insensitive: "n1" is N1, "true" is TRUE); an empty cell is missing.
// A standard column absent from the file reads as missing in every row (`has_column` says so).
struct ReturnTable {
  Table table = Table::header;
  CsvTable data;  // columns == schema(table).columns
  std::vector<bool> has_column;
  std::vector<std::string> extra_columns;  // columns in the file that the table does not have

  // When several files hold the same table, rows from `first_row` on came from `file`.
  struct SourceRange { size_t first_row; std::string file; };
  std::vector<SourceRange> more_sources;

  size_t rows() const { return data.rows(); }
  std::string_view cell(size_t row, size_t col) const { return data.cell(row, col); }
  uint32_t line(size_t row) const { return data.line(row); }
  const std::string& source() const { return data.source; }
  // The file a row was read from.
  const std::string& source_of(size_t row) const;
};

// What was read from each input file.
struct FileReport {
  std::string path;
  std::optional<Table> table;  // none: the file was not recognised and nothing was used
  TextEncoding encoding = TextEncoding::utf8;
  size_t records_read = 0;
  size_t records_rejected = 0;
  size_t blank_records = 0;
};

// One collection year's census return: up to one of each table.
struct Return {
  CollectionYear year;
  std::array<std::optional<ReturnTable>, kTableCount> tables;
  std::vector<FileReport> files;

  const ReturnTable* find(Table t) const {
    const auto& x = tables[static_cast<size_t>(t)];
    return x ? &*x : nullptr;
  }
};

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

}  // namespace careflow::cin
