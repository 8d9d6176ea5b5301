// The ingest summary: what was read, what was kept, what was repaired, and the headline counts
// of the resulting history. One function makes it so the CLI, the report and tests agree.
#pragma once

#include <vector>

#include "careflow/core/history.hpp"
#include "careflow/core/ingest.hpp"
#include "careflow/io/output_table.hpp"

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

// Tables: rows read and how each was accounted for, per table; repairs by rule; the counts.
std::vector<OutputTable> ingest_summary_tables(const History& h, const IngestReport& report);
// The problems as a table (file, line, column, severity, rule, message), with a row per file and
// rule for the problems the log did not list (ProblemLog::omitted).
OutputTable problems_table(const ProblemLog& problems);

}  // namespace careflow
