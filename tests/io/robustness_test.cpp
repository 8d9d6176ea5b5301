// Bad input never crashes and never silently drops data. A deterministic mutation fuzzer feeds
// damaged returns (flipped, inserted and deleted bytes; truncation; encodings) through the whole
// reading pipeline: it must not crash (ASan/UBSan in CI), and every table's rows must balance.
// Longer, coverage-guided runs: fuzz/README.md.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "careflow/io/ingest.hpp"
#include "careflow/io/csv.hpp"
#include "careflow/io/ssda903.hpp"

using namespace careflow;

namespace {

const std::string kEpisodes =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n"
    "101,01/04/2020,S,V2,N1,U6,PR1,10/05/2020,X1,CARPL,\"AB1 2CD\",\"EF3 4GH\",SC123456\r\n"
    "101,10/05/2020,P,C2,N1,U4,PR4,,,,,,\r\n"
    "102,2021-01-31,S,C1,N4,K2,PR4,2021-03-01,E4A,,,,\r\n";

const std::string kXml =
    "<?xml version=\"1.0\"?><EXPSSDA903><CHILD><HEADER><CHILDID>7</CHILDID><SEX>1</SEX>"
    "<DOB>01/01/2010</DOB><ETHNIC>WBRI</ETHNIC><UASC>0</UASC><AREVIEW><REVIEW>01/06/2020</REVIEW>"
    "<REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW></HEADER><EPISODE><DECOM>01/04/2020</DECOM><RNE>S</RNE>"
    "<LS>C2</LS><CIN>N1</CIN><PL>U4</PL><DEC/><REC/></EPISODE></CHILD></EXPSSDA903>";

std::string mutate(const std::string& in, std::mt19937_64& rng) {
  std::string s = in;
  const int edits = 1 + static_cast<int>(rng() % 8);
  const std::string specials = ",\"\r\n\0\xFF\xFE/<>&";
  for (int k = 0; k < edits && !s.empty(); ++k) {
    const size_t pos = rng() % s.size();
    switch (rng() % 5) {
      case 0: s[pos] = static_cast<char>(rng()); break;
      case 1: s.insert(pos, 1, specials[rng() % specials.size()]); break;
      case 2: s.erase(pos, 1 + rng() % 4); break;
      case 3: s.resize(pos); break;
      case 4: s.insert(pos, s.substr(rng() % s.size(), 1 + rng() % 20)); break;
    }
  }
  return s;
}

}  // namespace

TEST(Robustness, MutatedCsvNeverCrashesAndAlwaysBalances) {
  std::mt19937_64 rng(20261122);
  const auto dir = std::filesystem::temp_directory_path() / ("careflow_fuzz_" + std::to_string(rng()));
  const auto year_dir = dir / "2020_21";
  std::filesystem::create_directories(year_dir);
  for (int i = 0; i < 400; ++i) {
    const std::string bytes = mutate(kEpisodes, rng);
    // In memory: the CSV reader's own accounting.
    const auto r = parse_csv(bytes, "fuzz.csv");
    if (r.readable) {
      EXPECT_EQ(r.records_read, r.table.rows() + r.records_rejected + r.blank_records);
    }
    // Through the whole pipeline.
    std::ofstream(year_dir / "episodes.csv", std::ios::binary) << bytes;
    IngestReport report;
    const History h = ingest({year_dir.string()}, std::nullopt, report);
    for (const auto& t : report.tables) EXPECT_TRUE(t.balances());
    for (const auto& p : h.periods) EXPECT_GE(p.episode_count, 1u);
  }
  std::filesystem::remove_all(dir);
}

TEST(Robustness, MutatedXmlNeverCrashes) {
  std::mt19937_64 rng(7);
  const auto dir = std::filesystem::temp_directory_path() / ("careflow_fuzzx_" + std::to_string(rng()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "return.xml").string();
  size_t parsed = 0;
  for (int i = 0; i < 300; ++i) {
    std::ofstream(path, std::ios::binary) << (i == 0 ? kXml : mutate(kXml, rng));
    ProblemLog problems;
    const auto ret = ssda903::read_return_files({path}, CollectionYear{2021}, problems);
    if (const auto* e = ret.find(ssda903::Table::episodes)) parsed += e->rows() > 0;
  }
  EXPECT_GE(parsed, 1u);  // the unmutated document was read
  std::filesystem::remove_all(dir);
}

TEST(Robustness, XmlReturnIsReadIntoTheSameTables) {
  const auto dir = std::filesystem::temp_directory_path() / ("careflow_xml_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "return.xml").string();
  std::ofstream(path, std::ios::binary) << kXml;
  ProblemLog problems;
  const auto ret = ssda903::read_return_files({path}, CollectionYear{2021}, problems);
  const auto* eps = ret.find(ssda903::Table::episodes);
  ASSERT_NE(eps, nullptr);
  ASSERT_EQ(eps->rows(), 1u);
  EXPECT_EQ(eps->cell(0, ssda903::episodes_col::PLACE), "U4");  // <PL> becomes PLACE
  EXPECT_EQ(eps->cell(0, ssda903::episodes_col::CHILD), "7");   // <CHILDID> becomes CHILD
  EXPECT_EQ(eps->cell(0, ssda903::episodes_col::DEC), "");
  const auto* reviews = ret.find(ssda903::Table::reviews);
  ASSERT_NE(reviews, nullptr);
  EXPECT_EQ(reviews->cell(0, ssda903::reviews_col::DOB), "01/01/2010");  // copied from HEADER
  EXPECT_EQ(ret.find(ssda903::Table::uasc), nullptr);  // UASC 0: no UASC row
  std::filesystem::remove_all(dir);
}

TEST(Robustness, ParseDateNeverAcceptsGarbage) {
  std::mt19937_64 rng(3);
  const std::string alphabet = "0123456789/-. :T";
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    const int n = static_cast<int>(rng() % 14);
    for (int k = 0; k < n; ++k) s += alphabet[rng() % alphabet.size()];
    const auto p = parse_date(s);
    if (p) {
      // Anything accepted must round-trip to a real calendar date in range.
      const auto ymd = p.date.ymd();
      EXPECT_GE(ymd.year, 1800);
      EXPECT_LE(ymd.year, 2200);
      EXPECT_EQ(Date::from_ymd(ymd).days(), p.date.days());
    }
  }
}
