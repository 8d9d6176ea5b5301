// Dynamics drawn per council, and the councils of the forecast test bench (docs/synth.md,
// "Dynamics"; docs/forecast.md, "The test bench"). The ranges are those councils' published
// figures show over 2015/16-2024/25 (england_cla_la_timeseries_2010_to_2025_combined.csv): entries
// rising or falling by up to about 6% a year for several years, turning (many peaked around
// 2020/21), and mixes moving by several points over a few years.
#include <algorithm>
#include <cmath>

#include "careflow/synth/model.hpp"

namespace careflow::synth {

void draw_dynamics(SynthOptions& o) {
  // A stream of its own ("Dynamics"): the council's other draws do not depend on it. Every value
  // is drawn whether used or not, so each draw has a fixed place in the stream.
  Rng r(o.seed ^ 0x44796E616D696373ull);
  const int first = std::min(o.first_year, o.last_year), last = std::max(o.first_year, o.last_year);
  auto year_in = [&](int lo, int hi) { return std::clamp(lo + r.below(std::max(1, hi - lo + 1)), first, last); };
  Dynamics d;
  o.trend_per_year = -0.06 + 0.12 * r.uniform();
  // Entries follow a trend of their own before a turn inside the span (flat half the time).
  d.turn_year = year_in(first, last - 2);
  const bool turned = r.chance(0.5);
  const double before = -0.04 + 0.08 * r.uniform();
  d.trend_before = turned ? before : 0.0;
  {
    const bool on = r.chance(0.4);
    const int from = year_in(first + 2, last - 1);
    const double cut = 0.15 + 0.30 * r.uniform();
    if (on) d.edge_of_care_year = from, d.edge_of_care_cut = cut;
  }
  {
    const bool on = r.chance(0.4);
    const int from = year_in(first + 1, last - 2), length = r.between(0, 2);
    const double slowdown = 0.3 + 0.7 * r.uniform();
    if (on) d.backlog_from = from, d.backlog_to = std::min(last, from + length), d.backlog_slowdown = slowdown;
  }
  {
    const bool on = r.chance(0.5);
    const int from = year_in(first, last - 3), length = r.between(2, 6);
    const double share = 0.05 + 0.20 * r.uniform();
    if (on) d.residential_from = from, d.residential_to = std::min(last, from + length), d.to_residential = share;
  }
  {
    const bool on = r.chance(0.5);
    const int from = year_in(first, last - 3), length = r.between(2, 6);
    const double share = 0.05 + 0.20 * r.uniform();
    if (on) d.agency_from = from, d.agency_to = std::min(last, from + length), d.to_agency = share;
  }
  o.dynamics = d;
}

SynthOptions bench_council(int index) {
  SynthOptions o;
  o.seed = 1000 + static_cast<uint64_t>(index);
  o.first_year = 2016, o.last_year = 2025;
  o.postcodes = false;
  // Sizes spread evenly over log(30)..log(5,000) by the golden-ratio sequence, so that any first
  // n councils cover small and large alike.
  const double u = std::fmod(0.5 + 0.6180339887498949 * index, 1.0);
  o.population = static_cast<int>(std::lround(30.0 * std::pow(5000.0 / 30.0, u)));
  draw_dynamics(o);
  return o;
}

}  // namespace careflow::synth
