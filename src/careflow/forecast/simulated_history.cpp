#include "careflow/forecast/simulated_history.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <string>

#include "careflow/forecast/common.hpp"

namespace careflow::forecast {
namespace {

struct SimPlacement { Date start, end; Kind kind; };
struct SimPeriod { Date start, end; const char* rec; std::vector<SimPlacement> placements; };

const std::array<double, kKindCount>& kind_weights(int age) {
  static const std::array<double, kKindCount> young{.20, .45, .25, 0, 0, 0, 0, .10, 0, 0};
  static const std::array<double, kKindCount> child{.15, .35, .35, .05, .10, 0, 0, 0, 0, 0};
  static const std::array<double, kKindCount> teen{.10, .25, .35, .10, .20, 0, 0, 0, 0, 0};
  static const std::array<double, kKindCount> older{0, .20, .30, 0, .20, .30, 0, 0, 0, 0};
  return age < 5 ? young : age < 13 ? child : age < 16 ? teen : older;
}

Kind draw_kind(Rng& rng, int age) {
  const auto& w = kind_weights(age);
  double u = rng.uniform(), t = 0;
  for (int k = 0; k < kKindCount; ++k) {
    t += w[k];
    if (u < t) return static_cast<Kind>(k);
  }
  return Kind::foster_in_house;
}

std::pair<const char*, const char*> codes_of(Kind k) {
  switch (k) {
    case Kind::foster_relative: return {"U3", "PR1"};
    case Kind::foster_in_house: return {"U4", "PR1"};
    case Kind::foster_ifa: return {"U4", "PR4"};
    case Kind::residential_in_house: return {"K2", "PR1"};
    case Kind::residential_external: return {"K2", "PR4"};
    case Kind::supported: return {"H5", "PR4"};
    case Kind::secure: return {"K1", "PR1"};
    case Kind::with_parents: return {"P1", "PR1"};
    case Kind::adoption: return {"A4", "PR1"};
    default: return {"Z1", "PR1"};
  }
}

}  // namespace

History simulate_history(const SimulatedHistorySettings& s) {
  Rng rng(s.seed);
  History h;
  for (int y = s.first_year; y <= s.last_year; ++y) h.years.push_back(CollectionYear{y});
  const Date data_start = h.data_start(), data_end = h.data_end();
  const Date sim_start = data_start - 18 * 366 - 30;
  double wsum = 0;
  for (double w : s.age_weights) wsum += w;
  const CodeIndex sex = codes::sex.find("1"), ls = codes::legal_status.find("C2"), cin = codes::category_of_need.find("N1");
  const CodeIndex rne_s = codes::reason_new_episode.find("S"), rne_p = codes::reason_new_episode.find("P");
  const CodeIndex x1 = codes::reason_episode_ceased.find("X1");
  uint64_t next_id = 0;

  auto add_child = [&](Date entry) {
    double u = rng.uniform() * wsum, t = 0;
    int age = 17;
    for (int a = 0; a < 18; ++a) {
      t += s.age_weights[a];
      if (u < t) { age = a; break; }
    }
    const Date dob = entry - static_cast<int32_t>((age + rng.uniform()) * 365.25);
    const Date bd18 = birthday(dob, 18);
    std::vector<SimPeriod> periods;
    Date start = entry;
    while (start < bd18 && start <= data_end) {
      SimPeriod p{start, Date::open(), nullptr, {}};
      const double E = rng.exponential_by_inversion(), early = s.early_hazard * s.early_days;
      const double dur = E < early ? E / s.early_hazard : s.early_days + (E - early) / s.late_hazard;
      Date end = start + static_cast<int32_t>(std::ceil(std::min(dur, 30000.0)));
      if (end <= start) end = start + 1;
      const int age_end = age_on(dob, std::min(end, bd18));
      if (end >= bd18) {
        end = bd18;
        p.rec = "E5";
      } else {
        const double r = rng.uniform();
        p.rec = age_end < 5 ? (r < .35 ? "E11" : r < .55 ? "E45" : "E4A") : (r < .15 ? "E45" : "E4A");
      }
      p.end = end;
      Kind k = draw_kind(rng, age_on(dob, start));
      Date ps = start;
      while (true) {
        const Date mv = ps + static_cast<int32_t>(std::ceil(rng.exponential_by_inversion() / s.move_hazard));
        if (mv >= end) {
          p.placements.push_back({ps, end, k});
          break;
        }
        p.placements.push_back({ps, mv, k});
        Kind nk = k;
        for (int tries = 0; tries < 5 && nk == k; ++tries) nk = draw_kind(rng, age_on(dob, mv));
        k = nk;
        ps = mv;
      }
      periods.push_back(std::move(p));
      if (std::string_view(periods.back().rec) == "E4A" && rng.uniform() < s.reentry_share)
        start = end + 30 + static_cast<int32_t>(rng.exponential_by_inversion() * 300);
      else break;
    }
    // What the returns would show: placements ending before the first return are absent, and
    // anything after the last return is not yet known.
    Child ch;
    ch.id = fmt::format("S{}", ++next_id);
    ch.dob = dob;
    ch.dob_known = true;
    ch.sex = sex;
    ch.latest_return = s.last_year;
    ch.first_episode = static_cast<uint32_t>(h.episodes.size());
    ch.first_period = static_cast<uint32_t>(h.periods.size());
    ch.first_placement = static_cast<uint32_t>(h.placements.size());
    const ChildIndex ci = static_cast<ChildIndex>(h.children.size());
    uint16_t number = 0;
    for (const auto& p : periods) {
      if (p.end <= data_start || p.start > data_end) continue;
      PeriodOfCare pc;
      pc.child = ci;
      pc.first_episode = static_cast<uint32_t>(h.episodes.size());
      pc.first_placement = static_cast<uint32_t>(h.placements.size());
      pc.number = ++number;
      bool first = true;
      for (const auto& pl : p.placements) {
        if (pl.end <= data_start || pl.start > data_end) continue;
        const auto [place, prov] = codes_of(pl.kind);
        Episode e;
        e.child = ci;
        e.start = pl.start;
        e.end = pl.end > data_end ? Date::open() : pl.end;
        e.reason_new = pl.start == p.start ? rne_s : rne_p;  // the true start is seen only if in the data
        e.legal_status = ls;
        e.need = cin;
        e.placement_type = codes::placement_type.find(place);
        e.provider = codes::placement_provider.find(prov);
        const bool last = pl.end == p.end;
        e.reason_ceased = e.is_open() ? kNoCode : last ? codes::reason_episode_ceased.find(p.rec) : x1;
        e.collection_year = static_cast<uint16_t>(e.is_open() ? s.last_year : collection_year_of(e.end).end_year);
        Placement plc;
        plc.child = ci;
        plc.period = static_cast<uint32_t>(h.periods.size());
        plc.first_episode = static_cast<uint32_t>(h.episodes.size());
        plc.episode_count = 1;
        plc.start = e.start;
        plc.end = e.end;
        plc.placement_type = e.placement_type;
        plc.provider = e.provider;
        if (first) pc.start = e.start;
        pc.end = e.end;
        pc.reason_ceased = e.reason_ceased == x1 ? kNoCode : e.reason_ceased;
        h.episodes.push_back(e);
        h.placements.push_back(plc);
        first = false;
      }
      pc.episode_count = static_cast<uint32_t>(h.episodes.size()) - pc.first_episode;
      pc.placement_count = static_cast<uint32_t>(h.placements.size()) - pc.first_placement;
      if (pc.episode_count == 0) continue;
      h.periods.push_back(pc);
    }
    ch.episode_count = static_cast<uint32_t>(h.episodes.size()) - ch.first_episode;
    ch.period_count = static_cast<uint32_t>(h.periods.size()) - ch.first_period;
    ch.placement_count = static_cast<uint32_t>(h.placements.size()) - ch.first_placement;
    if (ch.period_count > 0) h.children.push_back(std::move(ch));
    else next_id--;
  };

  for (Date a = sim_start; a <= data_end; a = a + 30) {
    const Date mid = a + 15;
    const double rate = s.entrants_per_year / 365.25 * std::pow(1.0 + s.annual_growth, (mid - data_start) / 365.25);
    const int64_t n = rng.poisson(rate * 30);
    std::vector<Date> days(static_cast<size_t>(n));
    for (auto& d : days) d = a + static_cast<int32_t>(rng.uniform() * 30);
    std::sort(days.begin(), days.end());
    for (Date d : days)
      if (d <= data_end) add_child(d);
  }
  return h;
}

}  // namespace careflow::forecast
