// "Data quality": what reading the returns found, in the report itself, so that a warning printed
// in the terminal (a year missing, dates a return cannot hold, header rows that disagree, rows
// lost to an unclosed quote...) also reaches the person who reads the figures. Problems are shown
// by kind, with how many there were and what careflow did, never row by row: rows name children
// (by pseudonym) and belong in `careflow ingest --out`, not in a published report.
#pragma once

#include <string_view>

#include "careflow/io/ingest.hpp"
#include "careflow/report/sections.hpp"

namespace careflow::report {

// What a problem rule means and what careflow does about it, in a sentence (docs/ingestion.md
// has the same); "" for a rule this does not know.
std::string_view describe_problem_rule(std::string_view rule);

// The section: a table of problems by rule (counts of 1 to 5 withheld when `suppression`), and
// the years missing from the span as limitations (also in the notes at the end of the report).
ExtraSection data_quality_section(const IngestReport& report, bool suppression);

}  // namespace careflow::report
