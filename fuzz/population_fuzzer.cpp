// libFuzzer target: population files of `careflow report`: --population (year,population),
// --projection (year,age,population), and the published tables the report reads from the
// reference data folder for --la (the ONS mid-year population when no --population is given,
// DfE's CLA series, placement stability and reasons ceased), read by io as the report reads them
// (io/population_files.hpp, io/reference_tables.hpp) and used by its analyses on a small
// history. See fuzz/README.md.
//
// The input is "population.csv" (text before any "== NAME" line), then optionally
// "== projection.csv", "== ons.csv", "== cla.csv", "== stability.csv" and "== ceased.csv" (the
// published files; see fuzz_files.hpp).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "careflow/analyse/analyse.hpp"
#include "careflow/io/population_files.hpp"
#include "careflow/io/reference_tables.hpp"
#include "fuzz_files.hpp"
#include "small_return.hpp"

using namespace careflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::TempFolder folder;
  auto files = fuzz::split_files(std::string_view(reinterpret_cast<const char*>(data), size), "population.csv", 1);
  analyse::Options o;
  std::string population, projection;  // paths of the council's own files, when the input has them
  static const std::pair<const char*, const char*> kPublished[] = {
      {"ons.csv", "population/dfe_ons_mid_year_population_0_17_england_la_2012_to_2024.csv"},
      {"cla.csv", "england_cla/england_cla_la_timeseries_2010_to_2025_combined.csv"},
      {"stability.csv", "england_cla/la_cla_placement_stability_2021_to_2025.csv"},
      {"ceased.csv", "england_cla/la_children_who_ceased_during_the_year_2020_to_2024.csv"}};
  for (auto& f : files) {
    for (auto [name, rel] : kPublished)
      if (f.name == name) f.name = std::string("reference/") + rel;
    if (f.name == "projection.csv") projection = (folder.root() / f.name).string();
    else if (f.name == "population.csv") population = (folder.root() / f.name).string();
  }
  files.push_back({"reference/README", ""});  // the reference folder exists even without published files
  folder.write(files);
  // The council's files as io reads them for the report (api::needs_assessment).
  if (!population.empty()) o.population = read_population_file(population);
  if (!projection.empty()) o.projection = read_projection_file(projection);
  o.la_code = "E08000025";
  // The published tables as io reads them from the folder (absent ones reported as missing).
  const NeedsAssessmentReference reference = load_needs_assessment_reference(ReferenceFolder::at((folder.root() / "reference").string()));
  o.reference = &reference;
  const auto a = analyse::assess(fuzz::small_history(), o);
  for (const auto& t : a.tables)
    for (const auto& row : t.table.rows)
      for (const auto& cell : row)
        if (const double* v = std::get_if<double>(&cell); v && std::isinf(*v))
          fuzz::fail("a table publishes an infinite number");
  return 0;
}
