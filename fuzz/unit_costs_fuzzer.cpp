// libFuzzer target: unit-cost files (`--unit-costs` of report and forecast: placement_category,
// weekly_cost, or the old kind / placement_group / placement_type columns), read by io and then
// costed by the report's analyses on a small history. See fuzz/README.md. Oracle: a cost careflow
// accepts is a number of pounds (finite, not negative).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "careflow/analyse/analyse.hpp"
#include "careflow/io/unit_costs.hpp"
#include "fuzz_files.hpp"
#include "small_return.hpp"

using namespace careflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  analyse::Options o;
  if (!parse_unit_costs(text, "unit_costs.csv", o.unit_costs))
    for (double w : o.unit_costs.weekly)
      if (!std::isfinite(w) || w < 0) fuzz::fail("a weekly cost that is not a number of pounds was accepted");
  const auto a = analyse::assess(fuzz::small_history(), o);
  for (const auto& t : a.tables)
    if (t.table.id == "unit_costs")
      for (const auto& row : t.table.rows)
        if (const double* w = std::get_if<double>(&row[1]); w && (!std::isfinite(*w) || *w < 0))
          fuzz::fail("the report accepted a weekly cost that is not a number of pounds");
  return 0;
}
