// Observed/expected intervals that allow for overdispersion: the negative-binomial interval
// against NB tail probabilities summed by hand, its Poisson limit, and its coverage on simulated
// overdispersed (gamma-Poisson) councils.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "careflow/benchmark/analysis.hpp"

using namespace careflow::benchmark;

namespace {
// log pmf of NB2 with mean m and size r = 1/alpha, from its definition.
double nb_log_pmf(int k, double m, double r) {
  return std::lgamma(k + r) - std::lgamma(r) - std::lgamma(k + 1.0) + r * std::log(r / (r + m)) +
         k * std::log(m / (r + m));
}
double nb_cdf_by_hand(int k, double m, double r) {
  double s = 0;
  for (int i = 0; i <= k; ++i) s += std::exp(nb_log_pmf(i, m, r));
  return s;
}
}  // namespace

TEST(NegbinInterval, TailsMatchPmfSums) {
  // For observed y and expected E, theta_L E has P(Y >= y) = a and theta_U E has P(Y <= y) = a.
  for (int y : {1, 7, 40, 350}) {
    for (double alpha : {0.02, 0.1, 0.5}) {
      for (double coverage : {0.95, 0.998}) {
        const double e = 0.8 * y + 3, a = (1 - coverage) / 2, r = 1 / alpha;
        const auto l = negbin_ratio_interval(y, e, alpha, coverage);
        SCOPED_TRACE(testing::Message() << y << " " << alpha << " " << coverage);
        EXPECT_NEAR(1 - nb_cdf_by_hand(y - 1, l.lower * e, r), a, 1e-7);
        EXPECT_NEAR(nb_cdf_by_hand(y, l.upper * e, r), a, 1e-7);
        // Wider than the Poisson interval (chance alone): above on the upper side always; below on
        // the lower side except for y = 1, where NB's larger P(Y = 0) at a given mean pushes the
        // solution of P(Y >= 1) = a slightly above Poisson's.
        const auto p = exact_poisson_limits(y, coverage);
        if (y > 1) {
          EXPECT_LT(l.lower, p.lower / e);
        } else {
          EXPECT_GT(l.lower, p.lower / e);
        }
        EXPECT_GT(l.upper, p.upper / e);
      }
    }
  }
  // y = 0: the lower limit is 0 and the upper solves P(Y = 0) = (r / (r + m))^r = a.
  const auto z = negbin_ratio_interval(0, 10, 0.25, 0.95);
  EXPECT_EQ(z.lower, 0);
  EXPECT_NEAR(std::pow(4 / (4 + z.upper * 10), 4), 0.025, 1e-9);
}

TEST(NegbinInterval, TendsToThePoissonIntervalAsAlphaVanishes) {
  for (double y : {3.0, 120.0, 2500.0}) {
    const auto p = exact_poisson_limits(y, 0.95);
    const auto z = negbin_ratio_interval(y, 100, 0, 0.95);
    EXPECT_DOUBLE_EQ(z.lower, p.lower / 100);
    EXPECT_DOUBLE_EQ(z.upper, p.upper / 100);
    const auto t = negbin_ratio_interval(y, 100, 1e-8, 0.95);  // NB path, nearly Poisson
    EXPECT_NEAR(t.lower, p.lower / 100, 1e-4 * p.lower / 100);
    EXPECT_NEAR(t.upper, p.upper / 100, 1e-4 * p.upper / 100);
  }
  EXPECT_TRUE(std::isnan(negbin_ratio_interval(5, 0, 0.1, 0.95).lower));
}

// Councils simulated from a gamma-Poisson (NB2) model with known coefficients and alpha = 0.06
// (the published 2016-2025 fits give 0.06-0.09): 40 seeded replicates of 150 councils, each
// refitted by negbin_glm. A council "as expected" has ratio 1, so the share of intervals holding 1
// is the coverage. Tolerance: 6,000 intervals give a binomial standard error of 0.0028; alpha and
// the coefficients are estimated from 150 councils each time, so allow 0.015 either side of 0.95.
TEST(NegbinInterval, NominalCoverageOnSimulatedOverdispersedCouncils) {
  std::mt19937_64 rng(20250331);
  std::uniform_real_distribution<double> logpop(std::log(5000.0), std::log(250000.0)), idaci(0.5, 3.5);
  const double alpha = 0.06, b0 = -6.0, b1 = 0.4;
  std::gamma_distribution<double> frailty(1 / alpha, alpha);
  int n = 0, nb_cover = 0, pois_cover = 0, known_cover = 0;
  double alpha_sum = 0;
  const int reps = 40, councils = 150;
  for (int rep = 0; rep < reps; ++rep) {
    std::vector<double> y, off, mu;
    std::vector<std::vector<double>> x;
    for (int i = 0; i < councils; ++i) {
      const double lp = logpop(rng), xi = idaci(rng);
      const double m = std::exp(b0 + b1 * xi + lp);
      std::poisson_distribution<long> pois(m * frailty(rng));
      y.push_back(static_cast<double>(pois(rng)));
      x.push_back({xi});
      off.push_back(lp);
      mu.push_back(m);
    }
    const auto fit = negbin_glm(y, x, off, {"x"});
    ASSERT_TRUE(fit.converged);
    alpha_sum += fit.alpha;
    const auto pfit = poisson_glm(y, x, off, {"x"});
    for (int i = 0; i < councils; ++i) {
      const double e = std::exp(fit.beta[0] + fit.beta[1] * x[i][0] + off[i]);
      const auto l = negbin_ratio_interval(y[i], e, fit.alpha, 0.95);
      nb_cover += l.lower <= 1 && 1 <= l.upper;
      const double ep = std::exp(pfit.beta[0] + pfit.beta[1] * x[i][0] + off[i]);
      const auto p = exact_poisson_limits(y[i], 0.95);
      pois_cover += p.lower / ep <= 1 && 1 <= p.upper / ep;
      // With the true alpha and expected counts: exact apart from discreteness (conservative).
      const auto k = negbin_ratio_interval(y[i], mu[i], alpha, 0.95);
      known_cover += k.lower <= 1 && 1 <= k.upper;
      ++n;
    }
  }
  const double nb = double(nb_cover) / n, pois = double(pois_cover) / n, known = double(known_cover) / n;
  RecordProperty("nb_coverage", std::to_string(nb));
  RecordProperty("poisson_coverage", std::to_string(pois));
  EXPECT_NEAR(alpha_sum / reps, alpha, 0.01);
  EXPECT_NEAR(known, 0.95, 0.01) << known;
  EXPECT_NEAR(nb, 0.95, 0.015) << nb;
  // Plain Poisson intervals ignore the between-council variation and hold 1 far less often.
  EXPECT_LT(pois, 0.6) << pois;
  std::printf("coverage: NB fitted %.4f, NB known %.4f, Poisson %.4f (n = %d)\n", nb, known, pois, n);
}
