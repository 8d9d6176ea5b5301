#include "careflow/analyse/cin_pathways.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>

#include "careflow/analyse/edge_of_care.hpp"  // months_after

namespace careflow::analyse {

std::string_view label(PriorInvolvement p) {
  switch (p) {
    case PriorInvolvement::protection_plan: return "Child protection plan before";
    case PriorInvolvement::cin_plan: return "CIN plan before (no CP plan)";
    case PriorInvolvement::referral_only: return "Referral only";
    case PriorInvolvement::not_known: return "Not known to children's social care";
  }
  return "";
}

std::string_view label(DriftBand b) {
  switch (b) {
    case DriftBand::under_3_months: return "Under 3 months";
    case DriftBand::months_3_to_6: return "3 to 6 months";
    case DriftBand::months_6_to_12: return "6 to 12 months";
    case DriftBand::years_1_to_2: return "1 to 2 years";
    case DriftBand::years_2_plus: return "2 years or more";
  }
  return "";
}

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

constexpr uint32_t kNone = UINT32_MAX;

bool looked_after_on(const History& h, uint32_t c, Date d) {
  if (c == kNone) return false;
  for (const auto& p : h.periods_of(c))
    if (!p.short_breaks && p.start <= d && (p.is_open() || p.end > d)) return true;
  return false;
}
// The first period of care (not short breaks) starting in [from, to], or none.
std::optional<Date> entry_between(const History& h, uint32_t c, Date from, Date to) {
  if (c == kNone) return std::nullopt;
  for (const auto& p : h.periods_of(c))
    if (!p.short_breaks && p.start >= from && p.start <= to) return p.start;
  return std::nullopt;
}

double median(std::vector<int32_t> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

}  // namespace

CinPathways cin_pathways(const History& history, const cin::Timeline& cin, std::vector<CollectionYear> years,
                         std::vector<int> horizons) {
  CinPathways out;
  out.horizons_months = horizons;
  if (history.years.empty() || cin.years.empty()) return out;
  out.span_start = std::max(history.data_start(), cin.data_start());
  out.span_end = std::min(history.data_end(), cin.data_end());
  if (out.span_end < out.span_start) return out;
  if (years.empty())
    for (const auto& y : history.years) years.push_back(y);
  for (const auto& y : years)
    if (y.start() >= out.span_start && y.end() <= out.span_end) out.years.push_back(y);
  std::sort(out.years.begin(), out.years.end());
  out.years.erase(std::unique(out.years.begin(), out.years.end()), out.years.end());

  // The link, both ways.
  std::unordered_map<std::string, uint32_t> by_id;
  for (uint32_t c = 0; c < history.children.size(); ++c) by_id.emplace(upper(history.children[c].id), c);
  std::vector<uint32_t> h_of(cin.children.size(), kNone), cin_of(history.children.size(), kNone);
  for (uint32_t i = 0; i < cin.children.size(); ++i)
    if (const auto it = by_id.find(upper(cin.children[i].id)); it != by_id.end() && cin_of[it->second] == kNone) {
      h_of[i] = it->second;
      cin_of[it->second] = i;
    }

  // Entrants, by what came before, and drift.
  for (const auto& y : out.years) {
    EntrantPathways e;
    e.year = y;
    std::vector<int32_t> days;
    for (const PeriodOfCare& period : history.periods) {
      if (period.short_breaks || period.start < y.start() || period.start > y.end()) continue;
      const uint32_t c = period.child;
      const std::optional<Date> entry = period.start;
      ++e.entrants;
      PriorInvolvement prior = PriorInvolvement::not_known;
      std::optional<Date> first_referral;
      if (cin_of[c] != kNone) {
        bool plan = false, cin_plan = false;
        for (const auto& ep : cin.children[cin_of[c]].episodes) {
          if (ep.referral > *entry) continue;
          if (!first_referral || ep.referral < *first_referral) first_referral = ep.referral;
          for (const auto& p : ep.protection_plans) plan |= p.start <= *entry;
          for (const auto& p : ep.cin_plans) cin_plan |= p.start <= *entry;
        }
        if (plan) prior = PriorInvolvement::protection_plan;
        else if (cin_plan) prior = PriorInvolvement::cin_plan;
        else if (first_referral) prior = PriorInvolvement::referral_only;
      }
      ++e.by_prior[static_cast<size_t>(prior)];
      if (!first_referral) continue;
      ++e.with_referral;
      days.push_back(*entry - *first_referral);
      const Date r = *first_referral;
      const DriftBand band = *entry < months_after(r, 3)    ? DriftBand::under_3_months
                             : *entry < months_after(r, 6)  ? DriftBand::months_3_to_6
                             : *entry < months_after(r, 12) ? DriftBand::months_6_to_12
                             : *entry < months_after(r, 24) ? DriftBand::years_1_to_2
                                                            : DriftBand::years_2_plus;
      ++e.by_drift[static_cast<size_t>(band)];
    }
    if (!days.empty()) e.median_days = median(std::move(days));
    out.entrants.push_back(e);
  }

  // CP plans to care: each child's first plan starting in the year.
  for (const auto& y : out.years) {
    ProtectionToCare t;
    t.year = y;
    t.followed_up.assign(horizons.size(), 0);
    t.looked_after.assign(horizons.size(), 0);
    for (uint32_t i = 0; i < cin.children.size(); ++i) {
      std::optional<Date> start;
      for (const auto& ep : cin.children[i].episodes)
        for (const auto& p : ep.protection_plans)
          if (p.start >= y.start() && p.start <= y.end() && (!start || p.start < *start)) start = p.start;
      if (!start || looked_after_on(history, h_of[i], *start - 1)) continue;
      ++t.children;
      for (size_t k = 0; k < horizons.size(); ++k) {
        const Date to = months_after(*start, horizons[k]);
        if (to > out.span_end) continue;  // censored
        ++t.followed_up[k];
        t.looked_after[k] += entry_between(history, h_of[i], *start, to).has_value();
      }
    }
    out.to_care.push_back(t);
  }

  // The funnel, by age band at the first referral in the years.
  out.funnel.resize(kAgeBandCount + 2);
  for (int b = 0; b < kAgeBandCount; ++b) out.funnel[b].band = static_cast<AgeBand>(b);
  if (!out.years.empty()) {
    const Date from = out.years.front().start(), to = out.years.back().end();
    for (uint32_t i = 0; i < cin.children.size(); ++i) {
      const cin::CinChild& ch = cin.children[i];
      std::optional<Date> referral;
      for (const auto& ep : ch.episodes)
        if (ep.referral >= from && ep.referral <= to && (!referral || ep.referral < *referral)) referral = ep.referral;
      if (!referral || looked_after_on(history, h_of[i], *referral - 1)) continue;
      std::optional<Date> dob = ch.dob;
      if (!dob && h_of[i] != kNone && history.children[h_of[i]].dob_known) dob = history.children[h_of[i]].dob;
      FunnelRow& row = out.funnel[dob && *dob <= *referral ? static_cast<size_t>(age_band(age_on(*dob, *referral)))
                                                           : kAgeBandCount];
      std::optional<Date> plan;
      for (const auto& ep : ch.episodes)
        for (const auto& p : ep.protection_plans)
          if (p.start >= *referral && p.start <= out.span_end && (!plan || p.start < *plan)) plan = p.start;
      const bool care_after_plan = plan && entry_between(history, h_of[i], *plan, out.span_end).has_value();
      const bool care = entry_between(history, h_of[i], *referral, out.span_end).has_value();
      for (FunnelRow* r : {&row, &out.funnel.back()}) {
        ++r->referred;
        r->protection_plan += plan.has_value();
        r->plan_then_care += care_after_plan;
        r->looked_after += care;
      }
    }
  }
  return out;
}

}  // namespace careflow::analyse
