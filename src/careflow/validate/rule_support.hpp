// Internal to the validation rules: reading cells by column name, strict return dates, children
// keyed across tables, and the registry rules add themselves to.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "careflow/core/code_lists.hpp"
#include "careflow/validate/engine.hpp"

namespace careflow::validate::detail {

using ssda903::Table;

// Column position within a table's schema; aborts (a programming error) if the name is wrong.
size_t col(Table t, std::string_view name);

// A return date: d/m/yyyy as the return defines it (1-2 digit day and month, 4-digit year),
// a real calendar date. Anything else is invalid (the DfE "valid date" checks).
std::optional<Date> return_date(std::string_view s);

// A table of this year's (or last year's) return, possibly absent.
// A table's date columns parsed once per validation run (by column; empty: not a date column).
using DateColumns = std::vector<std::vector<std::optional<Date>>>;

struct Tab {
  const ssda903::ReturnTable* t = nullptr;
  Table table = Table::header;
  const DateColumns* dates = nullptr;  // set inside a run
  explicit operator bool() const { return t != nullptr; }
  size_t rows() const { return t ? t->rows() : 0; }
  std::string_view operator()(size_t r, std::string_view column) const {
    return t->cell(r, col(table, column));
  }
  std::optional<Date> date(size_t r, std::string_view column) const {
    const size_t c = col(table, column);
    if (dates && !(*dates)[c].empty()) return (*dates)[c][r];
    return return_date(t->cell(r, c));
  }
};
Tab tab(const ValidationInput& in, Table t);
Tab last_tab(const ValidationInput& in, Table t);

// One row seen by a per-row rule.
struct Row {
  const Tab& t;
  size_t r;
  int year;  // collection end year
  const ValidationInput& in;
  std::string_view operator[](std::string_view column) const { return t(r, column); }
  std::optional<Date> date(std::string_view column) const { return t.date(r, column); }
  bool blank(std::string_view column) const { return t(r, column).empty(); }
};
using RowTest = std::function<bool(const Row&)>;  // true: flag the row

// Registers an implementation for a rule code; version_year 0 applies to every version.
void add_rule(std::string_view code, int version_year, RuleImpl impl);
// A rule that flags rows of one table by a per-row test.
void add_row_rule(std::string_view code, int version_year, Table t, RowTest test);

// Rows of a table grouped by child, in row order, and each child's first row. Built once per
// table for a whole validation run (run_rule/validate hold the cache), so the ~300 rules do not
// each re-index a national return.
using ChildRows = std::unordered_map<std::string_view, std::vector<size_t>>;
const ChildRows& by_child(const Tab& t);
// Holds the indexes while alive (nested scopes share the outermost one's).
class CacheScope {
 public:
  CacheScope();
  ~CacheScope();
  CacheScope(const CacheScope&) = delete;
  CacheScope& operator=(const CacheScope&) = delete;

 private:
  bool owner_ = false;
};
const std::unordered_map<std::string_view, size_t>& first_row_by_child(const Tab& t);

// Sorts, de-duplicates and stores.
void put(Flags& f, Table t, std::vector<size_t> rows);

void register_row_rules();
void register_cross_table_rules();
void register_sequence_rules();

}  // namespace careflow::validate::detail
