// Inputs that used to give wrong numbers silently (issue #11, section 3, docs/bad-input.md): a
// year whose return has no usable episodes, a year missing from the span, year folders that are
// misnamed, empty or doubled, links that lead nowhere, dates a return cannot hold, header rows
// that disagree, an unclosed quote, a header of a million columns. Each is either a located
// reason to stop (IngestReport::fatal) or a warning that says what was done.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "careflow/io/ingest.hpp"
#include "careflow/report/ingest_summary.hpp"
#include "temp_returns.hpp"

using namespace careflow;
using careflow::testing::kEpisodesHeader;
using careflow::testing::kHeaderHeader;
using careflow::testing::TempReturns;
namespace fs = std::filesystem;

namespace {

Date d(int y, int m, int day) { return Date::from_ymd(y, m, day); }

std::vector<const Problem*> with_rule(const ProblemLog& log, const std::string& rule) {
  std::vector<const Problem*> out;
  for (const auto& p : log.all())
    if (p.rule == rule) out.push_back(&p);
  return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A good 2023/24 return: one child looked after from 1 June 2023, still at 31 March 2024.
void write_good_2023_24(TempReturns& tr) {
  tr.write("2023_24", "header.csv", std::string(kHeaderHeader) + "A1,1,01/01/2015,WBRI,,,\n");
  tr.write("2023_24", "episodes.csv", std::string(kEpisodesHeader) + "A1,01/06/2023,S,C2,N1,U1,PR1,,,,,,\n");
}

// The fatal reason when 2024/25 is broken as `break_it` says (the 2023/24 return is good).
// Both readers (streaming ingest, and read_returns for whole returns) must stop, alike.
template <typename Break>
Problem no_episodes_reason(Break break_it) {
  TempReturns tr;
  write_good_2023_24(tr);
  tr.write("2024_25", "header.csv", std::string(kHeaderHeader) + "A1,1,01/01/2015,WBRI,,,\nB2,2,01/01/2016,WBRI,,,\n");
  tr.write("2024_25", "oc3.csv", "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nB2,01/01/2016,YES,F1,S\n");
  break_it(tr);
  IngestReport streamed, whole;
  ingest({tr.root()}, std::nullopt, streamed);
  const auto returns = read_returns({tr.root()}, std::nullopt, whole);
  EXPECT_TRUE(returns.empty());
  EXPECT_EQ(streamed.fatal.all().size(), 1u);
  EXPECT_EQ(whole.fatal.all().size(), 1u);
  if (streamed.fatal.all().empty() || whole.fatal.all().empty()) return {};
  EXPECT_EQ(streamed.fatal.all()[0].message, whole.fatal.all()[0].message);
  const Problem p = streamed.fatal.all()[0];
  EXPECT_EQ(p.rule, "no-episodes");
  EXPECT_EQ(p.file, tr.folder("2024_25"));
  EXPECT_TRUE(contains(p.message, "the 2024/25 return has no usable episodes")) << p.message;
  // Every file read is named with the table it was taken for.
  EXPECT_TRUE(contains(p.message, "header.csv (Header, 2 row(s))")) << p.message;
  EXPECT_TRUE(contains(p.message, "oc3.csv (OC3, 1 row(s))")) << p.message;
  return p;
}

}  // namespace

// The latest return without usable episodes used to close every open episode ("0 looked after
// for two years", exit 0). Each way of losing them is now a located reason to stop, which says
// which way it is and names what was found instead.
TEST(BadInput, LatestReturnWithoutUsableEpisodesStopsWithTheReason) {
  // No Episodes file at all.
  auto p = no_episodes_reason([](TempReturns&) {});
  EXPECT_TRUE(contains(p.message, "no file holds the Episodes table")) << p.message;
  // Misnamed: episodes.txt is not read, and is named.
  p = no_episodes_reason([](TempReturns& tr) {
    tr.write("2024_25", "episodes.txt", std::string(kEpisodesHeader) + "A1,01/06/2023,S,C2,N1,U1,PR1,,,,,,\n");
  });
  EXPECT_TRUE(contains(p.message, "Not read: episodes.txt (only .csv and .xml files are read)")) << p.message;
  // A folder where the file should be.
  p = no_episodes_reason([](TempReturns& tr) { fs::create_directories(tr.folder("2024_25") + "/episodes.csv"); });
  EXPECT_TRUE(contains(p.message, "episodes.csv (a folder")) << p.message;
  // Empty: no header row, so not a table.
  p = no_episodes_reason([](TempReturns& tr) { tr.write("2024_25", "episodes.csv", ""); });
  EXPECT_TRUE(contains(p.message, "episodes.csv (not read as a table of the return: see its error)")) << p.message;
  // Header only.
  p = no_episodes_reason([](TempReturns& tr) { tr.write("2024_25", "episodes.csv", kEpisodesHeader); });
  EXPECT_TRUE(contains(p.message, "its Episodes table has no rows")) << p.message;
  EXPECT_TRUE(contains(p.message, "episodes.csv (Episodes, 0 row(s))")) << p.message;
  // Rows, but none with a valid DECOM (two-digit years are refused): 2 rows read, none usable.
  p = no_episodes_reason([](TempReturns& tr) {
    tr.write("2024_25", "episodes.csv",
             std::string(kEpisodesHeader) + "A1,01/06/23,S,C2,N1,U1,PR1,,,,,,\nB2,,S,C2,N1,U1,PR1,,,,,,\n");
  });
  EXPECT_TRUE(contains(p.message, "none of its 2 Episodes row(s) has both a CHILD and a valid DECOM")) << p.message;
  // XML with lower-case element names: nothing is read, and the unknown elements are named.
  p = no_episodes_reason([](TempReturns& tr) {
    tr.write("2024_25", "return.xml",
             "<?xml version=\"1.0\"?>\n<EXPSSDA903>\n<child><HEADER><CHILDID>A1</CHILDID></HEADER>"
             "<EPISODE><DECOM>01/06/2023</DECOM></EPISODE></child>\n<child/>\n</EXPSSDA903>\n");
  });
  EXPECT_TRUE(contains(p.message, "no <EPISODE> element was read from the XML")) << p.message;
  EXPECT_TRUE(contains(p.message, "return.xml (the XML form, 0 <CHILD> element(s))")) << p.message;
  // XML with two roots: the file is not well-formed, so nothing in it is used.
  p = no_episodes_reason([](TempReturns& tr) {
    tr.write("2024_25", "return.xml",
             "<?xml version=\"1.0\"?>\n<EXPSSDA903><CHILD><HEADER><CHILDID>A1</CHILDID></HEADER>"
             "<EPISODE><DECOM>01/06/2023</DECOM></EPISODE></CHILD></EXPSSDA903>\n<EXPSSDA903/>\n");
  });
  EXPECT_TRUE(contains(p.message, "return.xml (the XML form, 0 <CHILD> element(s))")) << p.message;
}

// What the XML reader says about lower-case tags and two roots, located.
TEST(BadInput, XmlThatIsNotTheReturnIsNamed) {
  TempReturns tr;
  const auto lower = tr.write("2024_25", "lower.xml",
                              "<?xml version=\"1.0\"?>\n<EXPSSDA903>\n<child/>\n<child/>\n<Child/>\n</EXPSSDA903>\n");
  const auto two = tr.write("2024_25", "two.xml", "<?xml version=\"1.0\"?>\n<EXPSSDA903/>\n<EXPSSDA903>\n</EXPSSDA903>\n");
  const auto root = tr.write("2024_25", "root.xml", "<?xml version=\"1.0\"?>\n<expssda903/>\n");
  ProblemLog log;
  ssda903::Return r;
  ssda903::read_return_xml(lower, r, log);
  ssda903::read_return_xml(two, r, log);
  ssda903::read_return_xml(root, r, log);
  const auto unknown = with_rule(log, "unknown-element");
  // Two names: <child> twice (from line 3) and <Child> once (line 5).
  ASSERT_EQ(unknown.size(), 2u);
  EXPECT_EQ(unknown[0]->line, 3u);
  EXPECT_TRUE(contains(unknown[0]->message, "2 <child> element(s)")) << unknown[0]->message;
  EXPECT_EQ(unknown[1]->line, 5u);
  EXPECT_TRUE(contains(unknown[1]->message, "1 <Child> element(s)")) << unknown[1]->message;
  const auto bad = with_rule(log, "bad-xml");
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0]->file, two);
  EXPECT_EQ(bad[0]->line, 3u);  // the second root
  EXPECT_TRUE(contains(bad[0]->message, "2 top-level elements")) << bad[0]->message;
  EXPECT_EQ(bad[1]->file, root);
  EXPECT_TRUE(contains(bad[1]->message, "element names are case-sensitive")) << bad[1]->message;
}

// A year missing from the middle of the span. Returns 2020/21 and 2022/23; 2021/22 missing.
//  A: open from 01/06/2020 in 2020/21, absent from 2022/23: it ended within the gap. Closed on
//     31/03/2022, the day before the 2022/23 return begins (else counted for ever: the 29%).
//  B: open in 2020/21; next episode (in 2022/23) starts 01/02/2022, within the gap: closed then.
//  C: open in 2020/21; next episode starts 01/06/2022, after the gap: C was not looked after on
//     1 April 2022 (else 2022/23 would hold that episode), so closed on 31/03/2022.
//  D: the same open episode in both returns: carried, no repair.
// At 31/03/2023: B (episode from 01/02/2022 open), C (from 01/06/2022), D = 3 (A would make 4).
// At 31/03/2022: B, D = 2 (A and C end that day, so are not counted; DfE counts the day's end).
// At 31/03/2021: A, B, C, D = 4.
TEST(BadInput, MissingYearIsNamedAndEpisodesAreClosedAtTheGap) {
  TempReturns tr;
  tr.write("2020_21", "episodes.csv", std::string(kEpisodesHeader) +
                                          "A1,01/06/2020,S,C2,N1,U1,PR1,,,,,,\n"
                                          "B2,01/07/2020,S,C2,N1,U1,PR1,,,,,,\n"
                                          "C3,01/08/2020,S,C2,N1,U1,PR1,,,,,,\n"
                                          "D4,01/09/2020,S,C2,N1,U1,PR1,,,,,,\n");
  tr.write("2022_23", "episodes.csv", std::string(kEpisodesHeader) +
                                          "B2,01/02/2022,P,C2,N1,U4,PR1,,,,,,\n"
                                          "C3,01/06/2022,S,C2,N1,U1,PR1,,,,,,\n"
                                          "D4,01/09/2020,S,C2,N1,U1,PR1,,,,,,\n");
  IngestReport r;
  const History h = ingest({tr.root()}, std::nullopt, r);
  ASSERT_TRUE(r.usable());
  ASSERT_EQ(r.missing_years.size(), 1u);
  EXPECT_EQ(r.missing_years[0].end_year, 2022);
  const auto missing = with_rule(r.problems, "missing-year");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0]->severity, Severity::warning);
  EXPECT_EQ(missing[0]->file, tr.folder("2022_23"));
  EXPECT_TRUE(contains(missing[0]->message, "no return for 2021/22 (between the 2020/21 and 2022/23 returns)"))
      << missing[0]->message;
  EXPECT_EQ(r.repairs_by_rule.at("open-episode-closed-at-gap"), 3u);
  EXPECT_EQ(h.count_looked_after_on(d(2021, 3, 31)), 4u);
  EXPECT_EQ(h.count_looked_after_on(d(2022, 3, 31)), 2u);
  EXPECT_EQ(h.count_looked_after_on(d(2023, 3, 31)), 3u);
  // Episodes by child, then start: A's, B's two, C's two, D's.
  ASSERT_EQ(h.episodes.size(), 6u);
  EXPECT_EQ(h.episodes[0].end, d(2022, 3, 31));  // A
  EXPECT_EQ(h.episodes[1].end, d(2022, 2, 1));   // B, closed when the next began
  EXPECT_EQ(h.episodes[3].end, d(2022, 3, 31));  // C
  EXPECT_TRUE(h.episodes[5].is_open());          // D
  // The summary table skips the missing year rather than showing zeros for it.
  const auto c = count(h);
  ASSERT_EQ(c.years.size(), 2u);
  EXPECT_EQ(c.years[1].looked_after_at_31_march, 3u);
}

// Folders for years: misnamed, empty, doubled. Each is a located reason to stop, but for two
// byte-identical copies (or one folder given twice), read once with a warning.
TEST(BadInput, YearFoldersMisnamedEmptyOrDoubled) {
  {  // "2024_26" is no collection year (it used to be read as 2023/24 and merged with it).
    TempReturns tr;
    write_good_2023_24(tr);
    tr.write("2024_26", "episodes.csv", std::string(kEpisodesHeader) + "A1,01/06/2023,S,C2,N1,U1,PR1,,,,,,\n");
    IngestReport r;
    ingest({tr.root()}, std::nullopt, r);
    ASSERT_EQ(r.fatal.all().size(), 1u);
    EXPECT_EQ(r.fatal.all()[0].rule, "no-year");
    EXPECT_EQ(r.fatal.all()[0].file, tr.folder("2024_26"));
    EXPECT_TRUE(contains(r.fatal.all()[0].message, "the second year must follow the first")) << r.fatal.all()[0].message;
    EXPECT_FALSE(parse_collection_year("2024_26").has_value());
  }
  {  // An empty year folder (it used to be dropped).
    TempReturns tr;
    write_good_2023_24(tr);
    tr.write("2024_25", "notes.txt", "to do\n");
    IngestReport r;
    ingest({tr.root()}, std::nullopt, r);
    ASSERT_EQ(r.fatal.all().size(), 1u);
    EXPECT_EQ(r.fatal.all()[0].rule, "empty-year-folder");
    EXPECT_EQ(r.fatal.all()[0].file, tr.folder("2024_25"));
    EXPECT_TRUE(contains(r.fatal.all()[0].message, "notes.txt")) << r.fatal.all()[0].message;
  }
  {  // Two different folders for one year (they used to be merged).
    TempReturns tr;
    write_good_2023_24(tr);
    tr.write("2024", "episodes.csv", std::string(kEpisodesHeader) + "Z9,01/06/2023,S,C2,N1,U1,PR1,,,,,,\n");
    IngestReport r;
    ingest({tr.root()}, std::nullopt, r);
    ASSERT_EQ(r.fatal.all().size(), 1u);
    EXPECT_EQ(r.fatal.all()[0].rule, "two-folders-for-one-year");
    EXPECT_EQ(r.fatal.all()[0].file, tr.folder("2024"));
    EXPECT_TRUE(contains(r.fatal.all()[0].message, tr.folder("2023_24"))) << r.fatal.all()[0].message;
  }
  {  // Byte-identical copies, and the same folder given twice: read once. The Episodes rows read
     // are 1, not 2 or 3, and nothing is a duplicate.
    TempReturns tr;
    write_good_2023_24(tr);
    for (const char* f : {"header.csv", "episodes.csv"})
      fs::copy_file(tr.folder("2023_24") + "/" + f, tr.write("2024", f, "") , fs::copy_options::overwrite_existing);
    IngestReport r;
    const History h = ingest({tr.root(), tr.folder("2023_24")}, std::nullopt, r);
    ASSERT_TRUE(r.usable());
    EXPECT_EQ(with_rule(r.problems, "duplicate-year-folder").size(), 1u);
    EXPECT_EQ(with_rule(r.problems, "same-folder-twice").size(), 1u);
    EXPECT_EQ(r.tally(ssda903::Table::episodes).read, 1u);
    EXPECT_EQ(r.tally(ssda903::Table::episodes).duplicates, 0u);
    EXPECT_EQ(h.episodes.size(), 1u);
  }
}

// Links that lead nowhere and folders where files are expected: located, never an exception.
TEST(BadInput, LinkLoopsAndFoldersForFilesAreLocatedErrors) {
  TempReturns tr;
  write_good_2023_24(tr);
  const std::string loop = tr.root() + "/loop";
  fs::create_symlink("loop", loop);
  IngestReport r;
  ingest({loop}, std::nullopt, r);
  ASSERT_EQ(r.fatal.all().size(), 1u);
  EXPECT_EQ(r.fatal.all()[0].file, loop);
  EXPECT_EQ(r.fatal.all()[0].rule, "unreadable");
  // A loop named as a year among the year folders is that year, unreadable: not dropped.
  fs::create_symlink("2024_25", tr.root() + "/2024_25");
  IngestReport r2;
  ingest({tr.root()}, std::nullopt, r2);
  ASSERT_FALSE(r2.usable());
  EXPECT_EQ(r2.fatal.all()[0].file, tr.root() + "/2024_25");
  // A folder read as a file: refused before any buffer is sized by it (it used to be
  // std::bad_alloc), and said so.
  std::string bytes;
  EXPECT_FALSE(read_file(tr.folder("2023_24"), bytes));
  EXPECT_EQ(why_unreadable(tr.folder("2023_24")), "it is a folder, not a file");
  ProblemLog log;
  ssda903::read_return_files({tr.folder("2023_24")}, CollectionYear{2024}, log);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.all()[0].rule, "unreadable");
  EXPECT_EQ(log.all()[0].message, "the file cannot be read: it is a folder, not a file");
}

// Dates a return cannot hold and header rows that disagree: counted, located, and what was done
// said. The 2024/25 return (year end 31/03/2025):
//  header.csv line 2: K1 sex 2; the 2023/24 return said 1 -> sex-changed (latest used)
//             lines 3, 4: K2 twice, disagreeing on SEX and DOB -> conflicting-header at line 4,
//                         the later row used (sex 2, DOB 05/05/2012)
//             line 5: K3 born 01/01/2026, after the year -> date-after-year (DOB), 1
//             lines 6, 7: K4 twice, M and 1 (the same sex in old and new codes), same DOB: no conflict
//  episodes.csv line 2: K1 open since 01/06/2023
//               line 3: K2 from 01/04/2012, before the DOB used (05/05/2012) -> episode-before-birth, 1
//               line 4: K4 from 15/04/2025, after the year -> date-after-year (DECOM), 1, used as given
//               lines 5, 6: K5, K6 end 20/04/2025 and 20/05/2025, after the year -> date-after-year
//                           (DEC), 2, taken as open at 31/03/2025
// Looked after at 31/03/2025: K1, K5, K6 = 3 (K2 ended 01/05/2024; K4 starts later).
TEST(BadInput, DatesAfterTheYearBeforeBirthAndConflictingHeadersAreCounted) {
  TempReturns tr;
  tr.write("2023_24", "header.csv", std::string(kHeaderHeader) + "K1,1,01/01/2015,WBRI,,,\n");
  tr.write("2023_24", "episodes.csv", std::string(kEpisodesHeader) + "K1,01/06/2023,S,C2,N1,U1,PR1,,,,,,\n");
  const auto header = tr.write("2024_25", "header.csv",
                               std::string(kHeaderHeader) +
                                   "K1,2,01/01/2015,WBRI,,,\n"
                                   "K2,1,01/02/2012,WBRI,,,\n"
                                   "K2,2,05/05/2012,WBRI,,,\n"
                                   "K3,1,01/01/2026,WBRI,,,\n"
                                   "K4,M,01/01/2013,WBRI,,,\n"
                                   "K4,1,01/01/2013,WBRI,,,\n");
  const auto episodes = tr.write("2024_25", "episodes.csv",
                                 std::string(kEpisodesHeader) +
                                     "K1,01/06/2023,S,C2,N1,U1,PR1,,,,,,\n"
                                     "K2,01/04/2012,S,C2,N1,U1,PR1,01/05/2024,E4A,,,,\n"
                                     "K4,15/04/2025,S,C2,N1,U1,PR1,,,,,,\n"
                                     "K5,01/10/2024,S,C2,N1,U1,PR1,20/04/2025,E4A,,,,\n"
                                     "K6,01/10/2024,S,C2,N1,U1,PR1,20/05/2025,E4A,,,,\n");
  IngestReport r;
  const History h = ingest({tr.root()}, std::nullopt, r);
  ASSERT_TRUE(r.usable());
  EXPECT_EQ(h.count_looked_after_on(d(2025, 3, 31)), 3u);

  const auto sex_changed = with_rule(r.problems, "sex-changed");
  ASSERT_EQ(sex_changed.size(), 1u);
  EXPECT_EQ(sex_changed[0]->file, header);
  EXPECT_EQ(sex_changed[0]->line, 2u);
  EXPECT_TRUE(contains(sex_changed[0]->message, "differs from the 2023/24 return")) << sex_changed[0]->message;

  const auto conflicting = with_rule(r.problems, "conflicting-header");
  ASSERT_EQ(conflicting.size(), 1u);
  EXPECT_EQ(conflicting[0]->line, 4u);
  EXPECT_TRUE(contains(conflicting[0]->message, "the one on line 3 on SEX and DOB; this row, the later, is used"))
      << conflicting[0]->message;
  // Which row won: K2 is the second child by identifier (K1, K2, ...).
  const Child& k2 = h.children[1];
  ASSERT_EQ(k2.id, "K2");
  EXPECT_TRUE(k2.is_female());
  EXPECT_EQ(k2.dob, d(2012, 5, 5));
  // The date of birth is never quoted.
  EXPECT_FALSE(contains(conflicting[0]->message, "2012")) << conflicting[0]->message;

  const auto after = with_rule(r.problems, "date-after-year");
  ASSERT_EQ(after.size(), 3u);  // DOB in header.csv; DECOM and DEC in episodes.csv
  EXPECT_EQ(after[0]->file, header);
  EXPECT_EQ(after[0]->column, "DOB");
  EXPECT_TRUE(contains(after[0]->message, "1 date(s) of birth are after 31 March 2025, the end of the 2024/25 "
                                          "collection year this return is for (line 5)"))
      << after[0]->message;
  EXPECT_EQ(after[1]->file, episodes);
  EXPECT_EQ(after[1]->column, "DEC");
  EXPECT_EQ(after[1]->message,
            "2 episode(s) end after 31 March 2025, the end of the 2024/25 collection year this return is for "
            "(lines 5, 6): those episodes are taken as still open at 31 March 2025");
  EXPECT_EQ(after[2]->column, "DECOM");
  EXPECT_TRUE(contains(after[2]->message, "1 episode(s) start after 31 March 2025")) << after[2]->message;
  EXPECT_TRUE(contains(after[2]->message, "(line 4): the dates are used as given")) << after[2]->message;

  const auto before_birth = with_rule(r.problems, "episode-before-birth");
  ASSERT_EQ(before_birth.size(), 1u);
  EXPECT_EQ(before_birth[0]->file, episodes);
  EXPECT_TRUE(contains(before_birth[0]->message, "1 episode(s) start before the child's date of birth (line 3)"))
      << before_birth[0]->message;
  EXPECT_TRUE(r.tally(ssda903::Table::episodes).balances());
}

// An unclosed quote swallows the rest of its file. Lines: 1 header, 2-3 good rows, 4 the row
// whose quote opens and never closes, 5-7 three rows it swallowed, 8 blank. Rows read = 2 good
// + the broken one + 3 swallowed = 6; unreadable = 4; kept = 2.
TEST(BadInput, UnterminatedQuoteCountsTheRowsItSwallowed) {
  TempReturns tr;
  const auto path = tr.write("2024_25", "episodes.csv",
                             std::string(kEpisodesHeader) +
                                 "A1,01/06/2024,S,C2,N1,U1,PR1,,,,,,\n"
                                 "A2,01/06/2024,S,C2,N1,U1,PR1,,,,,,\n"
                                 "A3,01/06/2024,S,C2,N1,U1,PR1,,,,\"AB1 2CD,,\n"
                                 "A4,01/06/2024,S,C2,N1,U1,PR1,,,,,,\n"
                                 "A5,01/06/2024,S,C2,N1,U1,PR1,,,,,,\n"
                                 "A6,01/06/2024,S,C2,N1,U1,PR1,,,,,,\n"
                                 "\n");
  IngestReport r;
  const History h = ingest({tr.folder("2024_25")}, std::nullopt, r);
  const auto& t = r.tally(ssda903::Table::episodes);
  EXPECT_EQ(t.read, 6u);
  EXPECT_EQ(t.unreadable, 4u);
  EXPECT_EQ(t.kept, 2u);
  EXPECT_TRUE(t.balances());
  EXPECT_EQ(h.episodes.size(), 2u);
  const auto q = with_rule(r.problems, "unterminated-quote");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0]->file, path);
  EXPECT_EQ(q[0]->line, 4u);
  EXPECT_EQ(q[0]->column, "HOME_POST");
  EXPECT_TRUE(contains(q[0]->message, "the record from line 4 and the 3 line(s) after it that held data were not used"))
      << q[0]->message;
}

// A header of a million columns: 999,987 are not Episodes columns. Only the first 1,000 warnings
// of that kind are listed; the rest are counted, and the file is still read (its one row kept).
TEST(BadInput, MillionColumnHeaderGivesABoundedProblemList) {
  TempReturns tr;
  constexpr size_t kColumns = 1000000, kExtra = kColumns - 13;
  std::string text = std::string(kEpisodesHeader);
  text.pop_back();  // the newline
  text.reserve(kColumns * 9);
  for (size_t i = 0; i < kExtra; ++i) text += ",X" + std::to_string(i);
  text += "\nA1,01/06/2024,S,C2,N1,U1,PR1,,,,,,";
  text.append(kExtra, ',');
  text += "\n";
  tr.write("2024_25", "episodes.csv", text);
  tr.write("2024_25", "header.csv", std::string(kHeaderHeader) + "A1,1,01/01/2015,WBRI,,,\n");
  IngestReport r;
  const History h = ingest({tr.folder("2024_25")}, std::nullopt, r);
  EXPECT_EQ(h.episodes.size(), 1u);
  EXPECT_EQ(with_rule(r.problems, "extra-column").size(), size_t{ProblemLog::kListedPerFileAndRule});
  ASSERT_EQ(r.problems.omitted().size(), 1u);
  EXPECT_EQ(r.problems.omitted()[0].rule, "extra-column");
  EXPECT_EQ(r.problems.omitted()[0].count, kExtra - ProblemLog::kListedPerFileAndRule);
  EXPECT_EQ(r.problems.count(Severity::warning), kExtra);
  EXPECT_LT(r.problems.all().size(), size_t{1100});
  // The table of problems says how many were not listed.
  const auto table = problems_table(r.problems);
  EXPECT_EQ(table.rows.size(), r.problems.all().size() + 1);
  EXPECT_TRUE(contains(std::get<std::string>(table.rows.back()[5]), "998987 more warning(s) of this kind"));
}
