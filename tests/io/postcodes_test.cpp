// The postcode directory: normalisation, lookup, upper tiers and distances, on a small file
// written here (expected values by hand), plus the real ONSPD extract when it is present.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "careflow/io/postcodes.hpp"
#include "careflow/io/reference_data.hpp"
#include "shared_reference.hpp"

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
  const auto path = shared_reference().file("postcodes/onspd_postcodes.csv.gz");
  if (!path) GTEST_SKIP() << shared_reference().missing_message("postcodes/onspd_postcodes.csv.gz");
  ProblemLog log;
  const auto d = PostcodeDirectory::load_reference(shared_reference(), log);
  ASSERT_TRUE(d);
  EXPECT_GT(d->size(), 2'000'000u);  // the extract holds about 2.7 million postcodes
  // The file's first record: "AB1 0AA,S12000033,385386,801193".
  const auto p = d->find("AB1 0AA");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->laua, "S12000033");
  EXPECT_EQ(p->easting, 385386);
  EXPECT_EQ(p->northing, 801193);
}

TEST(Postcodes, SelectionKeysAsFindLooksUp) {
  PostcodeSelection s;
  s.add("AB1 0AA");
  s.add("ab10aa");     // the same postcode, as find() packs it
  s.add("\"AB1 0AA\"");  // quotes are skipped too
  s.add("");           // not a postcode
  s.add("ABCDE12345"); // more than 8 characters: not a postcode
  s.add("ZZ9 9ZZ");
  EXPECT_EQ(s.size(), 2u);
  // Enough postcodes to make the table grow several times; each is still found once.
  for (int i = 0; i < 5000; ++i) {
    std::string pc = "N";
    pc += std::to_string(i);
    pc += " 1AA";
    s.add(pc);
  }
  s.add("N17 1AA");
  EXPECT_EQ(s.size(), 5002u);
}

// A directory loaded with a selection holds exactly the selected rows of the full load, with the
// same details, and reports the same bad rows (counted over the whole file).
TEST(Postcodes, LoadWithSelection) {
  const fs::path dir = fs::temp_directory_path() / ("careflow_postcodes_sel_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // The postcode is the second column here; rows: 5 good (one quoted, one lower case with CRLF),
  // 2 bad (a 10-character "postcode"; a row without the grid columns), 2 blank.
  std::ofstream(dir / "onspd.csv") << "n,pcd,laua,oseast1m,osnrth1m\n"
                                   << "1,AB1 0AA,E07000001,100000,200000\n"
                                   << "2,ZZ9 9ZZ,E07000002,103000,204000\n"
                                   << "\n"
                                   << "3,GY1 1AA,L99999999,,\n"
                                   << "4,\"CD1 1AA\",E07000003,1,2\n"
                                   << "5,TOOLONG123,E07000001,1,2\n"
                                   << "6,EF1 1AA,E07000004\n"
                                   << "\r\n"
                                   << "7,gh1 1aa,E07000005,5,6\r\n";
  ProblemLog full_log, sel_log;
  const auto full = PostcodeDirectory::load((dir / "onspd.csv").string(), "", full_log);
  PostcodeSelection s;
  for (const char* pc : {"AB10AA", "cd1 1aa", "GH1 1AA", "XX1 1XX", "EF1 1AA"}) s.add(pc);
  int asked = 0;
  const auto sel = PostcodeDirectory::load((dir / "onspd.csv").string(), "", sel_log, [&] {
    ++asked;
    return &s;
  });
  ASSERT_TRUE(full && sel);
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(full->size(), 5u);
  EXPECT_EQ(sel->size(), 3u);  // AB1 0AA, CD1 1AA, GH1 1AA; XX1 1XX is not in the file, EF1 1AA is bad
  for (const char* pc : {"AB1 0AA", "CD1 1AA", "GH1 1AA"}) {
    const auto a = full->find(pc), b = sel->find(pc);
    ASSERT_TRUE(a && b) << pc;
    EXPECT_EQ(a->laua, b->laua);
    EXPECT_EQ(a->utla, b->utla);
    EXPECT_EQ(a->has_grid, b->has_grid);
    EXPECT_EQ(a->easting, b->easting);
    EXPECT_EQ(a->northing, b->northing);
  }
  EXPECT_EQ(sel->find("GH1 1AA")->laua, "E07000005");  // the \r is not part of the last column
  EXPECT_EQ(sel->find("GH1 1AA")->northing, 6);
  EXPECT_TRUE(full->find("ZZ9 9ZZ"));
  EXPECT_FALSE(sel->find("ZZ9 9ZZ"));  // in the file, not selected
  ASSERT_EQ(full_log.all().size(), 1u);
  ASSERT_EQ(sel_log.all().size(), 1u);
  EXPECT_EQ(to_string(full_log.all()[0]), to_string(sel_log.all()[0]));
  EXPECT_NE(to_string(sel_log.all()[0]).find("2 row(s)"), std::string::npos);
  // No selection (nullptr): every row, as load without one.
  ProblemLog all_log;
  const auto all = PostcodeDirectory::load((dir / "onspd.csv").string(), "", all_log, [] { return nullptr; });
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 5u);
  fs::remove_all(dir);
}

// The real file through the selection path (libdeflate, chunks checked in parallel).
TEST(Postcodes, ReferenceExtractWithSelection) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the full postcode directory is checked in the Release build only";
#endif
  const auto path = shared_reference().file("postcodes/onspd_postcodes.csv.gz");
  if (!path) GTEST_SKIP() << shared_reference().missing_message("postcodes/onspd_postcodes.csv.gz");
  PostcodeSelection s;
  s.add("AB1 0AA");
  s.add("QQ1 1QQ");  // no such postcode
  ProblemLog log;
  const auto d = PostcodeDirectory::load_reference(shared_reference(), log, [&s] { return &s; });
  ASSERT_TRUE(d);
  EXPECT_TRUE(log.all().empty());
  EXPECT_EQ(d->size(), 1u);
  const auto p = d->find("AB1 0AA");  // the file's first record: "AB1 0AA,S12000033,385386,801193"
  ASSERT_TRUE(p);
  EXPECT_EQ(p->laua, "S12000033");
  EXPECT_EQ(p->easting, 385386);
  EXPECT_EQ(p->northing, 801193);
}

// Found by fuzz_postcodes: a "postcode" of NUL characters only packed to key 0, which the full
// read kept (and find("\0\0\0") found) while a selection, which cannot hold 0, left it out, so
// the two reads disagreed. It is not a postcode: a bad row either way. By hand: 3 data rows, the
// middle one NUL-only, so 2 kept and "1 row(s)" bad in both reads.
TEST(Postcodes, NulOnlyPostcodeIsABadRowInEveryRead) {
  const fs::path dir = fs::temp_directory_path() / ("careflow_postcodes_nul_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string csv = "pcd,laua,oseast1m,osnrth1m\nAB1 0AA,E07000001,1,2\n";
  csv += std::string("\0\0\0", 3) + ",E07000002,3,4\nCD1 1AA,E07000003,5,6\n";
  std::ofstream(dir / "onspd.csv") << csv;
  PostcodeSelection s;
  for (const char* pc : {"AB1 0AA", "CD1 1AA"}) s.add(pc);
  s.add(std::string_view("\0\0\0", 3));
  EXPECT_EQ(s.size(), 2u);
  ProblemLog full_log, sel_log;
  const auto full = PostcodeDirectory::load((dir / "onspd.csv").string(), "", full_log);
  const auto sel = PostcodeDirectory::load((dir / "onspd.csv").string(), "", sel_log, [&] { return &s; });
  ASSERT_TRUE(full && sel);
  EXPECT_EQ(full->size(), 2u);
  EXPECT_EQ(sel->size(), 2u);
  EXPECT_FALSE(full->find(std::string_view("\0\0\0", 3)));
  EXPECT_FALSE(sel->find(std::string_view("\0\0\0", 3)));
  ASSERT_EQ(full_log.all().size(), 1u);
  ASSERT_EQ(sel_log.all().size(), 1u);
  EXPECT_NE(to_string(full_log.all()[0]).find("1 row(s)"), std::string::npos);
  EXPECT_EQ(to_string(full_log.all()[0]), to_string(sel_log.all()[0]));
  fs::remove_all(dir);
}
