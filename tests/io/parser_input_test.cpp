// Inputs the fuzzers (fuzz/) found mishandled by the readers in io/: each case is the reduced
// reproducer, with what careflow must do instead. docs/bad-input.md sections 3 and 6.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <climits>
#include <filesystem>
#include <fstream>

#include "careflow/io/csv.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/io/postcodes.hpp"
#include "careflow/io/ssda903.hpp"
#include "careflow/io/table_writers.hpp"

using namespace careflow;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("careflow_parser_input_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(Utf8, OnlyWellFormedUtf8IsUtf8) {
  EXPECT_EQ(first_invalid_utf8("plain ASCII, longer than eight bytes"), std::string_view::npos);
  // é (C3 A9), € (E2 82 AC), U+10FFFF (F4 8F BF BF), the largest code point.
  EXPECT_EQ(first_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF4\x8F\xBF\xBF"), std::string_view::npos);
  // RFC 3629 forbids what the lenient check let through. Offsets are of the first bad byte.
  EXPECT_EQ(first_invalid_utf8("ab\xC0\xAF"), 2u);          // overlong "/"
  EXPECT_EQ(first_invalid_utf8("ab\xE0\x80\xAF"), 2u);      // overlong, three bytes
  EXPECT_EQ(first_invalid_utf8("ab\xED\xA0\x80"), 2u);      // UTF-16 surrogate D800 (CESU-8)
  EXPECT_EQ(first_invalid_utf8("ab\xF0\x80\x80\xAF"), 2u);  // overlong, four bytes
  EXPECT_EQ(first_invalid_utf8("ab\xF4\x90\x80\x80"), 2u);  // U+110000, beyond Unicode
  EXPECT_EQ(first_invalid_utf8("12345678\xE9"), 8u);        // Windows-1252 é after the fast path
  EXPECT_EQ(first_invalid_utf8("\xE2\x82"), 0u);            // cut short
}

TEST(Utf8, SurrogatesInACsvAreReadAsWindows1252NotPassedOn) {
  // The reproducer: a column name holding ED A0 80 (a surrogate, as CESU-8 exports write one).
  // It passed as UTF-8, reached the "extra-column" warning, and `careflow ingest --out` stopped
  // with exit 3 when nlohmann::json refused to write it to ingest.json. Read as Windows-1252
  // (ED = í, A0 = no-break space, 80 = €), every byte becomes valid UTF-8.
  const auto r = parse_csv("CHILD,NOTE\xED\xA0\x80\n1,x\n", "episodes.csv");
  EXPECT_EQ(r.table.encoding, TextEncoding::windows1252);
  ASSERT_EQ(r.table.columns.size(), 2u);
  EXPECT_EQ(r.table.columns[1], "NOTE\xC3\xAD\xC2\xA0\xE2\x82\xAC");
  EXPECT_EQ(first_invalid_utf8(r.table.columns[1]), std::string_view::npos);
}

TEST(Utf8, AByteOrderMarkDoesNotVouchForTheRest) {
  // The fuzzer's case, reduced: a UTF-8 byte-order mark, then a Windows-1252 byte. The mark was
  // taken at its word and the bytes passed on (here into the unknown-table message quoting the
  // columns). The rest is now checked, and read as Windows-1252 when it is not UTF-8.
  const auto r = parse_csv("\xEF\xBB\xBF" "CHILD,NOTE\n1,caf\xE9\n", "episodes.csv");
  EXPECT_EQ(r.table.encoding, TextEncoding::windows1252);
  EXPECT_EQ(r.table.columns[0], "CHILD");  // the mark itself is gone
  EXPECT_EQ(r.table.cell(0, 1), "caf\xC3\xA9");
  const auto ok = parse_csv("\xEF\xBB\xBF" "CHILD,NOTE\n1,caf\xC3\xA9\n", "episodes.csv");
  EXPECT_EQ(ok.table.encoding, TextEncoding::utf8_bom);
  EXPECT_EQ(ok.table.cell(0, 1), "caf\xC3\xA9");
}

TEST(Utf8, JsonOutputsReplaceWhatIsNotUtf8InsteadOfStopping) {
  // Text that does not come from a decoded file (a file name in Latin-1, say) can still hold
  // bytes that are not UTF-8; nlohmann::json threw on them and the run ended with exit 3.
  OutputTable t;
  t.id = "problems";
  t.add_column("file", "File");
  t.add_row({std::string("2024_25/caf\xE9.csv")});
  const std::string json = to_json(t);
  EXPECT_NE(json.find("caf\xEF\xBF\xBD.csv"), std::string::npos) << json;  // U+FFFD
  EXPECT_EQ(first_invalid_utf8(json), std::string_view::npos);
}

TEST(Utf8, XmlThatIsNotUtf8IsRefusedWithItsLine) {
  // pugixml takes UTF-8 on trust: the root's name (quoted in the message) or any value would
  // have carried the bad bytes on. Line 2 holds the Windows-1252 é.
  ssda903::Return ret;
  ProblemLog problems;
  ssda903::read_return_xml_text("<EXPSSDA903>\n<CHILD><HEADER><CHILDID>caf\xE9</CHILDID></HEADER></CHILD></EXPSSDA903>",
                                "return.xml", ret, problems);
  ASSERT_EQ(problems.all().size(), 1u);
  EXPECT_EQ(problems.all()[0].rule, "bad-xml");
  EXPECT_EQ(problems.all()[0].line, 2u);
  EXPECT_FALSE(ret.find(ssda903::Table::header));
  // Declared as ISO-8859-1, the same byte is é, converted by pugixml.
  ssda903::Return latin;
  ProblemLog fine;
  ssda903::read_return_xml_text("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><EXPSSDA903><CHILD><HEADER>"
                                "<CHILDID>caf\xE9</CHILDID></HEADER></CHILD></EXPSSDA903>", "return.xml", latin, fine);
  ASSERT_TRUE(latin.find(ssda903::Table::header));
  EXPECT_EQ(latin.find(ssda903::Table::header)->cell(0, 0), "CAF\xC3\xA9");  // upper-cased ASCII only
}

TEST(Numbers, CellsAreNumbersOnlyWhenWhollyFinite) {
  EXPECT_EQ(parse_number_cell("1,234.5"), 1234.5);
  EXPECT_EQ(parse_number_cell(" \xC2\xA3" "765 "), 765);
  EXPECT_EQ(parse_number_cell("-0.25"), -0.25);
  for (const char* bad : {"", " ", "nan", "NaN", "inf", "-inf", "1e999", "12abc", "\xA3" "765", "0x10"})
    EXPECT_FALSE(parse_number_cell(bad).has_value()) << bad;
}

TEST(PostcodeDirectory, BlankLocalAuthorityOnTheFirstRowIsItsOwn) {
  // The fuzzer's reproducer, reduced: the first row's LA was blank, which equalled the "last LA
  // seen" (an empty string) so it was never added; its postcode pointed at LA 0, which was then
  // the next row's LA (here E07000001), or, with no next LA, past the end of the list.
  ProblemLog log;
  const auto d = PostcodeDirectory::parse("pcd,laua,oseast1m,osnrth1m\nAB1 0AA,,1,2\nAB1 0AB,E07000001,3,4\n",
                                          "onspd.csv", std::nullopt, log, {});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->find("AB1 0AA"));
  EXPECT_EQ(d->find("AB1 0AA")->laua, "");
  EXPECT_EQ(d->find("AB1 0AB")->laua, "E07000001");
  const auto only_blank = PostcodeDirectory::parse("pcd,laua,oseast1m,osnrth1m\nAB1 0AA,,1,2\n", "onspd.csv",
                                                   std::nullopt, log, {});
  ASSERT_TRUE(only_blank && only_blank->find("AB10AA"));
  EXPECT_EQ(only_blank->find("AB10AA")->laua, "");
  EXPECT_TRUE(log.empty());
}

TEST(PostcodeDirectory, DistanceOfExtremeGridReferencesDoesNotOverflow) {
  // Eastings of 2147483647 and -2147483647 metres: their difference overflowed an int32
  // (undefined behaviour). In double: 4294967294 m / 1000 / 1.6093 = 2668841.915 miles -> 2668841.9.
  ProblemLog log;
  const auto d = PostcodeDirectory::parse(
      "pcd,laua,oseast1m,osnrth1m\nAB1 0AA,E1,2147483647,0\nAB1 0AB,E1,-2147483647,0\n", "onspd.csv", std::nullopt,
      log, {});
  ASSERT_TRUE(d);
  EXPECT_DOUBLE_EQ(*distance_miles(*d->find("AB1 0AA"), *d->find("AB1 0AB")), 2668841.9);
}

TEST(PostcodeDirectory, GzipTrailerClaimingGigabytesIsNotBelieved) {
  // An 18-byte gzip member's trailer states the unpacked size (mod 2^32); a damaged one said
  // 4 GB, and careflow allocated and zero-filled 4 GB before finding the data short. Deflate
  // packs at most 1032 to 1, so the claim is capped by the file's size; zlib then reports the
  // damage and the directory is unreadable (a located error, nothing loaded).
  TempDir dir;
  const auto path = (dir.path / "onspd.csv.gz").string();
  gzFile g = gzopen(path.c_str(), "wb");
  ASSERT_TRUE(g);
  const std::string text = "pcd,laua,oseast1m,osnrth1m\nAB1 0AA,E1,1,2\n";
  gzwrite(g, text.data(), static_cast<unsigned>(text.size()));
  gzclose(g);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-4, std::ios::end);
    f.write("\xF0\xFF\xFF\xFF", 4);  // ISIZE = 4294967280
  }
  ProblemLog log;
  EXPECT_FALSE(PostcodeDirectory::load(path, "", log));
  ASSERT_EQ(log.all().size(), 1u);
  EXPECT_EQ(log.all()[0].rule, "unreadable");
}
