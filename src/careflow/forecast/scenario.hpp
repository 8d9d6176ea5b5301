// Scenarios and costs: what a council wants to try ("20% fewer entries of 10-15s from April",
// "more children home within six months", "21 children from IFA to in-house foster care over
// three years", population growth, unit costs and inflation), read from a TOML file or built
// from CLI flags, applied identically to both models and compared with the baseline.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/date.hpp"
#include "careflow/core/unit_costs.hpp"
#include "careflow/forecast/common.hpp"

namespace careflow::forecast {

// Weekly unit cost by placement kind, and annual inflation applied each April (costs are at the
// prices of the first forecast financial year). Defaults are core's ILLUSTRATIVE round numbers,
// the report's too (core/unit_costs.hpp): councils should give their own (--unit-costs FILE,
// placement_category,weekly_cost, read by io/unit_costs.hpp).
struct CostSettings {
  std::array<double, kKindCount> weekly = kIllustrativeWeeklyCosts;
  double inflation = 0.0;  // per year, e.g. 0.03
  bool illustrative = true;
  std::vector<std::string> warnings;  // about the unit-costs file (old column names), shown with the spend
  // The council's unit costs (or the illustrative ones) as the forecast's.
  void use(const UnitCosts& u) {
    weekly = u.weekly;
    illustrative = u.illustrative();
    warnings = u.warnings;
  }
  // Multiplier for a day: (1 + inflation) ^ (financial years since the first forecast year).
  double inflation_factor(Date day, Date forecast_start) const;
};

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

// Which leavers a re-entry lever acts on: by how the child left (the re-entry hazard's own split,
// MicrosimModel::reenter: home = E4A, E4B, E13; other = any other way but the 18th birthday).
enum class LeftHow : int8_t { any = -1, home = 0, other = 1 };

// The hazard of a change of legal status from `from_group` (to `to_group`, or to any group when
// unset) multiplied by `factor` from `from` on, e.g. faster care proceedings: interim to full
// care order x 1.5. Only that part of the hazard is scaled: with p the share of changes from
// `from_group` that go to `to_group` (by age band), the hazard of leaving `from_group` becomes
// m = 1 + (factor - 1) p times the fitted one and a change goes to `to_group` with probability
// p factor / m (as for returns home).
struct LegalChangeLever {
  LegalGroup from_group = LegalGroup::interim_care_order;
  std::optional<LegalGroup> to_group = LegalGroup::full_care_order;
  double factor = 1.0;
  Date from;
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
  // Re-entry (microsimulation with re-entry simulated, the default): the hazard of coming back
  // into care multiplied by `reentry_factor` from the date `reentry_from` on, for children who
  // left as `reentry_after` says (e.g. support after a return home: 0.5, home). Applies to
  // children who left before the forecast date as well as to those who leave during it.
  double reentry_factor = 1.0;
  LeftHow reentry_after = LeftHow::any;
  Date reentry_from;
  bool reentry_applies(int how) const {
    return reentry_factor != 1.0 && (reentry_after == LeftHow::any || static_cast<int>(reentry_after) == how);
  }
  // Legal status (microsimulation only: the stock-flow model has no legal status).
  std::optional<LegalChangeLever> legal_change;
  std::vector<MixShift> shifts;
  double population_growth = 0.0;  // per year, compounding on entries from the forecast start
  CostSettings costs;

  bool is_baseline() const;
  // Multiplier on the entry rate of a child aged `age` on `day`.
  double entry_multiplier(int age, Date day, Date forecast_start) const;
  // Children moved by each shift on `day` (before capping at the stock available).
  double shifted(const MixShift& s, Date day) const;
};

// The names a scenario file (and a CLI flag) gives placement kinds (kind_name: foster_ifa, ...),
// legal-status groups (legal_group_name: interim_care_order, ...) and ways of leaving (home,
// other, any); nullopt for any other name.
std::optional<Kind> kind_from_name(std::string_view name);
std::optional<LegalGroup> legal_group_from_name(std::string_view name);
std::optional<LeftHow> left_how_from_name(std::string_view name);

// Levers from names and numbers, checked as a scenario file's are and refused with the file's
// messages ("scenario: ..."): the TOML reader builds its levers through these, and so does
// whatever gives a lever as values (the CLI's flags, through api), so that a lever means the same
// and is refused the same wherever it is written. Dates are the caller's to set.
// A [[shift]] of `children` from one kind to another (MixShift::from and to left as they are).
std::optional<std::string> make_shift(std::string_view from_kind, std::string_view to_kind, double children, MixShift& out);
// [reentry]: the factor and who it acts on, into `out` (reentry_from left as it is).
std::optional<std::string> set_reentry(double factor, std::string_view after, Scenario& out);
// [legal_status] from a group to another (or "any") (LegalChangeLever::from left as it is).
std::optional<std::string> make_legal_change(std::string_view from_group, std::string_view to_group, double factor,
                                             LegalChangeLever& out);

// Parses a TOML scenario (see docs/forecast.md for the keys). Returns an error message on failure.
std::optional<std::string> load_scenario_toml(const std::string& path, Scenario& out);
// `source` names the text in messages ("FILE:LINE:COLUMN: ..." for what TOML cannot read).
std::optional<std::string> parse_scenario_toml(const std::string& text, Scenario& out,
                                               const std::string& source = "scenario");

}  // namespace careflow::forecast
