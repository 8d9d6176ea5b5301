// libFuzzer target: collection years in folder names and PATH@YEAR tags ("2024_25", "2025",
// "lac2024-25", "202425"). See fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "careflow/core/date.hpp"
#include "fuzz_files.hpp"

using namespace careflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto y = parse_collection_year(text);
  if (!y) return 0;
  // A year read from a name is one careflow can label and read back from its label.
  const auto again = parse_collection_year(y->label());
  if (!again || *again != *y) fuzz::fail("a collection year does not read back from its own label");
  if (y->start() >= y->end()) fuzz::fail("a collection year ends before it starts");
  return 0;
}
