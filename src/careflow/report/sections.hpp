// Sections of the needs assessment drawn from the other subsystems, through their public
// headers only: "How we compare" (benchmark: funnel plot, trend against neighbours, region and
// England, need-adjusted expected rate) and "Forecast" (forecast: microsimulation fan chart,
// the deterministic stock-flow projection, spend by financial year, scenarios against the
// baseline, the backtest). Each section says plainly
// what is missing when it cannot be drawn, so the report never silently drops a theme.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "careflow/core/history.hpp"
#include "careflow/forecast/scenario.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/core/table_arithmetic.hpp"

namespace careflow::benchmark {
struct PublicData;
}

namespace careflow::report {

// A section written outside analyse/: its HTML (charts, tables, notes) and its tables for the
// CSV, JSON and XLSX outputs (disclosure control already applied, and its arithmetic declared:
// count cells and relations, published in relations.json with the rest).
struct ExtraSection {
  std::string id, title, intro, html;
  std::vector<OutputTable> tables;
  std::vector<std::string> limitations;  // what could not be done, for the notes at the end
  PublishedArithmetic arithmetic;
};

// A count published elsewhere in the output, and whether it is withheld there.
struct PublishedCount {
  Date date;
  double value = 0;
  bool withheld = false;
  CellRef cell;
};

// "How we compare" for council `la` (ONS code, DfE number or name) in CLA year `year` (the
// latest published year up to it), from the published tables as io loaded them (`published`);
// without them (`missing` says which file is absent and where it goes), or without `la`, the
// section says what is missing.
ExtraSection compare_section(const std::string& la, int year, const benchmark::PublicData* published,
                             const std::string& missing);
ExtraSection compare_section(const benchmark::PublicData& d, const std::string& la, int year);

struct ForecastSectionOptions {
  // Microsimulation runs, or -1 to choose them: 200 (enough for stable 5th/95th percentiles of a
  // council), fewer -- never under 50 -- where 200 would exceed kForecastBudget simulated children
  // (a national history), so that the whole report keeps to its time budget.
  int runs = -1;
  int years = 5;
  uint64_t seed = 1;
  bool suppression = true;  // the actual counts beside the forecast are counts of children
  // The backtest of the council's own history shown with the forecast: runs per forecast, or -1
  // to choose them (and, at national scale, how many of the latest origins) so that the backtest
  // stays within a fixed number of simulated children (kBacktestBudget); 0: no backtest.
  int backtest_runs = -1;
  // Scenarios drawn against the baseline (chart of both, and the difference by financial year
  // with intervals from paired runs), e.g. from `careflow report --scenario FILE`.
  std::vector<forecast::Scenario> scenarios;
  // Unit costs of the baseline's spend: the council's, as the costs section uses (or the same
  // illustrative defaults).
  forecast::CostSettings costs;
  // The number looked after at 31 March as the report's other tables publish it
  // (published_stock): an actual number beside the forecast that is the same figure (same date
  // and value) is withheld whenever it is withheld there.
  std::vector<PublishedCount> stock_elsewhere;
};
// Simulated children (runs x children per run, summed over origins) the automatic backtest may
// use: about a second of CPU (~300 ns a simulated child), so that a council of 400-1,500
// children gets its full backtest with up to 100 runs and a national history one origin.
inline constexpr double kBacktestBudget = 3e6;
// Simulated children (runs x children per run) the automatic forecast may use: a few seconds of
// CPU, i.e. 200 runs for any council and about 70 for England as one council.
inline constexpr double kForecastBudget = 2e7;
// The runs the forecast section uses (o.runs, or the automatic choice when it is -1).
int forecast_section_runs(const History& h, const ForecastSectionOptions& o);
// "Forecast" from the history as at its data end.
ExtraSection forecast_section(const History& h, const ForecastSectionOptions& o);

}  // namespace careflow::report
