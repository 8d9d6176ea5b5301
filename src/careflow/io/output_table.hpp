// The one shape every careflow result takes on its way out: a titled table of typed cells,
// written as CSV (Excel, R, pandas), JSON (Power BI, Python, the dashboard) or a sheet of an
// XLSX workbook. Analyses build these; writers never need to know which analysis made them.
#pragma once

#include <optional>
#include <string>
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

  OutputTable& add_column(std::string name, std::string label, int decimals = -1);
  // Appends a row; it must have one cell per column.
  OutputTable& add_row(std::vector<Cell> row);
  size_t column_index(const std::string& name) const;  // throws std::out_of_range if absent
};

std::string format_cell(const Cell& c, int decimals = -1);  // "", text, number, "c"

// Writers. Each returns false (and sets `error`) if the file cannot be written.
bool write_csv(const OutputTable& t, const std::string& path, std::string* error = nullptr);
std::string to_csv(const OutputTable& t);
// JSON: {"id","title","notes","columns":[{name,label}], "rows":[{name: value}...]};
// suppressed cells are null with a "suppressed" list of column names per row when any.
std::string to_json(const OutputTable& t);
bool write_json(const std::vector<OutputTable>& tables, const std::string& path, std::string* error = nullptr);
// One sheet per table, with a contents sheet first; headings bold, filters on, panes frozen.
bool write_xlsx(const std::vector<OutputTable>& tables, const std::string& path,
                std::string* error = nullptr, const std::string& contents_title = "careflow");

}  // namespace careflow
