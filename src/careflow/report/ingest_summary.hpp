// The ingest summary: what was read, what was kept, what was repaired, and the headline counts
// of the resulting history. One function makes it so the CLI, the report and tests agree.
#pragma once

#include <vector>

#include "careflow/core/history.hpp"
#include "careflow/core/history_counts.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/io/ingest.hpp"

namespace careflow {

// Tables: rows read and how each was accounted for, per table; repairs by rule; the counts.
std::vector<OutputTable> ingest_summary_tables(const History& h, const IngestReport& report);
// The problems as a table (file, line, column, severity, rule, message), with a row per file and
// rule for the problems the log did not list (ProblemLog::omitted).
OutputTable problems_table(const ProblemLog& problems);

}  // namespace careflow
