// libFuzzer target: unit-cost files, both forms: `careflow forecast --unit-costs`
// (kind,weekly_cost) and `careflow report --unit-costs` (placement_group or placement_type,
// weekly_cost), the second read by the report's analyses on a small history. See
// fuzz/README.md. Oracle: a cost careflow accepts is a number of pounds (finite, not negative).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "careflow/analyse/analyse.hpp"
#include "careflow/forecast/scenario.hpp"
#include "careflow/io/reference_data.hpp"
#include "fuzz_files.hpp"
#include "small_return.hpp"

using namespace careflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::TempFolder folder;
  static const bool once = (set_reference_data_dir((folder.root() / "no-reference-data").string()), true);
  (void)once;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  forecast::CostSettings costs;
  if (!forecast::parse_unit_costs_csv(text, "unit_costs.csv", costs))
    for (double w : costs.weekly)
      if (!std::isfinite(w) || w < 0) fuzz::fail("forecast accepted a weekly cost that is not a number of pounds");

  folder.write({{"unit_costs.csv", text}});
  analyse::Options o;
  o.unit_costs_file = (folder.root() / "unit_costs.csv").string();
  const auto a = analyse::assess(fuzz::small_history(), o);
  for (const auto& t : a.tables)
    if (t.table.id == "unit_costs")
      for (const auto& row : t.table.rows)
        if (const double* w = std::get_if<double>(&row[1]); w && (!std::isfinite(*w) || *w < 0))
          fuzz::fail("the report accepted a weekly cost that is not a number of pounds");
  return 0;
}
