// Measures read directly from the CIN census, the S251 outturn and the CLA starters/ceasers
// characteristics tables (rather than through LAIT), and their comparison with statistical
// neighbours, region and England.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/benchmark/analysis.hpp"
#include "careflow/benchmark/public_data.hpp"

namespace careflow::benchmark {

// Fills d.direct and d.breakdowns from the CIN census (b1, c1, c2, c3, c4, c5, d2, d3, d4, d5), S251 table A1 and the
// starters/ceasers tables; absent files go to d.missing. Called by load_public_data.
void load_direct_measures(const PublishedFileReader& read, PublicData& d);

// S251 table A1: true for lines that are subtotals or memoranda and must not be summed with the
// detail lines: descriptions (after the line number) starting "Total" or "Children and young
// people's services expenditure" (the grand totals), memorandum lines "(included in ... above)"
// (8a.1 substance misuse, 8a.2 teenage pregnancy; 35 and 36 in 2014-15) and CERA, capital
// expenditure from revenue (4.0.1; 32 in 2014-15), which the "excluding CERA" total leaves out.
bool s251_line_excluded(const std::string& description);

struct DirectMeasure {
  const char* code;   // key in PublicData::direct (the numerator)
  const char* label;
  // How the value compared is formed: "rate" = count per 10,000 children aged 0-17 (published CLA
  // population), "pct" = the published percentage, "per_cla" = pounds per child looked after at
  // 31 March, "per_child" = pounds per child aged 0-17, "share" = the count `code` as a
  // percentage of the count `denominator` of the same area and year (both published counts).
  const char* kind;
  const char* denominator = nullptr;
  // Children in need or child protection (the CIN census), not S251 spend.
  bool cin() const { return std::string_view(code).rfind("s251", 0) != 0; }
};
const std::vector<DirectMeasure>& direct_measures();

struct DirectComparison {
  std::string code, label; int year = 0;
  std::optional<double> council, neighbours_mean, neighbours_median, region, england;
  std::string council_marker;     // why the council value is missing
  int neighbours_found = 0, neighbours_missing = 0;
  int rank = 0, of = 0, quartile = 0;
};
// The measure's value for an area (council: la > 0; region: name; England: both empty), or the
// marker of the missing published value it comes from.
std::optional<double> direct_value(const PublicData& d, const DirectMeasure& m, int la, const std::string& region,
                                   int year, std::string* why = nullptr);
// Rank and quartile are among every council reporting in the CLA series that year; pass
// `all_values` (from direct_values) when comparing many councils for the same year and measure.
DirectComparison compare_direct(const PublicData& d, int la, int year, const DirectMeasure& m,
                                const std::vector<double>* all_values = nullptr);
std::vector<double> direct_values(const PublicData& d, int year, const DirectMeasure& m);
// The latest year at or before `year` with an England value of the measure; 0 if none.
int direct_latest_year(const PublicData& d, const DirectMeasure& m, int year);
// Funnel plot of a rate measure (kind "rate"): every council reporting in the CLA series that
// year whose count (this measure's file) and population 0-17 (the CLA series) are both published;
// the others are in `excluded` with the reason. Centre: the councils' counts over their populations.
Funnel direct_funnel(const PublicData& d, int year, const DirectMeasure& m);

// Shares (percent of the group's "Total") of starters by category of need or legal status, or of
// ceasers by reason: council, neighbours' mean share, region, England. A suppressed number is a
// missing share, with its marker; never zero.
struct BreakdownComparison {
  std::string characteristic;
  std::optional<double> council_number, council_share, neighbours_mean, region, england;
  std::string council_marker;
  int neighbours_found = 0, neighbours_missing = 0;
};
std::vector<BreakdownComparison> compare_breakdown(const PublicData& d, int la, int year, const std::string& table,
                                                   const std::string& group);
// Latest year of the table (starters or ceasers) at or before `year`, 0 if none.
int breakdown_year(const PublicData& d, const std::string& table, int year);

}  // namespace careflow::benchmark
