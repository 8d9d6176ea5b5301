// The headline counts of a history: children, episodes, periods of care, placements, and per
// year those looked after at 31 March, starting and ceasing. The ingest summary shows them
// (report/ingest_summary.hpp); benchmark compares a council's own with published figures.
#pragma once

#include <cstddef>
#include <vector>

#include "careflow/core/date.hpp"
#include "careflow/core/history.hpp"

namespace careflow {

struct HistoryCounts {
  size_t children = 0;       // children with at least one episode
  size_t episodes = 0;
  size_t periods = 0;
  size_t placements = 0;
  struct Year {
    CollectionYear year;
    size_t looked_after_at_31_march = 0;
    size_t started = 0;   // periods of care starting in the year
    size_t ceased = 0;    // periods of care ending in the year
  };
  std::vector<Year> years;
};

HistoryCounts count(const History& h);

}  // namespace careflow
