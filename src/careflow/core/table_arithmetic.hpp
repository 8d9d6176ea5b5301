// The arithmetic of published tables: which cells count children, and every linear relation a
// reader can use among published figures (a total and its parts, a percentage and its numerator
// and denominator, the same figure in two tables). Declared where a table is made (analyse,
// benchmark, forecast), used by disclosure control (report/disclosure) to decide what to withhold,
// and published beside the tables (relations.json) so that anyone can audit what was withheld.
//
// Here in core, beside OutputTable, because every capability that makes tables declares it and
// none of them may include another's headers. Writing it as relations.json is io's
// (io/relations_json.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "careflow/core/output_table.hpp"

namespace careflow {

// A published figure: table id, row (0-based, as in the table's rows) and column index
// (published by the column's name).
struct CellRef {
  std::string table;
  size_t row = 0, column = 0;
  bool operator==(const CellRef&) const = default;
  auto operator<=>(const CellRef&) const = default;
};

struct Relation {
  enum class Kind {
    sum,      // cells[0] = cells[1] + ... + cells[n-1]: a total and its parts
    equal,    // cells[0] = cells[1]: the same figure in two places
    linear,   // coefficients[i] x cells[i] summed = 0 (net change = started - ceased ...)
    ratio,    // cells[0] = scale x cells[1] / cells[2]; with no cells[2], divided by a number the
              // reader knows (a published population, the days in a window)
    depends,  // cells[0] is computed from cells[1..] in a way that is not linear (a median, a mean
              // age, a Kaplan-Meier estimate): published only when all of them are
  };
  Kind kind = Kind::sum;
  std::vector<CellRef> cells;
  std::vector<double> coefficients = {};  // linear only, one per cell
  double scale = 1;                       // ratio only: 100 for a percentage, 10,000 for a rate
};

const char* kind_name(Relation::Kind k);

// A column of percentages or rates computed from a count in the same row and, when it is in the
// table, its denominator: in the same row (`denominator_row` empty: returned home -> % back in
// care) or in a fixed row (the Total row: a category's share).
struct RatioColumn {
  size_t column = 0, numerator = 0;
  std::optional<size_t> denominator = {};      // column; none: a number the reader knows
  std::optional<size_t> denominator_row = {};  // row; none: the same row
  double scale = 100;
};

// A linear relation that holds in every row: coefficients[i] x the row's columns[i] summed = 0
// (e.g. started - ceased - net change = 0).
struct RowRelation {
  std::vector<size_t> columns;
  std::vector<double> coefficients;
};

// What one table declares. (Every member has a default, so a spec names only what a table has:
// {.count_columns = {1}, .total_row = 3}.)
struct DisclosureSpec {
  // Columns holding counts of children (or periods, placements...): primary suppression applies.
  std::vector<size_t> count_columns = {};
  // A row holding, in each count column, the sum of every other row (e.g. "Total").
  std::optional<size_t> total_row = {};
  // Further row relations: (rows, total row) where, in each count column, the rows sum to the
  // total row. For tables with several breakdowns of one total ("All", then by age...).
  std::vector<std::pair<std::vector<size_t>, size_t>> row_groups = {};
  // A column holding, in each row, the sum of the count columns of that row.
  std::optional<size_t> total_column = {};
  // (derived column, count column): a figure computed from that count in a way that is not a
  // simple ratio (a mean, a median), withheld whenever the count is.
  std::vector<std::pair<size_t, size_t>> derived = {};
  // Percentages and rates with their numerator and denominator.
  std::vector<RatioColumn> ratios = {};
  // Linear relations holding in every row.
  std::vector<RowRelation> row_relations = {};
  // Single cells (row, column) that are counts in columns that are not (a no-change forecast,
  // which is the count at its origin, among model forecasts).
  std::vector<std::pair<size_t, size_t>> count_cells = {};
  // Counts from 1 to `threshold` are withheld; 0 is shown (DfE shows zeros).
  int threshold = 5;
};

// The relations a table's spec declares, over its own cells (table id = t.id). Relations whose
// cells fall outside the table (a spec for more rows than it has) are left out; a ratio or
// derived figure whose cells are not numbers (a blank percentage) is left out too.
std::vector<Relation> relations_of(const OutputTable& t, const DisclosureSpec& spec);

// The count cells of a table under its spec: (row, column), in row order.
std::vector<std::pair<size_t, size_t>> count_cells_of(const OutputTable& t, const DisclosureSpec& spec);

// Everything published about an output's arithmetic: per table its count cells, and every
// relation among published figures.
struct PublishedArithmetic {
  bool disclosure_control = true;
  int threshold = 5;
  struct Counts {
    std::string table;
    std::vector<std::pair<size_t, size_t>> cells;  // (row, column)
  };
  std::vector<Counts> counts;
  std::vector<Relation> relations;
  void append(const PublishedArithmetic& other);
};

}  // namespace careflow
