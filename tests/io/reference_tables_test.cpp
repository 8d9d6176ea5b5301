// The published reference tables read into typed rows (io/reference_tables), from small files
// written by hand: every expected value is read off the text above it.
#include "careflow/io/reference_tables.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "careflow/io/csv.hpp"
#include "careflow/io/reference_data.hpp"

namespace careflow {
namespace {

CsvTable csv(const std::string& text) { return parse_csv(text, "test.csv").table; }

// DfE's CIN tables: every column after `category` (d1 spells it "Category") by name; a
// suppressed cell ("c") is no number; England's figure by year and the latest England year.
TEST(ReferenceTables, CinPublishedTables) {
  const auto c = cin_published_from(
      csv("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
          "old_la_code,new_la_code,la_name,Category,CPP_start,CPP_start_rate\n"
          "2022,Reporting year,National,E92000001,England,,,,,,Child Protection Plans,64390,53.2\n"
          "2021,Reporting year,National,E92000001,England,,,,,,Child Protection Plans,66300,55.0\n"
          "2022,Reporting year,Local authority,E92000001,England,,,330,E08000025,Birmingham,x,c,47.1\n"),
      "d1.csv");
  EXPECT_TRUE(c.usable);
  ASSERT_EQ(c.columns, (std::vector<std::string>{"CPP_start", "CPP_start_rate"}));
  ASSERT_EQ(c.rows.size(), 3u);
  EXPECT_EQ(c.england(2022, "CPP_start"), 64390.0);
  EXPECT_EQ(c.england(2021, "CPP_start_rate"), 55.0);
  EXPECT_FALSE(c.england(2023, "CPP_start"));
  EXPECT_FALSE(c.england(2022, "no_such_column"));
  EXPECT_FALSE(c.rows[2].values[0]);  // "c"
  EXPECT_EQ(c.rows[2].old_la_code, "330");
  EXPECT_EQ(c.latest_england_year(2025), 2022);
  EXPECT_EQ(c.latest_england_year(2021), 2021);
  EXPECT_FALSE(c.latest_england_year(2020));
  // Without the year, level or category columns: present, not usable, no rows.
  const auto bad = cin_published_from(csv("time_period,geographic_level,CPP_start\n2022,National,1\n"), "x.csv");
  EXPECT_FALSE(bad.usable);
  EXPECT_TRUE(bad.rows.empty());
}

// Five rows: England, a region, two councils, and one whose population is suppressed ("c"), which
// is no row. The year and population are numbers; codes and names are kept as written.
TEST(ReferenceTables, PopulationEstimates) {
  const auto p = population_estimates_from(
      csv("time_period,geographic_level,new_la_code,old_la_code,la_name,population_estimate\n"
          "2023,National,E92000001,,England,12017020\n"
          "2023,Regional,E12000005,,West Midlands,1299581\n"
          "2023,Local authority,E08000025,330,Birmingham,290047\n"
          "2022,Local authority,E08000025,330,Birmingham,289000.5\n"
          "2023,Local authority,E09000001,201,City of London,c\n"),
      "pop.csv");
  EXPECT_TRUE(p.present);
  EXPECT_TRUE(p.usable);
  EXPECT_EQ(p.file, "pop.csv");
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.rows[0].level, GeographicLevel::national);
  EXPECT_EQ(p.rows[0].year, 2023);
  EXPECT_EQ(p.rows[0].population, 12017020);
  EXPECT_EQ(p.rows[1].level, GeographicLevel::regional);
  EXPECT_EQ(p.rows[2].level, GeographicLevel::local_authority);
  EXPECT_EQ(p.rows[2].new_la_code, "E08000025");
  EXPECT_EQ(p.rows[2].old_la_code, "330");
  EXPECT_EQ(p.rows[2].la_name, "Birmingham");
  EXPECT_EQ(p.rows[3].year, 2022);
  EXPECT_EQ(p.rows[3].population, 289000.5);
}

// Without a needed column (population_estimate) the file is there but gives no rows; without the
// optional la_name the names are empty.
TEST(ReferenceTables, PopulationEstimatesColumns) {
  const auto none = population_estimates_from(
      csv("time_period,geographic_level,new_la_code,old_la_code,population\n2023,National,E92000001,,1\n"), "pop.csv");
  EXPECT_TRUE(none.present);
  EXPECT_FALSE(none.usable);
  EXPECT_TRUE(none.rows.empty());
  const auto unnamed = population_estimates_from(
      csv("time_period,geographic_level,new_la_code,old_la_code,population_estimate\n2023,Local authority,E1,1,7\n"),
      "pop.csv");
  ASSERT_EQ(unnamed.rows.size(), 1u);
  EXPECT_EQ(unnamed.rows[0].la_name, "");
  EXPECT_EQ(unnamed.rows[0].population, 7);
}

// Counts that are not numbers read as 0; the population and rate as none. A year outside
// 1900-2200 (or not a whole number) is no row.
TEST(ReferenceTables, ClaSeries) {
  const auto t = cla_series_from(
      csv("year,geographic_level,new_la_code,old_la_code,cla_at_31_march,cla_started_during_year,"
          "cla_ceased_during_year,population_0_17_denominator,rate_per_10000_at_31_march\n"
          "2024,National,E92000001,,83630,30550,30000,12017020,70\n"
          "2024,Local authority,E08000025,330,2296,c,x,290047,\n"
          "24.5,National,E92000001,,1,1,1,1,1\n"
          "1850,National,E92000001,,1,1,1,1,1\n"),
      "cla.csv");
  EXPECT_TRUE(t.usable);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].year, 2024);
  EXPECT_EQ(t.rows[0].looked_after, 83630);
  EXPECT_EQ(t.rows[0].started, 30550);
  EXPECT_EQ(t.rows[0].ceased, 30000);
  EXPECT_EQ(t.rows[0].population, 12017020);
  EXPECT_EQ(t.rows[0].rate_per_10000, 70);
  EXPECT_EQ(t.rows[1].level, GeographicLevel::local_authority);
  EXPECT_EQ(t.rows[1].old_la_code, "330");
  EXPECT_EQ(t.rows[1].looked_after, 2296);
  EXPECT_EQ(t.rows[1].started, 0);
  EXPECT_EQ(t.rows[1].ceased, 0);
  EXPECT_EQ(t.rows[1].population, 290047);
  EXPECT_FALSE(t.rows[1].rate_per_10000);
}

// Rows whose percentage is suppressed are no rows; the others keep group and measure as written.
TEST(ReferenceTables, PlacementStability) {
  const auto t = placement_stability_from(
      csv("time_period,geographic_level,new_la_code,cla_group,placement_stability,children_percent\n"
          "2024,National,E92000001,CLA on 31 March,3 or more placements,10\n"
          "2024,National,E92000001,Long term,Living with the same carer for at least 2 years,70.5\n"
          "2024,Local authority,E08000025,CLA on 31 March,3 or more placements,c\n"),
      "stab.csv");
  EXPECT_TRUE(t.usable);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].cla_group, "CLA on 31 March");
  EXPECT_EQ(t.rows[0].measure, "3 or more placements");
  EXPECT_EQ(t.rows[0].children_percent, 10);
  EXPECT_EQ(t.rows[1].measure, "Living with the same carer for at least 2 years");
  EXPECT_EQ(t.rows[1].children_percent, 70.5);
}

TEST(ReferenceTables, Ceased) {
  const auto t = ceased_from(csv("time_period,geographic_level,cla_group,characteristic,number\n"
                                 "2024,National,Reason episode ceased,Total,33620\n"
                                 "2024,National,Reason episode ceased,Adopted,2980\n"
                                 "2024,National,Reason episode ceased,Died,z\n"),
                             "ceased.csv");
  EXPECT_TRUE(t.usable);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].characteristic, "Total");
  EXPECT_EQ(t.rows[0].number, 33620);
  EXPECT_EQ(t.rows[1].characteristic, "Adopted");
  EXPECT_EQ(t.rows[1].number, 2980);
  EXPECT_EQ(t.rows[1].cla_group, "Reason episode ceased");
}

// From a reference folder: a file that is there is read; one that is not says what is missing in
// the words careflow has always used (ReferenceFolder::missing_message).
TEST(ReferenceTables, LoadFromTheReferenceFolder) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "careflow_reference_tables_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "population");
  std::ofstream(dir / kPopulationEstimatesFile)
      << "time_period,geographic_level,new_la_code,old_la_code,la_name,population_estimate\n2023,National,E92000001,,England,5\n";
  const auto folder = ReferenceFolder::at(dir.string());
  const auto r = load_needs_assessment_reference(folder);
  const std::string expected_missing = folder.missing_message(kClaSeriesFile);
  const PublishedFile held = read_published_file(folder, kPopulationEstimatesFile),
                      absent = read_published_file(folder, kClaSeriesFile);
  EXPECT_NE(expected_missing.find(dir.string()), std::string::npos) << expected_missing;
  fs::remove_all(dir);
  EXPECT_TRUE(r.population.present);
  ASSERT_EQ(r.population.rows.size(), 1u);
  EXPECT_EQ(r.population.rows[0].population, 5);
  EXPECT_EQ(r.population.file, kPopulationEstimatesFile);
  EXPECT_FALSE(r.cla_series.present);
  EXPECT_EQ(r.cla_series.missing, expected_missing);
  EXPECT_NE(r.cla_series.missing.find(kClaSeriesFile), std::string::npos);
  EXPECT_FALSE(r.stability.present);
  EXPECT_FALSE(r.ceased.present);
  EXPECT_TRUE(r.ceased.rows.empty());
  // The same files as tables, for a capability that reads their layout itself.
  ASSERT_TRUE(held.table);
  EXPECT_EQ(held.table->rows(), 1u);
  EXPECT_EQ(held.table->cell(0, 5), "5");
  EXPECT_EQ(held.problem, "");
  EXPECT_FALSE(absent.table);
  EXPECT_EQ(absent.problem, expected_missing);
}

}  // namespace
}  // namespace careflow
