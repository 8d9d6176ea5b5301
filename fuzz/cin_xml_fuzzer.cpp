// libFuzzer target: a Children in Need census return in DfE's XML (<Message>), read into the
// census's tables and built into a CIN timeline as `careflow ingest` does; and the first-bytes
// test that tells census files from the 903's; and the benchmark's own CIN figures from that
// timeline. See fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "careflow/benchmark/own_cin.hpp"
#include "careflow/io/cin_census.hpp"
#include "careflow/io/cin_ingest.hpp"
#include "fuzz_files.hpp"

using namespace careflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)cin::is_cin_text(bytes, "return.xml");
  (void)cin::is_cin_text(bytes, "cin_details.csv");
  cin::Return ret;
  ret.year = CollectionYear{2024};
  ProblemLog problems;
  cin::read_cin_xml_text(bytes, "return.xml", ret, problems);
  if (ret.files.size() != 1) fuzz::fail("one file report per XML file");
  const auto& report = ret.files.front();
  if (!report.used) {
    for (const auto& t : ret.tables)
      if (t) fuzz::fail("a refused file left rows in a table");
    if (problems.count(Severity::error) == 0) fuzz::fail("a refused file without a located error");
  } else if (const auto* ids = ret.find(cin::Table::child_identifiers);
             (ids ? ids->rows() : 0) != report.records_read) {
    fuzz::fail("a ChildIdentifiers row for each <Child>");
  }
  for (const auto& t : ret.tables)
    if (t && t->data.cols() != cin::schema(t->table).columns.size()) fuzz::fail("a table without its schema's columns");
  fuzz::expect_utf8(problems);
  cin::TimelineReport timeline_report;
  const cin::Timeline timeline = cin::build_timeline({ret}, timeline_report);
  fuzz::expect_utf8(timeline_report.problems);
  for (const auto& s : cin::schemas())
    if (s.table != cin::Table::pre_proceedings && !timeline_report.tally(s.table).balances())
      fuzz::fail("a table's rows do not balance");
  if (timeline.children.size() != timeline_report.tally(cin::Table::child_identifiers).kept)
    fuzz::fail("a child for each ChildIdentifiers row kept");
  // The benchmark's own figures from the timeline (careflow benchmark --returns).
  const auto own = benchmark::own_cin_years(timeline);
  if (own.size() != timeline.years.size()) fuzz::fail("own CIN figures for each year read");
  for (const auto& y : own) {
    if (y.rereferrals) fuzz::fail("re-referrals without the previous year's return");
    if (y.cpp_starts_subsequent + y.cpp_starts_previous_unknown > y.cpp_starts)
      fuzz::fail("more second plans than plans started");
    if (y.cpp_at31 > static_cast<long>(timeline.children.size())) fuzz::fail("more children on plans than children");
  }
  return 0;
}
