// Scenarios and costs: what a council wants to try ("20% fewer entries of 10-15s from April",
// "more children home within six months", "21 children from IFA to in-house foster care over
// three years", population growth, unit costs and inflation), read from a TOML file or built
// from CLI flags, applied identically to both models and compared with the baseline.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "careflow/core/date.hpp"
#include "careflow/forecast/common.hpp"

namespace careflow::forecast {

// Weekly unit cost by placement kind, and annual inflation applied each April (costs are at the
// prices of the first forecast financial year). Defaults are ILLUSTRATIVE round numbers, not a
// source: councils should give their own (unit-cost CSV: kind,weekly_cost).
struct CostSettings {
  std::array<double, kKindCount> weekly{350, 550, 950, 5000, 6500, 1500, 9000, 150, 300, 1200};
  double inflation = 0.0;  // per year, e.g. 0.03
  bool illustrative = true;
  // Multiplier for a day: (1 + inflation) ^ (financial years since the first forecast year).
  double inflation_factor(Date day, Date forecast_start) const;
};
// Reads "kind,weekly_cost" rows (kind as kind_name, e.g. foster_ifa); returns an error message
// or nothing.
std::optional<std::string> load_unit_costs_csv(const std::string& path, CostSettings& costs);

// Entries of children aged [age_from, age_to] (completed years at entry) multiplied by `factor`
// from `from` on.
struct EntryChange {
  int age_from = 0, age_to = 17;
  double factor = 1.0;
  Date from;
};

// `children` moved from one kind to another, phased in linearly between `from` and `to` (and
// kept after), never more than are in the `from` kind on the day.
struct MixShift {
  Kind from_kind = Kind::foster_ifa, to_kind = Kind::foster_in_house;
  double children = 0;
  Date from, to;
};

struct Scenario {
  std::string name = "baseline";
  std::string description;
  std::vector<EntryChange> entry_changes;
  // Exits home within the first `return_home_days` of a period multiplied by this factor for
  // periods starting on or after `return_home_from` (microsimulation only: the stock-flow model
  // has no time in care).
  double return_home_factor = 1.0;
  int return_home_days = 182;
  Date return_home_from;
  std::vector<MixShift> shifts;
  double population_growth = 0.0;  // per year, compounding on entries from the forecast start
  CostSettings costs;

  bool is_baseline() const;
  // Multiplier on the entry rate of a child aged `age` on `day`.
  double entry_multiplier(int age, Date day, Date forecast_start) const;
  // Children moved by each shift on `day` (before capping at the stock available).
  double shifted(const MixShift& s, Date day) const;
};

// Parses a TOML scenario (see docs/forecast.md for the keys). Returns an error message on failure.
std::optional<std::string> load_scenario_toml(const std::string& path, Scenario& out);
std::optional<std::string> parse_scenario_toml(const std::string& text, Scenario& out);

}  // namespace careflow::forecast
