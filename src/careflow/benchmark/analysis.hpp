// The statistics behind council benchmarking: exact Poisson funnel limits, a Poisson GLM with a
// population offset (IRLS on Eigen), comparisons with statistical neighbours, region and England,
// five-year change, and a council's own figures set beside the published ones.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "careflow/benchmark/public_data.hpp"

namespace careflow::benchmark {

// ---- Exact Poisson limits -----------------------------------------------------------------
// For an expected count `expected` and two-sided level `coverage` (0.95, 0.998): the lower limit
// L solves P(Poisson(L) >= expected) = a and the upper U solves P(Poisson(U) <= expected) = a,
// a = (1 - coverage)/2, through the chi-square/gamma identity (Garwood 1936):
// L = chi2_inv(a, 2E)/2, U = chi2_inv(1-a, 2E+2)/2 (non-integer E by continuity). Used both for funnel control limits
// (E = national rate x population) and for exact intervals around an observed count.
struct PoissonLimits { double lower, upper; };
PoissonLimits exact_poisson_limits(double expected, double coverage);

struct FunnelPoint {
  int la_number; std::string name; double population, count, rate;
  double lo95, hi95, lo998, hi998;   // rate limits at this population
  int outside;                       // -2/-1 below 99.8%/95%, 0 inside, +1/+2 above 95%/99.8%
  double od_lo998 = 0, od_hi998 = 0; // overdispersion-adjusted 99.8% limits (see Funnel::tau2)
  int od_outside = 0;                // -1 below, +1 above the adjusted 99.8% limits
};
struct Funnel {
  int year; double national_rate;    // per 10,000, from the sum of councils' counts and populations
  std::vector<FunnelPoint> points;
  std::vector<std::string> excluded; // councils without a count or population, with the reason
  // Spiegelhalter (2005) additive random-effects adjustment: phi is the mean squared z-score
  // (z winsorised at 10%/90%), tau2 the between-council variance of rates per child (0 when
  // phi <= (n-1)/n). Adjusted limits: theta +/- z_p * sqrt(theta/population + tau2).
  double phi = 1, tau2 = 0;
};
Funnel funnel(const PublicData& d, int year);
// The same for any count with a population (each council's count and population both published,
// population > 0): the centre is the sum of the counts over the sum of the populations.
struct FunnelInput { int la_number; std::string name; double count, population; };
Funnel funnel_of(int year, const std::vector<FunnelInput>& councils);
// phi and tau2 from z-scores and weights w = 1/s^2 (winsor: fraction pulled in at each end;
// the k = floor(winsor * n) smallest and largest z are set to the next value inwards).
struct Overdispersion { double phi, tau2; };
Overdispersion overdispersion(const std::vector<double>& z, const std::vector<double>& w, double winsor = 0.1);
// Limit curves for drawing: populations spaced over [pmin, pmax], rates per 10,000.
struct FunnelCurves { std::vector<double> population, lo95, hi95, lo998, hi998, od_lo998, od_hi998; };
FunnelCurves funnel_curves(double national_rate, double pmin, double pmax, int n = 120, double tau2 = 0);

// ---- Poisson GLM ------------------------------------------------------------------------------
struct GlmResult {
  std::vector<std::string> names;       // "intercept", covariates
  std::vector<double> beta, se, lo, hi; // log rate-ratio scale; 95% Wald intervals (quasi-Poisson
                                        // scaled when overdispersed: se *= sqrt(max(1, phi)))
  double deviance = 0, pearson_chi2 = 0, dispersion = 1;  // phi = Pearson chi2 / (n - p)
  int n = 0, iterations = 0;
  bool converged = false;
  double alpha = 0;                     // negative binomial: Var = mu + alpha mu^2 (0 for Poisson)
};
// y: counts; x: rows of covariates (intercept added); offset: log exposure.
GlmResult poisson_glm(const std::vector<double>& y, const std::vector<std::vector<double>>& x,
                      const std::vector<double>& offset, std::vector<std::string> names,
                      int max_iter = 50, double tol = 1e-10);

// Negative binomial (NB2) GLM, log link and offset: IRLS with weights mu / (1 + alpha mu), alternating
// with the moment estimate of alpha that sets Pearson chi2 / (n - p) to 1. Intervals are Wald 95%
// from the NB information (not rescaled).
GlmResult negbin_glm(const std::vector<double>& y, const std::vector<std::vector<double>>& x,
                     const std::vector<double>& offset, std::vector<std::string> names, int max_iter = 100,
                     double tol = 1e-9);

// Interval for a ratio theta = (true mean) / expected when the observed count varies about
// theta * expected as a negative binomial NB2 with variance m + alpha m^2 (alpha from the NB fit):
// the lower limit solves P(Y >= observed | theta_L) = a and the upper P(Y <= observed | theta_U) = a,
// a = (1 - coverage) / 2 (the Garwood construction with NB in place of Poisson; alpha = 0 gives
// the exact Poisson interval over expected). Tail probabilities by the regularised incomplete
// beta function: P(Y <= k) = I_{r/(r+m)}(r, k+1), r = 1/alpha.
PoissonLimits negbin_ratio_interval(double observed, double expected, double alpha, double coverage);

struct NeedRow {
  int la_number; std::string name, ons_code;
  double population, count, idaci, low_income_share;  // share: low-income 0-19 per 0-17 child
  double expected, ratio, ratio_lo, ratio_hi;         // need-adjusted O/E with exact 95% interval
  // The same from the negative-binomial fit: expected from its coefficients, interval from
  // negbin_ratio_interval with its alpha (allows for between-council variation). NaN if no fit.
  double nb_expected = std::nan(""), nb_ratio = std::nan(""), nb_lo = std::nan(""), nb_hi = std::nan("");
};
struct NeedModel {
  int year, deprivation_fy;
  GlmResult fit;
  GlmResult nb_fit;                     // the same covariates, negative binomial
  std::vector<NeedRow> rows;
  std::vector<std::string> excluded;
  // Inverse intervention law check: simple Poisson gradient of the rate on IDACI score alone,
  // as the rate ratio per 0.1 of IDACI score with its interval.
  double idaci_gradient_rr = 0, idaci_gradient_lo = 0, idaci_gradient_hi = 0;
};
NeedModel need_model(const PublicData& d, int year);

// ---- Comparisons ------------------------------------------------------------------------------
enum class Measure { stock, starters, ceasers, rate };
std::string measure_label(Measure m);
std::optional<double> measure_value(const AreaYear& a, Measure m);  // rates per 10,000 for counts too? no: raw

struct Comparison {
  Measure measure; int year;
  std::optional<double> council, neighbours_mean, neighbours_median, region, england;
  int rank = 0, of = 0;          // 1 = highest value among councils reporting it
  int quartile = 0;              // 1 = lowest quarter ... 4 = highest quarter
  int neighbours_found = 0;
};
// Counts are compared as rates per 10,000 children (starters and ceasers included) so that
// councils of different size compare; `Measure::stock` is the raw count for reference.
Comparison compare(const PublicData& d, int la_number, int year, Measure m);
std::vector<int> neighbours_for(const PublicData& d, int la_number, int year);

// LAIT publishes England (LA number 970) and regions (980-990) beside councils; those published
// aggregates are used. Rank and quartile are among councils reporting in the CLA series that year.
struct LaitComparison {
  std::string code, label; int year;
  std::optional<double> council, neighbours_mean, neighbours_median, region, england;
  std::string council_marker;   // meaning of a missing council value
  int rank = 0, of = 0, quartile = 0, neighbours_found = 0;
};
LaitComparison compare_lait(const PublicData& d, int la_number, int year, const LaitMeasure& m);

// ---- Change -----------------------------------------------------------------------------------
struct ChangeRow {
  int la_number; std::string name, ons_code;
  double stock_from, stock_to, pct_change, rate_from, rate_to;
  std::optional<double> idaci;          // 2019 score (for change in rate against deprivation)
  std::optional<double> low_income_change;  // change in low-income share, percentage points
  std::string ofsted;
};
// Councils reporting in both `from` and `to` (boundary-changed councils excluded, with reason).
std::vector<ChangeRow> change(const PublicData& d, int from, int to, std::vector<std::string>* excluded = nullptr);

// ---- A council's own figures beside the published ones -----------------------------------------
struct OwnYear { int year; long stock, starters, ceasers; };
struct OwnComparison {
  int year; std::string measure;
  double own; std::optional<double> published; std::string published_marker;
  double tolerance;              // half the publication's rounding unit
  bool disagrees;                // own does not round to published (never when published is missing)
  double rounding_unit = 1;      // 1 (exact counts, whole-number rates) or 10 (counts rounded to 10)
  double difference = std::nan("");  // own - published, when published
};
// "Beyond rounding", precisely: a published value P rounded (half up) to a unit R agrees with the
// council's own figure x when P - R/2 <= x < P + R/2, i.e. when x itself would be published as P.
// For counts R = council_rounding_unit(...) (1: exact, so x must equal P; 10 in a release that
// rounds council counts to the nearest 10). For the rate, x = own count at 31 March / published
// population 0-17 x 10,000 and R = 1 (DfE publishes whole numbers). `tolerance` is R/2.
std::vector<OwnComparison> compare_own(const PublicData& d, int la_number, const std::vector<OwnYear>& own);
// The rounding unit of a year's published council counts: 10 when every published council value of
// the measure that year (at least 20 of them) is a multiple of 10 -- for unrounded counts the
// chance of that is 1 in 10^20 -- else 1. In the combined 2010-2025 series every year is unrounded.
double council_rounding_unit(const PublicData& d, int year, Measure m);

}  // namespace careflow::benchmark
