#include "careflow/benchmark/own_cin.hpp"

#include <cmath>
#include <map>

namespace careflow::benchmark {

Date twelve_months_before(Date d) { return birthday(d, -1); }

std::vector<OwnCinYear> own_cin_years(const cin::Timeline& t) {
  std::vector<OwnCinYear> out;
  for (size_t yi = 0; yi < t.years.size(); ++yi) {
    const CollectionYear& cy = t.years[yi];
    const Date from = cy.start(), to = cy.end();
    auto in_year = [&](Date x) { return x >= from && x <= to; };
    // The look-back reaches the previous year only when its return was read.
    const bool look_back = yi > 0 && t.years[yi - 1].end_year == cy.end_year - 1;
    OwnCinYear y;
    y.year = cy.end_year;
    long rereferrals = 0;
    for (const auto& child : t.children) {
      bool on_plan_at31 = false;
      for (size_t e = 0; e < child.episodes.size(); ++e) {
        const auto& ep = child.episodes[e];
        if (in_year(ep.referral)) {
          ++y.referrals;
          // Episodes are in referral order: an earlier referral is an earlier episode.
          const Date since = twelve_months_before(ep.referral);
          for (size_t k = 0; k < e; ++k)
            if (child.episodes[k].referral >= since && child.episodes[k].referral < ep.referral) {
              ++rereferrals;
              break;
            }
        }
        for (const auto& s : ep.section47s) {
          if (in_year(s.start)) ++y.section47s;
          if (s.icpc && in_year(*s.icpc)) ++y.icpcs;
        }
        if (ep.icpc && in_year(*ep.icpc)) {
          bool also_in_s47 = false;
          for (const auto& s : ep.section47s) also_in_s47 |= s.icpc && *s.icpc == *ep.icpc;
          if (!also_in_s47) ++y.icpcs;
        }
        for (const auto& p : ep.protection_plans) {
          if (in_year(p.start)) {
            ++y.cpp_starts;
            if (!p.previous_plans) ++y.cpp_starts_previous_unknown;
            else if (*p.previous_plans >= 1) ++y.cpp_starts_subsequent;
          }
          if (p.start <= to && p.end > to) on_plan_at31 = true;
        }
      }
      y.cpp_at31 += on_plan_at31;
    }
    if (look_back) y.rereferrals = rereferrals;
    out.push_back(y);
  }
  return out;
}

std::vector<OwnCinComparison> compare_own_cin(const PublicData& d, int la, const std::vector<OwnCinYear>& own) {
  std::vector<OwnCinComparison> out;
  for (const auto& y : own) {
    const AreaYear* a = d.council_year(la, y.year);
    const std::optional<double> population =
        a && a->population.has() && a->population.value > 0 ? std::optional<double>(a->population.value) : std::nullopt;
    auto published = [&](const char* code, OwnCinComparison& c) {
      const auto it = d.direct.find(code);
      const Published* p = it == d.direct.end() ? nullptr : it->second.at_council(la, y.year);
      if (it == d.direct.end()) c.published_marker = "file not loaded";
      else if (!p) c.published_marker = "no published value";
      else if (!p->has()) c.published_marker = std::string(marker_meaning(p->marker));
      else c.published = p->value;
    };
    auto count = [&](const char* code, const char* label, double value) {
      OwnCinComparison c;
      c.year = y.year;
      c.measure = code;
      c.label = label;
      c.own = value;
      published(code, c);
      if (population) {
        c.own_rate = value / *population * 1e4;
        if (c.published) c.published_rate = *c.published / *population * 1e4;
      }
      if (c.published) {
        c.difference = c.own - *c.published;
        c.disagrees = c.own != *c.published;
      }
      out.push_back(std::move(c));
    };
    auto percentage = [&](const char* code, const char* label, double num, double den) {
      if (den <= 0) return;
      OwnCinComparison c;
      c.year = y.year;
      c.measure = code;
      c.label = label;
      c.is_percentage = true;
      c.own = num / den * 100;
      c.rounding_unit = 0.1;
      published(code, c);
      if (c.published) {
        c.difference = c.own - *c.published;
        // P - 0.05 <= x < P + 0.05, with a little room for the binary representation of P.
        c.disagrees = !(c.own >= *c.published - 0.05 - 1e-9 && c.own < *c.published + 0.05 - 1e-9);
      }
      out.push_back(std::move(c));
    };
    count("referrals", "Referrals", static_cast<double>(y.referrals));
    if (y.rereferrals) {
      count("rereferrals", "Re-referrals within 12 months", static_cast<double>(*y.rereferrals));
      percentage("rereferral_pct", "Re-referrals within 12 months, % of referrals", static_cast<double>(*y.rereferrals),
                 static_cast<double>(y.referrals));
    }
    count("s47", "Section 47 enquiries started", static_cast<double>(y.section47s));
    count("icpc", "Initial child protection conferences", static_cast<double>(y.icpcs));
    count("cpp_starts", "Child protection plans started", static_cast<double>(y.cpp_starts));
    count("cpp_subsequent", "Second or subsequent plans started", static_cast<double>(y.cpp_starts_subsequent));
    percentage("cpp_subsequent_pct", "Second or subsequent plans, % of plans started",
               static_cast<double>(y.cpp_starts_subsequent), static_cast<double>(y.cpp_starts));
    count("cpp_at31", "Children on a child protection plan at 31 March", static_cast<double>(y.cpp_at31));
  }
  return out;
}

}  // namespace careflow::benchmark
