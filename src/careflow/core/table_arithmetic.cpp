#include "careflow/core/table_arithmetic.hpp"

#include <algorithm>
#include <map>

namespace careflow {

const char* kind_name(Relation::Kind k) {
  switch (k) {
    case Relation::Kind::sum: return "sum";
    case Relation::Kind::equal: return "equal";
    case Relation::Kind::linear: return "linear";
    case Relation::Kind::ratio: return "ratio";
    case Relation::Kind::depends: return "depends";
  }
  return "";
}

namespace {

bool is_number(const Cell& c) { return std::holds_alternative<double>(c); }
// A figure a relation can rest on: a number, or one already withheld.
bool is_figure(const Cell& c) { return is_number(c) || std::holds_alternative<Suppressed>(c); }

}  // namespace

std::vector<Relation> relations_of(const OutputTable& t, const DisclosureSpec& spec) {
  std::vector<Relation> out;
  const size_t rows = t.rows.size(), cols = t.columns.size();
  auto cell = [&](size_t r, size_t c) { return CellRef{t.id, r, c}; };
  auto in = [&](size_t r, size_t c) { return r < rows && c < cols; };
  std::vector<size_t> counts;
  for (size_t c : spec.count_columns)
    if (c < cols) counts.push_back(c);
  // A column of parts and their total.
  auto column_sum = [&](size_t c, const std::vector<size_t>& parts, size_t total) {
    Relation r{Relation::Kind::sum, {cell(total, c)}};
    for (size_t p : parts)
      if (p < rows && p != total) r.cells.push_back(cell(p, c));
    if (r.cells.size() > 1) out.push_back(std::move(r));
  };
  if (spec.total_row && *spec.total_row < rows) {
    std::vector<size_t> parts;
    for (size_t r = 0; r < rows; ++r)
      if (r != *spec.total_row) parts.push_back(r);
    for (size_t c : counts) column_sum(c, parts, *spec.total_row);
    if (spec.total_column && *spec.total_column < cols) column_sum(*spec.total_column, parts, *spec.total_row);
  }
  for (const auto& [parts, total] : spec.row_groups) {
    if (total >= rows) continue;
    for (size_t c : counts) column_sum(c, parts, total);
    if (spec.total_column && *spec.total_column < cols) column_sum(*spec.total_column, parts, total);
  }
  if (spec.total_column && *spec.total_column < cols)
    for (size_t r = 0; r < rows; ++r) {
      Relation rel{Relation::Kind::sum, {cell(r, *spec.total_column)}};
      for (size_t c : counts)
        if (c != *spec.total_column) rel.cells.push_back(cell(r, c));
      if (rel.cells.size() > 1) out.push_back(std::move(rel));
    }
  for (const auto& rr : spec.row_relations) {
    if (rr.columns.size() != rr.coefficients.size()) continue;
    for (size_t r = 0; r < rows; ++r) {
      Relation rel{Relation::Kind::linear, {}, {}};
      bool ok = true;
      for (size_t i = 0; i < rr.columns.size(); ++i) {
        ok = ok && in(r, rr.columns[i]) && is_figure(t.rows[r][rr.columns[i]]);
        rel.cells.push_back(cell(r, rr.columns[i]));
        rel.coefficients.push_back(rr.coefficients[i]);
      }
      if (ok) out.push_back(std::move(rel));
    }
  }
  for (const auto& rc : spec.ratios)
    for (size_t r = 0; r < rows; ++r) {
      const size_t dr = rc.denominator_row.value_or(r);
      if (!in(r, rc.column) || !in(r, rc.numerator) || !is_figure(t.rows[r][rc.column])) continue;
      Relation rel{Relation::Kind::ratio, {cell(r, rc.column), cell(r, rc.numerator)}, {}, rc.scale};
      if (rc.denominator) {
        if (!in(dr, *rc.denominator)) continue;
        rel.cells.push_back(cell(dr, *rc.denominator));
      }
      out.push_back(std::move(rel));
    }
  for (auto [dc, cc] : spec.derived)
    for (size_t r = 0; r < rows; ++r)
      if (in(r, dc) && in(r, cc) && is_figure(t.rows[r][dc]))
        out.push_back({Relation::Kind::depends, {cell(r, dc), cell(r, cc)}});
  return out;
}

std::vector<std::pair<size_t, size_t>> count_cells_of(const OutputTable& t, const DisclosureSpec& spec) {
  std::vector<std::pair<size_t, size_t>> out;
  std::vector<size_t> cols = spec.count_columns;
  if (spec.total_column) cols.push_back(*spec.total_column);
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
  for (size_t r = 0; r < t.rows.size(); ++r)
    for (size_t c : cols)
      if (c < t.columns.size()) out.push_back({r, c});
  for (auto [r, c] : spec.count_cells)
    if (r < t.rows.size() && c < t.columns.size()) out.push_back({r, c});
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void PublishedArithmetic::append(const PublishedArithmetic& other) {
  counts.insert(counts.end(), other.counts.begin(), other.counts.end());
  relations.insert(relations.end(), other.relations.begin(), other.relations.end());
}

}  // namespace careflow
