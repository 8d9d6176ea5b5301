#include "careflow/forecast/stock_flow.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace careflow::forecast {

std::string StateSpace::label(int s) const {
  if (s >= in_care()) return fmt::format("{} - Not in care", bands.label(s - in_care()));
  return fmt::format("{} - {}", bands.label(band_of(s)), broad_label(broad_of_state(s)));
}

namespace {

struct Piece {
  Date start, end;  // end open while in care at the as-at date
  int state;
  int after;        // state on leaving, -1 while open
  bool entry;       // first piece after being out of care
};

// A child's periods as pieces of constant (age band, category), as of `as_of`.
void pieces_of_child(const History& h, ChildIndex c, const StateSpace& sp, Date as_of, std::vector<Piece>& out) {
  const Child& ch = h.children[c];
  if (!ch.dob_known) return;
  for (const auto& p : h.periods_of(c)) {
    if (p.short_breaks || p.start > as_of) continue;
    struct Run { Date start, end; Broad cat; };
    std::vector<Run> runs;
    for (uint32_t i = 0; i < p.placement_count; ++i) {
      const Placement& pl = h.placements[p.first_placement + i];
      if (pl.start > as_of) break;
      const Date end = pl.end > as_of ? Date::open() : pl.end;
      if (end == pl.start) continue;  // zero-length placements net to nothing
      const Broad cat = broad_of(kind_of(pl.placement_type, pl.provider));
      if (!runs.empty() && runs.back().cat == cat && runs.back().end == pl.start) runs.back().end = end;
      else runs.push_back({pl.start, end, cat});
      if (end.is_open()) break;
    }
    const size_t first = out.size();
    for (const auto& r : runs) {
      Date s = r.start;
      for (int b = 1; b < sp.bands.count(); ++b) {
        const Date bd = birthday(ch.dob, sp.bands.lower[b]);
        if (bd > s && bd < r.end) {
          out.push_back({s, bd, sp.state(sp.bands.band_of_age(age_on(ch.dob, s)), r.cat), -1, false});
          s = bd;
        }
      }
      out.push_back({s, r.end, sp.state(sp.bands.band_of_age(age_on(ch.dob, s)), r.cat), -1, false});
    }
    for (size_t i = first; i < out.size(); ++i) {
      out[i].entry = i == first || out[i - 1].end != out[i].start;
      if (out[i].end.is_open()) continue;
      if (i + 1 < out.size() && out[i + 1].start == out[i].end) out[i].after = out[i + 1].state;
      else out[i].after = sp.not_in_care(sp.band_of(out[i].state));
    }
  }
}

}  // namespace

StockFlowModel fit_stock_flow(const History& h, const StockFlowSettings& set) {
  StockFlowModel m;
  m.space.bands = set.bands;
  const StateSpace& sp = m.space;
  const int S = sp.size();
  const Date R0 = set.reference_start, R1 = set.reference_end;
  m.start = R1;
  m.rate.assign(S, std::vector<double>(S, 0.0));
  m.entries.assign(S, 0.0);
  m.initial.assign(S, 0.0);
  m.transition_count.assign(S, std::vector<double>(S, 0.0));
  m.entry_count.assign(S, 0.0);

  std::vector<Piece> pieces;
  for (ChildIndex c = 0; c < h.children.size(); ++c) pieces_of_child(h, c, sp, R1, pieces);

  // Daily stock N_s(d) for d in [A, R1], A = R0 - 1, via difference arrays.
  const Date A = R0 - 1;
  const int D = (R1 - A) + 1;
  std::vector<std::vector<int32_t>> diff(S, std::vector<int32_t>(D + 1, 0));
  for (const auto& p : pieces) {
    if (!p.end.is_open() && p.end <= A) continue;
    if (p.start > R1) continue;
    diff[p.state][std::max(p.start, A) - A] += 1;
    if (!p.end.is_open() && p.end <= R1) diff[p.state][p.end - A] -= 1;
  }
  std::vector<std::vector<int32_t>> N(S, std::vector<int32_t>(D, 0));
  for (int s = 0; s < S; ++s) {
    int32_t run = 0;
    for (int i = 0; i < D; ++i) N[s][i] = run += diff[s][i];
    m.initial[s] = N[s][D - 1];
  }
  // Days that can carry a rate: d in [R0, R1] with d-1 inside the data (regional skips the first
  // day of the data, which has no previous-day stock) and a previous-day stock above zero.
  const Date first_day = std::max(R0, h.data_start() + 1);
  std::vector<double> valid_days(S, 0.0);
  for (int s = 0; s < S; ++s)
    for (Date d = first_day; d <= R1; d = d + 1) valid_days[s] += N[s][(d - 1) - A] > 0;
  for (const auto& p : pieces) {
    if (p.entry && p.start >= R0 && p.start <= R1) m.entries[p.state] += 1, m.entry_count[p.state] += 1;
    if (p.end.is_open() || p.end < first_day || p.end > R1) continue;
    const int32_t prev = N[p.state][(p.end - 1) - A];
    if (prev > 0) m.rate[p.state][p.after] += 1.0 / prev, m.transition_count[p.state][p.after] += 1;
  }
  for (int s = 0; s < S; ++s)
    for (int t = 0; t < S; ++t) m.rate[s][t] = valid_days[s] > 0 ? m.rate[s][t] / valid_days[s] : 0.0;
  const double window = (R1 - R0) + 1;
  for (auto& e : m.entries) e /= window;

  // Person-days by kind within the window (a day counts if in care at its end).
  std::array<double, kKindCount> days{};
  for (const auto& pl : h.placements) {
    if (pl.start > R1) continue;
    const Date lo = std::max(pl.start, R0);
    const Date hi = std::min(pl.end > R1 ? R1 + 1 : pl.end, R1 + 1);
    if (hi > lo) days[static_cast<size_t>(kind_of(pl.placement_type, pl.provider))] += hi - lo;
  }
  std::array<double, kBroadCount> broad_days{};
  for (int k = 0; k < kKindCount; ++k) broad_days[static_cast<size_t>(broad_of(static_cast<Kind>(k)))] += days[k];
  for (int k = 0; k < kKindCount; ++k) {
    const double b = broad_days[static_cast<size_t>(broad_of(static_cast<Kind>(k)))];
    m.kind_share[k] = b > 0 ? days[k] / b : 0.0;
  }
  return m;
}

namespace {
// Column-stochastic transition matrix as P[t][s].
std::vector<std::vector<double>> transition_matrix(const std::vector<std::vector<double>>& rate) {
  const size_t S = rate.size();
  std::vector<std::vector<double>> P(S, std::vector<double>(S, 0.0));
  for (size_t s = 0; s < S; ++s) {
    double out = 0;
    for (size_t t = 0; t < S; ++t)
      if (t != s) out += std::max(0.0, rate[s][t]);
    const double scale = out > 1.0 ? 1.0 / out : 1.0;
    for (size_t t = 0; t < S; ++t)
      if (t != s) P[t][s] = std::max(0.0, rate[s][t]) * scale;
    P[s][s] = 1.0 - out * scale;
  }
  return P;
}
}  // namespace

StockFlowProjection project(const StockFlowModel& m, int days, const EntryMultiplier& mult) {
  StockFlowProjection out;
  out.start = m.start;
  out.in_care_states = m.space.in_care();
  const auto P = transition_matrix(m.rate);
  const size_t S = P.size();
  std::vector<double> x = m.initial, v(S, 0.0), nx(S), e(S);
  out.mean.reserve(days);
  out.variance.reserve(days);
  for (int d = 1; d <= days; ++d) {
    const Date date = m.start + d;
    for (size_t t = 0; t < S; ++t) e[t] = m.entries[t] * (mult ? mult(static_cast<int>(t), date) : 1.0);
    for (size_t t = 0; t < S; ++t) {
      double mean = e[t], var = e[t];
      for (size_t s = 0; s < S; ++s) {
        mean += P[t][s] * x[s];
        var += P[t][s] * (1 - P[t][s]) * x[s];
      }
      nx[t] = mean;
      v[t] += var;
    }
    x.swap(nx);
    out.mean.push_back(x);
    out.variance.push_back(v);
  }
  return out;
}

double StockFlowProjection::total(size_t day) const {
  double t = 0;
  for (int s = 0; s < in_care_states; ++s) t += mean[day - 1][s];
  return t;
}
double StockFlowProjection::total_variance(size_t day) const {
  double t = 0;
  for (int s = 0; s < in_care_states; ++s) t += variance[day - 1][s];
  return t;
}

std::vector<double> step_days(const std::vector<std::vector<double>>& rate, const std::vector<double>& entries,
                              std::vector<double> x, int days) {
  const auto P = transition_matrix(rate);
  const size_t S = P.size();
  std::vector<double> nx(S);
  for (int d = 0; d < days; ++d) {
    for (size_t t = 0; t < S; ++t) {
      double mean = entries.empty() ? 0.0 : entries[t];
      for (size_t s = 0; s < S; ++s) mean += P[t][s] * x[s];
      nx[t] = mean;
    }
    x.swap(nx);
  }
  return x;
}

}  // namespace careflow::forecast
