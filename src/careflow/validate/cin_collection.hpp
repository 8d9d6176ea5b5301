// The Children in Need census as a collection of the validation engine (collection.hpp): DfE's
// CIN census rules, a catalogue of versioned rules (cin_rule_catalogue.inc, generated from the
// CIN conformance fixtures, which quote DfE's messages) run over one year's return. Each rule
// version flags rows per module, or raises a message about the return as a whole (a return-level
// query such as "less than 8 disability codes have been used"): that is flagged as the row
// kReturnLevel of the Header table, which the error tables show without a line or a child.
// Rules that count working days need the bank-holiday table to cover the census year; for a year
// it does not cover they are reported as not run.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/date.hpp"
#include "careflow/io/cin_census.hpp"
#include "careflow/validate/collection.hpp"

namespace careflow {
struct BankHolidayTable;
}

namespace careflow::validate {

// One year's CIN census return, and what its rules read beyond it.
struct CinInput {
  const cin::Return* this_year = nullptr;
  CollectionYear year;  // the collection year (2023: 2022/23), which decides the rule versions
  // The working days of England and Wales (core/bank_holidays.hpp); none: careflow's table.
  const BankHolidayTable* holidays = nullptr;
};

// The census's reference date (its last day, 31 March): the Header's ReferenceDate when it is a
// valid date, else 31 March of the collection year. Every date-window rule keys off it; the
// census period is the year ending on it (from the day after the same date a year before).
Date cin_reference_date(const CinInput& in);
Date cin_census_start(Date reference_date);

// What a rule needs beyond the return.
struct CinNeeds {
  bool working_days = false;  // counts working days from the reference date (bank holidays)
};

// A message about the return as a whole: the row flagged, in the Header table.
inline constexpr size_t kReturnLevel = UINT32_MAX;
// What stands for the child where a flagged row has none: a return-level message, a Header row.
inline constexpr std::string_view kWholeReturn = "(the return)";
inline constexpr std::string_view kHeaderRow = "(the Header)";

namespace cin_detail {
struct Run;  // what a rule sees (cin_rule_support.hpp)
}

struct CinCensus {
  static constexpr std::string_view name = "CIN census";  // how outputs label its errors
  using Table = cin::Table;
  using Return = cin::Return;
  using Input = CinInput;
  using Needs = CinNeeds;
  using Run = cin_detail::Run;
  static std::span<const RuleVersion> catalogue();
  static const RuleSet<CinCensus>& rules();
  static int year(const Input& in) { return in.year.end_year; }
  static std::vector<std::string> missing(const Needs& needs, const Input& in);
  static std::string_view table_name(Table t) { return cin::schema(t).name; }
  // A return-level message is located at the Header's file (or the return's first file), line 0,
  // its child kWholeReturn; a Header row's child is kHeaderRow.
  static RowLocation locate(const Return& ret, Table t, size_t row);
};

using CinResult = ResultOf<cin::Table>;
using CinFlags = FlagsOf<cin::Table>;

// Runs one rule version on the input.
CinResult run_cin_rule(const RuleVersion& v, const CinInput& in);
// Runs every rule version active in the input's collection year, in catalogue order.
std::vector<CinResult> validate_cin(const CinInput& in);

}  // namespace careflow::validate
