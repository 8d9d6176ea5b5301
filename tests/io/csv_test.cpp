#include "careflow/io/csv.hpp"

#include <gtest/gtest.h>

#include <random>

using namespace careflow;

TEST(Csv, QuotesCommasAndLineEnds) {
  auto r = parse_csv("A,B,C\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"multi\nline\",z\n", "t.csv");
  ASSERT_TRUE(r.readable);
  ASSERT_EQ(r.table.rows(), 2u);
  EXPECT_EQ(r.table.cell(0, 1), "x, y");
  EXPECT_EQ(r.table.cell(0, 2), "say \"hi\"");
  EXPECT_EQ(r.table.cell(1, 1), "multi\nline");
  EXPECT_EQ(r.table.line(0), 2u);
  EXPECT_EQ(r.table.line(1), 3u);
  EXPECT_TRUE(r.problems.empty());
}

TEST(Csv, WrongFieldCountIsReportedWithLine) {
  auto r = parse_csv("A,B\n1,2\n1,2,3\n4,5\n", "f.csv");
  EXPECT_EQ(r.records_read, 3u);
  EXPECT_EQ(r.records_rejected, 1u);
  EXPECT_EQ(r.table.rows(), 2u);
  ASSERT_EQ(r.problems.all().size(), 1u);
  EXPECT_EQ(r.problems.all()[0].line, 3u);
  EXPECT_EQ(r.problems.all()[0].rule, "field-count");
  EXPECT_EQ(r.problems.all()[0].file, "f.csv");
}

TEST(Csv, EncodingsAreDetected) {
  auto bom = parse_csv("\xEF\xBB\xBF" "CHILD\n1\n", "b.csv");
  EXPECT_EQ(bom.table.encoding, TextEncoding::utf8_bom);
  EXPECT_EQ(bom.table.columns[0], "CHILD");
  // "CHILD\r\n1\r\n" in UTF-16LE with BOM.
  std::string u16 = "\xFF\xFE";
  for (char c : std::string("CHILD\r\n1\r\n")) { u16 += c; u16 += '\0'; }
  auto le = parse_csv(u16, "u.csv");
  EXPECT_EQ(le.table.encoding, TextEncoding::utf16le);
  ASSERT_EQ(le.table.rows(), 1u);
  EXPECT_EQ(le.table.columns[0], "CHILD");
  EXPECT_EQ(le.table.cell(0, 0), "1");
  auto latin = parse_csv("NAME\nCaf\xE9\n", "l.csv");
  EXPECT_EQ(latin.table.encoding, TextEncoding::windows1252);
  EXPECT_EQ(latin.table.cell(0, 0), "Caf\xC3\xA9");
}

TEST(Csv, EmptyAndBlankRows) {
  auto empty = parse_csv("", "e.csv");
  EXPECT_FALSE(empty.readable);
  EXPECT_EQ(empty.problems.all().at(0).rule, "empty-file");
  auto blanks = parse_csv("A,B\n1,2\n,\n", "b.csv");
  EXPECT_EQ(blanks.records_read, 2u);
  EXPECT_EQ(blanks.blank_records, 1u);
  EXPECT_EQ(blanks.table.rows(), 1u);
  auto unterminated = parse_csv("A\n\"abc\n", "q.csv");
  EXPECT_EQ(unterminated.records_rejected, 1u);
  EXPECT_EQ(unterminated.problems.all().at(0).rule, "unterminated-quote");
}

// The vectorised path (files without quotes) and the general path must read identically. The
// general path is forced by appending one quoted record to the same text.
TEST(Csv, FastAndGeneralPathsAgree) {
  std::mt19937_64 rng(11);
  const std::string alphabet = "ab1 ,\t\r\n\n,,x";
  for (int round = 0; round < 300; ++round) {
    std::string text = "A,B,C\n";
    const int n = static_cast<int>(rng() % 300);
    for (int k = 0; k < n; ++k) text += alphabet[rng() % alphabet.size()];
    text += "\n";
    const auto fast = parse_csv(text, "f.csv");
    const auto general = parse_csv(text + "\"q\",r,s\n", "g.csv");
    ASSERT_EQ(fast.table.rows() + 1, general.table.rows()) << text;
    ASSERT_EQ(fast.records_read + 1, general.records_read);
    ASSERT_EQ(fast.records_rejected, general.records_rejected);
    ASSERT_EQ(fast.blank_records, general.blank_records);
    for (size_t r = 0; r < fast.table.rows(); ++r) {
      ASSERT_EQ(fast.table.line(r), general.table.line(r));
      for (size_t c = 0; c < 3; ++c) ASSERT_EQ(fast.table.cell(r, c), general.table.cell(r, c)) << text;
    }
  }
}

TEST(Csv, OverlongFieldIsRejectedAndReported) {
  const std::string text = "A,B\n1," + std::string(70000, 'x') + "\n2,y\n";
  for (const std::string& variant : {text, text + "\"q\",r\n"}) {  // fast and general paths
    const auto r = parse_csv(variant, "long.csv");
    EXPECT_EQ(r.records_rejected, 1u);
    ASSERT_FALSE(r.problems.empty());
    EXPECT_EQ(r.problems.all()[0].rule, "field-too-long");
    EXPECT_EQ(r.problems.all()[0].line, 2u);
    // The column by position (2nd), not by its heading: in a file without a header row the
    // heading would be a child's data.
    EXPECT_EQ(r.problems.all()[0].column, "2");
    EXPECT_EQ(r.table.cell(0, 1), "y");
  }
}

// A sink sees exactly the rows parse_csv keeps (upper-cased, as the returns' tables hold them),
// with the same lines, counts and problems; the header is as written.
TEST(Csv, StreamedRowsAreTheParsedRowsUpperCased) {
  struct Collect final : CsvRowSink {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
    std::vector<uint32_t> lines;
    void header(const std::vector<std::string>& c) override { columns = c; }
    void row(const std::string_view* fields, uint32_t line) override {
      rows.emplace_back(fields, fields + columns.size());
      lines.push_back(line);
    }
  };
  for (const std::string& text : {std::string("Child,Code\r\na1, x \r\n\"b,2\",\"q\"\"y\"\r\n,\r\nc3\r\nd4,z\r\n"),
                                 std::string("Child,Code\na1, x \n,\nc3\nd4,z\n")}) {
    const auto parsed = parse_csv(text, "t.csv");
    Collect sink;
    std::string bytes = text;
    const auto streamed = stream_csv(bytes, "t.csv", sink);
    EXPECT_EQ(sink.columns, (std::vector<std::string>{"Child", "Code"}));
    ASSERT_EQ(sink.rows.size(), parsed.table.rows());
    for (size_t r = 0; r < sink.rows.size(); ++r) {
      EXPECT_EQ(sink.lines[r], parsed.table.line(r));
      for (size_t c = 0; c < 2; ++c) {
        std::string upper(parsed.table.cell(r, c));
        for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        EXPECT_EQ(sink.rows[r][c], upper);
      }
    }
    EXPECT_EQ(streamed.records_read, parsed.records_read);
    EXPECT_EQ(streamed.records_rejected, 1u);  // "c3": one field of two
    EXPECT_EQ(streamed.blank_records, 1u);
    ASSERT_EQ(streamed.problems.all().size(), parsed.problems.all().size());
    EXPECT_EQ(streamed.problems.all()[0].line, parsed.problems.all()[0].line);
  }
}
