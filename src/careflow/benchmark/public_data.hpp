// Published council-level statistics (DfE, ONS, DWP, MHCLG, Ofsted) read in place from the
// reference data folder, with suppression markers kept as missing *with their meaning* and with
// council boundary changes mapped explicitly, so that no council is dropped or counted twice.
#pragma once

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "careflow/io/reference_tables.hpp"

namespace careflow::benchmark {

// Why a published cell holds no number. Publishers use these markers; reading them as zero would
// turn "suppressed" into "none", so they survive as a reason.
enum class Marker : unsigned char {
  value,           // a number
  suppressed,      // "x" or "c": withheld (small numbers or confidentiality)
  not_applicable,  // "z": e.g. the council did not exist that year
  not_available,   // ".." or "." or ":" or blank: not collected or not published
  negligible,      // "-": fewer than half the rounding unit; "k": a percentage below 0.5
  unreadable,      // anything else: kept, and reported as a problem by the loader
  low_reliability, // "u": DfE withholds a value of low reliability
};
std::string_view marker_meaning(Marker m);

struct Published {
  double value = std::nan("");
  Marker marker = Marker::not_available;
  bool has() const { return marker == Marker::value; }
};
Published parse_published(std::string_view cell);

enum class Level : unsigned char { national, regional, council };

// One row of the combined 2010-2025 series: a council (or region, or England) in a CLA year
// (year 2025 = at, or in the year to, 31 March 2025).
struct AreaYear {
  int year = 0;
  Level level = Level::council;
  int la_number = 0;          // DfE 3-digit number (0 for national/regional)
  std::string ons_code;       // GSS code as published that year
  std::string name;
  Published stock, starters, ceasers, population, rate;
  std::string source;
  // A council "reports" in a year when its count is not "z": successor councils appear with "z"
  // before they existed and predecessors with "z" after they were replaced.
  bool reports() const { return stock.marker != Marker::not_applicable; }
};

// Boundary changes between 2010 and 2025, stated explicitly. `first_year` is the first CLA year
// for which the successors report (the reorganisation took effect during the previous year).
struct BoundaryChange {
  std::string description;
  int first_year;
  std::vector<int> predecessors;  // DfE LA numbers
  std::vector<int> successors;
};
const std::vector<BoundaryChange>& boundary_changes();

// Codes under which other publications give the same (or the predecessor) area, for looking up
// deprivation published on older or newer geographies. The first entry that exists is used; a
// successor of a split county inherits the county's value (an approximation, documented).
const std::vector<std::string>& code_aliases(const std::string& ons_code);

// A published measure at every level, as the publisher gives it (counts, percentages or, for
// S251, pounds): councils by DfE LA number, regions by name (lower case), England.
struct AreaSeries {
  std::map<std::pair<int, int>, Published> council;          // (LA number, year)
  std::map<std::pair<std::string, int>, Published> region;   // (region name in lower case, year)
  std::map<int, Published> england;                          // year
  const Published* at_council(int la, int year) const;
  const Published* at_region(const std::string& region, int year) const;
  const Published* at_england(int year) const;
};

struct PublicData {
  std::vector<AreaYear> cla;                              // combined series, all levels
  std::map<std::string, double> idaci_score_2019;        // ONS code -> IDACI 2019 average score
  std::map<std::string, double> imd_score_2019;          // ONS code -> IMD 2019 average score
  std::map<std::pair<std::string, int>, double> low_income_0_19;  // (code, FY end year) -> children
  std::map<int, std::vector<int>> neighbours_2025, neighbours_2021;  // LA number -> SN1..SN10
  std::map<int, std::string> region_of;                  // LA number -> region (LAIT list)
  std::map<std::string, std::string> ofsted_overall;     // ONS code -> latest overall judgement
  // Selected LAIT measures (see lait_measures()): code -> (LA number, year) -> value. Financial
  // years are keyed by their end year ("2024-25 (OT)" -> 2025), matching CLA years.
  std::map<std::string, std::map<std::pair<int, int>, Published>> lait;
  // Counts and percentages read directly from CIN census and S251 files (see direct_measures.hpp):
  // code -> series. Codes: cin_at31 (b1); referrals, rereferrals, rereferral_pct, referrals_nfa_pct
  // (c1); assessments_completed, assessments_within_45wd (c2, summed bands); s47, icpc,
  // icpc_within_15wd, icpc_with_duration (c4, summed bands); cpp_starts, cpp_subsequent,
  // cpp_subsequent_pct (d3); cpp_at31, cpp_at31_2yrs_pct (d5) (CIN year = CLA year); s251_cla_net, s251_cyp_net
  // (S251 table A1 net current expenditure in pounds; keyed by the financial year's end year).
  std::map<std::string, AreaSeries> direct;
  // Starter and ceaser breakdowns (EES "characteristics" tables): (table, group, characteristic)
  // -> numbers. table: "starters" (2018-2022) or "ceasers" (2020-2024); group e.g. "Category of
  // need", "Legal status", "Reason episode ceased"; characteristic "Total" is the group's total.
  // From the CIN census: cpp_starts_by_category (d2, initial category), cpp_at31_by_category (d4,
  // latest category), assessment_factors (c3), referral_sources (c5).
  std::map<std::tuple<std::string, std::string, std::string>, AreaSeries> breakdowns;
  std::vector<std::string> missing;    // one plain message per reference file that is absent
  std::vector<std::string> problems;   // unreadable cells, with file and line

  // Lookups by ONS code (any year's), DfE number or name (case-insensitive). 0 if not found.
  int find_council(const std::string& code_or_name) const;
  const AreaYear* council_year(int la_number, int year) const;
  const AreaYear* national_year(int year) const;
  const AreaYear* region_year(const std::string& region, int year) const;
  // Councils that report in the year (each exactly once).
  std::vector<const AreaYear*> councils_in(int year) const;
  std::optional<double> deprivation(const std::map<std::string, double>& m, const std::string& code) const;
  std::optional<double> low_income(const std::string& code, int fy_end_year) const;

  // Rebuilds the lookup index; call after changing `cla` by hand (load_public_data calls it).
  void build_index();

 private:
  std::map<std::pair<int, int>, size_t> council_index_;   // (LA number, year) -> row
  std::map<int, std::vector<size_t>> year_index_;         // year -> rows of every level
};

// LAIT measures compared besides the CLA series: placement stability, children in need, child
// protection, S251 weekly unit costs, child poverty and workforce.
struct LaitMeasure { const char* code; const char* label; };
const std::vector<LaitMeasure>& lait_measures();

// Reference files this subsystem reads (relative to the reference folder).
inline constexpr const char* kClaSeries = "england_cla/england_cla_la_timeseries_2010_to_2025_combined.csv";
inline constexpr const char* kIdaci2019 = "deprivation/iod2019_utla_idaci.csv";
inline constexpr const char* kImd2019 = "deprivation/iod2019_utla_imd.csv";
inline constexpr const char* kLowIncome = "deprivation/dwp_children_in_relative_low_income_families_0_19_la_2014_15_to_2021_22.csv";
inline constexpr const char* kNeighbours2025 = "neighbours_and_geography/statistical_neighbours_2025_dfe_wide.csv";
inline constexpr const char* kNeighbours2021 = "neighbours_and_geography/statistical_neighbours_april_2021_dfe.csv";
inline constexpr const char* kLaList = "neighbours_and_geography/dfe_lait_la_code_list_region_type.csv";
inline constexpr const char* kLait = "lait/lait_csc_finance_workforce_measures_la_2016_to_2025.csv";
inline constexpr const char* kStarters = "england_cla/la_children_who_started_to_be_looked_after_2018_to_2022.csv";
inline constexpr const char* kCeasers = "england_cla/la_children_who_ceased_during_the_year_2020_to_2024.csv";
inline constexpr const char* kCinB1 = "england_cin/b1_children_in_need_2013_to_2025.csv";
inline constexpr const char* kCinC1 = "england_cin/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv";
inline constexpr const char* kCinC2 = "england_cin/c2_children_in_need_assessments_duration_2014_to_2022.csv";
inline constexpr const char* kCinC3 = "england_cin/c3_factors_identified_at_end_of_assessment_2018_to_2025.csv";
inline constexpr const char* kCinC4 = "england_cin/c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv";
inline constexpr const char* kCinC5 = "england_cin/c5_children_in_need_referrals_by_source_2014_to_2022.csv";
inline constexpr const char* kCinD2 = "england_cin/d2_cpps_starting_by_category_of_abuse_2013_to_2022.csv";
inline constexpr const char* kCinD4 = "england_cin/d4_cpps_at31march_by_category_of_abuse_2013_to_2022.csv";
inline constexpr const char* kCinD3 = "england_cin/d3_cpps_subsequent_plan_2013_to_2025.csv";
inline constexpr const char* kCinD5 = "england_cin/d5_cpps_at31march_by_duration_2013_to_2025.csv";
inline constexpr const char* kS251A1 = "finance/s251_outturn_table_a1_cyp_services_la_2014_15_to_2018_19.csv";
inline constexpr const char* kOfsted = "ofsted/ofsted_la_childrens_services_latest_judgements_as_at_31_march_2025.csv";

// Loads every file it can; absent files are listed in `missing`, never fatal. The LAIT file is
// the largest (197k rows); callers that do not compare LAIT measures may skip it.
// Files are read with `read` (io/reference_tables.hpp: read_published_file for the reference
// data folder), which the caller chooses.
struct LoadOptions { bool lait = true; bool direct = true; };
PublicData load_public_data(const PublishedFileReader& read, LoadOptions options = {});

}  // namespace careflow::benchmark
