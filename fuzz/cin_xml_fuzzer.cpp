// libFuzzer target: a Children in Need census return in DfE's XML (<Message>), read into the
// census's tables and built into a CIN timeline as `careflow ingest` does; and the first-bytes
// test that tells census files from the 903's. See fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

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
  return 0;
}
