// libFuzzer target: the CSV reader (decoding, quoting, record accounting) and table recognition.
// Oracles: the records balance; streaming the rows (as ingest does) gives the rows, lines,
// header and problems that parsing into a table gives. See fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/io/csv.hpp"
#include "careflow/io/ssda903.hpp"
#include "fuzz_files.hpp"

using namespace careflow;

namespace {

class Rows final : public CsvRowSink {
 public:
  void header(const std::vector<std::string>& columns) override { columns_ = columns; }
  void row(const std::string_view* fields, uint32_t line) override {
    for (size_t k = 0; k < columns_.size(); ++k) cells.emplace_back(fields[k]);
    lines.push_back(line);
  }
  std::vector<std::string> columns_, cells;
  std::vector<uint32_t> lines;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto r = parse_csv(bytes, "fuzz.csv");
  if (r.readable && r.records_read != r.table.rows() + r.records_rejected + r.blank_records)
    fuzz::fail("records read != rows + rejected + blank");

  std::string buffer(bytes);
  Rows rows;
  const auto s = stream_csv(buffer, "fuzz.csv", rows);
  if (s.readable != r.readable || s.records_read != r.records_read || s.records_rejected != r.records_rejected ||
      s.blank_records != r.blank_records || s.table.encoding != r.table.encoding)
    fuzz::fail("stream_csv and parse_csv count differently");
  if (s.problems.all().size() != r.problems.all().size()) fuzz::fail("stream_csv and parse_csv report differently");
  fuzz::expect_utf8(r.problems);
  if (r.readable) {
    if (rows.columns_ != r.table.columns) fuzz::fail("stream_csv and parse_csv read different headers");
    r.table.upper_case();
    if (rows.lines.size() != r.table.rows()) fuzz::fail("stream_csv and parse_csv keep different rows");
    for (size_t i = 0; i < r.table.rows(); ++i) {
      if (rows.lines[i] != r.table.line(i)) fuzz::fail("stream_csv and parse_csv give different lines");
      for (size_t c = 0; c < r.table.cols(); ++c)
        if (rows.cells[i * r.table.cols() + c] != r.table.cell(i, c)) fuzz::fail("stream_csv and parse_csv give different cells");
    }
    ProblemLog problems;
    (void)ssda903::to_return_table(std::move(r.table), "episodes.csv", problems);
    fuzz::expect_utf8(problems);
  }
  return 0;
}
