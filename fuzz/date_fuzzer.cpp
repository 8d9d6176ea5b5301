// libFuzzer target: date parsing. See fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "careflow/core/date.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto p = careflow::parse_date(std::string_view(reinterpret_cast<const char*>(data), size));
  if (p && careflow::Date::from_ymd(p.date.ymd()).days() != p.date.days()) __builtin_trap();
  return 0;
}
