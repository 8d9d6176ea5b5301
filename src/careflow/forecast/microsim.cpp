#include "careflow/forecast/microsim.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace careflow::forecast {

std::string_view route_name(Route r) {
  constexpr std::array<std::string_view, kRouteCount> n{"home", "adoption", "sgo", "other", "age_18"};
  return n[static_cast<size_t>(r)];
}

size_t Hazard::interval(double t) const {
  if (t >= 0 && t < 7.0 * static_cast<double>(interval_of_week.size())) {
    size_t k = interval_of_week[static_cast<size_t>(t / 7.0)];
    while (k + 1 < edges.size() && edges[k + 1] <= t) ++k;
    return k;
  }
  const auto it = std::upper_bound(edges.begin(), edges.end(), t);
  return static_cast<size_t>(it - edges.begin()) - 1;
}

double Hazard::cumulative(double t) const {
  const size_t k = interval(t);
  return cum[k] + (t - edges[k]) * rate[k];
}

double Hazard::inverse(double H) const {
  const auto it = std::upper_bound(cum.begin(), cum.end(), H);
  const size_t k = static_cast<size_t>(it - cum.begin()) - 1;
  if (rate[k] <= 0) return std::numeric_limits<double>::infinity();
  return edges[k] + (H - cum[k]) / rate[k];
}

double Hazard::sample_given(double u, double E, double m, double m_until) const {
  if (m_until <= 0 || m == 1.0) return inverse(cumulative(u) + E);
  const double HM = cumulative(m_until);
  const double Hu = u < m_until ? m * cumulative(u) : m * HM + cumulative(u) - HM;
  const double target = Hu + E;
  if (m > 0 && target <= m * HM) return inverse(target / m);
  return inverse(target - m * HM + HM);
}

void Hazard::finish() {
  cum.assign(edges.size(), 0.0);
  for (size_t k = 1; k < edges.size(); ++k) cum[k] = cum[k - 1] + rate[k - 1] * (edges[k] - edges[k - 1]);
  interval_of_week.clear();
  interval_of_cum.clear();
  if (edges.size() <= 256 && !cum.empty()) {
    constexpr int G = (kLogCumMaxExp - kLogCumMinExp) << kLogCumBits;
    interval_of_cum.resize(G);
    size_t k = 0;
    for (int g = 0; g < G; ++g) {
      // Entry g: the last interval whose cumulative hazard at its start is <= the smallest H of
      // step g (exponent kLogCumMinExp + g / 16, mantissa bits g % 16), a lower bound for any H
      // in the step.
      const uint64_t bits = (static_cast<uint64_t>(1023 + kLogCumMinExp) << kLogCumBits) + static_cast<uint64_t>(g);
      const double Hg = std::bit_cast<double>(bits << (52 - kLogCumBits));
      while (k + 1 < cum.size() && cum[k + 1] <= Hg) ++k;
      interval_of_cum[static_cast<size_t>(g)] = static_cast<uint8_t>(k);
    }
  }
  const bool usable = edges.size() <= 256 && !edges.empty() && edges[0] == 0 && edges.back() <= 20000 &&
                      std::is_sorted(edges.begin(), edges.end());
  if (!usable) return;
  // Entry w: the last interval whose edge is <= 7w, a lower bound for any t in [7w, 7w + 7).
  interval_of_week.resize(static_cast<size_t>(edges.back() / 7.0));
  size_t k = 0;
  for (size_t w = 0; w < interval_of_week.size(); ++w) {
    while (k + 1 < edges.size() && edges[k + 1] <= 7.0 * static_cast<double>(w)) ++k;
    interval_of_week[w] = static_cast<uint8_t>(k);
  }
}

namespace {

const std::vector<double> kEdges{0,    7,    14,   30,   61,   91,   122,  152,  182,  243,
                                 304,  365,  456,  547,  638,  730,  912,  1095, 1460, 1825,
                                 2190, 2555, 2920, 3650, 4380, 5110, 5840, 6570};

// Counts of events and days at risk per interval of the duration grid.
struct Exposure {
  std::vector<double> events = std::vector<double>(kEdges.size(), 0.0);
  std::vector<double> days = std::vector<double>(kEdges.size(), 0.0);
  double total_days() const {
    double t = 0;
    for (double d : days) t += d;
    return t;
  }
  // At risk from duration u0 to u1; an event at u1 if `event`.
  void add(double u0, double u1, bool event) {
    if (u1 < u0) return;
    for (size_t k = 0; k < kEdges.size(); ++k) {
      const double lo = kEdges[k], hi = k + 1 < kEdges.size() ? kEdges[k + 1] : 1e18;
      if (hi <= u0) continue;
      if (lo > u1) break;
      days[k] += std::max(0.0, std::min(hi, u1) - std::max(lo, u0));
      if (event && u1 >= lo && u1 < hi) events[k] += 1;
    }
  }
  Exposure& operator+=(const Exposure& o) {
    for (size_t k = 0; k < kEdges.size(); ++k) events[k] += o.events[k], days[k] += o.days[k];
    return *this;
  }
};

// Hazard per interval; intervals with under `min_days` at risk take the previous interval's rate
// (or `fallback` before any).
Hazard make_hazard(const Exposure& e, double fallback, double min_days = 60) {
  Hazard h;
  h.edges = kEdges;
  h.rate.assign(kEdges.size(), 0.0);
  double last = fallback;
  for (size_t k = 0; k < kEdges.size(); ++k) {
    if (e.days[k] >= min_days) last = e.events[k] / e.days[k];
    h.rate[k] = last;
  }
  h.finish();
  return h;
}

// std::ceil, bit for bit (NaN, infinities and -0 included), by a round trip through int64: without
// SSE4.1 (baseline x86-64) the compiler's inline ceil is about twice as many instructions, and
// the simulation takes one per drawn duration.
inline double ceil_exact(double v) {
  if (!(std::fabs(v) < 4503599627370496.0)) return v;  // |v| >= 2^52 (an integer), infinite or NaN
  const double t = static_cast<double>(static_cast<int64_t>(v));  // towards zero, exact here
  return t < v ? t + 1.0 : std::copysign(t, v);
}

// Scenario levers that act from a calendar date D: the hazard multiplied by f from duration d0 on,
// d0 = D - 1 - the clock's start, so that an event on day D (duration in (d0, d0 + 1], rounded up
// to a day) is already scaled; d0 <= 0: throughout. The cumulative hazard is
// H(t) before d0 and H(d0) + f (H(t) - H(d0)) after; sample_scaled_from inverts it given survival
// to u, exactly (f = 0: the event never comes after d0).
double cumulative_scaled_from(const Hazard& h, double t, double f, double d0) {
  if (t <= d0) return h.cumulative(t);
  const double H0 = d0 > 0 ? h.cumulative(d0) : 0.0;
  return H0 + f * (h.cumulative(t) - H0);
}
double sample_scaled_from(const Hazard& h, double u, double E, double f, double d0) {
  const double target = cumulative_scaled_from(h, u, f, d0) + E;
  const double H0 = d0 > 0 ? h.cumulative(d0) : 0.0;
  if (d0 > 0 && target <= H0) return h.inverse(target);
  if (f <= 0) return std::numeric_limits<double>::infinity();
  return h.inverse(H0 + (target - H0) / f);
}
// Index from cumulative weights c, never `excluded` (whose weight is c[excluded] - c[excluded-1]).
size_t pick_excluding(Rng& rng, const std::vector<double>& c, size_t excluded) {
  const double w = c[excluded] - (excluded ? c[excluded - 1] : 0.0);
  if (c.back() - w <= 0) return excluded;  // nowhere else to go
  double u = rng.uniform() * (c.back() - w);
  if (u >= (excluded ? c[excluded - 1] : 0.0)) u += w;
  size_t i = 0;
  while (i + 1 < c.size() && c[i] <= u) ++i;
  return i;
}

// A cumulative table prepared for pick_guided: Rng::pick's index (the first whose cumulative weight
// exceeds uniform * total) by a linear scan that starts from the scan's answer at the start of the
// uniform's sixteenth of [0, 1) -- a lower bound, the answer growing with the uniform -- usually
// one step instead of up to ten. Built once per simulation, outside the runs.
struct Picker {
  const double* c = nullptr;
  uint32_t last = 0;  // c.size() - 1
  double total = 0;   // c.back()
  std::array<uint8_t, 16> guide{};
  Picker() = default;
  explicit Picker(const std::vector<double>& cum) {
    if (cum.empty()) return;
    c = cum.data();
    last = static_cast<uint32_t>(cum.size() - 1);
    total = cum.back();
    for (size_t g = 0; g < guide.size(); ++g) {
      const double u = (static_cast<double>(g) / 16.0) * total;
      uint32_t i = 0;
      while (i < last && c[i] <= u) ++i;
      guide[g] = static_cast<uint8_t>(std::min<uint32_t>(i, 255));
    }
  }
};
inline size_t pick_guided(Rng& rng, const Picker& p) {
  const double r = rng.uniform();
  const double u = r * p.total;
  size_t i = p.guide[static_cast<size_t>(r * 16.0)];
  while (i < p.last && p.c[i] <= u) ++i;
  return i;
}

// Salt of the legal status stream's seeds ("legal" in ASCII), and of re-entries' ("return").
constexpr uint64_t kLegalStream = 0x6c6567616cULL;
constexpr uint64_t kReentryStream = 0x72657475726eULL;
constexpr uint64_t kTrendChangeStream = 0x6368616e6765ULL;
constexpr uint64_t kLegalExitStream = 0x6c65786974ULL;

// Age band of the hazards, the demand model's brackets (under 1, 1-4, 5-9, 10-15, 16+;
// core/groupings.hpp), by a table of ages 0-17 rather than a search (inner loop).
const std::array<uint8_t, 18> kHazardBand = [] {
  std::array<uint8_t, 18> band{};
  for (int age = 0; age < 18; ++age) band[static_cast<size_t>(age)] = static_cast<uint8_t>(groupings::demand_model_age_bands().band_of(age));
  return band;
}();
int iband(int age) { return kHazardBand[static_cast<size_t>(std::clamp(age, 0, 17))]; }
int tic_band(int days) { return days < 182 ? 0 : days < 730 ? 1 : 2; }

Route route_of(CodeIndex rec) {
  const auto g = cease_group(rec);
  if (!g) return Route::other;
  switch (*g) {
    case CeaseGroup::returned_home:
    case CeaseGroup::lives_with_others: return Route::home;
    case CeaseGroup::adopted: return Route::adoption;
    case CeaseGroup::special_guardianship:
    case CeaseGroup::residence_order: return Route::sgo;
    default: return Route::other;
  }
}

std::vector<double> cumulative(const std::vector<double>& w) {
  std::vector<double> c(w.size());
  double t = 0;
  for (size_t i = 0; i < w.size(); ++i) c[i] = t += w[i];
  return c;
}


// Runs of one legal status group within a period, from its episodes known at T (a run still
// going at T is open). Episodes of a period are contiguous, so a run ends where the next begins.
struct LegalRun {
  Date start;
  LegalGroup group;
};
void legal_runs(const History& h, const PeriodOfCare& p, Date T, std::vector<LegalRun>& out) {
  out.clear();
  for (uint32_t i = 0; i < p.episode_count; ++i) {
    const Episode& e = h.episodes[p.first_episode + i];
    if (e.start > T) break;
    const LegalGroup g = legal_group_of(e.legal_status);
    if (out.empty() || out.back().group != g) out.push_back({e.start, g});
  }
}

// Hazard by (state, age band) with 10 child-years at risk or 30 changes, else by state, else over
// all states. The count of changes matters for legal statuses that last days (police protection:
// 250 changes in under 3 child-years on a council of 400), which pooled with the care orders would
// last years.
bool enough_exposure(const Exposure& x) {
  double n = 0;
  for (double v : x.events) n += v;
  return x.total_days() >= 3650 || n >= 30;
}
template <size_t N>
void pooled_hazards(const std::array<std::array<Exposure, 5>, N>& e, std::array<std::array<Hazard, 5>, N>& out) {
  const auto enough = enough_exposure;
  Exposure all;
  for (const auto& kb : e)
    for (const auto& x : kb) all += x;
  double events = 0;
  for (double x : all.events) events += x;
  const double overall = all.total_days() > 0 ? events / all.total_days() : 1.0 / 730;
  for (size_t k = 0; k < N; ++k) {
    Exposure pool;
    for (const auto& x : e[k]) pool += x;
    const Hazard own = make_hazard(enough(pool) ? pool : all, overall);
    for (int b = 0; b < 5; ++b) out[k][b] = enough(e[k][b]) ? make_hazard(e[k][b], overall) : own;
  }
}

}  // namespace

EntryTrend fit_entry_trend(const std::vector<double>& counts, double prior_sd) {
  EntryTrend t;
  const int n = static_cast<int>(counts.size());
  double total = 0;
  for (double y : counts) total += y;
  t.level_per_year = n > 0 ? total / n : 0.0;
  if (n < 3 || total <= 0) return t;
  // Poisson log-linear regression on x_j = -(j + 0.5) years, by iteratively reweighted least
  // squares; over-dispersion from Pearson's chi-square.
  double alpha = std::log(total / n), beta = 0, s00 = 0, s01 = 0, s11 = 0;
  for (int it = 0; it < 30; ++it) {
    s00 = s01 = s11 = 0;
    double r0 = 0, r1 = 0;
    for (int j = 0; j < n; ++j) {
      const double x = -(j + 0.5), mu = std::exp(alpha + beta * x);
      s00 += mu, s01 += mu * x, s11 += mu * x * x;
      r0 += counts[j] - mu, r1 += (counts[j] - mu) * x;
    }
    const double det = s00 * s11 - s01 * s01;
    if (det <= 0) break;
    alpha += (s11 * r0 - s01 * r1) / det;
    beta += (s00 * r1 - s01 * r0) / det;
  }
  double pearson = 0;
  for (int j = 0; j < n; ++j) {
    const double mu = std::exp(alpha + beta * -(j + 0.5));
    pearson += (counts[j] - mu) * (counts[j] - mu) / mu;
  }
  const double phi = std::max(1.0, pearson / (n - 2));
  const double det = s00 * s11 - s01 * s01;
  t.fitted = beta;
  t.fitted_se = det > 0 ? std::sqrt(phi * s00 / det) : 0.0;
  // Normal prior N(0, prior_sd^2) on the yearly log growth, combined with the fit's normal
  // likelihood: the posterior mean and s.d. A council's ~150 entrants a year over 3-5 years
  // give a s.e. of 3-7% a year, as large as any plausible sustained trend, so the data alone
  // extrapolated noise (the microsimulation's 3-year error on synth councils was mostly this).
  const double v = t.fitted_se * t.fitted_se, p = prior_sd * prior_sd;
  if (prior_sd <= 0) {
    t.trend = 0, t.trend_sd = 0;
  } else if (v + p > 0 && std::isfinite(p)) {
    t.trend = beta * p / (p + v);
    t.trend_sd = std::sqrt(p * v / (p + v));
  } else {
    t.trend = beta, t.trend_sd = t.fitted_se;
  }
  // Level at the origin refitted given the trend used (the Poisson MLE of the intercept for a
  // fixed slope): the unshrunk fit's intercept carries the noisy slope's extrapolation with it.
  double w = 0;
  for (int j = 0; j < n; ++j) w += std::exp(t.trend * -(j + 0.5));
  t.level_per_year = total / w;
  return t;
}

// Observed and expected exits by legal group (MicrosimModel::legal_exit_observed): children in
// care at each anniversary c of T in the data (c = T - 1, ..., T - 5 years, from the data start
// on), followed from c to T, their 18th birthday or the end of care, whichever is first, under the
// group they had at c. The expected exits are the model's own cumulative leaving hazard over that
// span (by age at entry and time in care; from the data start for periods whose start is
// unknown), so the ratio is what the status at a date adds to the hazard over the years after
// it, the span over which the simulation applies it to the children in care at T. Followed for
// one year only and applied for one, the ratio kept full care orders 4.3% short at two years and
// 8.0% at three on the test bench; applied for the whole stay, it over-kept the total by 1.7%.
void legal_exit_ratios(const History& h, Date T, MicrosimModel& m) {
  const Date data_start = h.data_start();
  std::vector<LegalRun> runs;
  for (int k = 1; k <= 5; ++k) {
    const Date c = T - 365 * k;
    if (c < data_start) break;
    for (ChildIndex ci = 0; ci < h.children.size(); ++ci) {
      const Child& ch = h.children[ci];
      if (!ch.dob_known) continue;
      const Date bd18 = birthday(ch.dob, 18);
      if (bd18 <= c) continue;
      for (const auto& p : h.periods_of(ci)) {
        if (p.short_breaks || p.start > c) continue;
        const bool ended = !p.end.is_open() && p.end <= T;
        if (ended && p.end <= c) continue;
        legal_runs(h, p, c, runs);
        if (runs.empty()) continue;
        const auto g = static_cast<size_t>(runs.back().group);
        const Date stop = std::min({T, bd18, ended ? p.end : T});
        const bool left = ended && p.end < bd18 - 1;
        double expected;
        if (h.start_known(p)) {
          const Hazard& hz = m.leave[std::clamp(age_on(ch.dob, p.start), 0, 17)];
          expected = hz.cumulative(stop - p.start) - hz.cumulative(c - p.start);
        } else {
          const Hazard& hz = m.leave_unknown_start[iband(age_on(ch.dob, data_start))];
          expected = hz.cumulative(stop - data_start) - hz.cumulative(c - data_start);
        }
        m.legal_exit_observed[g] += left;
        m.legal_exit_expected[g] += expected;
      }
    }
  }
}

MicrosimModel fit_microsim(const History& h, const MicrosimSettings& s) {
  MicrosimModel m;
  m.as_of = s.as_of;
  m.bands = s.bands;
  const Date T = s.as_of, data_start = h.data_start();
  std::array<Exposure, 18> leave;
  std::array<Exposure, 5> leave_unknown;  // by age band at the data start; durations from the data start
  std::array<std::array<double, 2>, 18> early{};  // [age at entry] {home exits < 182 days, all exits < 182}
  std::array<std::array<double, kRouteCount>, 15> routes{};
  std::array<std::array<Exposure, 5>, kKindCount> moves;
  std::array<std::array<std::array<double, kKindCount>, 5>, kKindCount> dest{};
  // [kind][age band][remaining band][destination]
  constexpr int RB = MicrosimModel::kRemainingBands;
  std::vector<double> dest_rem(static_cast<size_t>(kKindCount) * 5 * RB * kKindCount, 0.0);
  auto dr = [&](int k, int b, int r) { return &dest_rem[((static_cast<size_t>(k) * 5 + b) * RB + r) * kKindCount]; };
  std::array<std::array<double, kKindCount>, 18> first{};
  std::array<std::array<Exposure, 5>, kLegalGroupCount> legal_exposure;
  std::array<std::array<std::array<Exposure, 3>, 5>, kLegalGroupCount> legal_exposure_rem;
  std::array<std::array<std::array<double, kLegalGroupCount>, 5>, kLegalGroupCount> legal_dest{};
  std::array<std::array<double, kLegalGroupCount>, 18> first_legal{};
  std::array<std::array<std::array<double, kLegalGroupCount>, RB>, 18> first_legal_rem{};
  std::vector<LegalRun> runs;
  std::array<std::array<Exposure, 5>, 2> reenter;
  std::array<double, 18> window_count{};
  const Date window_start = T - (s.arrivals_window_days - 1);
  const int blocks = std::max(1, s.trend_years);
  std::vector<double> block_count(blocks, 0.0), block_all(blocks, 0.0);

  for (ChildIndex c = 0; c < h.children.size(); ++c) {
    const Child& ch = h.children[c];
    if (!ch.dob_known) continue;
    const Date bd18 = birthday(ch.dob, 18);
    const auto periods = h.periods_of(c);
    const PeriodOfCare* previous = nullptr;  // the child's previous period in the data
    for (const auto& p : periods) {
      if (p.short_breaks || p.start > T) continue;
      // Re-entry: at risk from leaving until the next period, T or the 18th birthday.
      const bool reentered = previous != nullptr;
      if (s.reentry && previous && previous->end >= data_start && previous->end < bd18 - 1) {
        const int age_left = std::clamp(age_on(ch.dob, previous->end), 0, 17);
        reenter[route_of(previous->reason_ceased) == Route::home ? 0 : 1][iband(age_left)].add(0, p.start - previous->end, true);
      }
      previous = &p;
      const int a = std::clamp(age_on(ch.dob, p.start), 0, 17);
      const bool ended = !p.end.is_open() && p.end <= T;
      const Date end = ended ? p.end : T;
      // Leaving care: left-truncated at the data start, censored at T and at the 18th birthday.
      // A period already running when the data start whose first episode we see is not its
      // start (RNE other than S) has an unknown start: it would pass for a short stay that
      // nobody left, so it is left out of the estimate.
      const bool start_known = h.start_known(p);
      const double u0 = std::max(0, data_start - p.start);
      const bool at18 = ended && p.end >= bd18 - 1;
      const double u1 = (at18 ? std::min(end, bd18) : end) - p.start;
      if (start_known) leave[a].add(u0, u1, ended && !at18);
      else leave_unknown[iband(age_on(ch.dob, data_start))].add(0, u1 - u0, ended && !at18);
      if (ended && !at18 && p.end >= data_start) {
        const int dur = p.end - p.start;
        const Route r = route_of(p.reason_ceased);
        routes[iband(age_on(ch.dob, p.end)) * 3 + tic_band(dur)][static_cast<size_t>(r)] += 1;
        if (dur < 182) {
          early[a][0] += r == Route::home;
          early[a][1] += 1;
        }
      }
      // Entrants (net of re-entries when those are simulated on their own).
      if (p.start >= data_start) {
        const int back = (T - p.start) / 365;
        if (back < blocks) {
          block_all[back] += 1;
          if (!(s.reentry && reentered)) block_count[back] += 1;
        }
      }
      if (p.start >= window_start && !(s.reentry && reentered)) {
        window_count[a] += 1;
        m.entry_age_days[a].push_back(p.start - ch.dob);
      }
      // Legal status: runs that began in the data (an earlier start is unknown), censored at the
      // end of care, at T and at 18.
      legal_runs(h, p, T, runs);
      for (size_t j = 0; j < runs.size(); ++j) {
        const auto& r = runs[j];
        const auto g = static_cast<size_t>(r.group);
        if (j == 0 && p.start >= T - 3 * 365 && p.start >= data_start) first_legal[a][g] += 1;
        // By the length of the period, from those that began 1-4 years before T: ended by T, or
        // still open a year or more after they began (band known for all, so no selection by length).
        if (j == 0 && p.start >= T - 4 * 365 && p.start < T - 365 && p.start >= data_start)
          first_legal_rem[a][ended || bd18 <= T ? MicrosimModel::remaining_band(std::min(end, bd18) - p.start) : RB - 1][g] += 1;
        if (r.start < data_start) continue;
        const bool changed = j + 1 < runs.size();
        const Date stop = changed ? runs[j + 1].start : std::min(end, bd18);
        const int b = iband(age_on(ch.dob, r.start));
        legal_exposure[g][b].add(0, stop - r.start, changed);
        // Band of the time from the status's start to the end of care: known if care ended by T,
        // or if it is still open a year or more after the status began.
        if (r.start <= T - 365) {
          const int rb = ended || bd18 <= T ? MicrosimModel::remaining_band(std::min(end, bd18) - r.start) : RB - 1;
          legal_exposure_rem[g][b][rb].add(0, stop - r.start, changed);
        }
        if (changed) legal_dest[g][b][static_cast<size_t>(runs[j + 1].group)] += 1;
      }
      // Placements.
      for (uint32_t i = 0; i < p.placement_count; ++i) {
        const Placement& pl = h.placements[p.first_placement + i];
        if (pl.start > T) break;
        const Kind k = kind_of(pl.placement_type, pl.provider);
        if (i == 0 && p.start >= T - 3 * 365) first[a][static_cast<size_t>(k)] += 1;
        const bool pl_ended = !pl.end.is_open() && pl.end <= T;
        const bool moved = pl_ended && i + 1 < p.placement_count && h.placements[p.first_placement + i + 1].start == pl.end &&
                           h.placements[p.first_placement + i + 1].start <= T;
        const int b = iband(age_on(ch.dob, pl.start));
        const double v0 = std::max(0, data_start - pl.start);
        const double v1 = (pl_ended ? pl.end : T) - pl.start;
        moves[static_cast<size_t>(k)][b].add(v0, v1, moved);
        if (moved) {
          const Placement& nx = h.placements[p.first_placement + i + 1];
          const auto to = static_cast<size_t>(kind_of(nx.placement_type, nx.provider));
          dest[static_cast<size_t>(k)][b][to] += 1;
          // Time still to spend in care after the move: known when the period ended by T, at
          // least T - move when open (then only usable once that is a year or more).
          int rb = -1;
          if (ended) rb = MicrosimModel::remaining_band(std::min(p.end, bd18) - nx.start);
          else if (T - nx.start >= 365) rb = RB - 1;
          if (rb >= 0) dr(static_cast<int>(k), b, rb)[to] += 1;
        }
      }
    }
    // The last period known at T: if it ended (not at 18), the child may come back.
    if (s.reentry && previous && !previous->end.is_open() && previous->end <= T && previous->end >= data_start &&
        previous->end < bd18 - 1) {
      const auto how = static_cast<uint8_t>(route_of(previous->reason_ceased) == Route::home ? 0 : 1);
      reenter[how][iband(std::clamp(age_on(ch.dob, previous->end), 0, 17))].add(0, std::min(T, bd18) - previous->end, false);
      if (bd18 > T) m.left_before.push_back({previous->end, ch.dob, how});
    }
  }
  // Leaving-care hazards, pooled over neighbouring ages at entry.
  Exposure all;
  for (const auto& e : leave) all += e;
  double all_events = 0;
  for (double x : all.events) all_events += x;
  const double overall = all.total_days() > 0 ? all_events / all.total_days() : 1.0 / 365;
  m.leave_events = std::max(1.0, all_events);
  for (int a = 0; a < 18; ++a) {
    Exposure pooled;
    for (int b = std::max(0, a - 1); b <= std::min(17, a + 1); ++b) pooled += leave[b];
    m.leave[a] = make_hazard(pooled, overall);
    double home = 0, n = 0;
    for (int b = std::max(0, a - 1); b <= std::min(17, a + 1); ++b) home += early[b][0], n += early[b][1];
    m.home_share_early[a] = n > 0 ? home / n : 0.5;
  }
  {
    Exposure pooled;
    for (const auto& e : leave_unknown) pooled += e;
    const Hazard all_bands = make_hazard(pooled.total_days() >= 3650 ? pooled : all, overall);
    for (int b = 0; b < 5; ++b)
      m.leave_unknown_start[b] = leave_unknown[b].total_days() >= 3650 ? make_hazard(leave_unknown[b], overall) : all_bands;
  }
  m.data_start = data_start;
  if (s.exits_by_legal_status) legal_exit_ratios(h, T, m);
  std::array<double, kRouteCount> route_all{};
  for (const auto& r : routes)
    for (int i = 0; i < kRouteCount; ++i) route_all[i] += r[i];
  for (int i = 0; i < 15; ++i) {
    double n = 0;
    for (int j = 0; j < kRouteCount - 1; ++j) n += routes[i][j];
    const auto& src = n >= 5 ? routes[i] : route_all;
    double t = 0;
    for (int j = 0; j < kRouteCount; ++j) m.route_cum[i][j] = t += (j < kRouteCount - 1 ? src[j] : 0.0);
    if (t == 0) m.route_cum[i] = {1, 1, 1, 1, 1};  // nothing observed: home
  }
  // Placement moves: by kind and age band, falling back to the kind, then to all kinds.
  Exposure moves_all;
  for (auto& kb : moves)
    for (auto& e : kb) moves_all += e;
  double mv_events = 0;
  for (double x : moves_all.events) mv_events += x;
  const double mv_overall = moves_all.total_days() > 0 ? mv_events / moves_all.total_days() : 1.0 / 730;
  std::array<double, kKindCount> dest_all{};
  for (int k = 0; k < kKindCount; ++k) {
    Exposure kind_pool;
    std::array<double, kKindCount> kind_dest{};
    for (int b = 0; b < 5; ++b) {
      kind_pool += moves[k][b];
      for (int j = 0; j < kKindCount; ++j) kind_dest[j] += dest[k][b][j], dest_all[j] += dest[k][b][j];
    }
    const Hazard kind_h = kind_pool.total_days() >= 3650 ? make_hazard(kind_pool, mv_overall) : make_hazard(moves_all, mv_overall);
    for (int b = 0; b < 5; ++b) {
      m.move[k][b] = moves[k][b].total_days() >= 3650 ? make_hazard(moves[k][b], mv_overall) : kind_h;
      double n = 0;
      for (double x : dest[k][b]) n += x;
      double nk = 0;
      for (double x : kind_dest) nk += x;
      const auto& src = n >= 10 ? dest[k][b] : nk >= 10 ? kind_dest : dest_all;
      m.destination[k][b] = cumulative(std::vector<double>(src.begin(), src.end()));
      if (m.destination[k][b].back() <= 0) m.destination[k][b].assign(kKindCount, 1.0);  // stays in kind 0
    }
  }
  for (int k = 0; k < kKindCount; ++k)
    if (m.destination[k][0].back() <= 0) m.destination[k][0] = cumulative(std::vector<double>(kKindCount, 1.0));
  // By time still to spend: (kind, band, remaining) with 10+ moves, else (kind, remaining) pooled
  // over bands, else the destination without it.
  for (int k = 0; k < kKindCount; ++k)
    for (int b = 0; b < 5; ++b)
      for (int r = 0; r < RB; ++r) {
        std::vector<double> own(dr(k, b, r), dr(k, b, r) + kKindCount), kind_pool(kKindCount, 0.0);
        for (int b2 = 0; b2 < 5; ++b2)
          for (int j = 0; j < kKindCount; ++j) kind_pool[j] += dr(k, b2, r)[j];
        auto total = [](const std::vector<double>& w) {
          double t = 0;
          for (double x : w) t += x;
          return t;
        };
        if (total(own) >= 10) m.destination_by_remaining[k][b][r] = cumulative(own);
        else if (total(kind_pool) >= 10) m.destination_by_remaining[k][b][r] = cumulative(kind_pool);
        else m.destination_by_remaining[k][b][r] = m.destination[k][b];
      }
  // First placement kind by age at entry, pooled over neighbouring ages.
  for (int a = 0; a < 18; ++a) {
    // Own age when there are 30 or more entrants, else widen to +-1, then +-2 years.
    std::vector<double> w(kKindCount, 0.0);
    double n = 0;
    for (int width = 0; width <= 2 && n < 30; ++width) {
      std::fill(w.begin(), w.end(), 0.0);
      n = 0;
      for (int b = std::max(0, a - width); b <= std::min(17, a + width); ++b)
        for (int k = 0; k < kKindCount; ++k) w[k] += first[b][k], n += first[b][k];
    }
    if (n == 0) w[static_cast<size_t>(Kind::foster_in_house)] = 1;
    m.first_kind[a] = cumulative(w);
  }
  m.reentry = s.reentry;
  if (s.reentry) pooled_hazards(reenter, m.reenter);
  // Legal status pathway.
  pooled_hazards(legal_exposure, m.legal_change);
  for (int g = 0; g < kLegalGroupCount; ++g)
    for (int r = 0; r < RB; ++r) {
      Exposure pool;
      for (int b = 0; b < 5; ++b) pool += legal_exposure_rem[g][b][r];
      for (int b = 0; b < 5; ++b) {
        const Exposure& own = legal_exposure_rem[g][b][r];
        const double overall = m.legal_change[g][b].rate.back();  // only where no interval has data
        m.legal_change_by_remaining[g][b][r] = enough_exposure(own)    ? make_hazard(own, overall)
                                               : enough_exposure(pool) ? make_hazard(pool, overall)
                                                                       : m.legal_change[g][b];
      }
    }
  {
    std::array<double, kLegalGroupCount> all{};
    for (const auto& gb : legal_dest)
      for (const auto& row : gb)
        for (int j = 0; j < kLegalGroupCount; ++j) all[j] += row[j];
    for (int g = 0; g < kLegalGroupCount; ++g) {
      std::array<double, kLegalGroupCount> own_group{};
      for (const auto& row : legal_dest[g])
        for (int j = 0; j < kLegalGroupCount; ++j) own_group[j] += row[j];
      auto total = [](const std::array<double, kLegalGroupCount>& v) {
        double t = 0;
        for (double x : v) t += x;
        return t;
      };
      for (int b = 0; b < 5; ++b) {
        std::array<double, kLegalGroupCount> w = legal_dest[g][b];
        if (total(w) < 10) w = total(own_group) >= 10 ? own_group : all;
        w[g] = 0;  // a change is to another group
        if (total(w) <= 0) w.fill(0.0), w[g == 0 ? 1 : 0] = 1;  // never used: nothing changed
        m.legal_next[g][b] = cumulative(std::vector<double>(w.begin(), w.end()));
      }
    }
    for (int a = 0; a < 18; ++a) {
      std::vector<double> w(kLegalGroupCount, 0.0);
      double n = 0;
      for (int width = 0; width <= 2 && n < 30; ++width) {
        std::fill(w.begin(), w.end(), 0.0);
        n = 0;
        for (int b = std::max(0, a - width); b <= std::min(17, a + width); ++b)
          for (int g = 0; g < kLegalGroupCount; ++g) w[g] += first_legal[b][g], n += first_legal[b][g];
      }
      if (n == 0) w[static_cast<size_t>(LegalGroup::other)] = 1;
      m.first_legal[a] = cumulative(w);
      for (int r = 0; r < RB; ++r) {
        double nr = 0;
        for (int width = 0; width <= 17 && nr < 30; ++width) {
          std::fill(w.begin(), w.end(), 0.0);
          nr = 0;
          for (int b = std::max(0, a - width); b <= std::min(17, a + width); ++b)
            for (int g = 0; g < kLegalGroupCount; ++g) w[g] += first_legal_rem[b][r][g], nr += first_legal_rem[b][r][g];
        }
        if (nr >= 30) m.first_legal_by_remaining[a][r] = cumulative(w);
        else m.first_legal_by_remaining[a][r].clear();
      }
    }
  }
  // Arrivals: level and age mix from the window; trend from yearly blocks (Poisson log-linear
  // regression by iteratively reweighted least squares; over-dispersion from Pearson's chi-square).
  double window_total = 0;
  for (double x : window_count) window_total += x;
  for (int a = 0; a < 18; ++a) m.arrivals_per_day[a] = window_count[a] / s.arrivals_window_days;
  m.level_count = std::max(1.0, window_total);
  int full_blocks = 0;
  for (int j = 0; j < blocks; ++j)
    if (T - 365 * (j + 1) + 1 >= data_start) full_blocks = j + 1;
  if (s.trend && full_blocks >= 3) {
    // With re-entries simulated, the trend is still that of all arrivals: in the data's first
    // years a re-entry whose earlier period predates the first return passes for a new entrant,
    // so new entrants alone would seem to fall. The level of new entrants is then refitted given
    // that trend, as in fit_entry_trend.
    EntryTrend et = fit_entry_trend(std::vector<double>(block_all.begin(), block_all.begin() + full_blocks), s.trend_prior_sd);
    if (s.reentry) {
      double y = 0, w = 0;
      for (int j = 0; j < full_blocks; ++j) y += block_count[j], w += std::exp(et.trend * -(j + 0.5));
      et.level_per_year = y / w;
    }
    m.trend = et.trend;
    m.trend_se = et.trend_sd;
    // Rescale the window's age mix to the level at T.
    if (window_total > 0)
      for (int a = 0; a < 18; ++a) m.arrivals_per_day[a] = et.level_per_year / 365.25 * window_count[a] / window_total;
    m.level_count = std::max(1.0, block_count[0]);
  }
  // Children in care at T.
  for (ChildIndex c = 0; c < h.children.size(); ++c) {
    const Child& ch = h.children[c];
    if (!ch.dob_known) continue;
    for (const auto& p : h.periods_of(c)) {
      if (p.short_breaks || p.start > T || (!p.end.is_open() && p.end <= T)) continue;
      MicrosimModel::Current cur{p.start, p.start, ch.dob, std::clamp(age_on(ch.dob, p.start), 0, 17), Kind::other,
                                 -1, LegalGroup::other, p.start};
      if (!h.start_known(p))
        cur.unknown_start_band = static_cast<int8_t>(iband(age_on(ch.dob, data_start)));
      for (uint32_t i = 0; i < p.placement_count; ++i) {
        const Placement& pl = h.placements[p.first_placement + i];
        if (pl.start > T) break;
        cur.placement_start = pl.start;
        cur.kind = kind_of(pl.placement_type, pl.provider);
      }
      legal_runs(h, p, T, runs);
      if (!runs.empty()) cur.legal = runs.back().group, cur.legal_start = runs.back().start;
      m.in_care.push_back(cur);
    }
  }
  return m;
}

double MicrosimResult::total(int run, size_t month) const {
  double t = 0;
  for (int k = 0; k < kKindCount; ++k) t += kind(run, month, k);
  return t;
}

MicrosimResult simulate(const MicrosimModel& m, const MicrosimSettings& s, const Scenario& sc) {
  MicrosimResult res;
  const Date T = m.as_of;
  const auto ymd = T.ymd();
  const Date end = Date::from_ymd(ymd.year + s.years, ymd.month, std::min(ymd.day, days_in_month(ymd.year + s.years, ymd.month)));
  const int days = end - T;
  res.start = T;
  res.days = days;
  res.runs = s.runs;
  res.bands = s.bands.count();
  for (Date d = month_end(T + 1); d <= end; d = month_end(d + 1)) res.month_ends.push_back(d);
  const size_t months = res.month_ends.size();
  std::vector<int> month_of_day(days + 2, static_cast<int>(months));  // day index -> month slot
  {
    size_t mi = 0;
    for (int i = 1; i <= days; ++i) {
      while (mi < months && res.month_ends[mi] < T + i) ++mi;
      month_of_day[i] = static_cast<int>(mi);
    }
  }
  res.first_fy = financial_year_of(T + 1);
  res.fy_count = financial_year_of(end) - res.first_fy + 1;
  res.by_kind.assign(static_cast<size_t>(s.runs) * months * kKindCount, 0.f);
  res.by_band.assign(static_cast<size_t>(s.runs) * months * res.bands, 0.f);
  res.by_legal.assign(static_cast<size_t>(s.runs) * months * kLegalGroupCount, 0.f);
  res.spend.assign(static_cast<size_t>(s.runs) * months, 0.0);
  res.exits.assign(static_cast<size_t>(s.runs) * res.fy_count * kRouteCount, 0.f);
  res.reentries.assign(static_cast<size_t>(s.runs) * res.fy_count, 0.f);
  std::vector<double> infl(days + 1, 1.0), weekly(kKindCount);
  for (int i = 1; i <= days; ++i) infl[i] = sc.costs.inflation_factor(T + i, T);
  for (int k = 0; k < kKindCount; ++k) weekly[k] = sc.costs.weekly[k] / 7.0;
  const int NB = res.bands;
  // Per-day lookups and birthday offsets, computed once rather than per child.
  std::vector<int> fy_of_day(days + 1, 0);
  for (int i = 1; i <= days; ++i) fy_of_day[i] = financial_year_of(T + i) - res.first_fy;
  std::vector<int32_t> band_offset(NB + 1, 0);
  for (int b = 0; b < NB; ++b) band_offset[b] = static_cast<int32_t>(std::lround(s.bands.lower[b] * 365.25));
  band_offset[NB] = std::numeric_limits<int32_t>::max();
  const int32_t offset18 = static_cast<int32_t>(std::lround(18 * 365.25));

  // Cumulative re-entry hazard between T and the horizon (or 18) of each child who left before T.
  std::vector<double> leaver_room(m.reentry ? m.left_before.size() : 0);
  for (size_t i = 0; i < leaver_room.size(); ++i) {
    const auto& l = m.left_before[i];
    const int age_left = std::clamp((l.left - l.dob) * 4 / 1461, 0, 17);
    const Hazard& hz = m.reenter[l.how][iband(age_left)];
    const double limit = static_cast<double>(std::min(end, l.dob + offset18) - l.left);
    if (sc.reentry_applies(l.how)) {  // scenario: the hazard scaled from reentry_from on
      const double f = sc.reentry_factor, d0 = static_cast<double>(sc.reentry_from - l.left - 1);
      leaver_room[i] = cumulative_scaled_from(hz, limit, f, d0) - cumulative_scaled_from(hz, static_cast<double>(T - l.left), f, d0);
    } else {
      leaver_room[i] = hz.cumulative(limit) - hz.cumulative(static_cast<double>(T - l.left));
    }
  }
  // Pickers of the destination of a move (by kind, age band, time still to spend; the pooled
  // destinations where that is empty), the next legal group, and the first kind and group.
  std::array<std::array<std::array<Picker, MicrosimModel::kRemainingBands>, 5>, kKindCount> dest_pick;
  std::array<std::array<Picker, 5>, kLegalGroupCount> legal_pick;
  std::array<Picker, 18> first_kind_pick, first_legal_pick;
  for (int k = 0; k < kKindCount; ++k)
    for (int b = 0; b < 5; ++b)
      for (int rb = 0; rb < MicrosimModel::kRemainingBands; ++rb) {
        const auto& rem = m.destination_by_remaining[k][b][rb];
        dest_pick[k][b][rb] = Picker(rem.empty() ? m.destination[k][b] : rem);
      }
  for (int g = 0; g < kLegalGroupCount; ++g)
    for (int b = 0; b < 5; ++b) legal_pick[g][b] = Picker(m.legal_next[g][b]);
  std::array<std::array<Picker, MicrosimModel::kRemainingBands>, 18> first_legal_rem_pick;
  for (int a = 0; a < 18; ++a) {
    first_kind_pick[a] = Picker(m.first_kind[a]), first_legal_pick[a] = Picker(m.first_legal[a]);
    for (int rb = 0; rb < MicrosimModel::kRemainingBands; ++rb)
      first_legal_rem_pick[a][rb] = Picker(m.first_legal_by_remaining[a][rb].empty() ? m.first_legal[a] : m.first_legal_by_remaining[a][rb]);
  }
  // An entrant's first group is drawn once its exit is known (the length of the period).
  constexpr auto kAtEntry = static_cast<LegalGroup>(kLegalGroupCount);
  tbb::parallel_for(tbb::blocked_range<int>(0, s.runs), [&](const tbb::blocked_range<int>& range) {
    std::vector<int32_t> dk((days + 2) * kKindCount), db((days + 2) * NB), dl((days + 2) * kLegalGroupCount);
    std::vector<double> stock(kKindCount);
    for (int run = range.begin(); run != range.end(); ++run) {
      Rng rng(run_seed(s.seed, static_cast<uint64_t>(run)));
      // Legal status draws come from a stream of their own: the rest of the run is the same draw
      // for draw as without them.
      Rng lrng(run_seed(s.seed ^ kLegalStream, static_cast<uint64_t>(run)));
      Rng xrng(run_seed(s.seed ^ kReentryStream, static_cast<uint64_t>(run)));
      std::fill(dk.begin(), dk.end(), 0);
      std::fill(db.begin(), db.end(), 0);
      std::fill(dl.begin(), dl.end(), 0);
      float* exits = &res.exits[static_cast<size_t>(run) * res.fy_count * kRouteCount];
      const double level = s.parameter_uncertainty ? rng.gamma(m.level_count) / m.level_count : 1.0;
      const double beta = s.trend ? m.trend + (s.parameter_uncertainty ? rng.normal() * m.trend_se : 0.0) : 0.0;
      // Uncertainty of the leaving hazards' level: all hazards scaled by Gamma(n, n), n = exits
      // observed; scaling a hazard by g is dividing the Exp(1) draw by g.
      const double leave_scale = s.parameter_uncertainty ? m.leave_events / std::max(1e-9, rng.gamma(m.leave_events)) : 1.0;
      // A change of trend after the origin (MicrosimSettings::trend_change_sd), from a stream of
      // its own. Antithetic: runs 2k and 2k + 1 take d and -d, so the draws' mean is 0 exactly
      // and the forecast's mean does not carry their sampling error (one seed serves every
      // council and origin alike, so that error would not average out over a battery).
      const double change_sd = s.parameter_uncertainty ? s.trend_change_sd : 0.0;
      double change = 0.0;
      if (change_sd > 0) {
        change = Rng(run_seed(s.seed ^ kTrendChangeStream, static_cast<uint64_t>(run / 2))).normal() * change_sd;
        if (run % 2) change = -change;
      }

      auto add_kind = [&](Date a, Date b, Kind k) {
        const int ia = std::max(a - T, 1), ib = std::min(b - T, days + 1);
        if (ia >= ib) return;
        dk[ia * kKindCount + static_cast<int>(k)] += 1;
        dk[ib * kKindCount + static_cast<int>(k)] -= 1;
      };
      auto add_legal = [&](Date a, Date b, int g) {
        const int ia = std::max(a - T, 1), ib = std::min(b - T, days + 1);
        if (ia >= ib) return;
        dl[ia * kLegalGroupCount + g] += 1;
        dl[ib * kLegalGroupCount + g] -= 1;
      };
      const bool return_home = sc.return_home_factor != 1.0;
      // Leaving by legal status at the origin (MicrosimModel::legal_exit_observed), from a stream
      // of its own; 1 for every group when off or with nothing estimated.
      std::array<double, kLegalGroupCount> exit_ratio;
      {
        Rng grng(run_seed(s.seed ^ kLegalExitStream, static_cast<uint64_t>(run)));
        const double level = m.legal_exit_level();
        for (int g = 0; g < kLegalGroupCount; ++g) {
          const double o = m.legal_exit_observed[g] + MicrosimModel::kLegalExitPrior;
          const double e = (m.legal_exit_expected[g] + MicrosimModel::kLegalExitPrior) * level;
          exit_ratio[g] = !s.exits_by_legal_status ? 1.0 : s.parameter_uncertainty ? grng.gamma(o) / e : o / e;
        }
      }
      auto child = [&](Date ps, Date pst, Date now, Date dob, int a, Kind kind, const Hazard& leave, LegalGroup lg,
                       Date lst, double hazard_ratio = 1.0) -> std::pair<Date, Route> {
        const Date bd18 = dob + offset18;
        if (now >= bd18) return {now, Route::age_18};
        double mult = 1.0, until = 0.0, p_home = 0.0;
        if (return_home && ps >= sc.return_home_from) {
          p_home = m.home_share_early[a];
          mult = 1.0 + (sc.return_home_factor - 1.0) * p_home;
          until = sc.return_home_days;
        }
        const double E = rng.exponential() * leave_scale;
        // The legal status's ratio scales the hazard for the rest of the stay: scaling a hazard
        // by r is dividing the Exp(1) draw by r.
        const double dur = until > 0 && mult != 1.0 ? leave.sample_given(now - ps, E / hazard_ratio, mult, until)
                                                    : leave.sample(now - ps, E / hazard_ratio);
        Date stop = bd18;
        Route route = Route::age_18;
        if (dur < static_cast<double>(bd18 - ps)) {
          stop = std::max(now + 1, ps + static_cast<int32_t>(ceil_exact(dur)));
          if (stop >= bd18) stop = bd18;
        }
        if (stop < bd18) {
          const int age = (stop - dob) * 4 / 1461;
          const auto& rc = m.route_cum[iband(std::min(age, 17)) * 3 + tic_band(stop - ps)];
          if (until > 0 && stop - ps < until) {
            if (rng.uniform() < p_home * sc.return_home_factor / mult) route = Route::home;
            else {
              route = Route::other;
              for (int tries = 0; tries < 20; ++tries) {
                const double u = rng.uniform() * rc[kRouteCount - 1];
                int r = 0;
                while (r < kRouteCount - 2 && rc[r] <= u) ++r;
                if (r != 0) { route = static_cast<Route>(r); break; }
              }
            }
          } else {
            const double u = rng.uniform() * rc[kRouteCount - 1];
            int r = 0;
            while (r < kRouteCount - 2 && rc[r] <= u) ++r;
            route = static_cast<Route>(r);
          }
        }
        if (stop - T >= 1 && stop - T <= days) {
          const int fy = fy_of_day[stop - T];
          exits[fy * kRouteCount + static_cast<int>(route)] += 1;
        }
        // Placements, simulated only as far as the horizon.
        Date t = now, pstart = pst;
        Kind k = kind;
        for (int moves = 0; moves < 200 && t <= end; ++moves) {
          const int age = (t - dob) * 4 / 1461;
          const double v = m.move[static_cast<int>(k)][iband(age)].sample(t - pstart, rng.exponential());
          const double mv_d = static_cast<double>(pstart.days()) + ceil_exact(v);
          if (mv_d >= static_cast<double>(stop.days()) || moves == 199) {
            add_kind(t, stop, k);
            break;
          }
          const Date mv(static_cast<int32_t>(std::max(mv_d, static_cast<double>(t.days() + 1))));
          if (mv >= stop) { add_kind(t, stop, k); break; }
          add_kind(t, mv, k);
          k = static_cast<Kind>(pick_guided(rng, dest_pick[static_cast<int>(k)][iband(age)][MicrosimModel::remaining_band(stop - mv)]));
          t = pstart = mv;
        }
        // Legal status, likewise as far as the horizon.
        {
          Date lt = now, gstart = lst;
          int g = lg == kAtEntry ? static_cast<int>(pick_guided(lrng, first_legal_rem_pick[a][MicrosimModel::remaining_band(stop - ps)]))
                                 : static_cast<int>(lg);
          for (int changes = 0; changes < 50 && lt <= end; ++changes) {
            const int age = (lt - dob) * 4 / 1461;
            const Hazard& lhz = m.legal_change_by_remaining[g][iband(age)][MicrosimModel::remaining_band(stop - gstart)];
            // Scenario lever (faster care proceedings...): the part of the hazard towards
            // `to_group` scaled by f from the lever's date, i.e. the whole by 1 + (f - 1) p.
            double lever_m = 1.0, lever_p = 1.0;
            const auto* lever = sc.legal_change && static_cast<int>(sc.legal_change->from_group) == g ? &*sc.legal_change : nullptr;
            if (lever) {
              const auto& nx = m.legal_next[g][iband(age)];
              if (lever->to_group && !nx.empty() && nx.back() > 0) {
                const size_t to = static_cast<size_t>(*lever->to_group);
                lever_p = (nx[to] - (to ? nx[to - 1] : 0.0)) / nx.back();
              }
              lever_m = 1.0 + (lever->factor - 1.0) * lever_p;
            }
            const double v = lever && lever_m != 1.0
                                 ? sample_scaled_from(lhz, lt - gstart, lrng.exponential(), lever_m, static_cast<double>(lever->from - gstart - 1))
                                 : lhz.sample(lt - gstart, lrng.exponential());
            const double ch_d = static_cast<double>(gstart.days()) + ceil_exact(v);
            if (ch_d >= static_cast<double>(stop.days()) || changes == 49) {
              add_legal(lt, stop, g);
              break;
            }
            const Date ch(static_cast<int32_t>(std::max(ch_d, static_cast<double>(lt.days() + 1))));
            if (ch >= stop) { add_legal(lt, stop, g); break; }
            add_legal(lt, ch, g);
            if (lever && lever_m != 1.0 && lever->to_group && ch >= lever->from) {
              // After the lever's date: to `to_group` with probability p f / m, else elsewhere.
              const size_t to = static_cast<size_t>(*lever->to_group);
              g = lrng.uniform() * lever_m < lever_p * lever->factor ? static_cast<int>(to)
                                                                      : static_cast<int>(pick_excluding(lrng, m.legal_next[g][iband(age)], to));
            } else {
              g = static_cast<int>(pick_guided(lrng, legal_pick[g][iband(age)]));
            }
            lt = gstart = ch;
          }
        }
        // Age bands: the stay within the horizon, [max(now, T + 1), min(stop, end + 1)), cut at
        // the birthdays that start a band, from the band at its start.
        // On the scale of age in days (band_offset ends with a sentinel above any age).
        const Date lo = std::max(now, T + 1), hi = std::min(stop, end + 1);
        if (NB > 0 && lo < hi) {
          const int32_t day_of_age = dob - T;  // day index = age in days + day_of_age
          const int32_t age_lo = lo - dob, age_hi = hi - dob;
          int b = 0;
          while (band_offset[b + 1] <= age_lo) ++b;
          for (int32_t a0 = age_lo;; ++b) {
            const int32_t b1 = std::min(band_offset[b + 1], age_hi);
            if (b1 > a0) {
              db[(a0 + day_of_age) * NB + b] += 1;
              db[(b1 + day_of_age) * NB + b] -= 1;
              a0 = b1;
            }
            if (b1 >= age_hi) break;
          }
        }
        return {stop, route};
      };
      // New periods of a child who left on `left` (how: 0 home, 1 other) and has been out of care
      // `since` days, for as long as they come back and leave again within the horizon.
      float* reentries = &res.reentries[static_cast<size_t>(run) * res.fy_count];
      auto come_back = [&](Date left, Date dob, int how, double since, double first_E = -1) {
        const Date bd18 = dob + offset18;
        for (int times = 0; times < 20; ++times) {
          const int age_left = std::clamp((left - dob) * 4 / 1461, 0, 17);
          const double E = times == 0 && first_E >= 0 ? first_E : xrng.exponential();
          const double u = sc.reentry_applies(how) ? sample_scaled_from(m.reenter[how][iband(age_left)], since, E, sc.reentry_factor,
                                                                         static_cast<double>(sc.reentry_from - left - 1))
                                                    : m.reenter[how][iband(age_left)].sample(since, E);
          const double at = static_cast<double>(left.days()) + std::max(ceil_exact(u), 1.0);
          if (at > static_cast<double>(end.days()) || at >= static_cast<double>(bd18.days())) return;
          const Date re(static_cast<int32_t>(std::max(at, static_cast<double>(T.days() + 1))));
          const int age = std::clamp((re - dob) * 4 / 1461, 0, 17);
          reentries[fy_of_day[re - T]] += 1;
          const auto k = static_cast<Kind>(pick_guided(xrng, first_kind_pick[age]));
          const auto [stop, route] = child(re, re, re, dob, age, k, m.leave[age], kAtEntry, re);
          if (route == Route::age_18 || stop > end) return;
          left = stop, how = route == Route::home ? 0 : 1, since = 0;
        }
      };
      auto then_come_back = [&](std::pair<Date, Route> out, Date dob) {
        if (m.reentry && out.second != Route::age_18 && out.first <= end)
          come_back(out.first, dob, out.second == Route::home ? 0 : 1, 0);
      };
      for (const auto& c : m.in_care) {
        if (c.unknown_start_band >= 0)
          then_come_back(child(m.data_start, c.placement_start, T, c.dob, c.age_at_entry, c.kind,
                               m.leave_unknown_start[c.unknown_start_band], c.legal, c.legal_start,
                               exit_ratio[static_cast<int>(c.legal)]),
                         c.dob);
        else
          then_come_back(child(c.period_start, c.placement_start, T, c.dob, c.age_at_entry, c.kind, m.leave[c.age_at_entry], c.legal,
                               c.legal_start, exit_ratio[static_cast<int>(c.legal)]),
                         c.dob);
      }
      if (m.reentry)
        for (size_t i = 0; i < m.left_before.size(); ++i) {
          // Most children who left before T do not come back within the horizon: one draw and a
          // compare with the hazard still ahead of them settles it (at national scale the full
          // draw for ~200,000 leavers a run cost ~20% of the simulation).
          const double E = xrng.exponential();
          if (E >= leaver_room[i]) continue;
          const auto& l = m.left_before[i];
          come_back(l.left, l.dob, l.how, static_cast<double>(T - l.left), E);
        }
      // Entrants, month by month.
      for (Date a = T + 1; a <= end;) {
        const Date b = std::min(month_end(a), end);
        const int len = (b - a) + 1;
        const Date mid = a + len / 2;
        const double years = (mid - T) / 365.25;
        double growth = std::exp(beta * years) * level;
        if (change_sd > 0) growth *= std::exp(change * years - 0.5 * change_sd * change_sd * years * years);
        for (int age = 0; age < 18; ++age) {
          const double mean = m.arrivals_per_day[age] * len * growth * sc.entry_multiplier(age, mid, T);
          const int64_t n = rng.poisson(mean);
          for (int64_t i = 0; i < n; ++i) {
            const Date day = a + static_cast<int32_t>(rng.uniform() * len);
            const auto& ages = m.entry_age_days[age];
            const int32_t age_days = ages.empty() ? static_cast<int32_t>((age + rng.uniform()) * 365.25)
                                                  : ages[static_cast<size_t>(rng.uniform() * ages.size())];
            const Date dob = day - age_days;
            const Kind k = static_cast<Kind>(pick_guided(rng, first_kind_pick[age]));
            then_come_back(child(day, day, day, dob, age, k, m.leave[age], kAtEntry, day), dob);
          }
        }
        a = b + 1;
      }
      // Daily stocks, mix shifts, snapshots and spend.
      std::fill(stock.begin(), stock.end(), 0.0);
      std::vector<double> bstock(NB, 0.0), lstock(kLegalGroupCount, 0.0);
      float* out_k = &res.by_kind[static_cast<size_t>(run) * months * kKindCount];
      float* out_b = &res.by_band[static_cast<size_t>(run) * months * NB];
      float* out_l = &res.by_legal[static_cast<size_t>(run) * months * kLegalGroupCount];
      double* out_s = &res.spend[static_cast<size_t>(run) * months];
      std::vector<double> shifted(kKindCount);
      for (int i = 1; i <= days; ++i) {
        for (int k = 0; k < kKindCount; ++k) stock[k] += dk[i * kKindCount + k];
        for (int b = 0; b < NB; ++b) bstock[b] += db[i * NB + b];
        for (int g = 0; g < kLegalGroupCount; ++g) lstock[g] += dl[i * kLegalGroupCount + g];
        shifted = stock;
        for (const auto& sh : sc.shifts) {
          const double n = std::min(sc.shifted(sh, T + i), shifted[static_cast<int>(sh.from_kind)]);
          shifted[static_cast<int>(sh.from_kind)] -= n;
          shifted[static_cast<int>(sh.to_kind)] += n;
        }
        const int mi = month_of_day[i];
        if (mi < static_cast<int>(months)) {
          double cost = 0;
          for (int k = 0; k < kKindCount; ++k) cost += shifted[k] * weekly[k];
          out_s[mi] += cost * infl[i];
          if (T + i == res.month_ends[mi]) {
            for (int k = 0; k < kKindCount; ++k) out_k[mi * kKindCount + k] = static_cast<float>(shifted[k]);
            for (int b = 0; b < NB; ++b) out_b[mi * NB + b] = static_cast<float>(bstock[b]);
            for (int g = 0; g < kLegalGroupCount; ++g) out_l[mi * kLegalGroupCount + g] = static_cast<float>(lstock[g]);
          }
        }
      }
    }
  });
  return res;
}

}  // namespace careflow::forecast
