// `ingest` reads each file straight into compact records and never holds a whole return; the
// validator (and `read_returns` + `build_history`) reads whole returns first. Both must give the
// same history and the same report, problem for problem and in the same order, on messy input:
// every injected fault, several files of one table, reordered and extra columns, quoted fields,
// the XML form, identifiers too long to pack, and UTF-16.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <tuple>

#include "careflow/io/ingest.hpp"
#include "careflow/synth/synth.hpp"

using namespace careflow;

namespace {

void write(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

auto fields(const Problem& p) { return std::tie(p.severity, p.file, p.line, p.column, p.rule, p.message); }
auto fields(const Child& c) {
  return std::make_tuple(c.id, c.dob, c.dob_known, c.sex, c.ethnicity, c.uasc, c.uasc_ceased, c.latest_return,
                         c.first_episode, c.episode_count, c.first_period, c.period_count, c.first_placement,
                         c.placement_count);
}
auto fields(const Episode& e) {
  return std::make_tuple(e.child, e.start, e.end, e.reason_new, e.legal_status, e.need, e.placement_type, e.provider,
                         e.reason_ceased, e.reason_place_change, e.collection_year, e.home_postcode,
                         e.placement_postcode, e.urn);
}
auto fields(const PeriodOfCare& p) {
  return std::make_tuple(p.child, p.first_episode, p.episode_count, p.first_placement, p.placement_count, p.start,
                         p.end, p.reason_ceased, p.number, p.short_breaks);
}
auto fields(const Placement& p) {
  return std::make_tuple(p.child, p.period, p.first_episode, p.episode_count, p.start, p.end, p.placement_type,
                         p.provider, p.reason_place_change, p.postcode);
}
auto fields(const LegalStatusSpan& s) { return std::make_tuple(s.child, s.period, s.start, s.end, s.legal_status); }
auto fields(const MissingSpell& m) { return std::make_tuple(m.child, m.start, m.end, m.type); }
auto fields(const Review& r) { return std::make_tuple(r.child, r.date, r.participation); }
auto fields(const Adoption& a) {
  return std::make_tuple(a.child, a.should_be_placed, a.matched, a.by_foster_carer, a.number_of_adopters,
                         a.sex_of_adopters, a.legal_status_of_adopters);
}
auto fields(const AdoptionDecision& a) { return std::make_tuple(a.child, a.decided, a.reversed, a.reason_reversed); }

template <typename T>
void expect_same(const std::vector<T>& a, const std::vector<T>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(fields(a[i]) == fields(b[i])) << what << " " << i;
}

}  // namespace

TEST(StreamingIngest, SameHistoryAndReportAsReadingWholeReturns) {
  synth::SynthOptions o;
  o.seed = 23;
  o.population = 200;
  o.first_year = 2022;
  o.last_year = 2025;
  o.messiness = 1.0;
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("careflow_stream_" + std::to_string(::getpid()) + "_" + std::to_string(rd()));
  synth::generate(o, dir.string());
  // A second Episodes file for 2023/24, columns reordered, one extra, quoted fields and lower
  // case; its rows follow episodes.csv's (file-name order) and repeat one of its own.
  write(dir / "2023_24" / "extra_episodes.csv",
        "decom,CHILD,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN,NOTE\r\n"
        "01/05/2023,\"z1\",s,c2,n1,u4,pr1,,,,\"ab1 2cd\",,SC000001,\"a, b\"\r\n"
        "01/05/2023,Z1,S,C2,N1,U4,PR1,01/06/2023,E11,,,,SC000001,\r\n"
        "02/05/2023,LONG-IDENTIFIER-0001,S,V2,N1,U6,PR1,,,,,,,\r\n"
        "02/05/2023,,S,V2,N1,U6,PR1,,,,,,,\r\n"
        "03/05/2023,Y2,S,V2,N1,U6,PR1,20/04/2024,E4A,,,,,\r\n");  // ends after the year: date-after-year
  write(dir / "2023_24" / "extra_header.csv",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nz1,1,01/01/2010,WBRI,,,\nZ1,1,02/01/2010,XXXX,,,\n"
        "LONG-IDENTIFIER-0001,2,01/01/2012,WBRI,,,\n");
  write(dir / "2024_25" / "extra_header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nZ1,1,03/01/2010,WBRI,,,\n");
  // The XML form of part of a return, beside CSV files of the same year.
  write(dir / "2024_25" / "part.xml",
        "<?xml version=\"1.0\"?><EXPSSDA903><CHILD><HEADER><CHILDID>X7</CHILDID><SEX>1</SEX>"
        "<DOB>01/01/2010</DOB><ETHNIC>WBRI</ETHNIC><UASC>0</UASC><AREVIEW><REVIEW>01/06/2024</REVIEW>"
        "<REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW><AREVIEW><REVIEW>01/06/2024</REVIEW>"
        "<REVIEW_CODE>PN2</REVIEW_CODE></AREVIEW></HEADER><EPISODE><DECOM>01/04/2024</DECOM><RNE>S</RNE>"
        "<LS>C2</LS><CIN>N1</CIN><PL>U4</PL><DEC/><REC/></EPISODE></CHILD>\n<CHILD><HEADER><SEX>2</SEX>"
        "</HEADER></CHILD></EXPSSDA903>");

  IngestReport streamed;
  const History a = ingest({dir.string()}, std::nullopt, streamed);
  IngestReport whole;
  const auto returns = read_returns({dir.string()}, std::nullopt, whole);
  const History b = build_history(returns, whole);
  std::filesystem::remove_all(dir);

  ASSERT_FALSE(a.episodes.empty());
  ASSERT_EQ(streamed.problems.all().size(), whole.problems.all().size());
  for (size_t i = 0; i < streamed.problems.all().size(); ++i)
    EXPECT_TRUE(fields(streamed.problems.all()[i]) == fields(whole.problems.all()[i]))
        << i << ": " << to_string(streamed.problems.all()[i]) << " vs " << to_string(whole.problems.all()[i]);
  for (size_t k = 0; k < ssda903::kTableCount; ++k) {
    const auto& x = streamed.tables[k];
    const auto& y = whole.tables[k];
    EXPECT_TRUE(std::tie(x.read, x.unreadable, x.rejected, x.superseded, x.duplicates, x.kept) ==
                std::tie(y.read, y.unreadable, y.rejected, y.superseded, y.duplicates, y.kept))
        << ssda903::schema(static_cast<ssda903::Table>(k)).name;
    EXPECT_TRUE(x.balances());
  }
  EXPECT_EQ(streamed.repairs_by_rule, whole.repairs_by_rule);
  EXPECT_TRUE(streamed.usable() && whole.usable());
  // The rules added for bad input fired on both paths alike (compared above, problem by problem).
  size_t conflicting = 0, after_year = 0;
  for (const auto& p : streamed.problems.all()) {
    conflicting += p.rule == "conflicting-header";
    after_year += p.rule == "date-after-year";
  }
  EXPECT_GE(conflicting, 1u);  // z1 and Z1 in extra_header.csv: one child, two dates of birth
  EXPECT_GE(after_year, 1u);
  EXPECT_EQ(streamed.files_read, whole.files_read);
  EXPECT_EQ(streamed.files_unrecognised, whole.files_unrecognised);
  // The hand-written rows did what they should: a duplicate, a long identifier, the XML child.
  EXPECT_GE(streamed.repairs_by_rule.count("duplicate-episode"), 1u);
  bool long_id = false, xml_child = false;
  for (const auto& c : a.children) {
    long_id |= c.id == "LONG-IDENTIFIER-0001";
    xml_child |= c.id == "X7" && c.episode_count == 1;
  }
  EXPECT_TRUE(long_id);
  EXPECT_TRUE(xml_child);

  expect_same(a.children, b.children, "children");
  expect_same(a.episodes, b.episodes, "episodes");
  expect_same(a.periods, b.periods, "periods");
  expect_same(a.placements, b.placements, "placements");
  expect_same(a.legal_statuses, b.legal_statuses, "legal statuses");
  expect_same(a.missing, b.missing, "missing");
  expect_same(a.reviews, b.reviews, "reviews");
  expect_same(a.adoptions, b.adoptions, "adoptions");
  expect_same(a.adoption_decisions, b.adoption_decisions, "adoption decisions");
  EXPECT_EQ(a.strings, b.strings);
  EXPECT_EQ(a.years, b.years);
}
