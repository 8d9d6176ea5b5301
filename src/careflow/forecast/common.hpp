// Shared vocabulary of the forecasting models: placement kinds (the unit of cost and of the
// microsimulation), the demand model's broad categories, age bands, financial years and
// a small reproducible random generator. Kept in one header so that both models, costs,
// scenarios and the backtest classify a child identically.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/base/random.hpp"
#include "careflow/core/code_lists.hpp"
#include "careflow/core/date.hpp"
#include "careflow/core/groupings.hpp"

namespace careflow::forecast {

// Placement kinds are the demand model's categories and legal status groups DfE's, both data in
// core (core/groupings.hpp, docs/groupings.md): the forecast names them as it always has.
using Kind = DemandCategory;
inline constexpr int kKindCount = kDemandCategoryCount;
inline std::string_view kind_name(Kind k) { return demand_category_name(k); }    // snake_case
inline std::string_view kind_label(Kind k) { return demand_category_label(k); }  // for people
inline Kind kind_of(CodeIndex place, CodeIndex provider) { return demand_category(place, provider); }

// The demand model's four categories (regional generation: K3, P3, S1 included).
using Broad = BroadCategory;
inline constexpr int kBroadCount = kBroadCategoryCount;
inline std::string_view broad_name(Broad b) { return broad_category_name(b); }
inline std::string_view broad_label(Broad b) { return broad_category_label(b); }
inline Broad broad_of(Kind k) { return broad_category(k); }

// Legal status groups as DfE's tables show them (core/groupings.hpp). The microsimulation's
// states are these groups: L (hours to days, then a court order or S20) and J (until the remand
// ends, which is usually leaving care) behave so differently that pooled into one state, the few
// long J stays gave the pooled state a zero hazard after two weeks and short L stays became
// permanent.
using careflow::LegalGroup;
using careflow::kLegalGroupCount;
using careflow::legal_group_name;
using careflow::legal_group_label;
using careflow::legal_group_of;

// Age bands by completed years at their lower edges; default = the demand model's brackets
// (core/groupings.hpp: the same edges as DfE's, under 1, 1-4, 5-9, 10-15, 16+).
struct AgeBands {
  std::vector<int> lower{groupings::demand_model_age_bands().lower.begin(), groupings::demand_model_age_bands().lower.end()};
  int count() const { return static_cast<int>(lower.size()); }
  int band_of_age(int age) const {
    int b = 0;
    for (int i = 0; i < count(); ++i)
      if (age >= lower[i]) b = i;
    return b;
  }
  std::string label(int b) const;
  std::string name(int b) const;
};

// Financial year containing a date, named by its ending year (2025 = April 2024 - March 2025).
inline int financial_year_of(Date d) {
  const auto ymd = d.ymd();
  return ymd.month >= 4 ? ymd.year + 1 : ymd.year;
}
std::string financial_year_label(int end_year);  // "2024-25"
// Quarter of the financial year, 1 (Apr-Jun) .. 4 (Jan-Mar).
inline int financial_quarter_of(Date d) {
  const int m = d.ymd().month;
  return m >= 4 ? (m - 4) / 3 + 1 : 4;
}
// Last day of the month containing d.
Date month_end(Date d);

// The simulation's draws over careflow's xoshiro256** (base/random.hpp): a run's numbers depend
// only on (seed, run index), never on threads or library versions.
// Ziggurat tables for Rng::exponential (built once at start-up; common.cpp).
struct ZigguratTables {
  uint64_t k[256];
  double w[256], f[256];
  ZigguratTables();
};
extern const ZigguratTables kZiggurat;

class Rng : public Xoshiro256 {
 public:
  using Xoshiro256::Xoshiro256;
  // Exp(1) by Marsaglia and Tsang's ziggurat (256 layers): ~99% of draws are one random number,
  // a table look-up, a multiply and a compare, against a `log` each by inversion (the `log` was
  // 12% of the simulation's time). The layer index and the value use separate bits of the
  // 64-bit draw (the original shared them, a known flaw).
  double exponential() {
    const uint64_t r = next();
    const size_t i = r & 255;
    const uint64_t j = r >> 11;  // 53 bits
    if (j < kZiggurat.k[i]) return static_cast<double>(j) * kZiggurat.w[i];
    return exponential_tail(i, j);
  }
  // Exp(1) by inversion, -log(1 - u): kept for simulate_history so that the histories with known
  // dynamics (and the figures measured on them) do not change with the sampler.
  double exponential_by_inversion() { return -std::log(1.0 - uniform()); }
  double normal();
  // Poisson by inversion for small means, by the normal approximation with continuity
  // correction above 500 (an error far below Monte Carlo noise at that size).
  int64_t poisson(double mean);
  // Gamma(shape, 1) by Marsaglia-Tsang.
  double gamma(double shape);
  // Index drawn with probability proportional to weights (cumulative, last = total).
  size_t pick(const std::vector<double>& cumulative);

 private:
  double exponential_tail(size_t i, uint64_t j);
};

// Seed of run `run` of a forecast seeded with `seed`.
inline uint64_t run_seed(uint64_t seed, uint64_t run) {
  uint64_t x = seed * 0x100000001b3ULL + run;
  return Rng::splitmix(x);
}

// Empirical quantile (type 7, as R's default and numpy's) of unsorted values; p in [0, 1].
double quantile(std::vector<double> values, double p);

}  // namespace careflow::forecast
