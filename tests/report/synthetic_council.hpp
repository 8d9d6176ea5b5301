// Report tests need a council large enough for disclosure control to leave numbers visible and
// for charts to have shapes: they take one from careflow synth, the generator the demo uses.
#pragma once

#include <cstdint>
#include <string>

#include "careflow/synth/synth.hpp"
#include "io/temp_returns.hpp"

namespace careflow::testing {

// `la`: the council's home area (an upper-tier LA code); empty: one chosen by the seed.
inline void write_synthetic_council(TempReturns& tr, int population, int first_year, int last_year, uint64_t seed,
                                    const std::string& la = "") {
  synth::SynthOptions o;
  o.la = la;
  o.population = population;
  o.first_year = first_year;
  o.last_year = last_year;
  o.seed = seed;
  synth::generate(o, tr.root());
}

}  // namespace careflow::testing
