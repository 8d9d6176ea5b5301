// The simulated world behind `careflow synth`: children and their care histories, and the
// random numbers that drive them. Internal to src/careflow/synth.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "careflow/base/random.hpp"

#include "careflow/core/code_lists.hpp"
#include "careflow/core/date.hpp"
#include "careflow/synth/synth.hpp"

namespace careflow::synth {

// The generator's draws, over careflow's own xoshiro256** (base/random.hpp) rather than <random>,
// whose distributions differ between library versions: the same seed must give the same bytes
// on every machine.
class Rng : public Xoshiro256 {
 public:
  using Xoshiro256::Xoshiro256;
  bool chance(double p) { return uniform() < p; }
  int below(int n) { return static_cast<int>(uniform() * n); }                // 0..n-1
  int between(int lo, int hi) { return lo + below(hi - lo + 1); }            // inclusive
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  double normal() {  // Box-Muller; one value per call keeps the stream simple
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Log-normal with the given median (days) and log-scale spread.
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }
  int poisson(double mean);
  // Index drawn from weights (need not sum to 1).
  template <size_t N>
  int pick(const double (&w)[N]) {
    double total = 0;
    for (double x : w) total += x;
    double u = uniform() * total;
    for (size_t i = 0; i < N; ++i) {
      if (u < w[i]) return static_cast<int>(i);
      u -= w[i];
    }
    return static_cast<int>(N - 1);
  }
};

// ---- A child's history ------------------------------------------------------------------------

inline constexpr uint32_t kNoPostcode = UINT32_MAX;

struct Episode {
  Date start, end;  // end is the DEC; Date::open() if beyond the simulated horizon
  CodeIndex rne = kNoCode, ls = kNoCode, cin = kNoCode, place = kNoCode, provider = kNoCode,
            rec = kNoCode, rpc = kNoCode;
  uint32_t urn = 0;  // 0: none
  // Postcodes, as numbers in the postcode directory (kNoPostcode: none), drawn after the
  // simulation from a stream of their own (assign_postcodes), so the care dynamics of a seed
  // do not depend on them. HOME_POST is the family home when the period of care began.
  uint32_t home_post = kNoPostcode, pl_post = kNoPostcode;
};

struct Review {
  Date date;
  CodeIndex code = kNoCode;
};
struct Missing {
  Date start, end;
  bool away = false;  // A rather than M
};
struct SwEpisode {
  Date start, end;
  uint32_t worker = 0;
  CodeIndex reason = kNoCode;
};
struct Decision {  // "should be placed for adoption"
  Date placed, ceased;  // ceased is open() if not reversed
  CodeIndex reason = kNoCode;
};
struct Adoption {
  Date date_int, date_match, adopted;
  bool foster_carer = false;
  uint8_t adopters = 2;
  CodeIndex sex = kNoCode, ls = kNoCode;
};
struct Dolo {
  Date start, end;
};
struct PeriodInfo {
  Date start, end;  // end open() if beyond horizon
  CodeIndex prev_perm = kNoCode;
  int prev_perm_year = 0;
};

struct Child {
  uint32_t id = 0;
  Date dob;
  bool male = true, uasc = false, mother = false;
  Date mc_dob;
  CodeIndex ethnic = kNoCode;
  uint64_t upn = 0;  // 0: not known (UN codes)
  std::vector<PeriodInfo> periods;
  std::vector<Episode> episodes;
  std::vector<Review> reviews;
  std::vector<Missing> missing;
  std::vector<SwEpisode> social_workers;
  std::vector<Decision> decisions;
  std::vector<Adoption> adoptions;
  std::vector<Dolo> dolos;
  // OC2/OC3 answers are drawn when written, from a stream seeded by the child.
  uint64_t seed = 0;
};

class PostcodeSampler;

struct World {
  SynthOptions options;
  Date horizon;  // 31 March of the last year; anything later is unknown to the returns
  std::vector<Child> children;
  // Set by generate() when the postcode directory is there: the council's home area (-1 for
  // England as a whole, where each family's own council is its home area).
  const PostcodeSampler* postcodes = nullptr;
  int council = -1;
};

// Simulates every child who could appear in the returns (from 18 years before the first year).
World simulate(const SynthOptions& options);

// The day proceedings begun on `from` reach a point `d - from` days of progress in when a court
// backlog (Dynamics) slows them: each calendar day of the backlog gives 1 / (1 + slowdown) of a
// day's progress. No draw, and a map that only stretches, so a period's steps keep their order;
// without a backlog it is `d`.
Date court_progress(Date from, Date d, const Dynamics& dynamics);

// Number of starters a year used for a council of the given options (before any trend).
double starters_per_year(const SynthOptions& options);

}  // namespace careflow::synth
