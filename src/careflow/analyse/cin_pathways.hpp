// Pathways into care (issue #15 item 5): how children reach care through the front door, from a
// council's 903 history and its CIN census timeline, over the collection years both collections
// cover. Children are linked as cin::link_to_903 links them first: the 903 CHILD is the census's
// LAchildID, compared without regard to case.
//
// - Entrants by what came before: of the children who started to be looked after in a year (each
//   period of care starting in it, as the report's starters are: a child can start twice; short
//   breaks are not care), those who had had a CP
//   plan, else a CIN plan, else only a referral, on or before the day care began, and those not
//   known to children's social care (no census record referred by then). The census is seen only
//   from the first return read (an episode open then shows its older referral; one closed before
//   does not): in the first years, "not known" includes children known before the returns began.
// - Drift: for entrants with an earlier referral, the time from the first referral the returns
//   hold to the start of care: median in days and bands.
// - CP plans to care: of the children whose first CP plan of a year started then (not looked after
//   the day before), those who started to be looked after within 6, 12 and 24 months of the plan's
//   start (from it, inclusive). A child is counted for a horizon only when the data reach the end of
//   it; the others are censored, and the counts followed up say how many remain.
// - The funnel by age band: the children referred in the years (first referral in them; not looked
//   after the day before), by age band at that referral; of them, those who then had a CP plan (a
//   plan starting on or after the referral), and of those, those who started to be looked after on
//   or after the plan's start; and those who started to be looked after on or after the referral by
//   any route. Up to the end of the data: later years have had less time.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <vector>

#include "careflow/core/cin_timeline.hpp"
#include "careflow/core/date.hpp"
#include "careflow/core/history.hpp"

namespace careflow::analyse {

enum class PriorInvolvement { protection_plan, cin_plan, referral_only, not_known };
inline constexpr int kPriorInvolvements = 4;
std::string_view label(PriorInvolvement p);

enum class DriftBand { under_3_months, months_3_to_6, months_6_to_12, years_1_to_2, years_2_plus };
inline constexpr int kDriftBands = 5;
std::string_view label(DriftBand b);

struct EntrantPathways {
  CollectionYear year;
  size_t entrants = 0;                             // periods of care starting in the year
  std::array<size_t, kPriorInvolvements> by_prior{};  // sums to entrants
  // Drift: entrants with a referral on or before their entry (entrants - not_known).
  size_t with_referral = 0;
  std::optional<double> median_days;              // none without any
  std::array<size_t, kDriftBands> by_drift{};     // sums to with_referral
};

struct ProtectionToCare {
  CollectionYear year;                // of the plan's start
  size_t children = 0;                // whose first plan of the year started then
  std::vector<size_t> followed_up;    // per horizon: the data reach start + horizon
  std::vector<size_t> looked_after;   // of those, started to be looked after within it
};

struct FunnelRow {
  std::optional<AgeBand> band;        // none: unborn at the referral, or date of birth unknown
  size_t referred = 0;
  size_t protection_plan = 0;         // then had a CP plan
  size_t plan_then_care = 0;          // of those, then looked after (on or after the plan's start)
  size_t looked_after = 0;            // looked after on or after the referral, by any route
};

struct CinPathways {
  Date span_start, span_end;          // both collections cover it (empty when they do not overlap)
  std::vector<CollectionYear> years;  // the years measured: those inside the span
  std::vector<int> horizons_months;
  std::vector<EntrantPathways> entrants;    // by year
  std::vector<ProtectionToCare> to_care;    // by year
  std::vector<FunnelRow> funnel;            // the five age bands, then unknown; then All
};

// `years`: the collection years wanted (those not wholly inside the span both cover are left out);
// empty: every year inside the span.
CinPathways cin_pathways(const History& history, const cin::Timeline& cin, std::vector<CollectionYear> years = {},
                         std::vector<int> horizons_months = {6, 12, 24});

}  // namespace careflow::analyse
