// Kaplan–Meier and Aalen–Johansen estimators for time in care, with censoring.
#include <algorithm>

#include "careflow/analyse/analyse.hpp"

namespace careflow::analyse {

std::vector<SurvivalPoint> kaplan_meier(std::vector<std::pair<int, bool>> obs) {
  std::sort(obs.begin(), obs.end());
  std::vector<SurvivalPoint> curve;
  double s = 1;
  size_t i = 0;
  const int n = static_cast<int>(obs.size());
  while (i < obs.size()) {
    const int t = obs[i].first;
    const int at_risk = n - static_cast<int>(i);  // everyone with time >= t (censored at t included)
    int events = 0;
    size_t j = i;
    for (; j < obs.size() && obs[j].first == t; ++j) events += obs[j].second;
    if (events > 0) {
      s *= 1.0 - static_cast<double>(events) / at_risk;
      curve.push_back({t, at_risk, events, s});
    }
    i = j;
  }
  return curve;
}

double survival_at(const std::vector<SurvivalPoint>& curve, int t) {
  double s = 1;
  for (const auto& p : curve) {
    if (p.time > t) break;
    s = p.survival;
  }
  return s;
}

std::optional<int> survival_quantile(const std::vector<SurvivalPoint>& curve, double p) {
  for (const auto& pt : curve)
    if (pt.survival <= 1.0 - p + 1e-12) return pt.time;
  return std::nullopt;
}

double cumulative_incidence(std::vector<std::pair<int, int>> obs, int t) {
  std::sort(obs.begin(), obs.end());
  double s = 1, cif = 0;
  const int n = static_cast<int>(obs.size());
  size_t i = 0;
  while (i < obs.size() && obs[i].first <= t) {
    const int time = obs[i].first;
    const int at_risk = n - static_cast<int>(i);
    int d1 = 0, d = 0;
    size_t j = i;
    for (; j < obs.size() && obs[j].first == time; ++j) {
      d1 += obs[j].second == 1;
      d += obs[j].second != 0;
    }
    cif += s * static_cast<double>(d1) / at_risk;  // S just before `time` times the cause's hazard
    s *= 1.0 - static_cast<double>(d) / at_risk;
    i = j;
  }
  return cif;
}

}  // namespace careflow::analyse
