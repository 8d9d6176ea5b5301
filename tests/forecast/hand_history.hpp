// Hand-built care histories for tests whose expected numbers are derived by hand: each child's
// periods of care as lists of episodes (one placement per period, so only legal status and
// period boundaries vary).
#pragma once

#include <string>
#include <vector>

#include "careflow/core/history.hpp"
#include "careflow/forecast/microsim.hpp"
#include "careflow/forecast/simulated_history.hpp"

namespace careflow::forecast::testing {

struct HandEpisode {
  Date start;
  Date end;         // Date::open() while it continues
  const char* ls;   // legal status code
  const char* rec;  // reason ceased ("X1" inside a period; ignored while open)
};

inline void add_hand_child(History& h, Date dob, const std::vector<std::vector<HandEpisode>>& periods) {
  Child ch;
  ch.id = "H";  // built in two steps: "H" + to_string trips g++ 12's -Wrestrict false positive
  ch.id += std::to_string(h.children.size());
  ch.dob = dob;
  ch.dob_known = true;
  ch.sex = codes::sex.find("1");
  ch.latest_return = h.years.empty() ? 0 : h.years.back().end_year;
  const auto ci = static_cast<ChildIndex>(h.children.size());
  ch.first_episode = static_cast<uint32_t>(h.episodes.size());
  ch.first_placement = static_cast<uint32_t>(h.placements.size());
  ch.first_period = static_cast<uint32_t>(h.periods.size());
  uint16_t number = 0;
  for (const auto& eps : periods) {
    PeriodOfCare p;
    p.child = ci;
    p.first_episode = static_cast<uint32_t>(h.episodes.size());
    p.first_placement = static_cast<uint32_t>(h.placements.size());
    p.number = ++number;
    p.start = eps.front().start;
    p.end = eps.back().end;
    p.reason_ceased = p.end.is_open() ? kNoCode : codes::reason_episode_ceased.find(eps.back().rec);
    Placement pl;
    pl.child = ci;
    pl.period = static_cast<uint32_t>(h.periods.size());
    pl.first_episode = p.first_episode;
    pl.episode_count = static_cast<uint32_t>(eps.size());
    pl.start = p.start;
    pl.end = p.end;
    pl.placement_type = codes::placement_type.find("U4");
    pl.provider = codes::placement_provider.find("PR1");
    for (size_t i = 0; i < eps.size(); ++i) {
      Episode e;
      e.child = ci;
      e.start = eps[i].start;
      e.end = eps[i].end;
      e.reason_new = codes::reason_new_episode.find(i == 0 ? "S" : "L");
      e.legal_status = codes::legal_status.find(eps[i].ls);
      e.need = codes::category_of_need.find("N1");
      e.placement_type = pl.placement_type;
      e.provider = pl.provider;
      e.reason_ceased = e.end.is_open() ? kNoCode : codes::reason_episode_ceased.find(eps[i].rec);
      e.collection_year = static_cast<uint16_t>(e.end.is_open() ? ch.latest_return : collection_year_of(e.end).end_year);
      h.episodes.push_back(e);
    }
    p.episode_count = static_cast<uint32_t>(eps.size());
    p.placement_count = 1;
    h.placements.push_back(pl);
    h.periods.push_back(p);
  }
  ch.episode_count = static_cast<uint32_t>(h.episodes.size()) - ch.first_episode;
  ch.placement_count = static_cast<uint32_t>(h.placements.size()) - ch.first_placement;
  ch.period_count = static_cast<uint32_t>(h.periods.size()) - ch.first_period;
  h.children.push_back(std::move(ch));
}

// One child a day enters care from 1 April of the first return's year to the last return's
// 31 March, aged 2 years and 100 days, accommodated under section 20 (V2), and moves to a full
// care order (C2) exactly 100 days later; nobody leaves. Returns first_year .. last_year (end
// years), e.g. 2021 .. 2023: 1,095 children, forecast from 31 March 2023.
inline History section20_then_care_order(int first_year = 2021, int last_year = 2023) {
  History h;
  for (int y = first_year; y <= last_year; ++y) h.years.push_back(CollectionYear{y});
  const Date first = Date::from_ymd(first_year - 1, 4, 1), T = CollectionYear{last_year}.end();
  for (Date d = first; d <= T; d = d + 1) {
    const Date change = d + 100;
    if (change <= T)
      add_hand_child(h, d - 830, {{{d, change, "V2", "X1"}, {change, Date::open(), "C2", ""}}});
    else
      add_hand_child(h, d - 830, {{{d, Date::open(), "V2", ""}}});
  }
  return h;
}

// A simulated history with re-entries: children enter at 8 (1,500 a year, no trend, returns
// 2015/16 .. 2024/25) and leave at 1/100 a day; 85% go home, a share `p` of whom come back
// 30 + Exp(300) days later; 15% leave on an SGO and never come back.
inline SimulatedHistorySettings with_reentries(double p) {
  SimulatedHistorySettings s;
  s.first_year = 2016;
  s.last_year = 2025;
  s.entrants_per_year = 1500;
  s.early_hazard = s.late_hazard = 1.0 / 100;
  s.reentry_share = p;
  s.age_weights.fill(0);
  s.age_weights[8] = 1;
  s.seed = 31;
  return s;
}

// Mean over runs of the number in a legal status group at a month end.
inline double mean_legal(const MicrosimResult& r, size_t month, LegalGroup g) {
  double t = 0;
  for (int run = 0; run < r.runs; ++run) t += r.legal(run, month, static_cast<int>(g));
  return t / r.runs;
}

}  // namespace careflow::forecast::testing
