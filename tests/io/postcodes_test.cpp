// The postcode directory: normalisation, lookup, upper tiers and distances, on a small file
// written here (expected values by hand), plus the real ONSPD extract when it is present.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "careflow/io/postcodes.hpp"
#include "careflow/io/reference_data.hpp"

using namespace careflow;
namespace fs = std::filesystem;

TEST(Postcodes, Normalise) { EXPECT_EQ(normalise_postcode(" sw1a 1aa "), "SW1A1AA"); }

TEST(Postcodes, LookupAndDistance) {
  const fs::path dir = fs::temp_directory_path() / ("careflow_postcodes_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "onspd.csv") << "pcd,laua,oseast1m,osnrth1m\n"
                                   << "AB1 0AA,E07000001,100000,200000\n"
                                   << "ZZ9 9ZZ,E07000002,103000,204000\n"
                                   << "GY1 1AA,L99999999,,\n";
  // A name with a quoted comma (as ONS writes "Bristol, City of") must not shift the columns.
  std::ofstream(dir / "utla.csv") << "LTLA23CD,LTLA23NM,UTLA23CD,UTLA23NM\nE07000001,A,E10000001,County\n"
                                  << "E07000002,\"Bristol, City of\",E06000023,\"Bristol, City of\"\n";
  ProblemLog log;
  const auto d = PostcodeDirectory::load((dir / "onspd.csv").string(), (dir / "utla.csv").string(), log);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->size(), 3u);
  const auto a = d->find("ab10aa"), b = d->find("ZZ9  9ZZ"), g = d->find("GY1 1AA");
  ASSERT_TRUE(a && b && g);
  EXPECT_EQ(a->laua, "E07000001");
  EXPECT_EQ(a->utla, "E10000001");
  EXPECT_EQ(b->utla, "E06000023");
  EXPECT_EQ(g->utla, "L99999999");  // not in the lookup: its own upper tier
  EXPECT_FALSE(d->find("AB1 0AB"));
  // dE = 3000 m, dN = 4000 m: 5000 m = 5 / 1.6093 = 3.107 miles -> 3.1.
  EXPECT_DOUBLE_EQ(*distance_miles(*a, *b), 3.1);
  EXPECT_FALSE(distance_miles(*a, *g));  // no grid reference
  fs::remove_all(dir);
}

TEST(Postcodes, ReferenceExtract) {
#if defined(__SANITIZE_ADDRESS__)
  // 2.7 million rows take about 25 s under ASan; the Release run checks the real file.
  GTEST_SKIP() << "the full postcode directory is checked in the Release build only";
#endif
  const auto path = reference_file("postcodes/onspd_postcodes.csv.gz");
  if (!path) GTEST_SKIP() << missing_reference_message("postcodes/onspd_postcodes.csv.gz");
  ProblemLog log;
  const auto d = PostcodeDirectory::load_reference(log);
  ASSERT_TRUE(d);
  EXPECT_GT(d->size(), 2'000'000u);  // the extract holds about 2.7 million postcodes
  // The file's first record: "AB1 0AA,S12000033,385386,801193".
  const auto p = d->find("AB1 0AA");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->laua, "S12000033");
  EXPECT_EQ(p->easting, 385386);
  EXPECT_EQ(p->northing, 801193);
}
