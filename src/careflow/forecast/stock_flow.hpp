// The deterministic stock-flow model, as the sector's Children's Social Care Demand Model
// (Social Finance / Data to Insight, regional generation) computes it: states are age band x
// placement category; daily transition rates are the mean over the reference window of
// (transitions on day d) / (stock at the end of day d-1), skipping days with no stock; entries
// are a constant number per day per state; children age by observed birthday transitions; the
// projection is x(d+1) = P x(d) + e with the multinomial + Poisson variance band. Choices where
// the model's two generations differ are listed in docs/forecast.md.
#pragma once

#include <functional>
#include <vector>

#include "careflow/core/history.hpp"
#include "careflow/forecast/common.hpp"

namespace careflow::forecast {

// States are numbered band * kBroadCount + category for children in care, and
// bands * kBroadCount + band for the not-in-care sinks (one per band).
struct StateSpace {
  AgeBands bands;
  int in_care() const { return bands.count() * kBroadCount; }
  int size() const { return in_care() + bands.count(); }
  int state(int band, Broad c) const { return band * kBroadCount + static_cast<int>(c); }
  int not_in_care(int band) const { return in_care() + band; }
  int band_of(int s) const { return s < in_care() ? s / kBroadCount : s - in_care(); }
  Broad broad_of_state(int s) const { return static_cast<Broad>(s % kBroadCount); }
  std::string label(int s) const;
};

struct StockFlowSettings {
  Date reference_start;  // R0, inclusive
  Date reference_end;    // R1, inclusive; also the forecast start ("as at" date)
  AgeBands bands;
};

// Rates and entries estimated from a history, and the starting stock.
struct StockFlowModel {
  StateSpace space;
  std::vector<std::vector<double>> rate;  // rate[s][t]: daily probability s -> t (t != s)
  std::vector<double> entries;            // expected entrants per day into each state
  // The events the rates rest on, over the window: transitions s -> t, and entries into each
  // state (counts of children's moves, published beside the rates under disclosure control).
  std::vector<std::vector<double>> transition_count;
  std::vector<double> entry_count;
  std::vector<double> initial;            // stock at the end of the start date
  Date start;
  // Shares of each placement kind within its broad category (person-days in the window), for
  // costing a category as regional does.
  std::array<double, kKindCount> kind_share{};
};

// Estimates the model from everything known at settings.reference_end: later starts are
// ignored and later ends treated as open. Periods of children without a date of birth, short
// breaks and zero-length placements are left out (listed in docs/forecast.md).
StockFlowModel fit_stock_flow(const History& h, const StockFlowSettings& s);

struct StockFlowProjection {
  // Per day 1..days: expected number in each state, and variance of each state.
  std::vector<std::vector<double>> mean, variance;
  Date start;  // day k is start + k
  double total(size_t day) const;           // in care
  double total_variance(size_t day) const;  // sum of in-care state variances (as regional)
  int in_care_states = 0;
};

// Multiplier on the entries into state t on date d (scenarios); nullptr = none.
using EntryMultiplier = std::function<double(int state, Date d)>;

StockFlowProjection project(const StockFlowModel& m, int days, const EntryMultiplier& entry_multiplier = {});

// The bare Markov step, for models built by hand: x' = P x + e where P is built from `rate`
// (stay = 1 - sum of outflows, rescaled if outflows exceed 1). Returns the states after `days`.
std::vector<double> step_days(const std::vector<std::vector<double>>& rate, const std::vector<double>& entries,
                              std::vector<double> x, int days);

}  // namespace careflow::forecast
