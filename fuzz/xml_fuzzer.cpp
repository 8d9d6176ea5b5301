// libFuzzer target: the return's XML form (<EXPSSDA903>), read into the return's tables and
// built into a history as `careflow ingest` and `careflow validate` do. See fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "careflow/io/ingest.hpp"
#include "careflow/io/ssda903.hpp"
#include "fuzz_files.hpp"

using namespace careflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ssda903::Return ret;
  ret.year = CollectionYear{2025};
  ProblemLog problems;
  ssda903::read_return_xml_text(std::string_view(reinterpret_cast<const char*>(data), size), "return.xml", ret,
                                problems);
  if (ret.files.size() != 1) fuzz::fail("one file report per XML file");
  const auto& report = ret.files.front();
  if (report.records_rejected > report.records_read) fuzz::fail("more children rejected than read");
  if (const auto* header = ret.find(ssda903::Table::header);
      header && header->rows() != report.records_read - report.records_rejected)
    fuzz::fail("a Header row for each child kept");
  IngestReport ingest_report;
  ingest_report.problems = problems;
  const History h = build_history({ret}, ingest_report);
  fuzz::expect_utf8(ingest_report.problems);
  for (const auto& t : ingest_report.tables)
    if (!t.balances()) fuzz::fail("a table's rows do not balance");
  return 0;
}
