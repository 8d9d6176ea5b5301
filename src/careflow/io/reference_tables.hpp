// Published reference tables read from the reference data folder (docs/reference-data.md) into
// typed rows, so that the capabilities that compare a council with England (analyse today) are
// given values and never look for files themselves: the caller (the CLI, later the api) loads
// them once and passes them in.
//
// Each table says whether its file was found; when it was not, `missing` is the sentence to show
// (ReferenceFolder::missing_message) and the capability carries on without it. A file that is there but
// lacks a column the rows need is `present` and not `usable`: it gives no rows, as before this
// module existed (the capabilities say nothing of it).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/io/csv.hpp"
#include "careflow/io/reference_data.hpp"

namespace careflow {

// The geographic_level column of DfE's and ONS's published files.
enum class GeographicLevel { national, regional, local_authority, other };
GeographicLevel parse_geographic_level(std::string_view text);  // "National", "Regional", "Local authority"

template <class Row>
struct ReferenceRows {
  std::string file;      // relative to the reference data folder
  bool present = false;  // the file is in the folder
  bool usable = false;   // and has the columns the rows need
  std::string missing;   // when not present: what is missing and where it goes
  std::vector<Row> rows; // in the file's order
};

// DfE's mid-year population estimates of children aged 0-17 (ONS), by area: rows whose year and
// population are numbers.
struct PopulationEstimate {
  int year = 0;  // mid-year (2023 = mid-2023, the denominator of the 2023/24 rates)
  GeographicLevel level = GeographicLevel::other;
  std::string new_la_code, old_la_code, la_name;  // la_name "" when the file has no such column
  double population = 0;
};
using PopulationEstimates = ReferenceRows<PopulationEstimate>;
inline constexpr const char* kPopulationEstimatesFile =
    "population/dfe_ons_mid_year_population_0_17_england_la_2012_to_2024.csv";

// Children looked after by council and year (England and every council): rows whose year is a
// number. A count that is not a number (a suppression marker) reads as 0, as DfE's total would be
// used; the population and rate are none when not numbers.
struct ClaSeriesYear {
  int year = 0;  // collection end year (2024 = 2023/24)
  GeographicLevel level = GeographicLevel::other;
  std::string new_la_code, old_la_code;
  double looked_after = 0, started = 0, ceased = 0;
  std::optional<double> population, rate_per_10000;
};
using ClaSeries = ReferenceRows<ClaSeriesYear>;
inline constexpr const char* kClaSeriesFile = "england_cla/england_cla_la_timeseries_2010_to_2025_combined.csv";

// Placement stability (DfE): the percentage of a group of children with a stability measure,
// rows whose year and percentage are numbers.
struct PlacementStability {
  int year = 0;
  GeographicLevel level = GeographicLevel::other;
  std::string cla_group, measure;  // cla_group, placement_stability
  double children_percent = 0;
};
using PlacementStabilityTable = ReferenceRows<PlacementStability>;
inline constexpr const char* kPlacementStabilityFile = "england_cla/la_cla_placement_stability_2021_to_2025.csv";

// Children who ceased to be looked after (DfE), by group and characteristic: rows whose year and
// number are numbers.
struct CeasedCount {
  int year = 0;
  GeographicLevel level = GeographicLevel::other;
  std::string cla_group, characteristic;
  double number = 0;
};
using CeasedTable = ReferenceRows<CeasedCount>;
inline constexpr const char* kCeasedFile = "england_cla/la_children_who_ceased_during_the_year_2020_to_2024.csv";

// The published tables the needs assessment uses (analyse::Options::reference).
struct NeedsAssessmentReference {
  PopulationEstimates population;
  ClaSeries cla_series;
  PlacementStabilityTable stability;
  CeasedTable ceased;
};

// A table of DfE's Children in Need statistics (EES "Children in need", england_cin/): each
// row's year, level and council codes, and every numeric column (those after `category`) by
// name. A cell that is not a number (a suppression marker, blank) reads as none.
struct CinPublishedRow {
  int year = 0;  // time_period: the collection end year (2025 = 2024/25)
  GeographicLevel level = GeographicLevel::other;
  std::string new_la_code, old_la_code;
  std::vector<std::optional<double>> values;  // one per CinPublished::columns
};
struct CinPublished : ReferenceRows<CinPublishedRow> {
  std::vector<std::string> columns;  // the numeric columns, in the file's order
  // England's figure in `column` for `year`; none when the file, the year, the column or the
  // number is not there.
  std::optional<double> england(int year, std::string_view column) const;
  // The latest year up to `year` with an England row (none: no such year).
  std::optional<int> latest_england_year(int year) const;
};

// The CIN census tables the report sets beside a council's own figures (issue #15).
inline constexpr const char* kCinC1File = "england_cin/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv";
inline constexpr const char* kCinC2File = "england_cin/c2_children_in_need_assessments_duration_2014_to_2022.csv";
inline constexpr const char* kCinC3File = "england_cin/c3_factors_identified_at_end_of_assessment_2018_to_2025.csv";
inline constexpr const char* kCinC4File = "england_cin/c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv";
inline constexpr const char* kCinC5File = "england_cin/c5_children_in_need_referrals_by_source_2014_to_2022.csv";
inline constexpr const char* kCinD1File = "england_cin/d1_child_protection_plans_2013_to_2022.csv";
inline constexpr const char* kCinD2File = "england_cin/d2_cpps_starting_by_category_of_abuse_2013_to_2022.csv";
inline constexpr const char* kCinD3File = "england_cin/d3_cpps_subsequent_plan_2013_to_2025.csv";
inline constexpr const char* kCinD4File = "england_cin/d4_cpps_at31march_by_category_of_abuse_2013_to_2022.csv";
inline constexpr const char* kCinD5File = "england_cin/d5_cpps_at31march_by_duration_2013_to_2025.csv";
struct EnglandCinTables {
  CinPublished c1, c2, c3, c4, c5, d1, d2, d3, d4, d5;
};

// Each from the reference data folder; absent files are reported as `missing`.
PopulationEstimates load_population_estimates(const ReferenceFolder& folder);
ClaSeries load_cla_series(const ReferenceFolder& folder);
PlacementStabilityTable load_placement_stability(const ReferenceFolder& folder);
CeasedTable load_ceased(const ReferenceFolder& folder);
NeedsAssessmentReference load_needs_assessment_reference(const ReferenceFolder& folder);
// Read only when the council's CIN census returns are: absent files are reported as `missing`.
CinPublished load_cin_published(const ReferenceFolder& folder, const char* file);
EnglandCinTables load_england_cin(const ReferenceFolder& folder);

// A published file read as a table, for a capability that reads its own layout from it
// (benchmark's PublicData): the capability is handed a PublishedFileReader by its caller and
// never looks for files itself. `problem` says why there is no table: the file is absent
// (ReferenceFolder::missing_message) or cannot be read ("cannot read FILE (PATH)").
struct PublishedFile {
  std::optional<CsvTable> table;
  std::string problem;
};
using PublishedFileReader = std::function<PublishedFile(const char* file)>;
// From the reference data folder.
PublishedFile read_published_file(const ReferenceFolder& folder, const char* file);
// A reader of that folder's files (it keeps a copy of `folder`).
PublishedFileReader published_file_reader(const ReferenceFolder& folder);

// The same from a table already read (tests, and readers of bytes): `file` names it in messages.
PopulationEstimates population_estimates_from(const CsvTable& t, std::string file);
ClaSeries cla_series_from(const CsvTable& t, std::string file);
PlacementStabilityTable placement_stability_from(const CsvTable& t, std::string file);
CeasedTable ceased_from(const CsvTable& t, std::string file);
CinPublished cin_published_from(const CsvTable& t, std::string file);

}  // namespace careflow
