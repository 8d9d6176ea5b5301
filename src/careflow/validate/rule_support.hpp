// Internal to the SSDA903 rules: what a rule sees of a run (Run), the return's tables with typed
// columns (Tab, Row), strict return dates, children keyed across tables, and the registration
// of rules into the rule set. The rules themselves are filed by DfE topic (ssda903_rules.hpp).
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "careflow/core/code_lists.hpp"
#include "careflow/base/string_view_index.hpp"
#include "careflow/validate/engine.hpp"

namespace careflow::validate::detail {

using ssda903::Table;
using T = ssda903::Table;

// The columns of each table (core/ssda903_tables.hpp), by short names: E::DECOM, H::DOB, O3::ACCOM...
namespace H = ssda903::header_col;
namespace E = ssda903::episodes_col;
namespace RV = ssda903::reviews_col;
namespace U = ssda903::uasc_col;
namespace O2 = ssda903::oc2_col;
namespace O3 = ssda903::oc3_col;
namespace AD = ssda903::ad1_col;
namespace PA = ssda903::placed_col;
namespace PP = ssda903::prev_perm_col;
namespace M = ssda903::missing_col;
namespace SW = ssda903::sw_episodes_col;
namespace DL = ssda903::dolo_col;

// Each table's column type, and each column type's table.
template <Table> struct TableColumns;
template <> struct TableColumns<T::header> { using type = H::Column; };
template <> struct TableColumns<T::episodes> { using type = E::Column; };
template <> struct TableColumns<T::reviews> { using type = RV::Column; };
template <> struct TableColumns<T::uasc> { using type = U::Column; };
template <> struct TableColumns<T::oc2> { using type = O2::Column; };
template <> struct TableColumns<T::oc3> { using type = O3::Column; };
template <> struct TableColumns<T::ad1> { using type = AD::Column; };
template <> struct TableColumns<T::placed_for_adoption> { using type = PA::Column; };
template <> struct TableColumns<T::previous_permanence> { using type = PP::Column; };
template <> struct TableColumns<T::missing> { using type = M::Column; };
template <> struct TableColumns<T::sw_episodes> { using type = SW::Column; };
template <> struct TableColumns<T::dolo> { using type = DL::Column; };
template <Table Tb> using Col = typename TableColumns<Tb>::type;

template <class Column> struct ColumnTable;
template <> struct ColumnTable<H::Column> { static constexpr Table value = T::header; };
template <> struct ColumnTable<E::Column> { static constexpr Table value = T::episodes; };
template <> struct ColumnTable<RV::Column> { static constexpr Table value = T::reviews; };
template <> struct ColumnTable<U::Column> { static constexpr Table value = T::uasc; };
template <> struct ColumnTable<O2::Column> { static constexpr Table value = T::oc2; };
template <> struct ColumnTable<O3::Column> { static constexpr Table value = T::oc3; };
template <> struct ColumnTable<AD::Column> { static constexpr Table value = T::ad1; };
template <> struct ColumnTable<PA::Column> { static constexpr Table value = T::placed_for_adoption; };
template <> struct ColumnTable<PP::Column> { static constexpr Table value = T::previous_permanence; };
template <> struct ColumnTable<M::Column> { static constexpr Table value = T::missing; };
template <> struct ColumnTable<SW::Column> { static constexpr Table value = T::sw_episodes; };
template <> struct ColumnTable<DL::Column> { static constexpr Table value = T::dolo; };
template <class Column> inline constexpr Table table_of = ColumnTable<Column>::value;

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
template <class V, class Build>
const V& shared(RunCache* cache, std::string_view name, const void* key, Build build) {
  return cache->get<V>(name, key, std::move(build));
}

// A table's date columns parsed once per validation run (by column; empty: not a date column).
using DateColumns = std::vector<std::vector<std::optional<Date>>>;

// A table of this year's (or last year's) return, possibly absent, whatever the table: what the
// indexes by child need. CHILD is every table's first column.
struct TableRef {
  const ssda903::ReturnTable* t = nullptr;
  const DateColumns* dates = nullptr;
  RunCache* cache = nullptr;
  explicit operator bool() const { return t != nullptr; }
  size_t rows() const { return t ? t->rows() : 0; }
  std::string_view child(size_t r) const { return t->cell(r, 0); }
};

// One table, read by its own columns.
template <Table Tb>
struct Tab : TableRef {
  static constexpr Table table = Tb;
  std::string_view operator()(size_t r, Col<Tb> c) const { return t->cell(r, c); }
  bool blank(size_t r, Col<Tb> c) const { return t->cell(r, c).empty(); }
  std::optional<Date> date(size_t r, Col<Tb> c) const {
    if (dates && !(*dates)[c].empty()) return (*dates)[c][r];
    return return_date(t->cell(r, c));
  }
};
using Header = Tab<T::header>;
using Episodes = Tab<T::episodes>;
using Reviews = Tab<T::reviews>;
using Uasc = Tab<T::uasc>;
using Oc2 = Tab<T::oc2>;
using Oc3 = Tab<T::oc3>;
using Ad1 = Tab<T::ad1>;
using PlacedAdoption = Tab<T::placed_for_adoption>;
using PrevPerm = Tab<T::previous_permanence>;
using Missing = Tab<T::missing>;
using SwEpisodes = Tab<T::sw_episodes>;
using Dolo = Tab<T::dolo>;

// This year's or last year's table (with its dates parsed once per run).
TableRef table_ref(const Run& in, const ssda903::Return* ret, Table t);
template <Table Tb> Tab<Tb> tab(const Run& in) { return {table_ref(in, in.this_year, Tb)}; }
template <Table Tb> Tab<Tb> last_tab(const Run& in) { return {table_ref(in, in.last_year, Tb)}; }

// One row seen by a per-row rule.
template <Table Tb>
struct Row {
  const Tab<Tb>& t;
  size_t r;
  int year;  // collection end year
  const Run& in;
  std::string_view operator[](Col<Tb> c) const { return t(r, c); }
  std::optional<Date> date(Col<Tb> c) const { return t.date(r, c); }
  bool blank(Col<Tb> c) const { return t(r, c).empty(); }
};
using HeaderRow = Row<T::header>;
using EpisodeRow = Row<T::episodes>;
using ReviewRow = Row<T::reviews>;
using UascRow = Row<T::uasc>;
using Oc2Row = Row<T::oc2>;
using Oc3Row = Row<T::oc3>;
using Ad1Row = Row<T::ad1>;
using PlacedRow = Row<T::placed_for_adoption>;
using PrevPermRow = Row<T::previous_permanence>;
using MissingRow = Row<T::missing>;
using SwRow = Row<T::sw_episodes>;
using DoloRow = Row<T::dolo>;
template <Table Tb> using RowTest = std::function<bool(const Row<Tb>&)>;  // true: flag the row

// Sorts, de-duplicates and stores.
void put(Flags& f, Table t, std::vector<size_t> rows);
using Rows = std::vector<size_t>;

// ---- Registration: one line per rule version (version_year 0: every version of the code) ----
// The SSDA903 rules careflow implements (engine.hpp: Ssda903::rules()).
using Rules = RuleSet<Ssda903>;

// A rule over any tables: it returns its flags itself.
inline void add_rule(Rules& r, std::string_view code, int version_year, Needs needs, Flags (*check)(const Run&)) {
  r.add(code, version_year, needs, check);
}
inline void add_rule(Rules& r, std::string_view code, int version_year, Needs needs, Rules::Check check) {
  r.add(code, version_year, needs, std::move(check));
}

// A rule that flags rows of one table: `check` is called with that table, only when the return
// has it, and returns the rows to flag (in any order, repeats allowed). It carries what most
// rules would otherwise each repeat: no flags when the table is absent, and the rows put into the
// rule's flags.
template <Table Tb> using TableCheck = std::function<Rows(const Tab<Tb>&, const Run&)>;
template <Table Tb>
void add_table_rule(Rules& r, std::string_view code, int version_year, Needs needs, TableCheck<Tb> check) {
  r.add(code, version_year, needs, [check = std::move(check)](const Run& in) {
    Flags f;
    if (const auto x = tab<Tb>(in)) put(f, Tb, check(x, in));
    return f;
  });
}
template <Table Tb>
void add_table_rule(Rules& r, std::string_view code, int version_year, Needs needs, Rows (*check)(const Tab<Tb>&, const Run&)) {
  add_table_rule(r, code, version_year, needs, TableCheck<Tb>(check));
}

// A rule that flags rows of one table by a per-row test (needing nothing beyond the return).
template <Table Tb>
void add_row_rule(Rules& r, std::string_view code, int version_year, RowTest<Tb> test) {
  r.add(code, version_year, {}, [test = std::move(test)](const Run& in) {
    Flags f;
    const auto x = tab<Tb>(in);
    if (!x) return f;
    std::vector<size_t> rows;
    for (size_t k = 0; k < x.rows(); ++k)
      if (test(Row<Tb>{x, k, in.year.end_year, in})) rows.push_back(k);
    put(f, Tb, std::move(rows));
    return f;
  });
}
template <Table Tb>
void add_row_rule(Rules& r, std::string_view code, int version_year, bool (*test)(const Row<Tb>&)) {
  add_row_rule(r, code, version_year, RowTest<Tb>(test));
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
const ChildRows& by_child(const TableRef& t);
const ChildMap<size_t>& first_row_by_child(const TableRef& t);

}  // namespace careflow::validate::detail
