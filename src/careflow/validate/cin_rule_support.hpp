// Internal to the CIN census rules: what a rule sees of a run (Run: the return, its reference
// date and census period, the bank holidays), the modules read by their own typed columns
// (Tab<Column>: CD::CINreferralDate can only be read from CINdetails), the census's yes/no and
// code cells, indexes of rows by child and by episode shared through the run's cache, and the
// registration of rules. The rules are filed by module (cin_rules.hpp).
#pragma once

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "careflow/core/bank_holidays.hpp"
#include "careflow/core/cin_codes.hpp"
#include "careflow/validate/cin_collection.hpp"

namespace careflow::validate::cin_detail {

using cin::Table;
using T = cin::Table;
namespace HD = cin::header_col;
namespace CI = cin::child_identifiers_col;
namespace CC = cin::child_characteristics_col;
namespace DI = cin::disabilities_col;
namespace CD = cin::cin_details_col;
namespace AS = cin::assessments_col;
namespace AF = cin::assessment_factors_col;
namespace PL = cin::cin_plan_dates_col;
namespace S47 = cin::section47_col;
namespace CP = cin::child_protection_plans_col;
namespace RV = cin::reviews_col;

template <class Column> struct ColumnTable;
template <> struct ColumnTable<HD::Column> { static constexpr Table value = T::header; };
template <> struct ColumnTable<CI::Column> { static constexpr Table value = T::child_identifiers; };
template <> struct ColumnTable<CC::Column> { static constexpr Table value = T::child_characteristics; };
template <> struct ColumnTable<DI::Column> { static constexpr Table value = T::disabilities; };
template <> struct ColumnTable<CD::Column> { static constexpr Table value = T::cin_details; };
template <> struct ColumnTable<AS::Column> { static constexpr Table value = T::assessments; };
template <> struct ColumnTable<AF::Column> { static constexpr Table value = T::assessment_factors; };
template <> struct ColumnTable<PL::Column> { static constexpr Table value = T::cin_plan_dates; };
template <> struct ColumnTable<S47::Column> { static constexpr Table value = T::section47; };
template <> struct ColumnTable<CP::Column> { static constexpr Table value = T::child_protection_plans; };
template <> struct ColumnTable<RV::Column> { static constexpr Table value = T::reviews; };

// A date as the census writes it (yyyy-mm-dd in the XML; dd/mm/yyyy as analysts export it).
std::optional<Date> census_date(std::string_view s);

// The census's booleans (xs:boolean: true or 1, false or 0; io's parse_cin_bool). Anything else,
// a blank included, is neither.
inline bool is_true(std::string_view s) { return cin::parse_cin_bool(s) == true; }
inline bool is_false(std::string_view s) { return cin::parse_cin_bool(s) == false; }

// The assessment factors of one AssessmentFactors cell: "3B,4B" as the export writes them (also
// a bracketed, quoted list, ["3B", "4B"]), each trimmed, in order, repeats kept.
std::vector<std::string_view> factor_codes(std::string_view cell);

// What a rule sees.
struct Run {
  Run(const CinInput& in, RunCache& c);
  const CinInput* in;
  RunCache* cache;
  Date reference;     // the census's last day (cin_reference_date)
  Date start;         // its first day
  const BankHolidayTable* holidays;
  const cin::ReturnTable* table(Table t) const { return in->this_year ? in->this_year->find(t) : nullptr; }
  bool in_census(Date d) const { return d >= start && d <= reference; }
};

template <class Column>
struct Tab;

// Flags, sorted and without repeats whatever order rows were added in.
struct FlagSet {
  CinFlags flags;
  void add(Table t, size_t row) { flags[t].push_back(row); }
  template <class Column>
  void add(const Tab<Column>&, size_t row) { add(Tab<Column>::table, row); }
  void return_level() { add(T::header, kReturnLevel); }
  CinFlags done();
};

// Rows of a module grouped by a key: the child (LAchildID), or the child's episode (LAchildID and
// CINdetailsID), or a plan (with CPPID), in row order; groups in order of their first row. Built
// once per run and shared by the rules asking. Flat: the groups' rows in one array, a hash table
// of key hashes checked against each group's first row, so no key is ever copied (a national
// return has 650,000 children).
enum class GroupBy : uint8_t { child, episode, plan };
using RowSpan = std::span<const size_t>;
struct Groups {
  std::vector<RowSpan> rows;       // each group's rows (views into `members`)
  std::vector<uint32_t> group_of;  // each row's group
  std::vector<size_t> members;     // rows, group after group
  // Open addressing: (hash, group); group UINT32_MAX is a free slot.
  std::vector<std::pair<uint64_t, uint32_t>> slots;
  const cin::ReturnTable* table = nullptr;
  GroupBy by = GroupBy::child;
  // The group of a row of another module (`from`) with the same key, if any.
  const RowSpan* find(const cin::ReturnTable& from, size_t row) const;
};
const Groups& groups(const Run& run, Table t, GroupBy by);

// Each row of a module linked to its group in another module (same child, episode or plan), by
// the group's index in groups(run, to, by); kNoGroup when the other module has none. Built once
// per run for each pair of modules, so a rule's look-ups are array reads, not string keys.
inline constexpr uint32_t kNoGroup = UINT32_MAX;
struct Link {
  std::vector<uint32_t> group;
  const Groups* to = nullptr;
};
const Link& link(const Run& run, const cin::ReturnTable* from, Table to, GroupBy by);

// A module's date column parsed once per run (none: blank or not a date).
using DateColumn = std::vector<std::optional<Date>>;
const DateColumn& date_column(const Run& run, const cin::ReturnTable* t, size_t column);

// A module, possibly absent (then it has no rows), read by its own columns. Each rule makes its
// own: the parsed date columns and links it asks for are fetched from the run once and kept.
template <class Column>
struct Tab {
  static constexpr Table table = ColumnTable<Column>::value;
  const Run* run;
  const cin::ReturnTable* t = nullptr;
  explicit Tab(const Run& r) : run(&r), t(r.table(table)) {}
  explicit operator bool() const { return t != nullptr; }
  size_t rows() const { return t ? t->rows() : 0; }
  std::string_view operator()(size_t r, Column c) const { return t->cell(r, c); }
  bool blank(size_t r, Column c) const { return t->cell(r, c).empty(); }
  std::optional<Date> date(size_t r, Column c) const {
    auto& d = dates_[c];
    if (!d) d = &date_column(*run, t, c);
    return (*d)[r];
  }
  bool has(Column c) const { return t && t->has_column[c]; }
  // The rows of module `to` of row r's child, episode (LAchildID and CINdetailsID) or plan (and
  // CPPID); none when there are none.
  const RowSpan* same_child(Table to, size_t r) const { return related(to, GroupBy::child, r); }
  const RowSpan* same_episode(Table to, size_t r) const { return related(to, GroupBy::episode, r); }
  const RowSpan* same_plan(Table to, size_t r) const { return related(to, GroupBy::plan, r); }

 private:
  const RowSpan* related(Table to, GroupBy by, size_t r) const {
    auto& l = links_[static_cast<size_t>(to) * 3 + static_cast<size_t>(by)];
    if (!l) l = &link(*run, t, to, by);
    const uint32_t g = l->group[r];
    return g == kNoGroup ? nullptr : &l->to->rows[g];
  }
  mutable std::array<const DateColumn*, 16> dates_{};
  mutable std::array<const Link*, cin::kTableCount * 3> links_{};
};

// ---- Registration ----------------------------------------------------------------------------
using Rules = RuleSet<CinCensus>;
using Check = std::function<CinFlags(const Run&)>;
inline void add_rule(Rules& r, std::string_view code, int version_year, Check check, CinNeeds needs = {}) {
  r.add(code, version_year, needs, std::move(check));
}
// A rule that flags a module's rows one at a time by `test` (true: flag).
template <class Column>
void add_row_rule(Rules& r, std::string_view code, int version_year,
                  std::function<bool(const Tab<Column>&, size_t, const Run&)> test) {
  r.add(code, version_year, {}, [test = std::move(test)](const Run& run) {
    FlagSet f;
    const Tab<Column> t(run);
    for (size_t k = 0; k < t.rows(); ++k)
      if (test(t, k, run)) f.add(t, k);
    return f.done();
  });
}

// The rules, by module.
void cin_child_identifier_rules(Rules& r);  // ChildIdentifiers, ChildCharacteristics, Disabilities, Header
void cin_episode_rules(Rules& r);           // CINdetails
void cin_assessment_rules(Rules& r);        // Assessments and their factors
void cin_plan_rules(Rules& r);              // CINplanDates
void cin_section47_rules(Rules& r);         // Section47
void cin_protection_plan_rules(Rules& r);   // ChildProtectionPlans and Reviews

}  // namespace careflow::validate::cin_detail

namespace careflow::validate::cin_detail {

// Whether a code is in one of the census's code lists (core/cin_codes.hpp).
inline bool known(cin::CodeList list, std::string_view code) { return cin::is_known_code(list, code); }
using cin::CodeList;

}  // namespace careflow::validate::cin_detail
