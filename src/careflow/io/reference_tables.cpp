#include "careflow/io/reference_tables.hpp"

#include <fmt/format.h>

#include <cmath>
#include <initializer_list>

#include "careflow/io/csv.hpp"
#include "careflow/io/reference_data.hpp"

namespace careflow {

namespace {

// A year in a cell (as parse_number_cell reads it): a whole number in 1900-2200, or none.
std::optional<int> year_in(std::string_view cell) {
  const auto v = parse_number_cell(cell);
  if (!v || *v < 1900 || *v > 2200 || *v != std::trunc(*v)) return std::nullopt;
  return static_cast<int>(*v);
}

// The columns' indices, or none if the table lacks one of them.
std::optional<std::vector<size_t>> columns_of(const CsvTable& t, std::initializer_list<std::string_view> names) {
  std::vector<size_t> out;
  for (auto n : names) {
    const int c = t.find_column(n);
    if (c < 0) return std::nullopt;
    out.push_back(static_cast<size_t>(c));
  }
  return out;
}

template <class Rows, class From>
Rows load(const ReferenceFolder& folder, const char* file, From from) {
  const auto path = folder.file(file);
  if (!path) {
    Rows r;
    r.file = file;
    r.missing = folder.missing_message(file);
    return r;
  }
  Rows r = from(read_csv(*path).table, file);
  r.present = true;
  return r;
}

template <class Rows>
Rows start(std::string file) {
  Rows r;
  r.file = std::move(file);
  r.present = true;
  return r;
}

}  // namespace

GeographicLevel parse_geographic_level(std::string_view text) {
  if (text == "National") return GeographicLevel::national;
  if (text == "Regional") return GeographicLevel::regional;
  if (text == "Local authority") return GeographicLevel::local_authority;
  return GeographicLevel::other;
}

PopulationEstimates population_estimates_from(const CsvTable& t, std::string file) {
  auto out = start<PopulationEstimates>(std::move(file));
  const auto c = columns_of(t, {"time_period", "geographic_level", "new_la_code", "old_la_code", "population_estimate"});
  if (!c) return out;
  out.usable = true;
  const int name = t.find_column("la_name");
  for (size_t i = 0; i < t.rows(); ++i) {
    const auto y = year_in(t.cell(i, (*c)[0]));
    const auto p = parse_number_cell(t.cell(i, (*c)[4]));
    if (!y || !p) continue;
    out.rows.push_back({*y, parse_geographic_level(t.cell(i, (*c)[1])), std::string(t.cell(i, (*c)[2])),
                        std::string(t.cell(i, (*c)[3])), name >= 0 ? std::string(t.cell(i, size_t(name))) : std::string(),
                        *p});
  }
  return out;
}

ClaSeries cla_series_from(const CsvTable& t, std::string file) {
  auto out = start<ClaSeries>(std::move(file));
  const auto c = columns_of(t, {"year", "geographic_level", "cla_at_31_march", "cla_started_during_year",
                                "cla_ceased_during_year", "population_0_17_denominator", "rate_per_10000_at_31_march",
                                "new_la_code", "old_la_code"});
  if (!c) return out;
  out.usable = true;
  for (size_t i = 0; i < t.rows(); ++i) {
    const auto y = year_in(t.cell(i, (*c)[0]));
    if (!y) continue;
    ClaSeriesYear r;
    r.year = *y;
    r.level = parse_geographic_level(t.cell(i, (*c)[1]));
    r.looked_after = parse_number_cell(t.cell(i, (*c)[2])).value_or(0);
    r.started = parse_number_cell(t.cell(i, (*c)[3])).value_or(0);
    r.ceased = parse_number_cell(t.cell(i, (*c)[4])).value_or(0);
    r.population = parse_number_cell(t.cell(i, (*c)[5]));
    r.rate_per_10000 = parse_number_cell(t.cell(i, (*c)[6]));
    r.new_la_code = t.cell(i, (*c)[7]);
    r.old_la_code = t.cell(i, (*c)[8]);
    out.rows.push_back(std::move(r));
  }
  return out;
}

PlacementStabilityTable placement_stability_from(const CsvTable& t, std::string file) {
  auto out = start<PlacementStabilityTable>(std::move(file));
  const auto c = columns_of(t, {"time_period", "geographic_level", "cla_group", "placement_stability", "children_percent"});
  if (!c) return out;
  out.usable = true;
  for (size_t i = 0; i < t.rows(); ++i) {
    const auto y = year_in(t.cell(i, (*c)[0]));
    const auto pct = parse_number_cell(t.cell(i, (*c)[4]));
    if (!y || !pct) continue;
    out.rows.push_back({*y, parse_geographic_level(t.cell(i, (*c)[1])), std::string(t.cell(i, (*c)[2])),
                        std::string(t.cell(i, (*c)[3])), *pct});
  }
  return out;
}

CeasedTable ceased_from(const CsvTable& t, std::string file) {
  auto out = start<CeasedTable>(std::move(file));
  const auto c = columns_of(t, {"time_period", "geographic_level", "cla_group", "characteristic", "number"});
  if (!c) return out;
  out.usable = true;
  for (size_t i = 0; i < t.rows(); ++i) {
    const auto y = year_in(t.cell(i, (*c)[0]));
    const auto n = parse_number_cell(t.cell(i, (*c)[4]));
    if (!y || !n) continue;
    out.rows.push_back({*y, parse_geographic_level(t.cell(i, (*c)[1])), std::string(t.cell(i, (*c)[2])),
                        std::string(t.cell(i, (*c)[3])), *n});
  }
  return out;
}

CinPublished cin_published_from(const CsvTable& t, std::string file) {
  auto out = start<CinPublished>(std::move(file));
  const auto c = columns_of(t, {"time_period", "geographic_level", "new_la_code", "old_la_code"});
  // d1 spells it "Category", the other tables "category".
  int category = t.find_column("category");
  if (category < 0) category = t.find_column("Category");
  if (!c || category < 0) return out;
  out.usable = true;
  std::vector<size_t> numeric;
  for (size_t k = size_t(category) + 1; k < t.columns.size(); ++k) {
    numeric.push_back(k);
    out.columns.push_back(t.columns[k]);
  }
  for (size_t i = 0; i < t.rows(); ++i) {
    const auto y = year_in(t.cell(i, (*c)[0]));
    if (!y) continue;
    CinPublishedRow r;
    r.year = *y;
    r.level = parse_geographic_level(t.cell(i, (*c)[1]));
    r.new_la_code = t.cell(i, (*c)[2]);
    r.old_la_code = t.cell(i, (*c)[3]);
    for (size_t k : numeric) r.values.push_back(parse_number_cell(t.cell(i, k)));
    out.rows.push_back(std::move(r));
  }
  return out;
}

std::optional<double> CinPublished::england(int year, std::string_view column) const {
  size_t k = 0;
  while (k < columns.size() && columns[k] != column) ++k;
  if (k == columns.size()) return std::nullopt;
  for (const auto& r : rows)
    if (r.year == year && r.level == GeographicLevel::national) return r.values[k];
  return std::nullopt;
}

std::optional<int> CinPublished::latest_england_year(int year) const {
  std::optional<int> best;
  for (const auto& r : rows)
    if (r.level == GeographicLevel::national && r.year <= year && (!best || r.year > *best)) best = r.year;
  return best;
}

CinPublished load_cin_published(const ReferenceFolder& folder, const char* file) {
  return load<CinPublished>(folder, file, cin_published_from);
}

EnglandCinTables load_england_cin(const ReferenceFolder& folder) {
  return {load_cin_published(folder, kCinC1File), load_cin_published(folder, kCinC2File),
          load_cin_published(folder, kCinC3File), load_cin_published(folder, kCinC4File),
          load_cin_published(folder, kCinC5File), load_cin_published(folder, kCinD1File),
          load_cin_published(folder, kCinD2File), load_cin_published(folder, kCinD3File),
          load_cin_published(folder, kCinD4File), load_cin_published(folder, kCinD5File)};
}

PopulationEstimates load_population_estimates(const ReferenceFolder& folder) {
  return load<PopulationEstimates>(folder, kPopulationEstimatesFile, population_estimates_from);
}
ClaSeries load_cla_series(const ReferenceFolder& folder) { return load<ClaSeries>(folder, kClaSeriesFile, cla_series_from); }
PlacementStabilityTable load_placement_stability(const ReferenceFolder& folder) {
  return load<PlacementStabilityTable>(folder, kPlacementStabilityFile, placement_stability_from);
}
CeasedTable load_ceased(const ReferenceFolder& folder) { return load<CeasedTable>(folder, kCeasedFile, ceased_from); }

PublishedFile read_published_file(const ReferenceFolder& folder, const char* file) {
  const auto path = folder.file(file);
  if (!path) return {std::nullopt, folder.missing_message(file)};
  auto r = read_csv(*path);
  if (!r.readable) return {std::nullopt, fmt::format("cannot read {} ({})", file, *path)};
  return {std::move(r.table), {}};
}

PublishedFileReader published_file_reader(const ReferenceFolder& folder) {
  return [folder](const char* file) { return read_published_file(folder, file); };
}

NeedsAssessmentReference load_needs_assessment_reference(const ReferenceFolder& folder) {
  return {load_population_estimates(folder), load_cla_series(folder), load_placement_stability(folder),
          load_ceased(folder)};
}

}  // namespace careflow
