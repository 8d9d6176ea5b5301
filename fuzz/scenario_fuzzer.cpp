// libFuzzer target: TOML scenario files (`careflow forecast --scenario`, `careflow report
// --scenario`), parsed and then asked what the forecast asks of them. See fuzz/README.md.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "careflow/forecast/scenario.hpp"
#include "fuzz_files.hpp"

using namespace careflow;
using namespace careflow::forecast;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Scenario sc;
  if (parse_scenario_toml(text, sc)) return 0;  // refused, with a message
  // What the models ask of an accepted scenario, over the forecast span.
  const Date start = Date::from_ymd(2025, 3, 31);
  (void)sc.is_baseline();
  for (int age = 0; age < 18; age += 5)
    for (int day = 0; day < 5 * 366; day += 200) {
      const double m = sc.entry_multiplier(age, start + day, start);
      if (std::isnan(m)) fuzz::fail("an accepted scenario gives an entry multiplier that is not a number");
      (void)sc.costs.inflation_factor(start + day, start);
      for (const auto& s : sc.shifts)
        if (std::isnan(sc.shifted(s, start + day))) fuzz::fail("an accepted shift moves a number of children that is not a number");
    }
  return 0;
}
