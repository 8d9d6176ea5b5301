// Shared vocabulary of the forecasting models: placement kinds (the unit of cost and of the
// microsimulation), the Social Finance model's broad categories, age bands, financial years and
// a small reproducible random generator. Kept in one header so that both models, costs,
// scenarios and the backtest classify a child identically.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/code_lists.hpp"
#include "careflow/core/date.hpp"
#include "careflow/core/random.hpp"

namespace careflow::forecast {

// Placement kinds: the Social Finance regional model's nine cost items (PLACE x PLACE_PROVIDER),
// plus placed for adoption, which it folds into "Other". In-house = provider PR1-PR3 (or
// missing), external = PR4-PR5.
enum class Kind : uint8_t {
  foster_relative,       // U1-U3
  foster_in_house,       // U4-U6 with PR1-PR3
  foster_ifa,            // U4-U6 with PR4-PR5 (independent fostering agency)
  residential_in_house,  // K2, R1, P3, S1 with PR1-PR3
  residential_external,  // the same with PR4-PR5
  supported,             // H5, P2, K3
  secure,                // K1
  with_parents,          // P1
  adoption,              // A3-A6
  other,                 // everything else, and missing
};
inline constexpr int kKindCount = 10;
std::string_view kind_name(Kind k);   // snake_case
std::string_view kind_label(Kind k);  // for people
Kind kind_of(CodeIndex place, CodeIndex provider);

// The Social Finance model's four categories (regional generation: K3, P3, S1 included).
enum class Broad : uint8_t { fostering, residential, supported, other };
inline constexpr int kBroadCount = 4;
std::string_view broad_name(Broad b);
std::string_view broad_label(Broad b);
Broad broad_of(Kind k);

// Legal status groups as DfE's "children looked after" tables show them: care orders split into
// interim (C1) and full (C2); placement order granted (E1) with the old freeing order (D1), which
// DfE reports beside it; voluntary agreements under section 20 (V2); detained for child
// protection (L1-L3); youth justice statuses (J1-J3); and other (missing, or short-break codes
// V3/V4 inside a period that is not all short breaks). The microsimulation's states are these
// groups: L (hours to days, then a court order or S20) and J (until the remand ends, which is
// usually leaving care) behave so differently that pooled into one state, the few long J
// stays gave the pooled state a zero hazard after two weeks and short L stays became permanent.
enum class LegalGroup : uint8_t {
  interim_care_order, full_care_order, placement_order, section20, detained, youth_justice, other
};
inline constexpr int kLegalGroupCount = 7;
std::string_view legal_group_name(LegalGroup g);   // snake_case
std::string_view legal_group_label(LegalGroup g);  // for people
LegalGroup legal_group_of(CodeIndex legal_status);

// Age bands by completed years at their lower edges; default = the SF model's and DfE's
// (under 1, 1-4, 5-9, 10-15, 16+).
struct AgeBands {
  std::vector<int> lower{0, 1, 5, 10, 16};
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

// The simulation's draws over careflow's xoshiro256** (core/random.hpp): a run's numbers depend
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
