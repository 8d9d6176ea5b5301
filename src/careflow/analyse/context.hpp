// Shared helpers of the analyses (internal to src/careflow/analyse).
#pragma once

#include <array>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/analyse/analyse.hpp"

namespace careflow::analyse::detail {

struct EnglandYear {
  double looked_after = 0, started = 0, ceased = 0, population = 0, rate = 0;
};

// How a measure that needs the start of a period of care (or of a placement) treats those that
// began before the first return held, and from which year its figures are reliable.
struct Reliability {
  std::string measure;    // as the report names it
  std::string tables;     // ids of the tables that show it
  std::string from;       // "2017/18", "every year", "no year held"...
  std::string treatment;  // what is done with left-truncated periods
};

struct Context {
  const History& h;
  const Options& o;
  const NeedsAssessmentReference& tables;  // *o.reference, or tables that say none was given
  std::vector<CollectionYear> years;  // ascending; each ends on or before `ref`
  Date ref;
  Date span_start;
  std::map<int, double> population;   // mid-year -> 0-17 population of the council
  std::map<int, EnglandYear> england; // collection end year -> England figures
  std::map<int, EnglandYear> published;  // collection end year -> DfE's published figures for the council (--la)
  std::map<int, double> england_same_carer_pct, england_3plus_pct;  // collection end year -> %
  std::string la_ons_code;            // the council's ONS code (from --la, or via the population file)
  std::map<int, std::vector<double>> england_ceased_by_reason;       // year -> count by CeaseGroup (+ total last)
  std::vector<Reliability> reliability;  // one per measure that needs history (see measure_reliability)
  // Days in care by the demand model's placement categories ([year index][DemandCategory]),
  // counted by durations() with days_in_care_by_placement; costs() prices them by the one table
  // of unit costs, as the forecast does. None until durations() has run.
  std::optional<std::vector<std::array<double, kDemandCategoryCount>>> days_in_care_by_category;
  // The Children in Need census's collection years in the span (o.cin's, selected as `years`),
  // ascending: the rows of the section "The front door and child protection".
  std::vector<CollectionYear> cin_years;

  bool keep(ChildIndex c, Date on) const;
  // Children looked after at the end of `d` who pass the filter.
  std::vector<ChildIndex> stock(Date d) const;
  // Periods starting / ending in [from, to] (short breaks excluded) whose child passes the filter
  // on the start / end date.
  std::vector<uint32_t> starters(Date from, Date to) const;
  std::vector<uint32_t> ceasers(Date from, Date to) const;
  Date year_end(const CollectionYear& y) const { return y.end() < ref ? y.end() : ref; }
  // The first return held ("2015/16"): periods running on its 1 April may have begun any time before.
  std::string first_return() const { return h.years.empty() ? std::string() : h.years.front().label(); }
};

// ---- Periods that began before the first return held -----------------------------------------
// A figure that depends on when such a period began is shown only when the returns held
// determine it; otherwise its cell is left blank and the table's notes, and the
// measure_reliability table, say from which year the measure is reliable.

// The label of the first year of the span from which every year is determined (`unknown[yi]`
// false for it and every later year), or "" when the latest year is not.
std::string reliable_from(const Context& cx, const std::vector<char>& unknown);
// The years left blank, as "2015/16, 2016/17" ("" if none).
std::string years_listed(const Context& cx, const std::vector<char>& unknown);
// Records the measure in cx.reliability and appends to the table's notes in which years it is
// not determined (`unknown[yi]`), what the table does about it (`how`: "Left blank where ..."),
// and from which year it is reliable.
void state_reliability(Context& cx, Table& t, const std::string& measure, const std::string& how,
                       const std::vector<char>& unknown);
// A by_year table: year yi's column left blank (and the latest-year percentage with it).
void blank_year_column(const Context& cx, Table& t, size_t yi);

// "y2025" and "2024/25"
std::string year_column(const CollectionYear& y);

// ---- Making a table ------------------------------------------------------------------------
// Every table states the same things in the same order: where it goes and what it is, its
// columns, its rows (often one per collection year), what disclosure control must protect, and
// how it is charted. These helpers say each once, so that a table's code is its definitions.

struct Column {
  std::string name, label;
  int decimals = -1;  // as OutputColumn
};

// A table with its section, id, title, notes and columns, and no rows yet.
Table make_table(std::string section, std::string id, std::string title, std::string notes,
                 std::initializer_list<Column> columns);

// Appends one row per collection year of the span, in order: the year's label ("2024/25"), then
// the cells `fill` appends for year `cx.years[yi]`.
void add_year_rows(const Context& cx, Table& t,
                   const std::function<void(const CollectionYear& y, size_t yi, std::vector<Cell>& row)>& fill);
// The same over other years (the CIN census's, cx.cin_years).
void add_year_rows(const std::vector<CollectionYear>& years, Table& t,
                   const std::function<void(const CollectionYear& y, size_t yi, std::vector<Cell>& row)>& fill);

// What disclosure control in report/ must protect (see Table): the count columns, percentages or
// rates derived from them, and whether the last row (as the table stands) is their total.
struct Counts {
  std::vector<size_t> columns = {};
  std::vector<std::pair<size_t, size_t>> derived = {};
  bool last_row_is_total = false;
  std::optional<size_t> total_column = {};
  std::vector<RatioColumn> ratios = {};
  std::vector<RowRelation> row_relations = {};
};
void set_counts(Table& t, Counts c);

// How the report charts the table.
void set_chart(Table& t, Chart chart, std::vector<size_t> series, std::string y_label);

// Labels of the categories of a code list ("C2 Full care order"...), then one for no code.
std::vector<std::string> code_labels(const CodeList& list, std::string none = "Missing");

// A table with one row per category and one count column per year, a Total row, and the latest
// year's percentages. `classify` returns the category index of an item in a year (or -1 to skip).
// Rows whose counts are zero in every year are left out unless `keep_empty` (kAgeNotKnown is
// left out when zero even then). Declares its arithmetic: the Total row, and each percentage as
// the latest year's count over the latest year's total.
Table by_year(const Context& cx, std::string id, std::string title, std::string notes, std::string section,
              const std::vector<std::string>& categories,
              const std::function<void(const CollectionYear&, std::vector<double>& counts)>& fill,
              bool keep_empty = false);
// The same over other years (the CIN census's, cx.cin_years).
Table by_year(const std::vector<CollectionYear>& years, std::string id, std::string title, std::string notes,
              std::string section, const std::vector<std::string>& categories,
              const std::function<void(const CollectionYear&, std::vector<double>& counts)>& fill,
              bool keep_empty = false);

// Age breakdowns end with "Age not known" (children without a date of birth), a row shown only
// when it is not zero, so that every breakdown adds up to the total counted elsewhere (a reader
// takes the profile tables' totals to be the same number; disclosure control relies on it too).
inline constexpr const char* kAgeNotKnown = "Age not known";
std::vector<std::string> age_band_labels();    // DfE's five bands, then kAgeNotKnown
int age_band_category(int age);                // the band's index, or kAgeBandCount if unknown
std::vector<std::string> placement_group_labels();
std::vector<std::string> single_age_labels();  // "0".."17", "18 and over", kAgeNotKnown
int single_age_category(int age);              // 0..18, or 19 if unknown

// Removes a category row whose counts are zero in every year (a by_year table keeps its total row last).
void drop_row_if_empty(const Context& cx, Table& t, const std::string& label);

void profile(Context& cx, Assessment& a);
void location(Context& cx, Assessment& a);
void flows(Context& cx, Assessment& a);
void durations(Context& cx, Assessment& a);
void stability(Context& cx, Assessment& a);
void reentry(Context& cx, Assessment& a);
void permanence(Context& cx, Assessment& a);
void costs(Context& cx, Assessment& a);
void projection(Context& cx, Assessment& a);
// "The front door and child protection", when the census was given (o.cin): cin_front_door.cpp.
void front_door(Context& cx, Assessment& a);
// Pathways into care in the same section (cin_pathways_tables.cpp): after front_door.
void pathways(Context& cx, Assessment& a);
// The measure_reliability table, from cx.reliability (last: every other analysis has stated its own).
void measure_reliability(Context& cx, Assessment& a);
// Relations between the tables made (Assessment::relations), once they are all made.
void relate_tables(const Context& cx, Assessment& a);

}  // namespace careflow::analyse::detail
