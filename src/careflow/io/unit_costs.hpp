// Reading the council's weekly placement costs (--unit-costs, for report and forecast alike):
// one format, `placement_category,weekly_cost`, a row per demand-model category (its snake_case
// name, e.g. foster_ifa, or its label). Files in the two formats careflow read before are
// accepted with a warning: the forecast's `kind,weekly_cost` (the same categories) and the
// report's `placement_group,weekly_cost` or `placement_type,weekly_cost` (needs-assessment
// placement groups or PLACE codes), whose rows set every category their codes fall in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "careflow/core/unit_costs.hpp"

namespace careflow {

// Reads `path` into `costs` (categories not in the file keep their value); returns an error
// naming the file, line and column, or nothing.
std::optional<std::string> read_unit_costs(const std::string& path, UnitCosts& costs);
// The same from the file's bytes; `path` names it in messages.
std::optional<std::string> parse_unit_costs(std::string_view bytes, const std::string& path, UnitCosts& costs);

}  // namespace careflow
