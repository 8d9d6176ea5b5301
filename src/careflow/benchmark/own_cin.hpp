// A council's own Children in Need census returns turned into the published CIN and child
// protection counts (DfE's definitions, ../shared/research/cin-census-spec.md §6), by collection
// year, for setting beside the published figures (tables c1, c4, d3, d5) with compare_own_cin.
//
// The report's front-door section computes the same measures in analyse/ (a sibling of benchmark,
// which may not call it): when both are settled the definitions belong in core, once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "careflow/benchmark/public_data.hpp"
#include "careflow/core/cin_timeline.hpp"

namespace careflow::benchmark {

struct OwnCinYear {
  int year = 0;  // collection end year (2025 = 1 April 2024 to 31 March 2025)
  // Referrals: episodes of need whose referral date is in the year, each counted, no further
  // action included.
  long referrals = 0;
  // Of them, made within 12 months of an earlier referral of the same child (the earlier one on
  // or after the same day a year before; 29 February looks back to 28 February). Known only when
  // the returns read include the previous year (a referral of that year closed before its
  // 31 March is in no later return): not in the first year read.
  std::optional<long> rereferrals;
  long section47s = 0;  // section 47 enquiries started in the year
  // Initial child protection conferences held in the year: each section 47's DateOfInitialCPC,
  // and an episode's own DateOfInitialCPC (a child transferred in) when no section 47 of the
  // episode records a conference on that day.
  long icpcs = 0;
  long cpp_starts = 0;             // child protection plans starting in the year
  long cpp_starts_subsequent = 0;  // of them, NumberOfPreviousCPP of 1 or more
  long cpp_starts_previous_unknown = 0;  // of them, NumberOfPreviousCPP not recorded
  // Children with a plan open at 31 March: started on or before it, not ended by it (ended after
  // it, or open). Each child once.
  long cpp_at31 = 0;
};
// One per collection year of the timeline's returns (t.years).
std::vector<OwnCinYear> own_cin_years(const cin::Timeline& t);

// The day twelve months before `d` (29 February -> 28 February).
Date twelve_months_before(Date d);

// Own against published, per year and measure: counts (referrals, re-referrals, section 47s,
// ICPCs, plans started, second or subsequent plans, plans at 31 March) with their rates per
// 10,000 children aged 0-17 (the CLA series' published population of the council and year, as
// for every rate of the benchmark), and the two percentages (re-referrals, second or subsequent
// plans). Council counts in the CIN census tables are published unrounded: an own count agrees
// only when equal; a percentage agrees when it rounds (half up, one decimal) to the published one.
struct OwnCinComparison {
  int year = 0;
  std::string measure;  // code of the published measure: referrals, rereferrals, rereferral_pct, ...
  std::string label;
  bool is_percentage = false;
  double own = 0;
  std::optional<double> own_rate;  // per 10,000, counts only, when the population is published
  std::optional<double> published, published_rate;
  std::string published_marker;    // why published is missing
  double rounding_unit = 1;        // 1 for counts, 0.1 for percentages
  double difference = std::nan("");
  bool disagrees = false;          // never when published is missing
};
std::vector<OwnCinComparison> compare_own_cin(const PublicData& d, int la_number, const std::vector<OwnCinYear>& own);

}  // namespace careflow::benchmark
