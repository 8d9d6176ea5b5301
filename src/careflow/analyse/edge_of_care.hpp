// Edge-of-care evaluation (issue #15 item 6; docs/edge-of-care.md): what happened next to the
// children a service supported, against children of the same council's data who were not
// supported but were alike on the day each supported child's support began (same age band, same
// need, same child protection status), with 95% intervals.
//
// From each supported child's start date: out of care throughout the next 6 and 12 months (no
// period of care began), became looked after, a child protection plan started, the case closed.
// A child is followed up for a horizon only when the data reach that far past the start (both
// collections: the earlier of their last 31 March); one who is not is censored and counted, never
// guessed. Comparison children are judged from the supported child's own start date, so they are
// followed up exactly as long.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "careflow/core/cin_timeline.hpp"
#include "careflow/core/date.hpp"
#include "careflow/core/history.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/core/table_arithmetic.hpp"

namespace careflow::analyse {

// ---- Proportions and their intervals --------------------------------------------------------

struct Interval {
  double lower = 0, upper = 0;
};

// Wilson's score interval for `successes` of `n` (which may be weighted, not whole numbers), at
// z = 1.96 (95%): it stays within [0, 1] and keeps its coverage for small n and proportions near
// 0 or 1, where the textbook interval fails. n = 0: [0, 1].
Interval wilson_interval(double successes, double n, double z = 1.959963984540054);
// Newcombe's hybrid score interval (his method 10) for p1 - p2, from each proportion's Wilson
// interval.
Interval newcombe_difference(double p1, Interval i1, double p2, Interval i2);

// The date `months` calendar months after `d` (31 August + 6 months = 28 or 29 February: the last
// day of a shorter month).
Date months_after(Date d, int months);

// ---- The evaluation -------------------------------------------------------------------------

struct SupportedChild {
  std::string id;            // as the council's list gives it: personal data, never print it
  Date start;
  std::optional<Date> end;   // read and checked; outcomes run from the start whatever it is
  uint32_t line = 0;         // the list's line, for located messages
};

enum class EdgeOfCareMeasure { out_of_care, became_looked_after, protection_plan, case_closed };
inline constexpr int kEdgeOfCareMeasures = 4;
std::string_view label(EdgeOfCareMeasure m);

struct EdgeOfCareFigure {
  int months = 0;
  EdgeOfCareMeasure measure = EdgeOfCareMeasure::out_of_care;
  // Every supported child evaluated and followed up this long, and those with the outcome.
  size_t all_followed_up = 0, all_with_outcome = 0;
  Interval all_interval;
  // The supported children with comparison children (matched), followed up, with the outcome.
  size_t matched_followed_up = 0, matched_with_outcome = 0;
  Interval matched_interval;
  // Their comparison group: each supported child's comparison children weigh 1 between them
  // (1/k each of k), so the group stands for the supported children's own mix of cells.
  size_t comparison_children = 0;               // distinct children
  size_t comparison_children_with_outcome = 0;  // distinct children with the outcome from some date
  double comparison_proportion = 0;             // weighted
  double comparison_effective_n = 0;            // Kish: (sum w)^2 / sum w^2, at most comparison_children
  Interval comparison_interval;
  double difference = 0;                        // matched supported minus comparison (proportions)
  Interval difference_interval;
  double all_proportion() const { return all_followed_up ? double(all_with_outcome) / all_followed_up : 0; }
  double matched_proportion() const { return matched_followed_up ? double(matched_with_outcome) / matched_followed_up : 0; }
};

struct EdgeOfCareCounts {
  size_t listed = 0;
  size_t not_found = 0;             // in neither collection
  size_t not_in_cin = 0;            // in the 903 only: need and CP status unknown
  size_t dob_unknown = 0;
  size_t start_outside_data = 0;    // start before the span both collections cover, or after it
  size_t looked_after_at_start = 0; // already looked after on the start date: not on the edge of care
  size_t aged_18_or_over = 0;
  size_t evaluated = 0;             // the rest
  size_t matched = 0;               // evaluated, with at least one comparison child
  size_t unmatched = 0;             // evaluated, no comparison child in their cell
  size_t comparison_children = 0;   // distinct children in any supported child's comparison group
  size_t support_ended = 0;         // evaluated children whose list gives an end date
};

struct EdgeOfCareEvaluation {
  EdgeOfCareCounts counts;
  std::vector<EdgeOfCareFigure> figures;  // by horizon, then measure
  Date span_start, span_end;              // the span both collections cover
  std::vector<int> horizons;
  std::vector<uint32_t> not_found_lines;  // list lines of the children in neither collection
};

struct EdgeOfCareSettings {
  std::vector<int> horizons_months = {6, 12};
};

// `history` and `cin` are the same council's; a listed child is the CIN child with its id, and
// its 903 record the one with the same id compared without regard to case (as the 903 is read).
EdgeOfCareEvaluation evaluate_edge_of_care(const History& history, const cin::Timeline& cin,
                                           const std::vector<SupportedChild>& children,
                                           const EdgeOfCareSettings& settings = {});

// The evaluation as tables (edge_of_care_children, edge_of_care_outcomes,
// edge_of_care_comparison), each with what disclosure control needs, and the relations between
// their cells.
struct EdgeOfCareTables {
  std::vector<OutputTable> tables;
  std::vector<DisclosureSpec> specs;  // one a table
  std::vector<Relation> relations;
};
EdgeOfCareTables edge_of_care_tables(const EdgeOfCareEvaluation& e);

}  // namespace careflow::analyse
