// The shape every collection's return takes once read (the 903's, io/ssda903.hpp; the CIN
// census's, io/cin_census.hpp): tables in schema order, each row keeping the file and line it
// came from, and up to one of each table per collection year. Each collection names its own
// Table enum, schemas (`schema(Table)`, found by argument-dependent lookup) and file report.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/date.hpp"
#include "careflow/io/csv.hpp"

namespace careflow {

// One table of one return, with its columns in schema order. Cells are text, trimmed and
// upper-cased as the collection's reader gives them; an empty cell is missing. A standard
// column absent from the file reads as missing in every row (`has_column` says so).
template <class Table>
struct ReturnTableOf {
  Table table{};
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
  const std::string& source_of(size_t row) const {
    for (auto it = more_sources.rbegin(); it != more_sources.rend(); ++it)
      if (row >= it->first_row) return it->file;
    return data.source;
  }
};

// One collection year's return: up to one of each of the collection's `N` tables (several files
// of the same table are appended in file-name order; each row keeps its own file and line), and
// what was read from each input file.
template <class Table, size_t N, class FileReport>
struct ReturnOf {
  using ReturnTable = ReturnTableOf<Table>;
  CollectionYear year;
  std::array<std::optional<ReturnTable>, N> tables;
  std::vector<FileReport> files;

  const ReturnTable* find(Table t) const {
    const auto& x = tables[static_cast<size_t>(t)];
    return x ? &*x : nullptr;
  }
  // The table, made empty (every schema column present) if there is none yet.
  ReturnTable& get(Table t, const std::string& source) {
    auto& slot = tables[static_cast<size_t>(t)];
    if (!slot) {
      slot.emplace();
      slot->table = t;
      slot->data.source = source;
      const auto& s = schema(t);
      slot->data.columns.assign(s.columns.begin(), s.columns.end());
      slot->has_column.assign(s.columns.size(), true);
    }
    return *slot;
  }
};

}  // namespace careflow
