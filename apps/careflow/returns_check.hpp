// What every command that reads returns says about them before it uses them: why they cannot be
// used at all (then the command stops with exit 2 and writes nothing), and the problems found in
// them, on the terminal, as the report's "Data quality" section has them.
#pragma once

#include <string_view>

#include "careflow/io/ingest.hpp"

namespace careflow::cli {

// When report.fatal holds anything, prints each reason (located: file, rule, message) on stderr,
// with the errors and warnings met in reading that may explain it (a file not recognised, an XML
// element not read), and returns true: the caller returns 2.
bool stop_on_unusable_returns(const IngestReport& report, std::string_view command);

// Prints the problems on stderr by kind: a kind met up to three times in full, a more frequent one
// by its first instance and a count; repairs as counts. `careflow ingest` lists them all.
void print_data_quality(const IngestReport& report, std::string_view command);

// The stages of reading and their times (report.stages) on stderr, when any were recorded
// (CAREFLOW_TIMING).
void print_stage_times(const IngestReport& report);

}  // namespace careflow::cli
