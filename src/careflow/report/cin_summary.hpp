// The Children in Need census's ingest summary: what the returns hold (children in need, episodes
// of need, assessments, section 47 enquiries, child protection plans...), how each table's rows
// were accounted for, and the linkage with the 903. One function, so the CLI and tests agree.
#pragma once

#include <vector>

#include "careflow/core/cin_timeline.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/io/cin_ingest.hpp"

namespace careflow {

// Tables: cin_summary (measure, count), cin_rows (rows read and accounted for, per table),
// cin_repairs (repairs by rule).
// `linkage`: none when no 903 return was read (its rows are then left out).
std::vector<OutputTable> cin_summary_tables(const cin::Timeline& timeline, const cin::TimelineReport& report,
                                           const cin::Linkage* linkage);

}  // namespace careflow
