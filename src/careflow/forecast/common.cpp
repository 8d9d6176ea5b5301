#include "careflow/forecast/common.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace careflow::forecast {

std::string AgeBands::label(int b) const {
  if (b + 1 < count()) {
    if (lower[b + 1] - lower[b] == 1 && lower[b] == 0) return "Under 1";
    return fmt::format("{} to {}", lower[b], lower[b + 1] - 1);
  }
  return fmt::format("{} and over", lower[b]);
}
std::string AgeBands::name(int b) const {
  if (b + 1 < count()) return fmt::format("age_{}_{}", lower[b], lower[b + 1] - 1);
  return fmt::format("age_{}_plus", lower[b]);
}

std::string financial_year_label(int end_year) { return fmt::format("{}-{:02d}", end_year - 1, end_year % 100); }

Date month_end(Date d) {
  const auto ymd = d.ymd();
  return Date::from_ymd(ymd.year, ymd.month, days_in_month(ymd.year, ymd.month));
}

// Marsaglia & Tsang (2000), "The ziggurat method for generating random variables", J. Stat.
// Softw. 5(8), exponential case: r = 7.69711747013104972 (start of the tail), v = 3.949659822581572e-3
// (area of each layer), here with 53-bit values instead of 32.
ZigguratTables::ZigguratTables() {
  constexpr double m = 9007199254740992.0;  // 2^53
  double de = 7.69711747013104972;
  const double ve = 3.949659822581572e-3;
  const double q = ve / std::exp(-de);
  k[0] = static_cast<uint64_t>((de / q) * m);
  k[1] = 0;
  w[0] = q / m;
  w[255] = de / m;
  f[0] = 1.0;
  f[255] = std::exp(-de);
  for (int i = 254; i >= 1; --i) {
    const double next = -std::log(ve / de + std::exp(-de));
    k[i + 1] = static_cast<uint64_t>((next / de) * m);
    de = next;
    f[i] = std::exp(-de);
    w[i] = de / m;
  }
}
const ZigguratTables kZiggurat;

double Rng::exponential_tail(size_t i, uint64_t j) {
  for (;;) {
    if (i == 0) return 7.69711747013104972 - std::log(1.0 - uniform());  // memoryless tail
    const double x = static_cast<double>(j) * kZiggurat.w[i];
    if (kZiggurat.f[i] + uniform() * (kZiggurat.f[i - 1] - kZiggurat.f[i]) < std::exp(-x)) return x;
    const uint64_t r = next();
    i = r & 255;
    j = r >> 11;
    if (j < kZiggurat.k[i]) return static_cast<double>(j) * kZiggurat.w[i];
  }
}

double Rng::normal() {
  // Box-Muller; one value per call keeps the stream position simple.
  const double u1 = 1.0 - uniform(), u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

int64_t Rng::poisson(double mean) {
  if (mean <= 0) return 0;
  if (mean > 500) {
    const double x = std::floor(mean + std::sqrt(mean) * normal() + 0.5);
    return x < 0 ? 0 : static_cast<int64_t>(x);
  }
  // Inversion by sequential search from 0 (expected mean+1 steps).
  double p = std::exp(-mean), cdf = p;
  const double u = uniform();
  int64_t k = 0;
  while (u > cdf && k < 100000) {
    ++k;
    p *= mean / static_cast<double>(k);
    cdf += p;
    if (p < 1e-300 && static_cast<double>(k) > mean) break;
  }
  return k;
}

double Rng::gamma(double shape) {
  if (shape < 1.0) return gamma(shape + 1.0) * std::pow(uniform() + 1e-300, 1.0 / shape);
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v;
  }
}

size_t Rng::pick(const std::vector<double>& cumulative) {
  const double u = uniform() * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
  return std::min(static_cast<size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

double quantile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1) * p;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace careflow::forecast
