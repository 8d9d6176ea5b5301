// The needs assessment's analyses: from one care history to the tables a head of service and an
// analyst read (profile at 31 March, flows, durations, stability, re-entry, permanence, costs,
// projected demand), each by collection year over the span. Definitions are DfE's where DfE has
// one and are written out in docs/report.md; each table carries them in its notes.
//
// Analyses return plain OutputTables plus the shape the report needs to publish them safely
// (which columns are counts, which row is the total: disclosure control runs in report/) and to
// chart them. Nothing here suppresses or formats: the workbook for an analyst and the report for
// a head of service are both made from these tables.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "careflow/core/cin_timeline.hpp"
#include "careflow/core/history.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/core/table_arithmetic.hpp"
#include "careflow/core/unit_costs.hpp"
#include "careflow/io/population_files.hpp"
#include "careflow/io/reference_tables.hpp"

namespace careflow {
class PostcodeDirectory;
}

namespace careflow::analyse {

// Which children an analysis counts. Each criterion is judged on the date the analysis counts
// the child (31 March for the profile, the start date for starters, the end date for ceasers).
struct Filter {
  std::optional<CodeIndex> sex;           // index into codes::sex; 1/M and 2/F are matched as one
  std::optional<AgeBand> age_band;
  std::optional<bool> uasc;
  std::optional<CodeIndex> legal_status;  // index into codes::legal_status
  bool empty() const { return !sex && !age_band && !uasc && !legal_status; }
  std::string describe() const;           // "" when empty
};

// Parses "sex=F", "age=10-15" (or a band label: under1, 1-4, 5-9, 10-15, 16+), "uasc=yes",
// "ls=C2". Returns an error message, or "" when it parsed.
std::string parse_filter(const std::string& text, Filter& f);

struct Options {
  std::optional<Date> reference_date;  // default: the end of the last return (31 March)
  int first_year = 0, last_year = 0;   // collection end years; 0 = the history's own span
  Filter filter;
  std::string la_code;                 // ONS code (E08000025) or DfE number (330) for population and England comparison
  // The published tables (ONS population, England's series, stability, reasons ceased) as io
  // loaded them (load_needs_assessment_reference), owned by the caller; none: no comparisons, and
  // the limitations say which files were not given.
  const NeedsAssessmentReference* reference = nullptr;
  // The council's mid-year population aged 0-17 (--population), as io read it
  // (read_population_file); none: reference->population for la_code.
  std::optional<PopulationFile> population;
  // Weekly unit costs by placement category (io/unit_costs.hpp reads --unit-costs): the same
  // table the forecast costs by; the illustrative defaults when the council gives none.
  UnitCosts unit_costs;
  // Projected children by single year of age (--projection), as io read it
  // (read_projection_file); none: no projected demand, and the limitations say so.
  std::optional<ProjectionFile> projection;
  // The ONS postcode directory as io loaded it, owned by the caller (api loads the rows of the
  // returns' postcodes once, to check --la and for this); none: no placement location or
  // distance, and the limitations say which file is needed.
  const PostcodeDirectory* postcodes = nullptr;
  // The council's Children in Need census returns read into one timeline (api reads them when
  // the inputs hold any), owned by the caller; none: no section "The front door and child
  // protection". `england_cin`: DfE's published CIN tables beside it (io's load_england_cin);
  // none, or a table absent: its England figures are blank and the limitations say which file.
  const cin::Timeline* cin = nullptr;
  const EnglandCinTables* england_cin = nullptr;
};

// How the report shows a table.
enum class Chart {
  none,
  year_lines,      // rows are years: x = first column, one line per `series` column
  category_lines,  // rows are categories (last row may be the total), columns are years: one line per category
  bars,            // rows are categories: one bar per row from the first `series` column
  step,            // rows are time points (first column, days), one step line per `series` column
};

struct Table {
  OutputTable table;
  std::string section;                   // "profile", "flows", ...
  // Disclosure: count columns, total row/column, and derived (percentage/rate) columns.
  std::vector<size_t> count_columns;
  std::optional<size_t> total_row;
  std::optional<size_t> total_column;
  std::vector<std::pair<std::vector<size_t>, size_t>> row_groups;  // (rows, their total row)
  std::vector<std::pair<size_t, size_t>> derived;  // (derived column, count column): a mean, a median...
  std::vector<RatioColumn> ratios;       // percentages and rates with their numerator and denominator
  std::vector<RowRelation> row_relations;  // linear relations in every row (net change = started - ceased)
  Chart chart = Chart::none;
  std::vector<size_t> series;            // columns charted (year_lines, bars, step)
  std::string y_label;
};

// A sentence a head of service reads first, computed from the data.
struct KeyMessage {
  std::string section;
  std::string text;
  double weight = 0;  // larger = more notable (used to order messages)
  // The counts of children the sentence states or rests on (numerators included), so that the
  // report can hold back a message that would reveal a count disclosure control withholds.
  std::vector<double> counts;
};

struct Assessment {
  std::vector<Table> tables;
  // Relations between tables: the same children counted in several (a total in every profile
  // table, age bands that are sums of single years of age, stock = last year's + starters -
  // ceasers), so that disclosure control can protect a withheld figure in all of them
  // (analyse/relations.cpp).
  std::vector<Relation> relations;
  std::vector<KeyMessage> messages;
  std::vector<std::string> limitations;  // what could not be done, and why (missing files...)
  std::vector<CollectionYear> years;     // the span analysed
  Date reference_date;
  std::string la_name;                   // from the population file, if the code was found
  std::string filter;                    // Filter::describe() of the filter applied ("" = all children)
};

// Runs every analysis.
Assessment assess(const History& h, const Options& o);

// ---- The pieces, exposed for tests ---------------------------------------------------------

// Kaplan–Meier estimate from (time, event) pairs; event = false means censored at `time`.
struct SurvivalPoint {
  int time = 0;        // days
  int at_risk = 0;     // in the risk set just before `time`
  int events = 0;
  double survival = 1; // S(time), after the events at `time`
};
std::vector<SurvivalPoint> kaplan_meier(std::vector<std::pair<int, bool>> observations);
// S(t) from a curve (1 before the first event time).
double survival_at(const std::vector<SurvivalPoint>& curve, int t);
// Smallest time at which S(t) <= 1 - p (p = 0.5 for the median); none if never reached.
std::optional<int> survival_quantile(const std::vector<SurvivalPoint>& curve, double p);

// Cumulative incidence of one cause with competing risks (Aalen–Johansen): observations are
// (time, cause) with cause 0 = censored, 1 = the cause of interest, 2 = any competing cause.
double cumulative_incidence(std::vector<std::pair<int, int>> observations, int t);

// The median of lengths of which some are known exactly and some only from below (a period or
// placement that began before the first return held, at a date the returns do not show, lasted
// at least as long as it looks). Every possible value of those gives a median between the one
// from their lengths as held (the least it can be) and the one with them unbounded: that least
// median is returned when the greatest is at most `tolerance` (a fraction) above it, else none.
// None when there are no lengths.
std::optional<double> determined_median(std::vector<double> exact, const std::vector<double>& at_least,
                                        double tolerance = 0);

// Whether a period ended at or after the child's 18th birthday (on the day included).
bool is_eighteenth_birthday_exit(const History& h, const PeriodOfCare& p);

}  // namespace careflow::analyse
