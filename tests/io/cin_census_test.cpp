// The CIN return's tables from CSV exports: module recognised by file name or by columns,
// columns matched in any order and case, missing columns blank, unknown ones reported by position.
// Reading whole returns: the XML flattened into the census's tables with surrogate keys in
// document order, the analysts' CSV layout, every conformance fixture, and bad input refused with
// a located error. Expected cells and lines are read off the hand-built returns in cin_returns.hpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "careflow/io/cin_census.hpp"
#include "io/cin_returns.hpp"
#include "io/temp_returns.hpp"

using namespace careflow;

namespace {
CsvTable parsed(std::string_view text, std::string source) {
  auto r = parse_csv(text, std::move(source));
  EXPECT_TRUE(r.readable);
  return std::move(r.table);
}
}  // namespace

TEST(CinCensus, ModuleByFileNameColumnsInAnyOrderAndCase) {
  ProblemLog problems;
  auto t = cin::to_return_table(parsed("cinreferraldate,LACHILDID,ReferralNFA\n2022-05-01,c1,false\n", "x/CINdetails.csv"),
                                "CINdetails.csv", problems);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->table, cin::Table::cin_details);
  ASSERT_EQ(t->data.cols(), 9u);
  EXPECT_EQ(t->cell(0, cin::cin_details_col::LAchildID), "C1");
  EXPECT_EQ(t->cell(0, cin::cin_details_col::CINreferralDate), "2022-05-01");
  EXPECT_EQ(t->cell(0, cin::cin_details_col::ReferralNFA), "FALSE");
  EXPECT_EQ(t->cell(0, cin::cin_details_col::ReasonForClosure), "");
  EXPECT_TRUE(t->has_column[cin::cin_details_col::ReferralNFA]);
  EXPECT_FALSE(t->has_column[cin::cin_details_col::ReasonForClosure]);
  EXPECT_EQ(t->line(0), 2u);
  EXPECT_TRUE(problems.all().empty());
}

TEST(CinCensus, ModuleByColumnsAndUnknownHeadingsByPosition) {
  ProblemLog problems;
  auto t = cin::to_return_table(parsed("LAchildID,CPPstartDate,Z99\nc1,2022-05-01,secret\n", "plans.csv"), "plans.csv",
                                problems);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->table, cin::Table::child_protection_plans);
  ASSERT_EQ(problems.all().size(), 1u);
  EXPECT_EQ(problems.all()[0].column, "3");
  EXPECT_EQ(problems.all()[0].message.find("Z99"), std::string::npos);
  // LAchildID alone fits most modules: not recognised.
  ProblemLog p2;
  EXPECT_FALSE(cin::to_return_table(parsed("LAchildID\nc1\n", "a.csv"), "a.csv", p2));
  ASSERT_EQ(p2.all().size(), 1u);
  EXPECT_EQ(p2.all()[0].rule, "unknown-table");
}

using namespace careflow::cin;

namespace {

std::string problems_text(const ProblemLog& p) {
  std::string s;
  for (const auto& x : p.all()) s += to_string(x) + "\n";
  return s;
}

const Problem* find_rule(const ProblemLog& p, std::string_view rule) {
  for (const auto& x : p.all())
    if (x.rule == rule) return &x;
  return nullptr;
}

Return read_xml(const std::string& text, ProblemLog& problems) {
  Return r;
  read_cin_xml_text(text, "cin.xml", r, problems);
  return r;
}

size_t rows(const Return& r, Table t) { return r.find(t) ? r.find(t)->rows() : 0; }

}  // namespace

TEST(CinXml, FlattensTheReturnIntoTheCensusTables) {
  ProblemLog problems;
  const Return r = read_xml(careflow::testing::kCin2023, problems);
  EXPECT_EQ(problems.size(), 0u) << problems_text(problems);
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_TRUE(r.files[0].xml);
  EXPECT_EQ(r.files[0].records_read, 2u);  // two <Child>
  EXPECT_EQ(rows(r, Table::header), 1u);
  EXPECT_EQ(rows(r, Table::child_identifiers), 2u);
  EXPECT_EQ(rows(r, Table::child_characteristics), 2u);
  EXPECT_EQ(rows(r, Table::disabilities), 3u);  // AUT, LD; NONE
  EXPECT_EQ(rows(r, Table::cin_details), 3u);
  EXPECT_EQ(rows(r, Table::assessments), 2u);
  EXPECT_EQ(rows(r, Table::assessment_factors), 3u);  // 3B, 4B; 21
  EXPECT_EQ(rows(r, Table::cin_plan_dates), 0u);
  EXPECT_EQ(rows(r, Table::section47), 1u);
  EXPECT_EQ(rows(r, Table::child_protection_plans), 1u);
  EXPECT_EQ(rows(r, Table::reviews), 2u);

  const ReturnTable& h = *r.find(Table::header);
  EXPECT_EQ(h.cell(0, header_col::Collection), "CIN");
  EXPECT_EQ(h.cell(0, header_col::ReferenceDate), "2023-03-31");
  EXPECT_EQ(h.cell(0, header_col::LEA), "201");
  EXPECT_EQ(h.cell(0, header_col::SerialNo), "001");  // text, as given: not a number
  EXPECT_EQ(h.line(0), 3u);

  const ReturnTable& ids = *r.find(Table::child_identifiers);
  EXPECT_EQ(ids.cell(0, child_identifiers_col::LAchildID), "A1");
  EXPECT_EQ(ids.cell(0, child_identifiers_col::GenderCurrent), "1");
  EXPECT_EQ(ids.cell(0, child_identifiers_col::Sex), "");
  EXPECT_EQ(ids.cell(1, child_identifiers_col::UPN), "");
  EXPECT_EQ(ids.line(0), 20u);
  EXPECT_EQ(ids.line(1), 65u);
  EXPECT_EQ(ids.source_of(1), "cin.xml");

  // Surrogate keys: CINdetailsID counts B2's episodes 1, 2; AssessmentID and CPPID from 1 within
  // their episode.
  const ReturnTable& d = *r.find(Table::cin_details);
  namespace cd = cin_details_col;
  EXPECT_EQ(d.cell(0, cd::LAchildID), "A1");
  EXPECT_EQ(d.cell(0, cd::CINdetailsID), "1");
  EXPECT_EQ(d.cell(1, cd::LAchildID), "B2");
  EXPECT_EQ(d.cell(1, cd::CINdetailsID), "1");
  EXPECT_EQ(d.cell(2, cd::CINdetailsID), "2");
  EXPECT_EQ(d.cell(2, cd::ReferralNFA), "TRUE");  // text, upper-cased; the timeline reads it
  EXPECT_EQ(d.cell(1, cd::ReasonForClosure), "RC8");
  EXPECT_EQ(d.line(0), 33u);
  EXPECT_EQ(d.line(2), 89u);

  const ReturnTable& a = *r.find(Table::assessments);
  namespace ac = assessments_col;
  EXPECT_EQ(a.cell(0, ac::AssessmentID), "1");
  EXPECT_EQ(a.cell(0, ac::AssessmentFactors), "3B,4B");
  EXPECT_EQ(a.cell(1, ac::AssessmentFactors), "21");
  EXPECT_EQ(a.cell(1, ac::LAchildID), "B2");
  EXPECT_EQ(a.line(1), 80u);
  const ReturnTable& f = *r.find(Table::assessment_factors);
  EXPECT_EQ(f.cell(1, assessment_factors_col::AssessmentFactor), "4B");
  EXPECT_EQ(f.cell(1, assessment_factors_col::AssessmentID), "1");
  EXPECT_EQ(f.line(1), 42u);

  const ReturnTable& s = *r.find(Table::section47);
  EXPECT_EQ(s.cell(0, section47_col::DateOfInitialCPC), "2022-06-20");
  EXPECT_EQ(s.cell(0, section47_col::ICPCnotRequired), "FALSE");
  const ReturnTable& cpp = *r.find(Table::child_protection_plans);
  EXPECT_EQ(cpp.cell(0, child_protection_plans_col::CPPID), "1");
  EXPECT_EQ(cpp.cell(0, child_protection_plans_col::NumberOfPreviousCPP), "0");
  EXPECT_EQ(cpp.cell(0, child_protection_plans_col::CPPendDate), "");
  const ReturnTable& rv = *r.find(Table::reviews);
  EXPECT_EQ(rv.cell(1, reviews_col::CPPreviewDate), "2023-03-10");
  EXPECT_EQ(rv.cell(1, reviews_col::CPPID), "1");
  EXPECT_EQ(rv.line(1), 59u);
}

TEST(CinXml, YearIsTheReferenceDatesAndAFolderOfAnotherYearIsSaid) {
  careflow::testing::TempReturns t;
  const std::string f = t.write("2023_24", "cin.xml", careflow::testing::kCin2023);
  ProblemLog p;
  const Return r = read_cin_files({f}, CollectionYear{2024}, p);
  EXPECT_EQ(r.year.end_year, 2023);
  const Problem* m = find_rule(p, "year-mismatch");
  ASSERT_NE(m, nullptr) << problems_text(p);
  EXPECT_EQ(m->file, f);
  ProblemLog q;
  EXPECT_EQ(read_cin_files({f}, std::nullopt, q).year.end_year, 2023);
  EXPECT_EQ(q.size(), 0u) << problems_text(q);
}

TEST(CinXml, SexInAReturnBefore2024_25IsASchemaYearWarningAndKept) {
  std::string x = careflow::testing::kCin2023;
  x.replace(x.find("<GenderCurrent>1</GenderCurrent>"), 32, "<Sex>M</Sex>");
  ProblemLog p;
  const Return r = read_xml(x, p);
  const Problem* m = find_rule(p, "schema-year");
  ASSERT_NE(m, nullptr) << problems_text(p);
  EXPECT_EQ(m->severity, Severity::warning);
  EXPECT_EQ(m->line, 24u);
  EXPECT_EQ(r.find(Table::child_identifiers)->cell(0, child_identifiers_col::Sex), "M");
  EXPECT_EQ(r.find(Table::child_identifiers)->cell(0, child_identifiers_col::GenderCurrent), "");
}

TEST(CinXml, UnknownElementsAreNamedOnceWithTheirLineAndSkipped) {
  std::string x = careflow::testing::kCin2023;
  // A <child> for <Child>: its whole content is skipped, and said.
  x.replace(x.find("<Child>\n      <ChildIdentifiers>\n        <LAchildID>B2"), 7, "<child>");
  x.replace(x.find("</Child>\n  </Children>"), 8, "</child>");
  x.replace(x.find("<ReferralNFA>false</ReferralNFA>"), 0, "<Colour>blue</Colour>\n");
  ProblemLog p;
  const Return r = read_xml(x, p);
  EXPECT_EQ(rows(r, Table::child_identifiers), 1u);
  int unknown = 0;
  for (const auto& q : p.all())
    if (q.rule == "unknown-element") {
      ++unknown;
      EXPECT_EQ(q.severity, Severity::error);
      EXPECT_TRUE(q.line == 51u || q.line == 65u) << to_string(q);
      EXPECT_EQ(q.message.find("blue"), std::string::npos);
    }
  EXPECT_EQ(unknown, 2) << problems_text(p);
}

namespace {
void expect_refused(const std::string& text, std::string_view rule, uint32_t line) {
  ProblemLog p;
  const Return r = read_xml(text, p);
  SCOPED_TRACE(text.substr(0, 80));
  ASSERT_EQ(p.count(Severity::error), 1u) << problems_text(p);
  EXPECT_EQ(p.all()[0].rule, rule) << problems_text(p);
  EXPECT_EQ(p.all()[0].line, line) << problems_text(p);
  EXPECT_EQ(p.all()[0].file, "cin.xml");
  for (const auto& t : r.tables) EXPECT_FALSE(t.has_value());
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_FALSE(r.files[0].used);
}
}  // namespace

TEST(CinXml, BadInputIsALocatedErrorAndNothingIsUsed) {
  const std::string good = careflow::testing::kCin2023;
  expect_refused("", "bad-xml", 0);
  expect_refused("  \n", "bad-xml", 0);
  expect_refused(good.substr(0, good.size() / 2), "bad-xml", 52);  // truncated mid-file (in <Section47>)
  expect_refused("<Message><Header></Message>", "bad-xml", 1);
  expect_refused("\x01\x02\xff\xfe\x00garbage", "bad-xml", 1);
  expect_refused("<?xml version=\"1.0\"?>\n<EXPSSDA903><CHILD/></EXPSSDA903>", "bad-xml", 2);
  expect_refused("<Message><Header><CollectionDetails><Collection>SSDA903</Collection></CollectionDetails>"
                 "</Header></Message>", "wrong-collection", 1);
  // A DTD with an entity (the billion laughs), an external entity, and a bare DOCTYPE: refused
  // before anything is expanded or fetched.
  expect_refused("<?xml version=\"1.0\"?>\n<!DOCTYPE Message [\n<!ENTITY lol \"lol\">\n"
                 "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">\n]>\n<Message>&lol2;</Message>",
                 "xml-entity", 3);
  expect_refused("<?xml version=\"1.0\"?>\n\n<!DOCTYPE Message [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                 "<Message><Children><Child><ChildIdentifiers><LAchildID>&xxe;</LAchildID></ChildIdentifiers>"
                 "</Child></Children></Message>",
                 "xml-entity", 3);
  expect_refused("<?xml version=\"1.0\"?>\n<!DOCTYPE Message SYSTEM \"http://example.org/cin.dtd\">\n<Message/>",
                 "xml-dtd", 2);
  expect_refused("<Message/><Message/>", "bad-xml", 1);
  expect_refused("<message/>", "bad-xml", 1);
}

TEST(CinFiles, CinFilesAreToldFromThe903sByTheirFirstBytes) {
  EXPECT_TRUE(is_cin_text(careflow::testing::kCin2023, "return.xml"));
  EXPECT_TRUE(is_cin_text("\xEF\xBB\xBF<!-- x -->\n<!DOCTYPE Message [<!ENTITY a \"b\">]><Message>", "x.XML"));
  EXPECT_FALSE(is_cin_text("<?xml version=\"1.0\"?><EXPSSDA903><CHILD/></EXPSSDA903>", "return.xml"));
  EXPECT_TRUE(is_cin_text("LAchildID,CINdetailsID,CINreferralDate\n", "anything.csv"));
  EXPECT_TRUE(is_cin_text("\"Collection\",\"Year\",\"ReferenceDate\"\r\n", "header.csv"));
  EXPECT_FALSE(is_cin_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n", "header.csv"));
  EXPECT_FALSE(is_cin_text("CHILD,DOB,REVIEW,REVIEW_CODE\n", "reviews.csv"));
  EXPECT_TRUE(is_cin_text("a,b\n", "cin_details.csv"));  // named as a module the 903 has not
  EXPECT_FALSE(is_cin_text("CHILD,DECOM\n", "section47.csv"));
  EXPECT_FALSE(is_cin_text("LAchildID\n", "notes.txt"));
}

TEST(CinCsv, TheAnalystsLayoutReadsIntoTheSameTables) {
  careflow::testing::TempReturns t;
  std::vector<std::string> files;
  files.push_back(t.write("2022_23", "header.csv", "Collection,Year,ReferenceDate,LEA\nCIN,2023,2023-03-31,201\n"));
  // Columns in another order, another case, and one that is not the table's.
  files.push_back(t.write("2022_23", "ChildIdentifiers.csv",
                          "lachildid,PersonBirthDate,GenderCurrent,Notes\nA1,2015-05-01,1,x\nB2,2010-01-10,2,y\n"));
  files.push_back(t.write("2022_23", "cin_details.csv",
                          "LAchildID,CINdetailsID,CINreferralDate,ReferralSource,ReferralNFA\n"
                          "A1,1,2022-06-01,2A,false\nB2,1,2022-04-10,6,0\nB2,2,2023-01-05,1A,true\n"));
  files.push_back(t.write("2022_23", "assessments.csv",
                          "LAchildID,CINdetailsID,AssessmentID,AssessmentActualStartDate,AssessmentFactors\n"
                          "A1,1,1,2022-06-02,\"3B,4B\"\nB2,1,1,2022-04-11,21\n"));
  // UTF-16 with a byte-order mark, as Excel saves "Unicode text".
  std::string utf16 = "\xFF\xFE";
  for (const char c : std::string("LAchildID,Disability\r\nA1,AUT\r\nA1,LD\r\n")) utf16 += c, utf16 += '\0';
  files.push_back(t.write("2022_23", "disabilities.csv", utf16));
  ProblemLog p;
  const Return r = read_cin_files(files, CollectionYear{2023}, p);
  EXPECT_EQ(p.count(Severity::error), 0u) << problems_text(p);
  EXPECT_EQ(r.year.end_year, 2023);
  EXPECT_EQ(rows(r, Table::header), 1u);
  EXPECT_EQ(rows(r, Table::child_identifiers), 2u);
  EXPECT_EQ(rows(r, Table::cin_details), 3u);
  EXPECT_EQ(rows(r, Table::assessments), 2u);
  EXPECT_EQ(rows(r, Table::disabilities), 2u);
  // The factors, given only as the Assessments cell, are derived one per row.
  ASSERT_EQ(rows(r, Table::assessment_factors), 3u);
  const ReturnTable& f = *r.find(Table::assessment_factors);
  EXPECT_EQ(f.cell(0, assessment_factors_col::AssessmentFactor), "3B");
  EXPECT_EQ(f.cell(1, assessment_factors_col::AssessmentFactor), "4B");
  EXPECT_EQ(f.cell(2, assessment_factors_col::LAchildID), "B2");
  EXPECT_EQ(f.line(2), 3u);
  const ReturnTable& ids = *r.find(Table::child_identifiers);
  EXPECT_EQ(ids.cell(1, child_identifiers_col::GenderCurrent), "2");
  EXPECT_FALSE(ids.has_column[child_identifiers_col::UPN]);
  EXPECT_EQ(ids.line(1), 3u);
  const Problem* extra = find_rule(p, "extra-column");
  ASSERT_NE(extra, nullptr);
  EXPECT_EQ(extra->column, "4");  // not a census column: named by position, never by its text
  EXPECT_EQ(r.find(Table::disabilities)->cell(1, disabilities_col::Disability), "LD");
  for (const auto& fr : r.files) EXPECT_TRUE(fr.used) << fr.path;
}

TEST(CinCsv, AFileOfNoCensusTableIsALocatedError) {
  careflow::testing::TempReturns t;
  const auto f = t.write("2022_23", "cin_notes.csv", "Colour,Size\nred,2\n");
  ProblemLog p;
  const Return r = read_cin_files({f}, CollectionYear{2023}, p);
  const Problem* m = find_rule(p, "unknown-table");
  ASSERT_NE(m, nullptr) << problems_text(p);
  EXPECT_EQ(m->file, f);
  EXPECT_EQ(m->line, 1u);
  EXPECT_FALSE(r.files[0].used);
}

// Every CSV of the validator's conformance fixtures reads without error into its table, all its
// rows kept (the fixtures are the tables as the validator flattens the XML).
TEST(CinCsv, EveryConformanceFixtureReads) {
  const std::filesystem::path root = std::filesystem::path(CAREFLOW_SHARED_DIR) / "conformance/cin-validator-fixtures";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no fixtures at " << root;
  size_t files = 0, data_rows = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.path().extension() != ".csv" || e.path().parent_path() == root) continue;
    ProblemLog p;
    const Return r = read_cin_files({e.path().string()}, CollectionYear{2023}, p);
    ASSERT_EQ(r.files.size(), 1u);
    EXPECT_EQ(p.count(Severity::error), 0u) << e.path() << "\n" << problems_text(p);
    ASSERT_TRUE(r.files[0].table.has_value()) << e.path();
    EXPECT_EQ(schema(*r.files[0].table).name, e.path().stem().string()) << e.path();
    const ReturnTable* t = r.find(*r.files[0].table);
    ASSERT_NE(t, nullptr) << e.path();
    // Rows whose every field is empty are skipped (and said); each row kept has its line, so its
    // position in the file is known (the fixtures' expected rows count blank ones too).
    EXPECT_EQ(t->rows() + r.files[0].blank_records, r.files[0].records_read) << e.path();
    // The file's own count of data lines (the fixtures have no quoted line breaks).
    std::ifstream in(e.path());
    std::string line;
    size_t lines = 0;
    while (std::getline(in, line)) lines += !line.empty();
    EXPECT_EQ(r.files[0].records_read, lines - 1) << e.path();
    ++files;
    data_rows += t->rows();
  }
  EXPECT_EQ(files, 193u);  // find shared/conformance/cin-validator-fixtures -name '*.csv' -path '*/case_*' | wc -l
  EXPECT_GT(data_rows, 0u);
}
