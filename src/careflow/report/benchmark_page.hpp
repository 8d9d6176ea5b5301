// The benchmark page: turns benchmark's analyses for one council and year into output tables
// (written as CSV/JSON/XLSX by io/table_writers) and a self-contained HTML page with inline SVG
// charts. Presenting is report's (docs/architecture.md): benchmark computes, this page shows.
#pragma once

#include <string>
#include <vector>

#include "careflow/benchmark/analysis.hpp"
#include "careflow/benchmark/own_cin.hpp"
#include "careflow/benchmark/own_data.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/core/table_arithmetic.hpp"

namespace careflow::report {

struct BenchmarkReport {
  int la_number = 0, year = 0;
  std::string council_name;
  std::vector<OutputTable> tables;
  std::string html;
  std::string own_summary;  // one line on own figures against published (empty without own figures)
  // The council's own figures are counts of children: disclosure control applies to them (as in
  // careflow report), and their arithmetic is published beside the tables (relations.json).
  PublishedArithmetic arithmetic;
};

// Runs every analysis for the council and year. `own` (may be empty) are the council's own
// figures, set beside the published ones; `own_need` (may be empty) its starters by category of
// need, set beside the published shares in `starters_by_need` when it covers that table's year.
// `council_check` (may be empty): what the check of the own returns against the council found
// or could not check (benchmark/council_check.hpp), in a table and at the top of the page. With
// `suppression` (the default) the own figures are under disclosure control
// (disclosure.hpp): counts of 1 to 5 withheld, and whatever would reveal them. `own_cin` (may be
// empty): the council's own CIN census figures by year, set beside the published ones in
// `own_cin_vs_published`, under the same disclosure control.
BenchmarkReport build_benchmark_report(const benchmark::PublicData& d, int la_number, int year,
                                       const std::vector<benchmark::OwnYear>& own = {},
                                       const std::vector<benchmark::OwnBreakdown>& own_need = {},
                                       const std::vector<std::string>& council_check = {}, bool suppression = true,
                                       const std::vector<benchmark::OwnCinYear>& own_cin = {});

}  // namespace careflow::report
