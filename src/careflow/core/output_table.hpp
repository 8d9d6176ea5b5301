// The one shape every careflow result takes on its way out: a titled table of typed cells,
// written as CSV (Excel, R, pandas), JSON (Power BI, Python, the dashboard) or a sheet of an
// XLSX workbook (the writers are io's: io/table_writers.hpp). Analyses build these; writers
// never need to know which analysis made them.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace careflow {

// A cell: missing, text, or a number. `Suppressed` marks a value withheld by disclosure control,
// so writers can show it as DfE does ("c") while machine readers still see it is not zero.
struct Suppressed {};
using Cell = std::variant<std::monostate, std::string, double, Suppressed>;

struct OutputColumn {
  std::string name;        // machine name: snake_case, stable across versions
  std::string label;       // heading a person reads
  int decimals = -1;       // for numbers: fixed decimals, or -1 for as-is (integers print plainly)
};

struct OutputTable {
  std::string id;          // stable identifier, used as file and sheet name: "stock_by_age_band"
  std::string title;       // "Children looked after at 31 March, by age band"
  std::string notes;       // definitions, sources, suppression note
  std::vector<OutputColumn> columns;
  std::vector<std::vector<Cell>> rows;
  // Rows made on demand, after `rows`, for tables too large to hold as cells (half a million
  // validation errors at national scale are gigabytes as cells, and writing them is streamed).
  // make_row(i, cells) fills the i-th of them (0-based, called in order), one cell per column.
  size_t lazy_rows = 0;
  std::function<void(size_t i, std::vector<Cell>& cells)> make_row = nullptr;
  // make_row may be called from several threads at once (for different rows, each thread with
  // its own cells, in no particular order): the CSV and JSON writers then format chunks of rows
  // in parallel and write them in order, so the text is the same as written on one thread.
  bool make_row_concurrent = false;

  size_t row_count() const { return rows.size() + lazy_rows; }
  // Calls f on every row, `rows` then the lazy ones, in order.
  void for_each_row(const std::function<void(const std::vector<Cell>&)>& f) const;

  OutputTable& add_column(std::string name, std::string label, int decimals = -1);
  // Appends a row; it must have one cell per column.
  OutputTable& add_row(std::vector<Cell> row);
  size_t column_index(const std::string& name) const;  // throws std::out_of_range if absent
};

std::string format_cell(const Cell& c, int decimals = -1);  // "", text, number, "c"
// Appends format_cell(c, decimals) to `out` without a temporary string.
void append_cell(std::string& out, const Cell& c, int decimals = -1);
// Makes `c` hold `text`, reusing its string's storage when it already holds one (for rows
// refilled in a loop).
void set_text(Cell& c, std::string_view text);

}  // namespace careflow
