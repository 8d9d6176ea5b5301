// The one table of weekly placement costs, by the demand model's categories (core/groupings.hpp):
// the partition the sector's demand model costs and finance officers budget by (in-house against
// independent fostering, in-house against external residential care). The report's spend and the
// forecast's spend both read it, so that for the same children and year they agree.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "careflow/core/groupings.hpp"

namespace careflow {

// ILLUSTRATIVE round numbers (GBP a week), not a source: a council should give its own
// (--unit-costs FILE with columns placement_category,weekly_cost; docs/groupings.md).
inline constexpr std::array<double, kDemandCategoryCount> kIllustrativeWeeklyCosts{350, 550, 950, 5000, 6500,
                                                                                   1500, 9000, 150, 300, 1200};

struct UnitCosts {
  std::array<double, kDemandCategoryCount> weekly = kIllustrativeWeeklyCosts;
  std::array<bool, kDemandCategoryCount> given{};  // set by the council's file
  std::string source;                              // the file, or empty: the illustrative defaults
  std::vector<std::string> warnings;               // about the file (old column names), for terminal and report
  bool illustrative() const { return source.empty(); }
  double weekly_cost(DemandCategory c) const { return weekly[static_cast<size_t>(c)]; }
};

}  // namespace careflow
