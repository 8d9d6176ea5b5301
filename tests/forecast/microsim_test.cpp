#include "careflow/forecast/microsim.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <limits>

#include "careflow/forecast/simulated_history.hpp"
#include "careflow/forecast/stock_flow.hpp"

using namespace careflow;
using namespace careflow::forecast;

namespace {
// Everyone enters at age `age`, leaves care at a constant daily hazard `mu` (exponential stays),
// no re-entries, no trend: 1,500 entrants a year for ten collection years 2015/16..2024/25.
SimulatedHistorySettings constant_hazard(int age, double mu, uint64_t seed = 7) {
  SimulatedHistorySettings s;
  s.first_year = 2016;
  s.last_year = 2025;
  s.entrants_per_year = 1500;
  s.early_hazard = s.late_hazard = mu;
  s.reentry_share = 0;
  s.age_weights.fill(0);
  s.age_weights[age] = 1;
  s.seed = seed;
  return s;
}
double mean_total(const MicrosimResult& r, size_t month) {
  double t = 0;
  for (int run = 0; run < r.runs; ++run) t += r.total(run, month);
  return t / r.runs;
}
}  // namespace

TEST(Hazard, ConditionalSamplingInvertsTheCumulativeHazard) {
  Hazard h;
  h.edges = {0, 100, 200};
  h.rate = {0.01, 0.02, 0.0};
  h.finish();
  EXPECT_NEAR(h.cumulative(150), 1.0 + 1.0, 1e-12);
  // Given survival to 50 (H = 0.5), E = 1 gives H = 1.5: in the second interval at 100 + 0.5/0.02.
  EXPECT_NEAR(h.sample_given(50, 1.0), 125, 1e-9);
  // Beyond the last rate of zero the event never happens.
  EXPECT_TRUE(std::isinf(h.sample_given(50, 5.0)));
  // Doubling the hazard before day 100: E = 1 from 0 reaches H = 1 at day 50.
  EXPECT_NEAR(h.sample_given(0, 1.0, 2.0, 100), 50, 1e-9);
  // E = 2.5 from 0: 2 used by day 100, then 0.5 at 0.02 a day = 25 more days.
  EXPECT_NEAR(h.sample_given(0, 2.5, 2.0, 100), 125, 1e-9);
}

// The week look-up table (Hazard::interval_of_week) must give the same interval as a search of
// the edges, including exactly on edges and just below them. By hand: cum = 0, 0.7, 2.1, 2.9, 3.21.
TEST(Hazard, WeekTableAgreesWithHandComputedCumulative) {
  Hazard h;
  h.edges = {0, 7, 14, 30, 61};
  h.rate = {0.1, 0.2, 0.05, 0.01, 0.0};
  h.finish();
  ASSERT_EQ(h.interval_of_week.size(), 8u);  // weeks starting 0, 7, ..., 49 (< 61)
  EXPECT_EQ(h.interval(6.999), 0u);
  EXPECT_EQ(h.interval(7.0), 1u);
  EXPECT_EQ(h.interval(29.99), 2u);
  EXPECT_EQ(h.interval(30.0), 3u);
  EXPECT_EQ(h.interval(100.0), 4u);  // beyond the table: binary search
  EXPECT_NEAR(h.cumulative(7), 0.7, 1e-12);
  EXPECT_NEAR(h.cumulative(13.5), 0.7 + 6.5 * 0.2, 1e-12);
  EXPECT_NEAR(h.cumulative(29.99), 2.1 + 15.99 * 0.05, 1e-12);
  EXPECT_NEAR(h.cumulative(100), 3.21, 1e-12);
  // From day 7 (H = 0.7), E = 1.4 reaches H = 2.1 exactly at the edge 14.
  EXPECT_NEAR(h.sample_given(7, 1.4), 14, 1e-9);
  // From day 20 (H = 2.4), E = 0.6 reaches 3.0 in [30, 61): 30 + 0.1/0.01 = 40.
  EXPECT_NEAR(h.sample_given(20, 0.6), 40, 1e-9);
}

// Hazard::sample (the simulation's inner loop: two look-up tables and a forward scan) must give
// exactly, bit for bit, what the reference gives by binary searches: inverse(cumulative(u) + E).
// Hazards with a small and a very large total cumulative hazard (the table's steps are relative
// to H), zero-rate stretches (equal cumulative values), and targets below, inside and above the
// table's range (2^-14 .. 2^10), on and just off the edges.
TEST(Hazard, FastSampleIsTheInverseOfTheCumulativeHazard) {
  const std::vector<double> edges{0, 7, 14, 30, 61, 91, 122, 152, 182, 243, 304, 365, 456, 547, 638, 730,
                                  912, 1095, 1460, 1825, 2190, 2555, 2920, 3650, 4380, 5110, 5840, 6570};
  std::vector<Hazard> hazards;
  for (const double scale : {1e-5, 1e-3, 0.05, 2.0}) {
    Hazard h;
    h.edges = edges;
    for (size_t k = 0; k < edges.size(); ++k) h.rate.push_back(scale * (k % 5 == 3 ? 0.0 : 1.0 + 0.7 * std::sin(k)));
    h.finish();
    hazards.push_back(h);
  }
  Hazard last_zero = hazards[1];
  last_zero.rate.back() = 0;
  last_zero.finish();
  hazards.push_back(last_zero);
  Rng rng(11);
  int checked = 0;
  for (const Hazard& h : hazards) {
    ASSERT_FALSE(h.interval_of_cum.empty());
    std::vector<double> us{0, 6.999, 7, 30, 100.5, 6569.9, 6570, 9000};
    for (int i = 0; i < 300; ++i) us.push_back(rng.uniform() * 7000);
    for (const double u : us) {
      std::vector<double> Es{0, 1e-300, 1e-6, 0.5, 1, 3, 40, 5000};
      for (int i = 0; i < 20; ++i) Es.push_back(rng.exponential());
      for (const double k_cum : h.cum) Es.push_back(std::max(0.0, k_cum - h.cumulative(u)));  // targets on the edges
      for (const double E : Es) {
        const double ref = h.inverse(h.cumulative(u) + E), fast = h.sample(u, E);
        if (std::isinf(ref)) EXPECT_TRUE(std::isinf(fast)) << u << " " << E;
        else EXPECT_EQ(ref, fast) << u << " " << E;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 50000);
}

// With a constant hazard mu and arrivals lambda a day the expected number in care is
// N(t) = N0 e^{-mu t} + (lambda/mu)(1 - e^{-mu t}); started from the steady state, it stays at
// lambda/mu = (1500/365.25) * 365 = 1499.0. Both models, fitted from the simulated returns, must
// recover it (the entry rate is estimated from three years, about 4,500 entrants: s.e. 1.5%).
TEST(Microsim, ConstantHazardMeanConvergesToAnalyticSteadyState) {
  const History h = simulate_history(constant_hazard(3, 1.0 / 365));
  MicrosimSettings s;
  s.as_of = h.data_end();
  s.years = 3;
  s.runs = 40;
  s.trend = false;
  s.arrivals_window_days = 3 * 365;
  const MicrosimModel m = fit_microsim(h, s);
  const double truth = 1500 / 365.25 * 365;
  // Fitted hazard in the first year of care close to 1/365.
  EXPECT_NEAR(m.leave[3].cumulative(365), 1.0, 0.05);
  const MicrosimResult r = simulate(m, s, Scenario{});
  ASSERT_EQ(r.month_ends.size(), 36u);
  const double mean36 = mean_total(r, 35);
  EXPECT_NEAR(mean36 / truth, 1.0, 0.04);
  // The deterministic model on the same data.
  const StockFlowModel sf = fit_stock_flow(h, {h.data_end() - 3 * 365 + 1, h.data_end(), {}});
  const auto p = project(sf, r.days);
  EXPECT_NEAR(p.total(r.days) / truth, 1.0, 0.04);
  EXPECT_NEAR(mean36 / p.total(r.days), 1.0, 0.04);
  // Spread: with independent stays the number in care is Poisson (variance = mean), plus the
  // entry-level uncertainty drawn per run (s.e. 1.5%): the s.d. over runs must be of that order.
  double ss = 0;
  for (int run = 0; run < r.runs; ++run) ss += std::pow(r.total(run, 35) - mean36, 2);
  const double sd = std::sqrt(ss / (r.runs - 1));
  EXPECT_GT(sd, 0.5 * std::sqrt(truth));
  EXPECT_LT(sd, 3.0 * std::sqrt(truth + std::pow(0.015 * truth, 2)));
}

// A change of trend after the origin (trend_change_sd = sigma): arrivals at t years are
// multiplied by exp(d t - sigma^2 t^2 / 2), d ~ N(0, sigma^2), whose mean is 1, so the mean is
// still the steady state lambda/mu = 1499.0. Its spread: to first order the number in care at
// T = 1,095 days moves by lambda d times the integral over the entry day t of (t / 365.25)
// e^{-mu (T - t)}, i.e. with u = T - t and mu = 1/365,
// [T (1 - e^{-mu T}) / mu - (1 - e^{-mu T} (1 + mu T)) / mu^2] / 365.25
// = (379,772 - 106,693) / 365.25 = 747.6, and lambda = 1500/365.25 = 4.107: s.d. 3,070 sigma,
// 307 for sigma = 0.1, against Poisson's 38.7 and the level's 21 (1.5% of 1,424 entrants still
// in care): 310 in all. 200 runs estimate a s.d. within about 5% (1 / sqrt(2 x 200)).
TEST(Microsim, ChangeOfTrendWidensTheSpreadButNotTheMean) {
  const History h = simulate_history(constant_hazard(3, 1.0 / 365));
  MicrosimSettings s;
  s.as_of = h.data_end();
  s.years = 3;
  s.runs = 200;
  s.trend = false;
  s.arrivals_window_days = 3 * 365;
  s.trend_change_sd = 0.1;
  const MicrosimModel m = fit_microsim(h, s);
  const MicrosimResult r = simulate(m, s, Scenario{});
  const double truth = 1500 / 365.25 * 365, mean36 = mean_total(r, 35);
  EXPECT_NEAR(mean36 / truth, 1.0, 0.05);  // the mean's s.e. is 310 / sqrt(200) = 22, 1.5%
  double ss = 0;
  for (int run = 0; run < r.runs; ++run) ss += std::pow(r.total(run, 35) - mean36, 2);
  const double sd = std::sqrt(ss / (r.runs - 1));
  EXPECT_NEAR(sd / 310.0, 1.0, 0.2);
}

TEST(Microsim, SameResultWhateverTheNumberOfThreads) {
  const History h = simulate_history(constant_hazard(8, 1.0 / 300, 3));
  MicrosimSettings s;
  s.as_of = h.data_end();
  s.years = 1;
  s.runs = 12;
  const MicrosimModel m = fit_microsim(h, s);
  MicrosimResult one, many;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = simulate(m, s, Scenario{});
  }
  many = simulate(m, s, Scenario{});
  EXPECT_EQ(one.by_kind, many.by_kind);
  EXPECT_EQ(one.spend, many.spend);
  s.seed = 2;
  const MicrosimResult other = simulate(m, s, Scenario{});
  EXPECT_NE(one.by_kind, other.by_kind);
}

// Cutting entries of 10-15s by 20% from the forecast start. Everyone enters at 12 with
// exponential stays (mean 365 days), so the 10-15 band is the whole population (bar the ~3%
// who reach 16 within three years). After t = 3 years:
// N = N0 e^{-3} + 0.8 (lambda/mu)(1 - e^{-3}) with N0 = lambda/mu, so N / N_base =
// e^{-3} + 0.8 (1 - e^{-3}) = 0.8100.
TEST(Microsim, EntryCutLowersTheBandByTheSteadyStateAmount) {
  const History h = simulate_history(constant_hazard(12, 1.0 / 365, 11));
  MicrosimSettings s;
  s.as_of = h.data_end();
  s.years = 3;
  s.runs = 30;
  s.trend = false;
  s.arrivals_window_days = 3 * 365;
  const MicrosimModel m = fit_microsim(h, s);
  Scenario cut;
  cut.entry_changes.push_back({10, 15, 0.8, s.as_of + 1});
  const auto base = simulate(m, s, Scenario{});
  const auto scen = simulate(m, s, cut);
  double b = 0, c = 0;
  for (int run = 0; run < s.runs; ++run) b += base.band(run, 35, 3), c += scen.band(run, 35, 3);
  EXPECT_NEAR(c / b, std::exp(-3.0) + 0.8 * (1 - std::exp(-3.0)), 0.02);
}

// Returns home within six months up by half (factor 1.5). With constant hazard mu = 1/365 and
// a home share p of early exits (0.85 in the simulated data, REC E4A for children over 5), the
// hazard in the first 182 days becomes m mu with m = 1 + 0.5 p = 1.425. Mean stay of a new
// entrant: (1 - e^{-m mu 182})/(m mu) + e^{-m mu 182}/mu = 130.3 + 179.3 = 309.6 days against
// 365. At three years new entrants contribute lambda (309.6 - 14.7) (the tail beyond three years
// is 179.3 e^{-mu (1095-182)} = 14.7) and the children already in care N0 e^{-3} = 18.2 lambda
// in both; the baseline is 365 lambda: ratio (18.2 + 294.9) / 365 = 0.858.
TEST(Microsim, MoreEarlyReturnsHomeShortenStays) {
  const History h = simulate_history(constant_hazard(12, 1.0 / 365, 5));
  MicrosimSettings s;
  s.as_of = h.data_end();
  s.years = 3;
  s.runs = 30;
  s.trend = false;
  s.arrivals_window_days = 3 * 365;
  const MicrosimModel m = fit_microsim(h, s);
  EXPECT_NEAR(m.home_share_early[12], 0.85, 0.04);
  Scenario home;
  home.return_home_factor = 1.5;
  home.return_home_from = s.as_of + 1;
  const auto base = simulate(m, s, Scenario{});
  const auto scen = simulate(m, s, home);
  EXPECT_NEAR(mean_total(scen, 35) / mean_total(base, 35), 0.858, 0.025);
  // More of the exits are home.
  double hb = 0, hs = 0;
  for (int run = 0; run < s.runs; ++run)
    for (int fy = 0; fy < base.fy_count; ++fy)
      hb += base.exits[(run * base.fy_count + fy) * kRouteCount], hs += scen.exits[(run * scen.fy_count + fy) * kRouteCount];
  EXPECT_GT(hs, hb);
}

// 21 children from IFA to in-house fostering, phased in over three years: with common random
// numbers the two runs differ only by the shift, so after the end date exactly 21 fewer are in
// IFA, and spend differs by (550 - 950)/7 a day per child moved.
TEST(Microsim, MixShiftMovesChildrenAndSpend) {
  auto cfg = constant_hazard(8, 1.0 / 700, 9);
  const History h = simulate_history(cfg);
  MicrosimSettings s;
  s.as_of = h.data_end();
  s.years = 4;
  s.runs = 5;
  const MicrosimModel m = fit_microsim(h, s);
  Scenario sh;
  sh.shifts.push_back({Kind::foster_ifa, Kind::foster_in_house, 21, s.as_of + 1, s.as_of + 1 + 3 * 365});
  const auto base = simulate(m, s, Scenario{});
  const auto scen = simulate(m, s, sh);
  const size_t last = base.month_ends.size() - 1;
  const int ifa = static_cast<int>(Kind::foster_ifa), inh = static_cast<int>(Kind::foster_in_house);
  double moved_days = 0;
  for (int i = 1; i <= base.days; ++i)
    if (s.as_of + i <= base.month_ends[last]) moved_days += sh.shifted(sh.shifts[0], s.as_of + i);
  for (int run = 0; run < s.runs; ++run) {
    ASSERT_GT(base.kind(run, last, ifa), 21);
    EXPECT_FLOAT_EQ(scen.kind(run, last, ifa), base.kind(run, last, ifa) - 21);
    EXPECT_FLOAT_EQ(scen.kind(run, last, inh), base.kind(run, last, inh) + 21);
    double db = 0;
    for (size_t mo = 0; mo <= last; ++mo) db += scen.spend_in(run, mo) - base.spend_in(run, mo);
    EXPECT_NEAR(db, moved_days * (550.0 - 950.0) / 7, 1e-3 * moved_days);
  }
}

// Flat counts: the regression's slope is 0 and, with mu_j = 100 at x_j = -0.5, -1.5, -2.5,
// s00 = 300, s01 = -450, s11 = 875, det = 300 * 875 - 450^2 = 60,000, so
// s.e.^2 = s00 / det = 0.005 (Pearson's chi-square is 0: no over-dispersion). With a prior s.d.
// of 0.05 the posterior s.d. is sqrt(0.0025 * 0.005 / 0.0075) = 0.0408248; the level is 100.
TEST(EntryTrend, FlatCountsGiveNoTrendAndThePoissonStandardError) {
  const EntryTrend t = fit_entry_trend({100, 100, 100}, 0.05);
  EXPECT_NEAR(t.fitted, 0.0, 1e-9);
  EXPECT_NEAR(t.fitted_se, std::sqrt(0.005), 1e-9);
  EXPECT_NEAR(t.trend, 0.0, 1e-9);
  EXPECT_NEAR(t.trend_sd, 0.0408248, 1e-6);
  EXPECT_NEAR(t.level_per_year, 100.0, 1e-9);
  // Fewer than three years: no trend, the level is the mean.
  const EntryTrend two = fit_entry_trend({120, 80}, 0.05);
  EXPECT_EQ(two.trend, 0.0);
  EXPECT_NEAR(two.level_per_year, 100.0, 1e-12);
}

// Counts exactly on 100 e^{0.1 x} at x = -0.5, -1.5, -2.5: 95.12294, 86.07080, 77.88008. The fit
// is exact (slope 0.1, intercept 100, Pearson 0), and with mu_j = y_j: s00 = 259.07382,
// s01 = -371.36786, s11 = 704.19052, det = 44,523.237, s.e.^2 = s00 / det = 0.00581884.
// Prior s.d. 0.05 (variance 0.0025): posterior mean 0.1 * 0.0025 / (0.0025 + 0.00581884) =
// 0.0300522, s.d. sqrt(0.0025 * 0.00581884 / 0.00831884) = 0.0418174. Level given that slope:
// 259.07382 / (e^{-0.0150261} + e^{-0.0450784} + e^{-0.0751306}) = 90.31270 a year; without a
// prior (infinite s.d.) the slope is kept and the level is the intercept, 100.
TEST(EntryTrend, PriorShrinksAnExactTrendByThePrecisionShare) {
  std::vector<double> y;
  for (double x : {-0.5, -1.5, -2.5}) y.push_back(100 * std::exp(0.1 * x));
  const EntryTrend t = fit_entry_trend(y, 0.05);
  EXPECT_NEAR(t.fitted, 0.1, 1e-9);
  EXPECT_NEAR(t.fitted_se, 0.0762814, 1e-6);
  EXPECT_NEAR(t.trend, 0.0300522, 1e-6);
  EXPECT_NEAR(t.trend_sd, 0.0418174, 1e-6);
  EXPECT_NEAR(t.level_per_year, 90.31270, 1e-4);
  const EntryTrend raw = fit_entry_trend(y, std::numeric_limits<double>::infinity());
  EXPECT_NEAR(raw.trend, 0.1, 1e-9);
  EXPECT_NEAR(raw.trend_sd, 0.0762814, 1e-6);
  EXPECT_NEAR(raw.level_per_year, 100.0, 1e-6);
}

// Two-level leaving hazard (1/100 a day in the first 180 days, 1/1000 after), everyone entering
// at 3, many moves (so many periods running at the data start have an unknown start: their first
// visible placement is RNE = P). Those children's own hazard, of time since the data start, must
// be the late 1/1000 (they are all past 180 days), and the forecast must stay at the steady state
// lambda [(1 - e^{-1.8}) / 0.01 + e^{-1.8} / 0.001] = (1500 / 365.25) (83.47 + 165.30) = 1021.7
// (the 18th birthday cuts off < 0.1%). Here the old rule (duration from the first visible
// placement, itself already years long) was only 1.5% low, so this checks the cohort hazard
// rather than discriminating the rules; on synth returns the difference was large (docs).
TEST(Microsim, ChildrenWhosePeriodStartIsUnknownKeepTheLongStayersHazard) {
  SimulatedHistorySettings cfg = constant_hazard(3, 1.0 / 100, 21);
  cfg.late_hazard = 1.0 / 1000;
  cfg.early_days = 180;
  cfg.move_hazard = 1.0 / 150;
  const History h = simulate_history(cfg);
  MicrosimSettings s;
  s.as_of = CollectionYear{2019}.end();
  s.years = 2;
  s.runs = 40;
  s.trend = false;
  s.arrivals_window_days = 3 * 365;
  const MicrosimModel m = fit_microsim(h, s);
  int unknown = 0;
  for (const auto& c : m.in_care) unknown += c.unknown_start_band >= 0;
  EXPECT_GT(unknown, 100);
  // Cohort hazard of time since the data start: 1/1000 (about 600 exits: s.e. 4%).
  EXPECT_NEAR(m.leave_unknown_start[1].cumulative(1000) / 1000, 1.0 / 1000, 0.15 / 1000);
  const double steady = 1500 / 365.25 * ((1 - std::exp(-1.8)) / 0.01 + std::exp(-1.8) / 0.001);
  const MicrosimResult r = simulate(m, s, Scenario{});
  EXPECT_NEAR(mean_total(r, 11) / steady, 1.0, 0.05);
  EXPECT_NEAR(mean_total(r, 23) / steady, 1.0, 0.05);
}

// The ziggurat exponential against the Exp(1) law: mean 1, variance 1, and the tail
// probabilities e^{-x} at x = 0.1, 1, 3, 7.7 (the tail start) and 10, from 2 million draws
// (binomial s.e. at most 0.00035; tolerances are 5 s.e. or more).
TEST(Rng, ZigguratExponentialFollowsTheExponentialLaw) {
  Rng rng(12345);
  const int n = 2000000;
  double sum = 0, sum2 = 0;
  std::array<double, 5> x{0.1, 1, 3, 7.69711747013104972, 10}, above{};
  for (int i = 0; i < n; ++i) {
    const double e = rng.exponential();
    ASSERT_GE(e, 0.0);
    sum += e, sum2 += e * e;
    for (size_t k = 0; k < x.size(); ++k) above[k] += e > x[k];
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 1.0, 0.004);                       // s.e. 1/sqrt(n) = 0.0007
  EXPECT_NEAR(sum2 / n - mean * mean, 1.0, 0.012);      // s.e. sqrt(8/n) = 0.002
  for (size_t k = 0; k < x.size(); ++k) {
    const double p = std::exp(-x[k]), se = std::sqrt(p * (1 - p) / n);
    EXPECT_NEAR(above[k] / n, p, 5 * se + 1e-7) << "x = " << x[k];
  }
}

namespace {
// Children of 8 (born 1 January 2011) in in-house fostering from 1 May 2019 who move on
// 1 January 2021 to `to` and leave care `days_after` days later with `rec`.
void add_mover(History& h, int i, Kind to, int days_after, const char* rec) {
  const auto [place_to, prov_to] = to == Kind::with_parents ? std::pair{"P1", "PR1"} : std::pair{"U4", "PR4"};
  const Date start = Date::from_ymd(2019, 5, 1), move = Date::from_ymd(2021, 1, 1), end = move + days_after;
  Child ch;
  ch.id = "M";
  ch.id += std::to_string(i);
  ch.dob = Date::from_ymd(2011, 1, 1);
  ch.dob_known = true;
  ch.sex = codes::sex.find("1");
  ch.latest_return = 2023;
  const auto ci = static_cast<ChildIndex>(h.children.size());
  ch.first_episode = static_cast<uint32_t>(h.episodes.size());
  ch.first_placement = static_cast<uint32_t>(h.placements.size());
  ch.first_period = static_cast<uint32_t>(h.periods.size());
  PeriodOfCare p;
  p.child = ci;
  p.first_episode = ch.first_episode;
  p.first_placement = ch.first_placement;
  p.start = start;
  p.end = end;
  p.reason_ceased = codes::reason_episode_ceased.find(rec);
  const std::array<std::tuple<Date, Date, const char*, const char*, const char*, const char*>, 2> eps{
      {{start, move, "S", "U4", "PR1", "X1"}, {move, end, "P", place_to, prov_to, rec}}};
  for (const auto& [a, b, rne, place, prov, rc] : eps) {
    Episode e;
    e.child = ci;
    e.start = a;
    e.end = b;
    e.reason_new = codes::reason_new_episode.find(rne);
    e.placement_type = codes::placement_type.find(place);
    e.provider = codes::placement_provider.find(prov);
    e.reason_ceased = codes::reason_episode_ceased.find(rc);
    e.legal_status = codes::legal_status.find("C2");
    e.collection_year = static_cast<uint16_t>(collection_year_of(b).end_year);
    Placement pl;
    pl.child = ci;
    pl.period = static_cast<uint32_t>(h.periods.size());
    pl.first_episode = static_cast<uint32_t>(h.episodes.size());
    pl.episode_count = 1;
    pl.start = a;
    pl.end = b;
    pl.placement_type = e.placement_type;
    pl.provider = e.provider;
    h.episodes.push_back(e);
    h.placements.push_back(pl);
  }
  p.episode_count = p.placement_count = 2;
  h.periods.push_back(p);
  ch.episode_count = ch.placement_count = 2;
  ch.period_count = 1;
  h.children.push_back(std::move(ch));
}
}  // namespace

// Destinations by the time still to spend in care after a move. Twenty children aged 8 move from
// in-house fostering to placed with parents 59 days before returning home (E4A), twenty move to
// an IFA 516 days before leaving (E13). Counted by hand: from in-house fostering, age band 5-9,
// with under 182 days left the destination is placed with parents 20/20; with a year or more
// left, the IFA 20/20; pooled over the time left (the rule's fallback and the old model) 20/40
// each. Nothing else moved, so these cells use their own counts (10 or more moves).
TEST(Microsim, MoveDestinationsDependOnTheTimeLeftInCare) {
  History h;
  for (int y = 2017; y <= 2023; ++y) h.years.push_back(CollectionYear{y});
  for (int i = 0; i < 20; ++i) add_mover(h, i, Kind::with_parents, 59, "E4A");
  for (int i = 0; i < 20; ++i) add_mover(h, 20 + i, Kind::foster_ifa, 516, "E13");
  MicrosimSettings s;
  s.as_of = CollectionYear{2023}.end();
  s.trend = false;
  const MicrosimModel m = fit_microsim(h, s);
  const int inh = static_cast<int>(Kind::foster_in_house), band = 2;  // 5-9
  auto share = [](const std::vector<double>& cum, Kind k) {
    const auto i = static_cast<size_t>(k);
    return (cum[i] - (i > 0 ? cum[i - 1] : 0.0)) / cum.back();
  };
  const auto& soon = m.destination_by_remaining[inh][band][MicrosimModel::remaining_band(59)];
  const auto& later = m.destination_by_remaining[inh][band][MicrosimModel::remaining_band(516)];
  ASSERT_EQ(MicrosimModel::remaining_band(59), 0);
  ASSERT_EQ(MicrosimModel::remaining_band(516), 2);
  EXPECT_DOUBLE_EQ(share(soon, Kind::with_parents), 1.0);
  EXPECT_DOUBLE_EQ(share(later, Kind::foster_ifa), 1.0);
  EXPECT_DOUBLE_EQ(share(m.destination[inh][band], Kind::with_parents), 0.5);
  EXPECT_DOUBLE_EQ(share(m.destination[inh][band], Kind::foster_ifa), 0.5);
  // 182-364 days left: no such moves, so the pooled destination is used.
  EXPECT_EQ(m.destination_by_remaining[inh][band][1], m.destination[inh][band]);
}
