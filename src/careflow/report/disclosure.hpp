// Statistical disclosure control for published tables, as DfE applies it to children-looked-after
// statistics: small counts (1 to 5) are withheld ("c"), and further cells are withheld where a
// declared total would otherwise let a reader work a withheld count out by subtraction.
// Percentages and rates computed from a withheld count are withheld too.
//
// Tables state their own arithmetic (which columns are counts, which row and column are their
// totals, which columns derive from which counts) so that the rules need not guess it.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "careflow/io/output_table.hpp"

namespace careflow::report {

// (Every member has a default, so a spec can be written with designated initializers naming only
// what a table has: {.count_columns = {1}, .total_row = 3}.)
struct DisclosureSpec {
  // Columns holding counts of children (or periods...): primary suppression applies to them.
  std::vector<size_t> count_columns = {};
  // A row holding, in each count column, the sum of every other row (e.g. "Total").
  std::optional<size_t> total_row = {};
  // Further row relations: (rows, total row) where, in each count column, the rows sum to the
  // total row. For tables with several breakdowns of one total ("All", then by age, then by
  // legal status...).
  std::vector<std::pair<std::vector<size_t>, size_t>> row_groups = {};
  // A column holding, in each row, the sum of the count columns of that row.
  std::optional<size_t> total_column = {};
  // (derived column, count column): a percentage or rate computed from that count, withheld
  // whenever the count is.
  std::vector<std::pair<size_t, size_t>> derived = {};
  // Counts from 1 to `threshold` are withheld; 0 is shown (DfE shows zeros).
  int threshold = 5;
};

struct DisclosureResult {
  size_t primary = 0;    // cells withheld because they were small counts
  size_t secondary = 0;  // further count cells withheld to protect them through the totals
  size_t derived = 0;    // percentages/rates withheld with their counts
};

// Applies the rules in place. Cells that are not numbers are left alone. Deterministic: the
// secondary cell chosen is the smallest count (ties: the first) in the same row or column, so
// that the least information is lost; a total is chosen only when nothing else can be.
DisclosureResult suppress(OutputTable& t, const DisclosureSpec& spec);

}  // namespace careflow::report
