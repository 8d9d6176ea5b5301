#include "careflow/core/output_table.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <stdexcept>

namespace careflow {

OutputTable& OutputTable::add_column(std::string name, std::string label, int decimals) {
  columns.push_back({std::move(name), std::move(label), decimals});
  return *this;
}

OutputTable& OutputTable::add_row(std::vector<Cell> row) {
  if (row.size() != columns.size())
    throw std::logic_error(fmt::format("table {}: row has {} cells for {} columns", id, row.size(), columns.size()));
  rows.push_back(std::move(row));
  return *this;
}

size_t OutputTable::column_index(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return i;
  throw std::out_of_range("no column " + name + " in table " + id);
}

void OutputTable::for_each_row(const std::function<void(const std::vector<Cell>&)>& f) const {
  for (const auto& row : rows) f(row);
  if (!lazy_rows) return;
  std::vector<Cell> cells(columns.size());
  for (size_t i = 0; i < lazy_rows; ++i) {
    make_row(i, cells);
    if (cells.size() != columns.size())
      throw std::logic_error(fmt::format("table {}: row has {} cells for {} columns", id, cells.size(), columns.size()));
    f(cells);
  }
}

void set_text(Cell& c, std::string_view text) {
  if (auto* s = std::get_if<std::string>(&c)) s->assign(text);
  else c.emplace<std::string>(text);
}

void append_cell(std::string& out, const Cell& c, int decimals) {
  if (std::holds_alternative<std::monostate>(c)) return;
  if (const auto* s = std::get_if<std::string>(&c)) {
    out += *s;
    return;
  }
  if (std::holds_alternative<Suppressed>(c)) {
    out += 'c';
    return;
  }
  const double v = std::get<double>(c);
  if (!std::isfinite(v)) return;
  if (decimals >= 0) fmt::format_to(std::back_inserter(out), "{:.{}f}", v, decimals);
  else if (v == std::floor(v) && std::fabs(v) < 1e15) fmt::format_to(std::back_inserter(out), "{}", static_cast<long long>(v));
  else fmt::format_to(std::back_inserter(out), "{}", v);
}

std::string format_cell(const Cell& c, int decimals) {
  std::string out;
  append_cell(out, c, decimals);
  return out;
}

}  // namespace careflow
