// The stochastic microsimulation: each child in care on the forecast date continues their
// period of care, with the time still to spend drawn from the empirical hazard of leaving care
// given the time already spent (by age at entry, pooled with neighbouring ages; censoring and
// left truncation handled as in Kaplan-Meier); the 18th birthday ends care. New entrants arrive
// by single year of age as Poisson processes at the rate of the reference window, with a fitted
// log-linear trend. Placements follow a semi-Markov pathway (move hazard by time in placement,
// destination by kind and age band) sampled from history. Each run has its own seed derived
// from (seed, run), so results do not depend on the number of threads.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include "careflow/core/history.hpp"
#include "careflow/forecast/common.hpp"
#include "careflow/forecast/scenario.hpp"

namespace careflow::forecast {

struct MicrosimSettings {
  Date as_of;                  // forecast origin: only what was known on this date is used
  int years = 5;
  int runs = 1000;
  uint64_t seed = 1;
  int arrivals_window_days = 365;  // level and age mix of entrants
  bool trend = true;               // fit a log-linear trend to yearly entrants (needs 3+ years)
  int trend_years = 5;
  // Prior s.d. of the yearly log growth of entrants (see fit_entry_trend): set a priori as the
  // scale of sustained change in a council's entrants, not fitted to any backtest; infinity
  // uses the fitted trend as it is, 0 no trend.
  double trend_prior_sd = 0.05;
  bool parameter_uncertainty = true;  // draw the entry level and trend per run
  // The trend after the origin need not be the one before it (a new service, a turn in
  // demand): each run changes the yearly log growth of entrants by N(0, sd^2) from the origin
  // on, mean-preserving (the multiplier at t years is exp(d t - sd^2 t^2 / 2)). 0.065 by default:
  // calibrated on the forecast test bench (40 councils, docs/forecast.md "The test bench"), where
  // it brings the 80%/95% coverage of totals from 70.7/86.9% to 79.6/94.6% (79.9/94.9% with the
  // backtest's second seed), within 3 points of nominal for small, middling and large councils,
  // with MAPE within Monte Carlo error. 0: the trend of the past carries on unchanged.
  double trend_change_sd = 0.065;
  // Re-entry as its own process (MicrosimModel::reenter); off: a re-entry is an arrival like any
  // other (the model before November 2026; less accurate on synth councils, docs/forecast.md).
  bool reentry = true;
  // Leaving care by legal status at the origin (MicrosimModel::legal_exit_observed): the
  // leaving hazard of each child in care at the origin scaled by their legal group's ratio of
  // observed to expected exits; off: every child in care leaves at the hazard of their age at
  // entry and time in care alone (the model before December 2026).
  bool exits_by_legal_status = true;
  AgeBands bands;
};

// Exit routes reported per financial year.
enum class Route : uint8_t { home, adoption, sgo, other, age_18 };
inline constexpr int kRouteCount = 5;
std::string_view route_name(Route r);

// Piecewise-constant hazard on a grid of durations (days), as a cumulative hazard at the edges.
struct Hazard {
  std::vector<double> edges;  // edges[0] = 0; the last interval extends for ever
  std::vector<double> rate;   // daily hazard within [edges[k], edges[k+1])
  std::vector<double> cum;    // cumulative hazard at edges[k]
  double cumulative(double t) const;
  double inverse(double H) const;  // smallest t with cumulative(t) = H (infinity if never)
  // A duration t >= u drawn given survival to u; hazard multiplied by `m` before `m_until`.
  double sample_given(double u, double E, double m = 1.0, double m_until = 0.0) const;
  void finish();  // fills cum from rate (and the lookup table below)
  // Interval of the first day of each week before the last edge (edges every 7+ days): with a
  // short forward scan it makes cumulative() a table look-up in the simulation's inner loop
  // instead of a binary search, in under 1 kB per hazard (a table by day missed the cache).
  std::vector<uint8_t> interval_of_week;
  size_t interval(double t) const;
  // Likewise on the cumulative hazard scale, for the inverse: a lower bound of the interval
  // holding H, by H's binary exponent and its top kLogCumBits mantissa bits (steps of 1/16 of an
  // octave from 2^kLogCumMinExp to 2^kLogCumMaxExp). Steps relative to H keep the forward scan
  // to about one interval at every scale: equal steps of [0, cum.back()) were too coarse where
  // cum.back() is large and most targets small, and the scan was 14% of the simulation.
  static constexpr int kLogCumBits = 4, kLogCumMinExp = -14, kLogCumMaxExp = 10;
  std::vector<uint8_t> interval_of_cum;
  // sample_given(u, E) without a multiplier, for the simulation's inner loop: the same interval
  // by the two tables and a short forward scan instead of binary searches, the same arithmetic,
  // so the same result to the last bit (tests/forecast/microsim_test.cpp checks it).
  double sample(double u, double E) const;
};

inline double Hazard::sample(double u, double E) const {
  size_t k = 0;
  double target = E;  // u = 0: interval 0 and cum[0] = edges[0] = 0, so the general case gives E too
  if (u != 0) {
    if (u >= 0 && u < 7.0 * static_cast<double>(interval_of_week.size())) {  // interval(u), inlined
      k = interval_of_week[static_cast<size_t>(u * (1.0 / 7.0))];
      while (edges[k + 1] <= u) ++k;  // u is below the last edge here
    } else {
      k = interval(u);
    }
    target = (cum[k] + (u - edges[k]) * rate[k]) + E;
  }
  const size_t n = cum.size();
  // Both k and the table's entry are lower bounds of target's interval: the same k as a scan.
  if (!interval_of_cum.empty()) {
    constexpr uint64_t base = static_cast<uint64_t>(1023 + kLogCumMinExp) << kLogCumBits;
    const uint64_t g = (std::bit_cast<uint64_t>(target) >> (52 - kLogCumBits)) - base;  // wraps below the table
    if (g < interval_of_cum.size()) k = std::max<size_t>(k, interval_of_cum[g]);
    else if (target >= static_cast<double>(1 << kLogCumMaxExp)) k = std::max<size_t>(k, interval_of_cum.back());
  }
  while (k + 1 < n && cum[k + 1] <= target) ++k;
  if (rate[k] <= 0) return std::numeric_limits<double>::infinity();
  return edges[k] + (target - cum[k]) / rate[k];
}

struct MicrosimModel {
  Date as_of;
  AgeBands bands;
  std::array<Hazard, 18> leave;                    // by age at entry
  // Children already in care when the data start whose period's start is not in the data (its
  // first visible episode is not RNE = S) cannot be placed on the duration scale: their time in
  // care is only known to exceed what is visible. Treated as if their period began at the first
  // visible episode, long stayers would be given the high leaving hazard of new entrants. They
  // follow their own hazard instead, of time since the data start, estimated from that cohort's
  // own exits (by age band at the data start).
  Date data_start;
  std::array<Hazard, 5> leave_unknown_start;
  std::array<double, 18> home_share_early{};       // share of exits within 6 months that are home
  std::array<std::array<double, kRouteCount>, 18 * 3> route_cum{};  // by (age band at exit, tic band)
  std::array<std::array<Hazard, 5>, kKindCount> move;  // by kind, age band (0-4,5-9,10-15,16+ folded to 5)
  std::array<std::array<std::vector<double>, 5>, kKindCount> destination;  // cumulative weights over kinds
  // Destination also by the time still to spend in care after the move (< 182 days, 182-364,
  // >= 365 days, the 18th birthday included): moves just before leaving (home on placement with
  // parents before a return home, to former carers before an SGO, to semi-independence before
  // 18) are not made by children who stay. Without it the pooled destinations drain fostering
  // into kinds that, in the simulation, nobody then leaves. Empty: use `destination`.
  static constexpr int kRemainingBands = 3;
  std::array<std::array<std::array<std::vector<double>, kRemainingBands>, 5>, kKindCount> destination_by_remaining;
  static int remaining_band(int days) { return days < 182 ? 0 : days < 365 ? 1 : 2; }
  std::array<std::vector<double>, 18> first_kind;  // cumulative weights over kinds, by age at entry
  // Legal status (by LegalGroup), a semi-Markov pathway like placements: the hazard of a change
  // of group by time in the group and age band (falling back to the group, then to all groups,
  // under 10 child-years at risk), the next group from observed changes by (group, age band)
  // (fallback: the group, then all), the first group of entrants by age at entry. Drawn from
  // its own random stream so that numbers by placement, age and cost are unchanged by it.
  std::array<std::array<Hazard, 5>, kLegalGroupCount> legal_change;
  // The same by the time from the status's start to the end of care (remaining_band): legal
  // status and leaving are not independent -- a child accommodated under section 20 who goes home
  // within weeks never goes to court, one who stays goes within months. Drawn independently of
  // the exit, the simulation kept long stayers on section 20 (from 31 March 2022 on a synth
  // council: section 20 +51% at three years, care orders short). Estimated from runs that began
  // a year or more before the origin, whose band is known; fallback: all bands pooled, then
  // legal_change.
  std::array<std::array<std::array<Hazard, 3>, 5>, kLegalGroupCount> legal_change_by_remaining;
  std::array<std::array<std::vector<double>, 5>, kLegalGroupCount> legal_next;
  std::array<std::vector<double>, 18> first_legal;
  // The first group by age at entry and by the time the period will last (remaining_band of
  // its length; the exit is drawn first): entrants who go home within weeks come mostly on
  // section 20, those who stay mostly under interim care orders. Drawn from the mix of all
  // lengths, long stayers started on section 20 too often and short stayers on care orders
  // (section 20 +19%, full care orders -9% over eight synth councils, docs/forecast.md 5).
  // From periods that began 1-4 years before the origin (length band known for all of them);
  // own age with >= 30 entrants, else +-1, +-2, ... years; empty: first_legal.
  std::array<std::array<std::vector<double>, kRemainingBands>, 18> first_legal_by_remaining;
  std::array<double, 18> arrivals_per_day{};       // at the origin
  std::array<std::vector<int32_t>, 18> entry_age_days;  // observed ages (days) at entry, to sample
  double trend = 0.0, trend_se = 0.0;              // log growth per year of entrants, and its s.e.
  double level_count = 0.0;                        // entrants behind the level (for its uncertainty)
  double leave_events = 0.0;                       // exits behind the leaving hazards (likewise)
  struct Current {
    Date period_start, placement_start, dob;
    int age_at_entry;
    Kind kind;
    int8_t unknown_start_band = -1;  // >= 0: period start unknown, band of age at the data start
    LegalGroup legal = LegalGroup::other;
    Date legal_start;  // start of the current legal status group (first visible episode at most)
  };
  std::vector<Current> in_care;  // children in care at the origin
  // Leaving care by legal status. The leaving hazard is by age at entry and time in care, while
  // the legal status of a child in care predicts when they leave: on a synth council, of the
  // children on section 20 at 31 March 45.6% were still in care a year later, against 56.8% of
  // children of the same ages at entry and times in care; on placement orders 25.8% against
  // 50.3%; on full care orders 81.6% against 78.0% (docs/forecast.md §2c). Per group at each
  // anniversary of the origin in the data (up to five), the children in care then are followed
  // to the origin (censored at 18): exits observed against the cumulative hazard the model
  // expected of them. Each child in care at the origin leaves at their hazard times their
  // group's (observed + k) / (expected + k), k = kLegalExitPrior pseudo-exits at ratio 1 (a group
  // with few children keeps close to the common hazard), relative to all groups' ratio, drawn
  // per run from Gamma(observed + k) / (expected + k) when parameter_uncertainty is on.
  static constexpr double kLegalExitPrior = 10.0;
  std::array<double, kLegalGroupCount> legal_exit_observed{}, legal_exit_expected{};
  // Relative to all groups' ratio: legal status shares the exits out between the groups and does
  // not move their level, which is the leaving hazard's (its own uncertainty is leave_events').
  double legal_exit_level() const {
    double o = 0, e = 0;
    for (int g = 0; g < kLegalGroupCount; ++g) o += legal_exit_observed[g], e += legal_exit_expected[g];
    return e > 0 ? o / e : 1.0;
  }
  double legal_exit_ratio(int g) const {
    return (legal_exit_observed[g] + kLegalExitPrior) / (legal_exit_expected[g] + kLegalExitPrior) / legal_exit_level();
  }
  // Re-entry (settings.reentry): hazard of a new period by time since leaving, by how the child
  // left (0: home -- E4A, E4B, E13; 1: any other way but the 18th birthday) and age band at
  // leaving, from leavers seen in the data (censored at T and at 18). Children out of care at T
  // whose last period ended in the data before it, not at 18, may come back; so may those who
  // leave during the simulation. Entrants are then counted net of re-entries (periods after an
  // earlier one of the same child in the data), so no re-entry is counted twice.
  bool reentry = false;
  std::array<std::array<Hazard, 5>, 2> reenter;
  struct Leaver {
    Date left, dob;
    uint8_t how;  // 0 home, 1 other
  };
  std::vector<Leaver> left_before;
};

// Trend of yearly entrants: Poisson log-linear regression of counts[j] (entrants in the j-th
// complete year before the origin, j = 0 the latest; needs 3), over-dispersed by Pearson's
// chi-square, then combined with a N(0, prior_sd^2) prior on the log growth; the level at the
// origin is refitted given the posterior mean trend.
struct EntryTrend {
  double fitted = 0, fitted_se = 0;  // regression slope (log growth a year) and its s.e.
  double trend = 0, trend_sd = 0;    // posterior mean and s.d. (used by the simulation)
  double level_per_year = 0;         // entrants a year at the origin given `trend`
};
EntryTrend fit_entry_trend(const std::vector<double>& counts, double prior_sd);

MicrosimModel fit_microsim(const History& h, const MicrosimSettings& s);

struct MicrosimResult {
  Date start;  // origin; day k = start + k
  int days = 0, runs = 0, bands = 0;
  std::vector<Date> month_ends;  // snapshot dates within the horizon
  // [run][month][kind], [run][month][band], [run][month] (spend within the month).
  std::vector<float> by_kind, by_band;
  std::vector<float> by_legal;  // [run][month][LegalGroup]
  std::vector<double> spend;
  std::vector<float> exits;  // [run][fy index][route], fy index from the first forecast year
  int first_fy = 0, fy_count = 0;
  std::vector<float> reentries;  // [run][fy index]: new periods of children who had left (settings.reentry)
  float kind(int run, size_t month, int k) const { return by_kind[(run * month_ends.size() + month) * kKindCount + k]; }
  float band(int run, size_t month, int b) const { return by_band[(run * month_ends.size() + month) * bands + b]; }
  float legal(int run, size_t month, int g) const { return by_legal[(run * month_ends.size() + month) * kLegalGroupCount + g]; }
  double total(int run, size_t month) const;
  double spend_in(int run, size_t month) const { return spend[run * month_ends.size() + month]; }
};

MicrosimResult simulate(const MicrosimModel& m, const MicrosimSettings& s, const Scenario& sc);

}  // namespace careflow::forecast
