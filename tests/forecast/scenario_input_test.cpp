// Scenario and unit-cost files that are not what they should be: each is refused with a message
// that says where (file, line, column), never read into a forecast of NaN, and never handed to
// toml++ where toml++ 3.3 (Debian 12) reaches code it marks unreachable. Found by fuzzing
// (fuzz/scenario_fuzzer.cpp, fuzz/unit_costs_fuzzer.cpp); docs/bad-input.md sections 3 and 6.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "careflow/forecast/scenario.hpp"

using namespace careflow;
using namespace careflow::forecast;

namespace {

std::string error_of(const std::string& toml, const std::string& source = "edge.toml") {
  Scenario sc;
  const auto e = parse_scenario_toml(toml, sc, source);
  return e ? *e : std::string();
}

}  // namespace

TEST(ScenarioInput, MalformedUtf8IsRefusedWithFileLineAndColumn) {
  // "caf\xE9" is Windows-1252 (Excel's "save as"), not UTF-8: 0xE9 opens a three-byte sequence
  // that the quote after it cannot continue. Line 2; n,a,m,e, ,=, ,",c,a,f are columns 1-11.
  EXPECT_EQ(error_of("# a scenario\nname = \"caf\xE9\"\n"),
            "edge.toml:2:12: the file is not UTF-8 text; save it as UTF-8 (TOML files must be)");
  // The same byte anywhere: a comment (line 1, after "# " and "x"), a key (line 1, column 1).
  EXPECT_EQ(error_of("# x\xFF\n"), "edge.toml:1:4: the file is not UTF-8 text; save it as UTF-8 (TOML files must be)");
  EXPECT_EQ(error_of("\xC3"), "edge.toml:1:1: the file is not UTF-8 text; save it as UTF-8 (TOML files must be)");
  // Well-formed in shape but not UTF-8 (RFC 3629): an overlong "/" (C0 AF), a UTF-16 surrogate
  // (ED A0 80), a code point above U+10FFFF (F4 90 80 80). Each inside a string at column 9.
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80"})
    EXPECT_EQ(error_of(std::string("name = \"") + bad + "\"\n").substr(0, 14), "edge.toml:1:9:") << bad;
}

TEST(ScenarioInput, NonAsciiOutsideQuotesIsRefusedBeforeToml) {
  // Valid UTF-8, but TOML allows non-ASCII only in strings and comments; toml++ 3.3 would reach
  // its "unreachable" whitespace check here. Line 3 "c = 2 é": c, ,=, ,2,  are columns 1-6.
  EXPECT_EQ(error_of("a = 1 # caf\xC3\xA9\nb = \"caf\xC3\xA9\"\nc = 2 \xC3\xA9\n"),
            "edge.toml:3:7: a character other than ASCII outside quotes; TOML allows other characters only in "
            "quoted strings and comments");
  // The column counts characters, not bytes: "é" (two bytes) in a string before it is one column.
  EXPECT_EQ(error_of("d = '\xC3\xA9' \xE2\x80\x94\n").substr(0, 14), "edge.toml:1:9:");
  // A bare key of a letter outside ASCII (TOML 1.0 bare keys are A-Za-z0-9_-).
  EXPECT_EQ(error_of("\xC3\xA9t\xC3\xA9 = 1\n").substr(0, 14), "edge.toml:1:1:");
}

TEST(ScenarioInput, NonAsciiInsideEveryKindOfStringAndCommentIsRead) {
  Scenario sc;
  const auto err = parse_scenario_toml(
      "name = \"caf\xC3\xA9 \\\" \xE2\x80\x94\"  # \xC3\xA9\n"
      "description = \"\"\"two \"\" quotes\n\xC3\xA9\"\"\"\"\n"
      "[costs.weekly]\n'foster_ifa' = 1000  # '\xC3\xA9\n"
      "[[entries]]\nages = [10, 15]\nfactor = 0.8\nfrom = '''2025-04-01'''\n",
      sc, "edge.toml");
  ASSERT_FALSE(err) << *err;
  EXPECT_EQ(sc.name, "caf\xC3\xA9 \" \xE2\x80\x94");
  EXPECT_EQ(sc.description, "two \"\" quotes\n\xC3\xA9\"");  // the fourth closing quote is the string's
  EXPECT_EQ(sc.costs.weekly[static_cast<size_t>(Kind::foster_ifa)], 1000);
  ASSERT_EQ(sc.entry_changes.size(), 1u);
  EXPECT_EQ(sc.entry_changes[0].from, Date::from_ymd(2025, 4, 1));
}

TEST(ScenarioInput, TomlNeverSeesACharacterItCannotClassify) {
  // fuzz/scenario_fuzzer.cpp, with toml++ compiled in: toml++ also asks "is this white space?"
  // of a non-ASCII character in a number it scans past its end (8""""1é)...
  EXPECT_EQ(error_of("count =8\"\"\"\"1\xC3\xA9\n").substr(0, 12), "edge.toml:1:");
  // ...and after a line-ending backslash in a multi-line string, which trims white space up to
  // the next other character: "a \<newline>   été" is "a été". toml++ now sees \u00E9 there.
  Scenario sc;
  ASSERT_FALSE(parse_scenario_toml("description = \"\"\"a \\\n   \xC3\xA9t\xC3\xA9\"\"\"\n", sc, "edge.toml"));
  EXPECT_EQ(sc.description, "a \xC3\xA9t\xC3\xA9");
  // Control characters: TOML allows none but tab and line ends (CRLF or LF). "[[" then NUL: column 3.
  EXPECT_EQ(error_of(std::string("[[\0entries]]\n", 13)),
            "edge.toml:1:3: a control character (byte 0x00); TOML allows none but tab and line ends");
  EXPECT_EQ(error_of("a = 1\rb = 2\n").substr(0, 14), "edge.toml:1:6:");
  // A UTF-8 byte-order mark (Notepad's "UTF-8 with BOM") is not a character of the document.
  Scenario bom;
  ASSERT_FALSE(parse_scenario_toml("\xEF\xBB\xBFname = \"x\"\r\n", bom, "edge.toml"));
  EXPECT_EQ(bom.name, "x");
}

TEST(ScenarioInput, SyntaxErrorsNameTheFileLineAndColumn) {
  // toml++'s own errors: "name = " has no value; the error is at the end of line 1 (column 8).
  EXPECT_EQ(error_of("name = ").substr(0, 14), "edge.toml:1:8:");
  // Errors of meaning name the file (they have no single place).
  EXPECT_EQ(error_of("[reentry]\nafter = \"home\"\n"), "edge.toml: [reentry] needs factor or change");
  // Without a file (flags turned into TOML), as before.
  Scenario sc;
  EXPECT_EQ(*parse_scenario_toml("[reentry]\nafter = \"home\"\n", sc), "scenario: [reentry] needs factor or change");
}

TEST(ScenarioInput, ValuesThatAreNotNumbersOfTheirKindAreRefused) {
  // TOML has nan and inf; none of them is a factor, a rate, a cost or a number of children.
  for (const char* text : {
           "population_growth = nan\n", "population_growth = -1.0\n", "population_growth = -5.005\n",
           "[[entries]]\nfactor = nan\nfrom = 2025-04-01\n", "[[entries]]\nchange = inf\nfrom = 2025-04-01\n",
           "[[entries]]\nages = [15, 10]\nfactor = 0.8\nfrom = 2025-04-01\n",
           "[[entries]]\nages = [16, 99]\nfactor = 0.8\nfrom = 2025-04-01\n",
           // toml++ converted 1.6e52 to an int64 unchecked (undefined behaviour): ages are integers.
           "[[entries]]\nages = [1.6e52, 17]\nfactor = 0.8\nfrom = 2025-04-01\n",
           "[return_home]\nwithin_days = 182.5\n",
           "[return_home]\nfactor = inf\n", "[return_home]\nfactor = 1.2\nwithin_days = 0\n",
           "[return_home]\nwithin_days = 9999999999\n", "[reentry]\nfactor = nan\n",
           "[legal_status]\nfrom_group = \"section_20\"\nfactor = -inf\n",
           "[[shift]]\nfrom_kind = \"foster_ifa\"\nto_kind = \"foster_in_house\"\nchildren = nan\nstart = 2025-04-01\nend = 2026-04-01\n",
           "[costs]\ninflation = -2\n", "[costs.weekly]\nfoster_ifa = -950\n", "[costs.weekly]\nsecure = inf\n"})
    EXPECT_NE(error_of(text), "") << text;
  // -5.005 was the fuzzer's case: (1 + growth) ^ years of a negative base is NaN, so every entry
  // multiplier and so the whole forecast would have been NaN. Rates just above -1 still read.
  Scenario sc;
  ASSERT_FALSE(parse_scenario_toml("population_growth = -0.5\n[costs]\ninflation = -0.01\n", sc));
  EXPECT_EQ(sc.entry_multiplier(3, Date::from_ymd(2026, 3, 31), Date::from_ymd(2025, 3, 31)),
            std::pow(0.5, 365 / 365.25));
}

// Unit-cost files (kind,weekly_cost before issue #12): tests/io/unit_costs_test.cpp.

TEST(ScenarioInput, FilesAreReadAsBytesAndNamedInMessages) {
  const auto dir = std::filesystem::temp_directory_path() / ("careflow_scenario_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "bad.toml").string();
  std::ofstream(path, std::ios::binary) << "name = \"ok\"\r\n\x96 = 1\r\n";  // an en dash in Windows-1252
  Scenario sc;
  const auto e = load_scenario_toml(path, sc);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, path + ":2:1: the file is not UTF-8 text; save it as UTF-8 (TOML files must be)");
}
