// libFuzzer target: report filters (`careflow report --filter sex=F`, age=10-15, uasc=yes,
// ls=C2). See fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string>

#include "careflow/analyse/analyse.hpp"
#include "fuzz_files.hpp"

using namespace careflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  analyse::Filter f;
  const std::string error = analyse::parse_filter(text, f);
  if (error.empty() == f.empty()) fuzz::fail("a filter either parses into a criterion or is refused with a message");
  (void)f.describe();
  return 0;
}
