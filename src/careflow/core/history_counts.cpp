#include "careflow/core/history_counts.hpp"

namespace careflow {

HistoryCounts count(const History& h) {
  HistoryCounts c;
  for (const auto& ch : h.children) c.children += ch.episode_count > 0;
  c.episodes = h.episodes.size();
  c.periods = h.periods.size();
  c.placements = h.placements.size();
  for (const auto& y : h.years) {
    HistoryCounts::Year row{y};
    row.looked_after_at_31_march = h.count_looked_after_on(y.end());
    row.started = h.periods_starting(y.start(), y.end()).size();
    row.ceased = h.periods_ending(y.start(), y.end()).size();
    c.years.push_back(row);
  }
  return c;
}

}  // namespace careflow
