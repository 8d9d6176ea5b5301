// Text that a spreadsheet would run as a formula (a child identifier like =HYPERLINK(...) in a
// validation list) is written with a leading apostrophe in every CSV and XLSX careflow writes;
// numbers, and text that is just a signed number, are written as they are.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "careflow/core/output_table.hpp"
#include "careflow/io/table_writers.hpp"
#include "io/zip_entries.hpp"

using namespace careflow;

namespace {
OutputTable hand_table() {
  OutputTable t;
  t.id = "errors";
  t.title = "=title";
  t.notes = "@note";
  t.add_column("child", "Child").add_column("=n", "+label");
  t.add_row({std::string("=HYPERLINK(\"http://x.example/\",\"open\")"), -5.0});
  t.add_row({std::string("+1+cmd|' /C calc'!A0"), 2.5});
  t.add_row({std::string("-2+3"), std::string("-3")});
  t.add_row({std::string("@SUM(A1:A9)"), std::string("+1.5")});
  t.add_row({std::string("\tTAB"), std::string("-12%")});
  t.add_row({std::string("\r=1"), std::string("-")});
  t.add_row({std::string("a=b"), std::string("-.5")});
  return t;
}
}  // namespace

// Each row by hand: = + @ tab and CR first get the apostrophe; after + or -, anything but a
// number (digits, one point, an optional %) does too ("-2+3", a lone "-"); "-3", "+1.5",
// "-12%" and "-.5" are numbers and stay; "a=b" does not start with a trigger; the number cell
// -5 is a number. Fields with a quote, comma or CR are then quoted as RFC 4180 says. The
// heading "=n" is guarded too.
TEST(FormulaGuard, CsvByHand) {
  EXPECT_EQ(to_csv(hand_table()),
            "child,'=n\r\n"
            "\"'=HYPERLINK(\"\"http://x.example/\"\",\"\"open\"\")\",-5\r\n"
            "'+1+cmd|' /C calc'!A0,2.5\r\n"
            "'-2+3,-3\r\n"
            "'@SUM(A1:A9),+1.5\r\n"
            "'\tTAB,-12%\r\n"
            "\"'\r=1\",'-\r\n"
            "a=b,-.5\r\n");
}

TEST(FormulaGuard, TheRule) {
  for (const char* run : {"=1", "+A1", "-A1", "@A1", "\t1", "\r1", "-", "+", "-1-1", "-1.2.3", "-1%%", "=-1"})
    EXPECT_TRUE(needs_formula_guard(run)) << run;
  for (const char* keep : {"", "1", "A=1", "-1", "+1", "-0.25", "-12%", "-.5", "C1d6cef1529ae", "'=1"})
    EXPECT_FALSE(needs_formula_guard(keep)) << keep;
  EXPECT_EQ(spreadsheet_text("=1"), "'=1");
  EXPECT_EQ(spreadsheet_text("-1"), "-1");
}

// The workbook holds the guarded text in its shared strings, never the bare formula text, and
// -5 as a number cell (<v>-5</v>, no t="s" string type) with the guarded title and note.
TEST(FormulaGuard, XlsxByHand) {
  const auto path = (std::filesystem::temp_directory_path() /
                     ("careflow_formula_guard_" + std::to_string(::getpid()) + ".xlsx")).string();
  std::string err;
  ASSERT_TRUE(write_xlsx({hand_table()}, path, &err, "=contents")) << err;
  const auto entries = careflow::testing::zip_entries(careflow::testing::read_bytes(path));
  std::filesystem::remove(path);
  ASSERT_TRUE(entries.count("xl/sharedStrings.xml"));
  const std::string& strings = entries.at("xl/sharedStrings.xml");
  for (const char* guarded : {"<t>'+1+cmd|' /C calc'!A0</t>", "<t>'-2+3</t>", "<t>'@SUM(A1:A9)</t>", "<t>'-</t>",
                              "<t>'=title</t>", "<t>'@note</t>", "<t>'+label</t>", "<t>'=contents</t>",
                              "<t>-3</t>", "<t>+1.5</t>", "<t>-12%</t>", "<t>a=b</t>"})
    EXPECT_NE(strings.find(guarded), std::string::npos) << guarded;
  EXPECT_NE(strings.find("'=HYPERLINK("), std::string::npos);
  for (const char* bare : {"<t>=", "<t>+1+", "<t>-2+3", "<t>@"}) EXPECT_EQ(strings.find(bare), std::string::npos) << bare;
  ASSERT_TRUE(entries.count("xl/worksheets/sheet2.xml"));
  EXPECT_NE(entries.at("xl/worksheets/sheet2.xml").find("<v>-5</v>"), std::string::npos);
}
