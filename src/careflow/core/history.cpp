#include "careflow/core/history.hpp"

#include <algorithm>

namespace careflow {

bool Child::is_male() const {
  const auto c = codes::sex.code(sex);
  return c == "1" || c == "M";
}
bool Child::is_female() const {
  const auto c = codes::sex.code(sex);
  return c == "2" || c == "F";
}

bool Placement::is_temporary() const {
  return placement_group(placement_type) == PlacementGroup::temporary;
}

Date History::data_start() const { return years.empty() ? Date() : years.front().start(); }
Date History::data_end() const { return years.empty() ? Date() : years.back().end(); }

bool History::start_known(const PeriodOfCare& p) const {
  return p.start >= data_start() || episodes[p.first_episode].reason_new == codes::reason_new_episode.find("S");
}

bool History::start_known(const Placement& pl) const {
  if (pl.start >= data_start()) return true;
  const CodeIndex rne = episodes[pl.first_episode].reason_new;
  return rne != kNoCode && rne != codes::reason_new_episode.find("L");
}

std::span<const Episode> History::episodes_of(ChildIndex c) const {
  const Child& ch = children[c];
  return {episodes.data() + ch.first_episode, ch.episode_count};
}
std::span<const PeriodOfCare> History::periods_of(ChildIndex c) const {
  const Child& ch = children[c];
  return {periods.data() + ch.first_period, ch.period_count};
}
std::span<const Placement> History::placements_of(ChildIndex c) const {
  const Child& ch = children[c];
  return {placements.data() + ch.first_placement, ch.placement_count};
}

namespace {
// Looked after at the end of day d: started on or before d and not ceased on or before d.
bool spans(Date start, Date end, Date d) { return start <= d && (end.is_open() || end > d); }
}  // namespace

std::vector<ChildIndex> History::looked_after_on(Date d, bool include_short_breaks) const {
  std::vector<ChildIndex> out;
  for (const auto& p : periods)
    if (spans(p.start, p.end, d) && (include_short_breaks || !p.short_breaks)) out.push_back(p.child);
  // Periods of one child never overlap, so each child appears once; periods are in child order.
  return out;
}

size_t History::count_looked_after_on(Date d, bool include_short_breaks) const {
  size_t n = 0;
  for (const auto& p : periods) n += spans(p.start, p.end, d) && (include_short_breaks || !p.short_breaks);
  return n;
}

const PeriodOfCare* History::period_on(ChildIndex c, Date d) const {
  for (const auto& p : periods_of(c))
    if (spans(p.start, p.end, d)) return &p;
  return nullptr;
}

const Episode* History::episode_on(ChildIndex c, Date d) const {
  for (const auto& e : episodes_of(c))
    if (spans(e.start, e.end, d)) return &e;
  return nullptr;
}

std::vector<uint32_t> History::periods_starting(Date from, Date to, bool include_short_breaks) const {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < periods.size(); ++i)
    if (periods[i].start >= from && periods[i].start <= to && (include_short_breaks || !periods[i].short_breaks))
      out.push_back(i);
  return out;
}

std::vector<uint32_t> History::periods_ending(Date from, Date to, bool include_short_breaks) const {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < periods.size(); ++i)
    if (!periods[i].is_open() && periods[i].end >= from && periods[i].end <= to &&
        (include_short_breaks || !periods[i].short_breaks))
      out.push_back(i);
  return out;
}

std::vector<uint32_t> History::placements_starting(Date from, Date to) const {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < placements.size(); ++i)
    if (placements[i].start >= from && placements[i].start <= to) out.push_back(i);
  return out;
}

std::vector<uint32_t> History::placements_ending(Date from, Date to) const {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < placements.size(); ++i)
    if (!placements[i].is_open() && placements[i].end >= from && placements[i].end <= to) out.push_back(i);
  return out;
}

std::vector<int64_t> History::days_in_care_by_placement_type(Date from, Date to) const {
  std::vector<int64_t> days(codes::placement_type.size() + 1, 0);
  for (const auto& e : episodes) {
    // Days d in [from, to] with start <= d < end (looked after at the end of day d).
    const Date first = std::max(e.start, from);
    const Date last = e.end.is_open() ? to : std::min(to, e.end - 1);
    if (last < first) continue;
    const size_t slot = e.placement_type == kNoCode ? days.size() - 1 : e.placement_type;
    days[slot] += last - first + 1;
  }
  return days;
}

int History::age_on(ChildIndex c, Date d) const {
  const Child& ch = children[c];
  return ch.dob_known ? careflow::age_on(ch.dob, d) : -1;
}

std::string_view label(TimelineEvent::Kind k) {
  using K = TimelineEvent::Kind;
  switch (k) {
    case K::born: return "Born";
    case K::period_started: return "Became looked after";
    case K::period_ended: return "Ceased to be looked after";
    case K::placement_started: return "Placement started";
    case K::placement_ended: return "Placement ended";
    case K::legal_status_changed: return "Legal status";
    case K::missing_started: return "Went missing";
    case K::missing_ended: return "Returned from missing";
    case K::review: return "Review";
    case K::adoption_decision: return "Decision: should be placed for adoption";
    case K::adoption_decision_reversed: return "Adoption decision reversed";
    case K::matched_for_adoption: return "Matched with adopters";
    case K::uasc_ceased: return "UASC status ceased";
    case K::eighteenth_birthday: return "18th birthday";
  }
  return "";
}

std::vector<TimelineEvent> History::timeline(ChildIndex c) const {
  using K = TimelineEvent::Kind;
  std::vector<TimelineEvent> ev;
  const Child& ch = children[c];
  if (ch.dob_known) {
    ev.push_back({ch.dob, K::born});
    ev.push_back({birthday(ch.dob, 18), K::eighteenth_birthday});
  }
  for (const auto& p : periods_of(c)) {
    ev.push_back({p.start, K::period_started});
    if (!p.is_open()) ev.push_back({p.end, K::period_ended, p.reason_ceased});
  }
  for (const auto& pl : placements_of(c)) {
    ev.push_back({pl.start, K::placement_started, pl.placement_type});
    if (!pl.is_open()) ev.push_back({pl.end, K::placement_ended, pl.reason_place_change});
  }
  // Legal statuses, missing spells and the rest are stored per child in order; find the range.
  auto child_range = [c](const auto& v) {
    return std::equal_range(v.begin(), v.end(), c, [](const auto& a, const auto& b) {
      if constexpr (std::is_same_v<std::decay_t<decltype(a)>, ChildIndex>) return a < b.child;
      else return a.child < b;
    });
  };
  for (auto [it, end] = child_range(legal_statuses); it != end; ++it)
    ev.push_back({it->start, K::legal_status_changed, it->legal_status});
  for (auto [it, end] = child_range(missing); it != end; ++it) {
    ev.push_back({it->start, K::missing_started, it->type});
    if (!it->end.is_open()) ev.push_back({it->end, K::missing_ended, it->type});
  }
  for (auto [it, end] = child_range(reviews); it != end; ++it) ev.push_back({it->date, K::review, it->participation});
  for (auto [it, end] = child_range(adoption_decisions); it != end; ++it) {
    ev.push_back({it->decided, K::adoption_decision});
    if (!it->reversed.is_open()) ev.push_back({it->reversed, K::adoption_decision_reversed, it->reason_reversed});
  }
  for (auto [it, end] = child_range(adoptions); it != end; ++it)
    if (!it->matched.is_open()) ev.push_back({it->matched, K::matched_for_adoption});
  if (ch.uasc && !ch.uasc_ceased.is_open()) ev.push_back({ch.uasc_ceased, K::uasc_ceased});
  std::stable_sort(ev.begin(), ev.end(), [](const TimelineEvent& a, const TimelineEvent& b) { return a.date < b.date; });
  return ev;
}

}  // namespace careflow
