#include "careflow/benchmark/analysis.hpp"

#include <fmt/format.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <map>
#include <mutex>
#include <set>

namespace careflow::benchmark {

// Solves P(s, x) = p for x in (lo, hi), P the regularised lower incomplete gamma function:
// Newton steps (dP/dx is the gamma density) kept inside a shrinking bisection bracket.
static double gamma_p_inverse(double s, double p, double lo, double hi) {
  // Start at the median (about s), or for s < 1 where the root can be tiny, at the root of the
  // leading series term P(s, x) ~ x^s / Gamma(s + 1).
  double x = std::clamp(s, lo + (hi - lo) * 1e-3, hi - (hi - lo) * 1e-3);
  if (s < 1) {
    const double guess = std::exp((std::log(p) + std::lgamma(s + 1.0)) / s);
    if (guess > lo && guess < hi) x = guess;
    if (guess <= 0) return 0.0;  // below the smallest double: the limit is zero for any purpose
  }
  for (int i = 0; i < 200; ++i) {
    const double f = gsl_sf_gamma_inc_P(s, x) - p;
    if (f < 0) lo = x; else hi = x;
    const double density = std::exp((s - 1.0) * std::log(x) - x - std::lgamma(s));
    double next = density > 0 ? x - f / density : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::abs(next - x) <= 1e-13 * x) return next;
    x = next;
  }
  return x;
}

PoissonLimits exact_poisson_limits(double e, double coverage) {
  // Garwood: L = chi2_inv(a, 2E)/2 and U = chi2_inv(1-a, 2E+2)/2, i.e. the gamma quantiles
  // P(E, L) = a and P(E+1, U) = 1-a. GSL's chi-square inversion fails to converge for very small
  // and very large E, so the incomplete gamma function is inverted here directly.
  const double a = (1.0 - coverage) / 2.0;
  if (!std::isfinite(e) || e < 0 || !(a > 0 && a < 0.5)) return {std::nan(""), std::nan("")};
  const double lo = std::max(0.0, e - 10.0 * std::sqrt(e) - 10.0), hi = e + 10.0 * std::sqrt(e) + 20.0;
  PoissonLimits l;
  l.lower = e <= 0 ? 0.0 : gamma_p_inverse(e, a, lo, hi);
  l.upper = gamma_p_inverse(e + 1.0, 1.0 - a, lo, hi);
  return l;
}

// P(Y >= y) and P(Y <= y) for Y ~ NB2 with mean m and size r = 1/alpha, through the regularised
// incomplete beta function (gsl_sf_beta_inc_e, so that extreme arguments give an error code
// rather than the GSL abort handler).
static double beta_inc(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  gsl_sf_result res;
  int status;
  {
    // GSL's error handler is process-wide: the lock keeps concurrent callers from restoring each
    // other's saved handler out of order.
    static std::mutex m;
    std::lock_guard<std::mutex> lock(m);
    gsl_error_handler_t* old = gsl_set_error_handler_off();
    status = gsl_sf_beta_inc_e(a, b, x, &res);
    gsl_set_error_handler(old);
  }
  if (status == GSL_EUNDRFLW) return 0.0;  // a tail probability below the smallest double
  return status == GSL_SUCCESS ? res.val : std::nan("");
}
static double nb_upper_tail(double y, double m, double r) { return y <= 0 ? 1.0 : beta_inc(y, r, m / (r + m)); }
static double nb_lower_tail(double y, double m, double r) { return beta_inc(r, y + 1.0, r / (r + m)); }

PoissonLimits negbin_ratio_interval(double y, double e, double alpha, double coverage) {
  const double a = (1.0 - coverage) / 2.0;
  if (!(e > 0) || !(y >= 0) || !(a > 0 && a < 0.5) || !(alpha >= 0)) return {std::nan(""), std::nan("")};
  if (alpha < 1e-10) {
    const auto l = exact_poisson_limits(y, coverage);
    return {l.lower / e, l.upper / e};
  }
  const double r = 1.0 / alpha;
  // Root-finding on log(theta): P(Y >= y | theta) rises with theta, P(Y <= y | theta) falls. The
  // bracket grows from theta = max(y, 1) / e by factors of 2, so that the incomplete beta function
  // is never asked for absurdly extreme arguments.
  auto solve = [&](auto&& f, bool rising) {
    const double start = std::log(std::max(y, 1.0) / e);
    auto below = [&](double lt) {  // is f(theta) below a (NaN: unknown)
      const double v = f(std::exp(lt) * e);
      return std::isnan(v) ? -1 : v < a ? 1 : 0;
    };
    double lo = start, hi = start;
    // Find lo with f on the "rising=below" side and hi on the other side.
    for (int k = 0; k < 80; ++k) {
      const int bl = below(lo);
      if (bl < 0) return std::nan("");
      if ((bl == 1) == rising) break;
      lo -= std::log(2.0);
    }
    for (int k = 0; k < 80; ++k) {
      const int bh = below(hi);
      if (bh < 0) return std::nan("");
      if ((bh == 1) != rising) break;
      hi += std::log(2.0);
    }
    // Illinois (modified regula falsi) on g(t) = f(exp(t) e) - a inside the bracket: converges
    // superlinearly, about 8 evaluations instead of 40 for bisection to the same 1e-12.
    auto g = [&](double lt) { return f(std::exp(lt) * e) - a; };
    double glo = g(lo), ghi = g(hi);
    if (std::isnan(glo) || std::isnan(ghi)) return std::nan("");
    int side = 0;
    for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
      double t = (glo != ghi) ? hi - ghi * (hi - lo) / (ghi - glo) : 0.5 * (lo + hi);
      if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);
      const double gt = g(t);
      if (std::isnan(gt)) return std::nan("");
      if (gt == 0) return std::exp(t);
      if ((gt < 0) == (glo < 0)) {
        lo = t; glo = gt;
        if (side == -1) ghi /= 2;
        side = -1;
      } else {
        hi = t; ghi = gt;
        if (side == 1) glo /= 2;
        side = 1;
      }
      if (std::abs(gt) < 1e-15) return std::exp(t);
    }
    return std::exp(0.5 * (lo + hi));
  };
  PoissonLimits l;
  l.lower = y <= 0 ? 0.0 : solve([&](double m) { return nb_upper_tail(y, m, r); }, true);
  l.upper = solve([&](double m) { return nb_lower_tail(y, m, r); }, false);
  return l;
}

Funnel funnel(const PublicData& d, int year) {
  Funnel f;
  f.year = year;
  std::vector<FunnelInput> usable;
  for (auto* a : d.councils_in(year)) {
    if (!a->stock.has() || !a->population.has() || a->population.value <= 0) {
      f.excluded.push_back(fmt::format("{} ({}): count {}, population {}", a->name, a->la_number,
                                       marker_meaning(a->stock.marker), marker_meaning(a->population.marker)));
      continue;
    }
    usable.push_back({a->la_number, a->name, a->stock.value, a->population.value});
  }
  auto excluded = std::move(f.excluded);
  f = funnel_of(year, usable);
  f.excluded = std::move(excluded);
  return f;
}

Funnel funnel_of(int year, const std::vector<FunnelInput>& usable) {
  Funnel f;
  f.year = year;
  double sc = 0, sp = 0;
  for (const auto& a : usable) {
    sc += a.count;
    sp += a.population;
  }
  f.national_rate = sp > 0 ? sc / sp * 1e4 : std::nan("");
  for (const auto& a : usable) {
    FunnelPoint p{a.la_number, a.name, a.population, a.count, a.count / a.population * 1e4, 0, 0, 0, 0, 0};
    const double e = f.national_rate / 1e4 * p.population;
    const auto l95 = exact_poisson_limits(e, 0.95), l998 = exact_poisson_limits(e, 0.998);
    const double k = 1e4 / p.population;
    p.lo95 = l95.lower * k; p.hi95 = l95.upper * k; p.lo998 = l998.lower * k; p.hi998 = l998.upper * k;
    p.outside = p.count > l998.upper ? 2 : p.count > l95.upper ? 1 : p.count < l998.lower ? -2
              : p.count < l95.lower ? -1 : 0;
    f.points.push_back(std::move(p));
  }
  // Overdispersion: z-scores of rates per child against theta with Poisson variance theta / n.
  const double theta = f.national_rate / 1e4;
  std::vector<double> z, w;
  for (auto& p : f.points) {
    const double var = theta / p.population;
    z.push_back((p.count / p.population - theta) / std::sqrt(var));
    w.push_back(1.0 / var);
  }
  const auto od = overdispersion(z, w);
  f.phi = od.phi;
  f.tau2 = od.tau2;
  for (auto& p : f.points) {
    // 3.0902 = the standard normal 99.9% point (two-sided 99.8%).
    const double half = 3.090232306167813 * std::sqrt(theta / p.population + f.tau2);
    p.od_lo998 = std::max(0.0, theta - half) * 1e4;
    p.od_hi998 = (theta + half) * 1e4;
    p.od_outside = p.rate > p.od_hi998 ? 1 : p.rate < p.od_lo998 ? -1 : 0;
  }
  return f;
}

Overdispersion overdispersion(const std::vector<double>& z, const std::vector<double>& w, double winsor) {
  const size_t n = z.size();
  if (n < 2 || w.size() != n) return {1, 0};
  std::vector<double> sorted = z;
  std::sort(sorted.begin(), sorted.end());
  const size_t k = static_cast<size_t>(std::floor(winsor * n));
  const double lo = sorted[std::min(k, n - 1)], hi = sorted[n - 1 - std::min(k, n - 1)];
  double ss = 0, sw = 0, sw2 = 0;
  for (size_t i = 0; i < n; ++i) {
    const double zw = std::clamp(z[i], lo, hi);
    ss += zw * zw;
    sw += w[i];
    sw2 += w[i] * w[i];
  }
  Overdispersion o{ss / n, 0};
  const double excess = n * o.phi - (n - 1.0);
  if (excess > 0 && sw > 0) o.tau2 = excess / (sw - sw2 / sw);
  return o;
}

FunnelCurves funnel_curves(double rate, double pmin, double pmax, int n, double tau2) {
  FunnelCurves c;
  pmin = std::max(pmin, 1.0);
  for (int i = 0; i < n; ++i) {
    // Log spacing: the limits change fastest at small populations.
    const double p = std::exp(std::log(pmin) + (std::log(pmax) - std::log(pmin)) * i / (n - 1));
    const double e = rate / 1e4 * p, k = 1e4 / p;
    const auto a = exact_poisson_limits(e, 0.95), b = exact_poisson_limits(e, 0.998);
    c.population.push_back(p);
    c.lo95.push_back(a.lower * k); c.hi95.push_back(a.upper * k);
    c.lo998.push_back(b.lower * k); c.hi998.push_back(b.upper * k);
    const double theta = rate / 1e4, half = 3.090232306167813 * std::sqrt(theta / p + tau2);
    c.od_lo998.push_back(std::max(0.0, theta - half) * 1e4);
    c.od_hi998.push_back((theta + half) * 1e4);
  }
  return c;
}

GlmResult poisson_glm(const std::vector<double>& y, const std::vector<std::vector<double>>& x,
                      const std::vector<double>& offset, std::vector<std::string> names, int max_iter,
                      double tol) {
  GlmResult r;
  const int n = static_cast<int>(y.size());
  const int p = 1 + (x.empty() ? 0 : static_cast<int>(x[0].size()));
  r.n = n;
  r.names.push_back("intercept");
  for (auto& s : names) r.names.push_back(std::move(s));
  if (n <= p) return r;
  Eigen::MatrixXd X(n, p);
  Eigen::VectorXd Y(n), off(n);
  for (int i = 0; i < n; ++i) {
    X(i, 0) = 1;
    for (int j = 1; j < p; ++j) X(i, j) = x[i][j - 1];
    Y(i) = y[i];
    off(i) = offset[i];
  }
  Eigen::VectorXd b = Eigen::VectorXd::Zero(p);
  b(0) = std::log(Y.sum() / off.array().exp().sum());
  Eigen::MatrixXd XtWX(p, p);
  for (r.iterations = 1; r.iterations <= max_iter; ++r.iterations) {
    const Eigen::VectorXd eta = X * b + off;
    const Eigen::VectorXd mu = eta.array().exp();
    const Eigen::VectorXd z = (eta - off).array() + (Y - mu).array() / mu.array();
    XtWX = X.transpose() * mu.asDiagonal() * X;
    const Eigen::VectorXd nb = XtWX.ldlt().solve(X.transpose() * (mu.array() * z.array()).matrix());
    const double step = (nb - b).cwiseAbs().maxCoeff();
    b = nb;
    if (step < tol) { r.converged = true; break; }
  }
  const Eigen::VectorXd mu = (X * b + off).array().exp();
  XtWX = X.transpose() * mu.asDiagonal() * X;
  const Eigen::MatrixXd cov = XtWX.inverse();
  for (int i = 0; i < n; ++i) {
    r.deviance += 2 * ((Y(i) > 0 ? Y(i) * std::log(Y(i) / mu(i)) : 0.0) - (Y(i) - mu(i)));
    r.pearson_chi2 += (Y(i) - mu(i)) * (Y(i) - mu(i)) / mu(i);
  }
  r.dispersion = r.pearson_chi2 / (n - p);
  const double scale = std::sqrt(std::max(1.0, r.dispersion));
  for (int j = 0; j < p; ++j) {
    r.beta.push_back(b(j));
    r.se.push_back(std::sqrt(cov(j, j)) * scale);
    r.lo.push_back(b(j) - 1.959963984540054 * r.se.back());
    r.hi.push_back(b(j) + 1.959963984540054 * r.se.back());
  }
  return r;
}

GlmResult negbin_glm(const std::vector<double>& y, const std::vector<std::vector<double>>& x,
                     const std::vector<double>& offset, std::vector<std::string> names, int max_iter, double tol) {
  GlmResult r = poisson_glm(y, x, offset, names);  // starting values (alpha = 0)
  if (!r.converged) return r;
  const int n = r.n, p = static_cast<int>(r.beta.size());
  Eigen::MatrixXd X(n, p);
  Eigen::VectorXd Y(n), off(n), b(p);
  for (int i = 0; i < n; ++i) {
    X(i, 0) = 1;
    for (int j = 1; j < p; ++j) X(i, j) = x[i][j - 1];
    Y(i) = y[i];
    off(i) = offset[i];
  }
  for (int j = 0; j < p; ++j) b(j) = r.beta[j];
  auto pearson = [&](const Eigen::VectorXd& mu, double a) {
    return ((Y - mu).array().square() / (mu.array() * (1.0 + a * mu.array()))).sum();
  };
  double alpha = 0;
  r.converged = false;
  for (r.iterations = 1; r.iterations <= max_iter; ++r.iterations) {
    // Moment estimate of alpha given the current means (Pearson chi2 falls as alpha grows).
    Eigen::VectorXd mu = (X * b + off).array().exp();
    double lo = 0, hi = 1;
    const double target = n - p;
    if (pearson(mu, 0) <= target) hi = 0;
    while (hi > 0 && pearson(mu, hi) > target && hi < 1e6) hi *= 2;
    for (int k = 0; k < 100 && hi - lo > 1e-12; ++k) {
      const double mid = 0.5 * (lo + hi);
      (pearson(mu, mid) > target ? lo : hi) = mid;
    }
    const double new_alpha = 0.5 * (lo + hi);
    // One IRLS step for beta at this alpha.
    const Eigen::VectorXd eta = X * b + off;
    mu = eta.array().exp();
    const Eigen::VectorXd w = mu.array() / (1.0 + new_alpha * mu.array());
    const Eigen::VectorXd z = (eta - off).array() + (Y - mu).array() / mu.array();
    const Eigen::MatrixXd XtWX = X.transpose() * w.asDiagonal() * X;
    const Eigen::VectorXd nb = XtWX.ldlt().solve(X.transpose() * (w.array() * z.array()).matrix());
    const double step = std::max((nb - b).cwiseAbs().maxCoeff(), std::abs(new_alpha - alpha));
    b = nb;
    alpha = new_alpha;
    if (step < tol) { r.converged = true; break; }
  }
  const Eigen::VectorXd mu = (X * b + off).array().exp();
  const Eigen::VectorXd w = mu.array() / (1.0 + alpha * mu.array());
  const Eigen::MatrixXd cov = (X.transpose() * w.asDiagonal() * X).inverse();
  r.alpha = alpha;
  r.deviance = 0;
  for (int i = 0; i < n; ++i) {
    const double yi = Y(i), m = mu(i);
    const double t1 = yi > 0 ? yi * std::log(yi / m) : 0.0;
    const double t2 = alpha > 0 ? (yi + 1.0 / alpha) * std::log((1.0 + alpha * yi) / (1.0 + alpha * m)) : (yi - m);
    r.deviance += 2 * (t1 - t2);
  }
  r.pearson_chi2 = pearson(mu, alpha);
  r.dispersion = r.pearson_chi2 / (n - p);
  for (int j = 0; j < p; ++j) {
    r.beta[j] = b(j);
    r.se[j] = std::sqrt(cov(j, j));
    r.lo[j] = b(j) - 1.959963984540054 * r.se[j];
    r.hi[j] = b(j) + 1.959963984540054 * r.se[j];
  }
  return r;
}

NeedModel need_model(const PublicData& d, int year) {
  NeedModel m;
  m.year = year;
  m.deprivation_fy = std::clamp(year, 2015, 2022);  // DWP series: FY 2014/15 to 2021/22
  std::vector<double> y, off, idaci_only_off;
  std::vector<std::vector<double>> x, x_idaci;
  for (auto* a : d.councils_in(year)) {
    auto idaci = d.deprivation(d.idaci_score_2019, a->ons_code);
    auto li = d.low_income(a->ons_code, m.deprivation_fy);
    if (!a->stock.has() || !a->population.has() || !idaci || !li) {
      m.excluded.push_back(fmt::format("{} ({}): {}", a->name, a->la_number,
                                       !a->stock.has() ? "count " + std::string(marker_meaning(a->stock.marker))
                                       : !a->population.has() ? "no population"
                                       : !idaci ? "no IDACI 2019 score" : "no low-income count"));
      continue;
    }
    NeedRow r{a->la_number, a->name, a->ons_code, a->population.value, a->stock.value, *idaci,
              *li / a->population.value, 0, 0, 0, 0, std::nan(""), std::nan(""), std::nan(""), std::nan("")};
    m.rows.push_back(r);
    y.push_back(r.count);
    off.push_back(std::log(r.population));
    x.push_back({r.idaci * 10.0, r.low_income_share * 10.0});
    x_idaci.push_back({r.idaci * 10.0});
  }
  m.fit = poisson_glm(y, x, off, {"idaci_score_per_0.1", "low_income_share_per_10pp"});
  m.nb_fit = negbin_glm(y, x, off, {"idaci_score_per_0.1", "low_income_share_per_10pp"});
  if (!m.fit.converged) return m;
  for (size_t i = 0; i < m.rows.size(); ++i) {
    auto& r = m.rows[i];
    const double eta = m.fit.beta[0] + m.fit.beta[1] * x[i][0] + m.fit.beta[2] * x[i][1] + off[i];
    r.expected = std::exp(eta);
    r.ratio = r.count / r.expected;
    const auto l = exact_poisson_limits(r.count, 0.95);
    r.ratio_lo = l.lower / r.expected;
    r.ratio_hi = l.upper / r.expected;
    if (m.nb_fit.converged) {
      const auto& b = m.nb_fit.beta;
      r.nb_expected = std::exp(b[0] + b[1] * x[i][0] + b[2] * x[i][1] + off[i]);
      r.nb_ratio = r.count / r.nb_expected;
      const auto nb = negbin_ratio_interval(r.count, r.nb_expected, m.nb_fit.alpha, 0.95);
      r.nb_lo = nb.lower;
      r.nb_hi = nb.upper;
    }
  }
  const auto g = poisson_glm(y, x_idaci, off, {"idaci_score_per_0.1"});
  if (g.converged) {
    m.idaci_gradient_rr = std::exp(g.beta[1]);
    m.idaci_gradient_lo = std::exp(g.lo[1]);
    m.idaci_gradient_hi = std::exp(g.hi[1]);
  }
  return m;
}

std::string measure_label(Measure m) {
  switch (m) {
    case Measure::stock: return "Children looked after at 31 March";
    case Measure::starters: return "Started to be looked after, per 10,000 children";
    case Measure::ceasers: return "Ceased to be looked after, per 10,000 children";
    case Measure::rate: return "Looked after at 31 March, per 10,000 children";
  }
  return "";
}

std::optional<double> measure_value(const AreaYear& a, Measure m) {
  auto per10k = [&](const Published& c) -> std::optional<double> {
    if (!c.has() || !a.population.has() || a.population.value <= 0) return std::nullopt;
    return c.value / a.population.value * 1e4;
  };
  switch (m) {
    case Measure::stock: return a.stock.has() ? std::optional(a.stock.value) : std::nullopt;
    case Measure::starters: return per10k(a.starters);
    case Measure::ceasers: return per10k(a.ceasers);
    case Measure::rate: return a.rate.has() ? std::optional(a.rate.value) : per10k(a.stock);
  }
  return std::nullopt;
}

std::vector<int> neighbours_for(const PublicData& d, int la, int year) {
  // The 2025 model knows the councils created in 2023; the 2021 model fits earlier years.
  const auto& primary = year >= 2024 ? d.neighbours_2025 : d.neighbours_2021;
  const auto& other = year >= 2024 ? d.neighbours_2021 : d.neighbours_2025;
  if (auto it = primary.find(la); it != primary.end()) return it->second;
  if (auto it = other.find(la); it != other.end()) return it->second;
  return {};
}

Comparison compare(const PublicData& d, int la, int year, Measure m) {
  Comparison c;
  c.measure = m;
  c.year = year;
  const AreaYear* self = d.council_year(la, year);
  if (self) c.council = measure_value(*self, m);
  std::vector<double> sn;
  for (int n : neighbours_for(d, la, year))
    if (auto* a = d.council_year(n, year); a && a->reports())
      if (auto v = measure_value(*a, m)) sn.push_back(*v);
  c.neighbours_found = static_cast<int>(sn.size());
  if (!sn.empty()) {
    c.neighbours_mean = std::accumulate(sn.begin(), sn.end(), 0.0) / sn.size();
    std::sort(sn.begin(), sn.end());
    const size_t h = sn.size() / 2;
    c.neighbours_median = sn.size() % 2 ? sn[h] : (sn[h - 1] + sn[h]) / 2;
  }
  if (auto it = d.region_of.find(la); it != d.region_of.end())
    if (auto* r = d.region_year(it->second, year)) c.region = measure_value(*r, m);
  if (auto* e = d.national_year(year)) c.england = measure_value(*e, m);
  if (c.council) {
    std::vector<double> all;
    for (auto* a : d.councils_in(year))
      if (auto v = measure_value(*a, m)) all.push_back(*v);
    c.of = static_cast<int>(all.size());
    const int above = static_cast<int>(std::count_if(all.begin(), all.end(), [&](double v) { return v > *c.council; }));
    const int below = static_cast<int>(std::count_if(all.begin(), all.end(), [&](double v) { return v < *c.council; }));
    c.rank = above + 1;
    c.quartile = c.of ? std::min(4, 1 + 4 * below / c.of) : 0;
  }
  return c;
}

static std::optional<double> median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

LaitComparison compare_lait(const PublicData& d, int la, int year, const LaitMeasure& m) {
  LaitComparison c;
  c.code = m.code;
  c.label = m.label;
  c.year = year;
  auto mit = d.lait.find(m.code);
  if (mit == d.lait.end()) { c.council_marker = "measure not loaded"; return c; }
  const auto& values = mit->second;
  auto get = [&](int n) -> std::optional<double> {
    auto it = values.find({n, year});
    return it != values.end() && it->second.has() ? std::optional(it->second.value) : std::nullopt;
  };
  c.council = get(la);
  if (!c.council) {
    auto it = values.find({la, year});
    c.council_marker = it == values.end() ? "no published value" : std::string(marker_meaning(it->second.marker));
  }
  std::vector<double> sn;
  for (int n : neighbours_for(d, la, year))
    if (auto v = get(n)) sn.push_back(*v);
  c.neighbours_found = static_cast<int>(sn.size());
  if (!sn.empty()) c.neighbours_mean = std::accumulate(sn.begin(), sn.end(), 0.0) / sn.size();
  c.neighbours_median = median(sn);
  // LAIT's pseudo LA numbers for England and the regions (names as in the DfE LA code list).
  static const std::map<std::string, int> lait_region = {
      {"North East", 980}, {"North West", 981}, {"Yorkshire and The Humber", 982}, {"East Midlands", 983},
      {"West Midlands", 984}, {"East of England", 985}, {"Inner London", 987}, {"Outer London", 988},
      {"South East", 989}, {"South West", 990}};
  c.england = get(970);
  if (auto reg = d.region_of.find(la); reg != d.region_of.end())
    if (auto r = lait_region.find(reg->second); r != lait_region.end()) c.region = get(r->second);
  std::vector<double> all;
  for (auto* a : d.councils_in(std::min(year, 2025)))
    if (auto v = get(a->la_number)) all.push_back(*v);
  if (c.council && !all.empty()) {
    c.of = static_cast<int>(all.size());
    c.rank = 1 + static_cast<int>(std::count_if(all.begin(), all.end(), [&](double v) { return v > *c.council; }));
    const int below = static_cast<int>(std::count_if(all.begin(), all.end(), [&](double v) { return v < *c.council; }));
    c.quartile = std::min(4, 1 + 4 * below / c.of);
  }
  return c;
}

std::vector<ChangeRow> change(const PublicData& d, int from, int to, std::vector<std::string>* excluded) {
  std::vector<ChangeRow> out;
  const int fy_from = std::clamp(from, 2015, 2022), fy_to = std::clamp(to, 2015, 2022);
  for (auto* b : d.councils_in(to)) {
    const AreaYear* a = d.council_year(b->la_number, from);
    if (!a || !a->reports() || !a->stock.has() || !b->stock.has()) {
      if (excluded)
        excluded->push_back(fmt::format("{} ({}): {}", b->name, b->la_number,
                                        (!a || !a->reports()) ? fmt::format("did not exist in {} (boundary change)", from)
                                                              : "count missing"));
      continue;
    }
    ChangeRow r{b->la_number, b->name, b->ons_code, a->stock.value, b->stock.value,
                (b->stock.value - a->stock.value) / a->stock.value * 100.0,
                measure_value(*a, Measure::rate).value_or(std::nan("")),
                measure_value(*b, Measure::rate).value_or(std::nan("")), std::nullopt, std::nullopt, ""};
    r.idaci = d.deprivation(d.idaci_score_2019, b->ons_code);
    auto l0 = d.low_income(a->ons_code, fy_from), l1 = d.low_income(b->ons_code, fy_to);
    if (l0 && l1 && a->population.has() && b->population.has())
      r.low_income_change = (*l1 / b->population.value - *l0 / a->population.value) * 100.0;
    if (auto it = d.ofsted_overall.find(b->ons_code); it != d.ofsted_overall.end()) r.ofsted = it->second;
    out.push_back(std::move(r));
  }
  return out;
}

double council_rounding_unit(const PublicData& d, int year, Measure m) {
  int n = 0;
  for (auto* a : d.councils_in(year)) {
    const Published& p = m == Measure::starters ? a->starters : m == Measure::ceasers ? a->ceasers : a->stock;
    if (!p.has()) continue;
    if (std::fmod(p.value, 10.0) != 0) return 1;
    ++n;
  }
  return n >= 20 ? 10 : 1;
}

std::vector<OwnComparison> compare_own(const PublicData& d, int la, const std::vector<OwnYear>& own) {
  std::vector<OwnComparison> out;
  for (auto& o : own) {
    const AreaYear* p = d.council_year(la, o.year);
    auto add = [&](std::string what, double mine, const Published* pub, double unit) {
      OwnComparison c{o.year, std::move(what), mine, std::nullopt, "", unit / 2, false, unit, std::nan("")};
      if (!pub) c.published_marker = "no published row";
      else if (pub->has()) {
        c.published = pub->value;
        c.difference = mine - pub->value;
        // Agrees when mine would be published as P: P - R/2 <= mine < P + R/2 (half up); the
        // 1e-9 absorbs floating-point error in a recomputed rate exactly on a half.
        const double lo = pub->value - unit / 2, hi = pub->value + unit / 2;
        c.disagrees = unit <= 1 && c.measure != "rate_per_10000" ? std::abs(c.difference) > 1e-9
                                                           : !(mine >= lo - 1e-9 && mine < hi - 1e-9);
      } else c.published_marker = std::string(marker_meaning(pub->marker));
      out.push_back(std::move(c));
    };
    add("stock", static_cast<double>(o.stock), p ? &p->stock : nullptr, council_rounding_unit(d, o.year, Measure::stock));
    add("starters", static_cast<double>(o.starters), p ? &p->starters : nullptr,
        council_rounding_unit(d, o.year, Measure::starters));
    add("ceasers", static_cast<double>(o.ceasers), p ? &p->ceasers : nullptr,
        council_rounding_unit(d, o.year, Measure::ceasers));
    if (p && p->population.has() && p->population.value > 0)
      add("rate_per_10000", static_cast<double>(o.stock) / p->population.value * 1e4, &p->rate, 1);
    else {
      add("rate_per_10000", std::nan(""), nullptr, 1);
      if (p) out.back().published_marker = "no published population";
    }
  }
  return out;
}

}  // namespace careflow::benchmark
