// Exact Poisson limits against the Poisson probability mass summed by hand, and the GLM against
// closed-form estimates and data simulated from a known model.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <gsl/gsl_cdf.h>

#include "careflow/benchmark/analysis.hpp"

using namespace careflow::benchmark;

// P(X <= k) for X ~ Poisson(mu), summing the pmf term by term (log space for large mu).
static double poisson_cdf_by_hand(int k, double mu) {
  double s = 0;
  for (int i = 0; i <= k; ++i) s += std::exp(i * std::log(mu) - mu - std::lgamma(i + 1.0));
  return s;
}

TEST(PoissonLimits, MatchPmfSumsAtSeveralSizes) {
  // For an integer expected count n, the upper limit U satisfies P(Poisson(U) <= n) = a and the
  // lower limit L satisfies P(Poisson(L) >= n) = a, a = (1 - coverage)/2.
  for (int n : {1, 5, 20, 100, 1000, 5000, 100000}) {
    for (double coverage : {0.95, 0.998}) {
      const double a = (1 - coverage) / 2;
      const auto l = exact_poisson_limits(n, coverage);
      EXPECT_NEAR(poisson_cdf_by_hand(n, l.upper), a, 1e-9) << n << " " << coverage;
      EXPECT_NEAR(1 - poisson_cdf_by_hand(n - 1, l.lower), a, 1e-9) << n << " " << coverage;
      EXPECT_LT(l.lower, n);
      EXPECT_GT(l.upper, n);
    }
  }
}

TEST(PoissonLimits, MatchGslChiSquareQuantiles) {
  // Garwood: L = chi2_inv(a, 2E)/2, U = chi2_inv(1 - a, 2E + 2)/2, also for non-integer E.
  for (double e : {0.7, 3.2, 47.5, 612.0, 2999.9, 20000.0}) {
    for (double coverage : {0.95, 0.998}) {
      const double a = (1 - coverage) / 2;
      const auto l = exact_poisson_limits(e, coverage);
      EXPECT_NEAR(l.lower, gsl_cdf_chisq_Pinv(a, 2 * e) / 2, 1e-7 * (1 + e)) << e;
      EXPECT_NEAR(l.upper, gsl_cdf_chisq_Pinv(1 - a, 2 * e + 2) / 2, 1e-7 * (1 + e)) << e;
    }
  }
}

TEST(PoissonLimits, TinyExpectedCounts) {
  // Small E: check the defining identity with GSL's regularised incomplete gamma and that the
  // limits bracket E. (GSL's chi-square inverse itself does not converge for 2E = 0.002.)
  for (double e : {0.05, 0.3}) {
    const auto l = exact_poisson_limits(e, 0.95);
    EXPECT_LT(l.lower, e);
    EXPECT_GT(l.upper, e);
    EXPECT_NEAR(gsl_cdf_gamma_P(l.lower, e, 1.0), 0.025, 1e-9);
    EXPECT_NEAR(gsl_cdf_gamma_P(l.upper, e + 1.0, 1.0), 0.975, 1e-9);
  }
  // E = 0.001: L ~ (0.025 x Gamma(1.001))^1000, about 1e-1602, below the smallest double.
  const auto l = exact_poisson_limits(0.001, 0.95);
  EXPECT_EQ(l.lower, 0.0);
  EXPECT_NEAR(gsl_cdf_gamma_P(l.upper, 1.001, 1.0), 0.975, 1e-9);
}

TEST(PoissonLimits, ZeroCountHasClosedForm) {
  // P(Poisson(U) = 0) = exp(-U) = 0.025  =>  U = -ln 0.025 = 3.688879...
  const auto l = exact_poisson_limits(0, 0.95);
  EXPECT_EQ(l.lower, 0);
  EXPECT_NEAR(l.upper, 3.6888794541139363, 1e-9);
}

TEST(PoissonLimits, NarrowTowardsTheCentreAsPopulationGrows) {
  // Funnel limits as rates: wider at small populations, and the 99.8% band contains the 95% band.
  const auto c = funnel_curves(70.0, 1000, 300000, 10);
  for (size_t i = 0; i < c.population.size(); ++i) {
    EXPECT_LT(c.lo998[i], c.lo95[i]);
    EXPECT_LT(c.lo95[i], 70.0);
    EXPECT_GT(c.hi95[i], 70.0);
    EXPECT_LT(c.hi95[i], c.hi998[i]);
    if (i) {
      EXPECT_LT(c.hi95[i] - c.lo95[i], c.hi95[i - 1] - c.lo95[i - 1]);
    }
  }
}

TEST(PoissonGlm, InterceptOnlyIsTheOverallRate) {
  // With no covariates the MLE is log(sum y / sum exposure): log(30 / 6000).
  const std::vector<double> y{10, 5, 15}, pop{1000, 2000, 3000};
  std::vector<double> off;
  std::vector<std::vector<double>> x(3);
  for (double p : pop) off.push_back(std::log(p));
  const auto r = poisson_glm(y, x, off, {});
  ASSERT_TRUE(r.converged);
  EXPECT_NEAR(r.beta[0], std::log(30.0 / 6000.0), 1e-10);
}

TEST(PoissonGlm, BinaryCovariateIsTheRateRatio) {
  // Group 0: 12 events over 4,000; group 1: 30 over 5,000. MLE: b0 = log(12/4000),
  // b1 = log((30/5000)/(12/4000)) = log 2; se(b1) = sqrt(1/12 + 1/30) (Fisher information).
  const std::vector<double> y{5, 7, 10, 20}, pop{1500, 2500, 2000, 3000};
  const std::vector<std::vector<double>> x{{0}, {0}, {1}, {1}};
  std::vector<double> off;
  for (double p : pop) off.push_back(std::log(p));
  const auto r = poisson_glm(y, x, off, {"group"});
  ASSERT_TRUE(r.converged);
  EXPECT_NEAR(r.beta[0], std::log(12.0 / 4000.0), 1e-9);
  EXPECT_NEAR(r.beta[1], std::log(2.0), 1e-9);
  // Pearson chi2 here: group 0 fitted 4.5 and 7.5; group 1 fitted 12 and 18.
  // (0.25/4.5 + 0.25/7.5 + 4/12 + 4/18) / (4 - 2) = 0.32222 < 1, so se is not scaled.
  EXPECT_NEAR(r.dispersion, (0.25 / 4.5 + 0.25 / 7.5 + 4.0 / 12 + 4.0 / 18) / 2, 1e-9);
  EXPECT_NEAR(r.se[1], std::sqrt(1.0 / 12 + 1.0 / 30), 1e-9);
}

TEST(PoissonGlm, RecoversKnownCoefficientsFromSimulatedData) {
  // 3,000 simulated councils: rate = exp(-5 + 0.3 x1 - 0.2 x2) per child, population 5k-100k.
  std::mt19937_64 rng(20250331);
  std::uniform_real_distribution<double> upop(5000, 100000), ux1(0, 3);
  std::normal_distribution<double> nx2(0, 1);
  std::vector<double> y, off;
  std::vector<std::vector<double>> x;
  for (int i = 0; i < 3000; ++i) {
    const double p = upop(rng), x1 = ux1(rng), x2 = nx2(rng);
    std::poisson_distribution<long> pois(p * std::exp(-5 + 0.3 * x1 - 0.2 * x2));
    y.push_back(double(pois(rng)));
    off.push_back(std::log(p));
    x.push_back({x1, x2});
  }
  const auto r = poisson_glm(y, x, off, {"x1", "x2"});
  ASSERT_TRUE(r.converged);
  const double truth[] = {-5, 0.3, -0.2};
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(r.beta[j], truth[j], 4 * r.se[j]) << j;
    EXPECT_NEAR(r.beta[j], truth[j], 0.01) << j;
    EXPECT_LT(r.lo[j], r.beta[j]);
    EXPECT_GT(r.hi[j], r.beta[j]);
  }
  // Data are truly Poisson, so the dispersion is near 1 (sd of chi2/df is sqrt(2/2997) = 0.026).
  EXPECT_NEAR(r.dispersion, 1.0, 0.1);
}

TEST(Overdispersion, HandWorkedExample) {
  // z = (2, -2, 1, -1), w = (1, 1, 2, 2), no winsorising: phi = (4 + 4 + 1 + 1) / 4 = 2.5;
  // n phi - (n - 1) = 7; sum w - sum w^2 / sum w = 6 - 10/6 = 13/3; tau2 = 7 / (13/3) = 21/13.
  const auto o = overdispersion({2, -2, 1, -1}, {1, 1, 2, 2}, 0.0);
  EXPECT_DOUBLE_EQ(o.phi, 2.5);
  EXPECT_NEAR(o.tau2, 21.0 / 13.0, 1e-12);
  // Within Poisson variation (phi <= (n-1)/n): no extra variance.
  EXPECT_EQ(overdispersion({0.5, -0.5, 0.1, -0.1}, {1, 1, 1, 1}, 0.0).tau2, 0.0);
  // Winsorising 10% of 10 values pulls the single extreme on each side in to its neighbour:
  // z = (-9, -1, ..., 1, 9) with eight values of +/-1 -> all become +/-1, phi = 1.
  const auto w = overdispersion({-9, -1, -1, -1, -1, 1, 1, 1, 1, 9}, std::vector<double>(10, 1.0), 0.1);
  EXPECT_DOUBLE_EQ(w.phi, 1.0);
}

TEST(NegativeBinomialGlm, RecoversCoefficientsAndAlphaFromSimulatedData) {
  // y ~ Poisson(lambda), lambda ~ Gamma(shape 1/alpha, scale alpha mu): negative binomial with
  // Var = mu + alpha mu^2; alpha = 0.05, log mu = log pop - 5 + 0.3 x1 (seeded).
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> upop(5000, 100000), ux1(0, 3);
  const double alpha = 0.05;
  std::vector<double> y, off;
  std::vector<std::vector<double>> x;
  for (int i = 0; i < 3000; ++i) {
    const double p = upop(rng), x1 = ux1(rng), mu = p * std::exp(-5 + 0.3 * x1);
    std::gamma_distribution<double> g(1 / alpha, alpha * mu);
    std::poisson_distribution<long> pois(g(rng));
    y.push_back(double(pois(rng)));
    off.push_back(std::log(p));
    x.push_back({x1});
  }
  const auto nb = negbin_glm(y, x, off, {"x1"});
  ASSERT_TRUE(nb.converged);
  EXPECT_NEAR(nb.beta[0], -5, 4 * nb.se[0]);
  EXPECT_NEAR(nb.beta[1], 0.3, 4 * nb.se[1]);
  EXPECT_NEAR(nb.alpha, alpha, 0.01);
  EXPECT_NEAR(nb.dispersion, 1.0, 1e-6);  // alpha is chosen to make Pearson chi2 / df = 1
  // The Poisson fit of the same data shows the overdispersion (phi about 1 + alpha * mean mu).
  const auto po = poisson_glm(y, x, off, {"x1"});
  EXPECT_GT(po.dispersion, 5);
}

TEST(NegativeBinomialGlm, PoissonDataGiveAlphaNearZero) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> upop(5000, 100000);
  std::vector<double> y, off;
  std::vector<std::vector<double>> x;
  for (int i = 0; i < 2000; ++i) {
    const double p = upop(rng);
    std::poisson_distribution<long> pois(p * std::exp(-5));
    y.push_back(double(pois(rng)));
    off.push_back(std::log(p));
    x.push_back({0.0 + (i % 2)});
  }
  const auto nb = negbin_glm(y, x, off, {"half"});
  ASSERT_TRUE(nb.converged);
  EXPECT_LT(nb.alpha, 0.005);
  EXPECT_NEAR(nb.beta[0], -5, 0.02);
}
