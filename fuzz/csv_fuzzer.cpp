// libFuzzer target: the CSV reader and table recognition. See fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "careflow/io/csv.hpp"
#include "careflow/io/ssda903.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto r = careflow::parse_csv(bytes, "fuzz.csv");
  if (r.records_read != r.table.rows() + r.records_rejected + r.blank_records && r.readable) __builtin_trap();
  if (r.readable) {
    careflow::ProblemLog problems;
    auto t = careflow::ssda903::to_return_table(std::move(r.table), "episodes.csv", problems);
    (void)t;
  }
  return 0;
}
