// Care histories with known dynamics, built directly as `History` objects, for tests, the
// backtest's calibration check and benchmarks: Poisson arrivals by age with an optional trend,
// a two-level hazard of leaving care (duration dependence), placement moves, re-entries and the
// 18th birthday. Not a realistic generator (that is `careflow synth`); its value is that the
// truth is known.
#pragma once

#include <array>
#include <cstdint>

#include "careflow/core/history.hpp"

namespace careflow::forecast {

struct SimulatedHistorySettings {
  int first_year = 2016;            // first collection year (end year)
  int last_year = 2025;             // last collection year
  double entrants_per_year = 300;   // at the start of the first collection year
  double annual_growth = 0.0;       // trend in arrivals (e.g. 0.05 = +5% a year)
  double early_hazard = 1.0 / 200;  // daily hazard of leaving care in the first `early_days`
  double late_hazard = 1.0 / 900;   // and after
  int early_days = 180;
  double move_hazard = 1.0 / 500;   // daily hazard of a placement move
  double reentry_share = 0.1;       // of children returned home, share who come back
  std::array<double, 18> age_weights{8, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 5, 6, 6, 5, 3};
  uint64_t seed = 1;
};

History simulate_history(const SimulatedHistorySettings& s);

}  // namespace careflow::forecast
