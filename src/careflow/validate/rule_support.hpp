// Internal to the validation rules: reading cells by column name, strict return dates, children
// keyed across tables, and the registry rules add themselves to.
#pragma once

#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "careflow/core/code_lists.hpp"
#include "careflow/core/string_view_index.hpp"
#include "careflow/validate/engine.hpp"

namespace careflow::validate::detail {

using ssda903::Table;

// Column position within a table's schema; aborts (a programming error) if the name is wrong.
// Rules name columns per cell (tens of millions of times in a national run), nearly always with
// the same literals: each thread remembers where a name (by address) was found and confirms its
// text inline, so the usual look-up costs no call, no schema search and no memcmp.
struct ColumnSeen {
  const char* name = nullptr;  // the caller's text, by address
  const char* text = nullptr;  // the schema's name of the column found (static storage)
  uint32_t size = 0;
  uint32_t index = 0;
  Table table = Table::header;
};
inline ColumnSeen& column_seen(Table t, const char* name) {
  thread_local ColumnSeen seen[512];
  return seen[((reinterpret_cast<uintptr_t>(name) >> 2) ^ static_cast<size_t>(t) * 131) & 511];
}
size_t col_lookup(Table t, std::string_view name);  // searches the schema and remembers the result
inline size_t col(Table t, std::string_view name) {
  const ColumnSeen& s = column_seen(t, name.data());
  if (s.name == name.data() && s.size == name.size() && s.table == t) {
    // The text at an address can change (a reused buffer), so it is confirmed, a word at a
    // time: names are a few characters, shorter than a call to memcmp.
    const char* a = s.text;
    const char* b = name.data();
    size_t n = s.size;
    bool same = true;
    auto word = [&](auto w) {
      decltype(w) x, y;
      std::memcpy(&x, a, sizeof x);
      std::memcpy(&y, b, sizeof y);
      same &= x == y;
      a += sizeof x;
      b += sizeof x;
      n -= sizeof x;
    };
    while (n >= 8) word(uint64_t{});
    if (n >= 4) word(uint32_t{});
    if (n >= 2) word(uint16_t{});
    if (n >= 1) word(uint8_t{});
    if (same) return s.index;
  }
  return col_lookup(t, name);
}

// A return date: d/m/yyyy as the return defines it (1-2 digit day and month, 4-digit year),
// a real calendar date. Anything else is invalid (the DfE "valid date" checks).
std::optional<Date> return_date(std::string_view s);

// What a rule sees: the input, and the values shared by the rules of the run (RunCache).
struct Run : ValidationInput {
  Run(const ValidationInput& in, RunCache& c) : ValidationInput(in), cache(&c) {}
  RunCache* cache;
};

// A value built once per validation run and shared by every rule asking for it under the same
// name and key (a table, usually): e.g. last year's open final episodes, which eleven rules
// compare against.
template <class T, class Build>
const T& shared(RunCache* cache, std::string_view name, const void* key, Build build) {
  return cache->get<T>(name, key, std::move(build));
}

// A table's date columns parsed once per validation run (by column; empty: not a date column).
using DateColumns = std::vector<std::vector<std::optional<Date>>>;

// A table of this year's (or last year's) return, possibly absent.
struct Tab {
  const ssda903::ReturnTable* t = nullptr;
  Table table = Table::header;
  const DateColumns* dates = nullptr;
  RunCache* cache = nullptr;
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
Tab tab(const Run& in, Table t);
Tab last_tab(const Run& in, Table t);

// One row seen by a per-row rule.
struct Row {
  const Tab& t;
  size_t r;
  int year;  // collection end year
  const Run& in;
  std::string_view operator[](std::string_view column) const { return t(r, column); }
  std::optional<Date> date(std::string_view column) const { return t.date(r, column); }
  bool blank(std::string_view column) const { return t(r, column).empty(); }
};
using RowTest = std::function<bool(const Row&)>;  // true: flag the row

// The SSDA903 rules careflow implements (engine.hpp: Ssda903::rules()).
using Rules = RuleSet<Ssda903>;
using Check = Rules::Check;
struct Impl {
  Needs needs;
  Check check;
};
// Registers an implementation for a rule code; version_year 0 applies to every version.
inline void add_rule(Rules& r, std::string_view code, int version_year, Impl impl) {
  r.add(code, version_year, impl.needs, std::move(impl.check));
}
// A rule that flags rows of one table by a per-row test.
void add_row_rule(Rules& r, std::string_view code, int version_year, Table t, RowTest test);

// Sorts, de-duplicates and stores.
void put(Flags& f, Table t, std::vector<size_t> rows);
// A rule that flags rows of one table: `check` is called with that table, only when the return
// has it, and returns the rows to flag (in any order, repeats allowed). It carries what most
// rules would otherwise each repeat: no flags when the table is absent, and the rows put into the
// rule's flags.
using Rows = std::vector<size_t>;
using TableCheck = std::function<Rows(const Tab&, const Run&)>;
inline void add_table_rule(Rules& r, std::string_view code, int version_year, Needs needs, Table t, TableCheck check) {
  add_rule(r, code, version_year, {needs, [t, check = std::move(check)](const Run& in) {
             Flags f;
             if (const Tab x = tab(in, t)) put(f, t, check(x, in));
             return f;
           }});
}

// A map keyed by child identifier (views of the table's text), with the part of
// std::unordered_map's interface the rules use (find/end/count/contains/at, iteration, [] and
// try_emplace). It is flat (StringViewIndex): the rules make tens of millions of look-ups by child
// at national scale, where a node-based map costs several cache misses each. Iteration is in
// insertion order (so by_child's children come in order of their first row).
template <class V>
class ChildMap {
 public:
  using key_type = std::string_view;
  using mapped_type = V;
  using value_type = std::pair<const std::string_view, V>;
  using const_iterator = const value_type*;
  using iterator = value_type*;

  ChildMap() = default;
  explicit ChildMap(size_t expected) : index_(expected) {
    entries_.reserve(expected);
    advise_huge(entries_.data(), entries_.capacity() * sizeof(value_type));
  }

  const_iterator begin() const { return entries_.data(); }
  const_iterator end() const { return entries_.data() + entries_.size(); }
  iterator begin() { return entries_.data(); }
  iterator end() { return entries_.data() + entries_.size(); }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  const_iterator find(std::string_view child) const {
    const uint32_t i = index_.find(child);
    return i == StringViewIndex::kAbsent ? end() : begin() + i;
  }
  iterator find(std::string_view child) {
    const uint32_t i = index_.find(child);
    return i == StringViewIndex::kAbsent ? end() : begin() + i;
  }
  size_t count(std::string_view child) const { return index_.find(child) == StringViewIndex::kAbsent ? 0 : 1; }
  bool contains(std::string_view child) const { return count(child) != 0; }
  const V& at(std::string_view child) const {
    const auto it = find(child);
    if (it == end()) throw std::out_of_range("ChildMap::at: no such child");
    return it->second;
  }
  template <class... Args>
  std::pair<iterator, bool> try_emplace(std::string_view child, Args&&... args) {
    const auto [i, fresh] = index_.insert(child, static_cast<uint32_t>(entries_.size()));
    if (fresh)
      entries_.emplace_back(std::piecewise_construct, std::forward_as_tuple(child),
                            std::forward_as_tuple(std::forward<Args>(args)...));
    return {begin() + i, fresh};
  }
  std::pair<iterator, bool> emplace(std::string_view child, V v) { return try_emplace(child, std::move(v)); }
  V& operator[](std::string_view child) { return try_emplace(child).first->second; }

 private:
  StringViewIndex index_;
  std::vector<value_type> entries_;
};

// Rows of a table grouped by child, in row order, and each child's first row. Built once per
// table for a whole validation run (shared through the run's cache), so the ~300 rules do not
// each re-index a national return.
using ChildRows = ChildMap<std::vector<size_t>>;
const ChildRows& by_child(const Tab& t);
const ChildMap<size_t>& first_row_by_child(const Tab& t);

void register_row_rules(Rules& r);
void register_cross_table_rules(Rules& r);
void register_sequence_rules(Rules& r);

}  // namespace careflow::validate::detail
