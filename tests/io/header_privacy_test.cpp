// A return's first row is quoted in a message only as far as it holds SSDA903 column names: a
// file saved without its header row has a child's data there (identifier, date of birth, UPN,
// postcodes), and so may a header row run together with the first data row.
#include <gtest/gtest.h>

#include "careflow/io/csv.hpp"
#include "careflow/io/ssda903.hpp"
#include "io/temp_returns.hpp"

using namespace careflow;

namespace {

const char* kSecrets[] = {"ZQ7731", "14/05/2004", "A123456789012", "PO6 1JT", "LE17 6FE", "SC596480"};

// Files written into one folder.
class Folder {
 public:
  std::string write(const std::string& name, const std::string& text) { return dir_.write("2024_25", name, text); }

 private:
  careflow::testing::TempReturns dir_;
};

// Reads the files as one year's return, by both readers (whole tables, and rows streamed as
// ingest reads them), and checks that they report the same problems, none quoting a secret.
std::vector<Problem> read(const std::vector<std::string>& files) {
  ProblemLog whole;
  ssda903::read_return_files(files, CollectionYear{2025}, whole);
  struct Ignore final : ssda903::TableRowSink {
    void row(ssda903::Table, const std::string_view*, uint32_t) override {}
  } sink;
  ProblemLog streamed;
  std::string buffer;
  for (const auto& f : files) ssda903::stream_return_csv(f, buffer, sink, streamed);
  EXPECT_EQ(whole.all().size(), streamed.all().size());
  for (const auto* log : {&whole, &streamed})
    for (const auto& p : log->all())
      for (const char* s : kSecrets) {
        EXPECT_EQ(to_string(p).find(s), std::string::npos) << to_string(p);
        EXPECT_EQ(p.column.find(s), std::string::npos) << to_string(p);
      }
  return whole.all();
}

}  // namespace

// Header and Episodes saved without their header rows. Neither first row holds a column name,
// so each file is refused (unknown-table, line 1) and its values are not shown. The Header
// table is the only one with 7 columns, the Episodes table the only one with 13 (the other
// tables have 4, 5, 6, 8 or 12), so the message can say which header row is missing.
TEST(HeaderPrivacy, HeaderlessFileIsRefusedWithoutQuotingItsFirstRow) {
  Folder f;
  const auto header = f.write("header.csv", "ZQ7731,F,14/05/2004,WBRI,A123456789012,,\n");
  const auto episodes = f.write("episodes.csv", "ZQ7731,14/10/2019,P,C2,N5,U6,PR4,,,,PO6 1JT,LE17 6FE,SC596480\n");
  const auto problems = read({episodes, header});
  ASSERT_EQ(problems.size(), 2u);
  for (const auto& p : problems) {
    EXPECT_EQ(p.rule, "unknown-table");
    EXPECT_EQ(p.line, 1u);
    EXPECT_EQ(p.severity, Severity::error);
    EXPECT_NE(p.message.find("may have no header row"), std::string::npos) << p.message;
  }
  EXPECT_NE(problems[0].message.find("Episodes table, whose header row is CHILD,DECOM,RNE,LS,CIN,PLACE,"
                                     "PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"),
            std::string::npos) << problems[0].message;
  EXPECT_NE(problems[1].message.find("Header table, whose header row is CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"),
            std::string::npos) << problems[1].message;
}

// Five fields fit four tables (OC3, PlacedAdoption, PrevPerm, Missing): named "data.csv" no
// table is suggested; named "missing.csv" the Missing table is.
TEST(HeaderPrivacy, HeaderlessGuessUsesTheFileNameAmongTablesOfThatWidth) {
  Folder f;
  const std::string row = "ZQ7731,14/05/2004,M,01/02/2025,03/02/2025\n";
  const auto plain = read({f.write("data.csv", row)});
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].message.find("whose header row"), std::string::npos) << plain[0].message;
  const auto named = read({f.write("missing.csv", row)});
  ASSERT_EQ(named.size(), 1u);
  EXPECT_NE(named[0].message.find("Missing table, whose header row is CHILD,DOB,MISSING,MIS_START,MIS_END"),
            std::string::npos) << named[0].message;
}

// A header row run together with the first data row (no line break after MC_DOB): the file
// still reads as the Header table (six of its columns, and its name), the seven run-on cells
// are extra columns named by position (7 to 13), MC_DOB is missing, and the data rows, with 7
// fields against the header's 13, are rejected. None of it quotes the run-on row.
TEST(HeaderPrivacy, RunOnHeaderNamesExtraColumnsByPosition) {
  Folder f;
  const auto path = f.write("header.csv",
                            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOBZQ7731,F,14/05/2004,WBRI,A123456789012,,\n"
                            "ZQ7731,F,14/05/2004,WBRI,A123456789012,,\n");
  const auto problems = read({path});
  std::vector<std::string> extra;
  size_t field_count = 0, missing = 0;
  for (const auto& p : problems) {
    if (p.rule == "extra-column") extra.push_back(p.column);
    field_count += p.rule == "field-count";
    if (p.rule == "missing-column") {
      ++missing;
      EXPECT_EQ(p.column, "MC_DOB");
    }
  }
  EXPECT_EQ(extra, (std::vector<std::string>{"7", "8", "9", "10", "11", "12", "13"}));
  EXPECT_EQ(field_count, 1u);
  EXPECT_EQ(missing, 1u);
}

// Headings that are column names are still named: a misspelt CHILD (CHLID: two letters swapped,
// an edit distance of 2) is named by position with the name it is probably meant to be; DOB,
// a column of other tables but not of Episodes, is named as it is.
TEST(HeaderPrivacy, KnownNamesAreNamedAndTyposGetASuggestion) {
  Folder f;
  const auto path = f.write("episodes.csv",
                            "CHLID,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN,DOB\n"
                            "ZQ7731,14/10/2019,P,C2,N5,U6,PR4,,,,PO6 1JT,LE17 6FE,SC596480,14/05/2004\n");
  const auto problems = read({path});
  std::vector<std::pair<std::string, std::string>> extra;  // column, message
  for (const auto& p : problems)
    if (p.rule == "extra-column") extra.emplace_back(p.column, p.message);
  ASSERT_EQ(extra.size(), 2u);
  EXPECT_EQ(extra[0].first, "1");
  EXPECT_NE(extra[0].second.find("(is it CHILD?)"), std::string::npos) << extra[0].second;
  EXPECT_EQ(extra[1].first, "DOB");
}

// A header-less file's over-long field is named by position, not by its "heading".
TEST(HeaderPrivacy, OverlongFieldIsNamedByPosition) {
  const auto r = parse_csv("ZQ7731,14/05/2004\nA1," + std::string(70000, 'x') + "\n", "x.csv");
  ASSERT_FALSE(r.problems.empty());
  EXPECT_EQ(r.problems.all()[0].rule, "field-too-long");
  EXPECT_EQ(r.problems.all()[0].column, "2");
  for (const auto& p : r.problems.all()) EXPECT_EQ(to_string(p).find("14/05/2004"), std::string::npos);
}
