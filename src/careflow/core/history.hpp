// A council's (or a region's, or the country's) care history, built from any number of yearly
// SSDA903 returns: children, their episodes, periods of care, placements and legal-status spans,
// each stored contiguously per child so that a whole country's ten years fit in memory and scan
// in milliseconds. Definitions follow DfE's and are spelled out in docs/model.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/code_lists.hpp"
#include "careflow/core/date.hpp"

namespace careflow {

using ChildIndex = uint32_t;

struct Child {
  std::string id;                // the council's identifier: personal data, never print it
  Date dob;                      // valid only if dob_known
  bool dob_known = false;
  CodeIndex sex = kNoCode;       // index into codes::sex (1/2 and M/F both appear over years)
  CodeIndex ethnicity = kNoCode; // index into codes::ethnic
  bool uasc = false;             // unaccompanied asylum-seeking child at any point
  Date uasc_ceased = Date::open();  // DUC: when UASC status ceased, if it has
  int latest_return = 0;         // collection end year of the latest return the child is in
  // Ranges into History's vectors.
  uint32_t first_episode = 0, episode_count = 0;
  uint32_t first_period = 0, period_count = 0;
  uint32_t first_placement = 0, placement_count = 0;

  bool is_male() const;
  bool is_female() const;
};

// One row of the Episodes table after reconciliation: a spell with one legal status and one
// placement. `end` is Date::open() while the episode continues.
struct Episode {
  ChildIndex child = 0;
  Date start;                          // DECOM
  Date end = Date::open();             // DEC
  CodeIndex reason_new = kNoCode;      // RNE
  CodeIndex legal_status = kNoCode;    // LS
  CodeIndex need = kNoCode;            // CIN, category of need
  CodeIndex placement_type = kNoCode;  // PLACE
  CodeIndex provider = kNoCode;        // PLACE_PROVIDER
  CodeIndex reason_ceased = kNoCode;   // REC
  CodeIndex reason_place_change = kNoCode;  // REASON_PLACE_CHANGE
  uint16_t collection_year = 0;        // end year of the return the episode was taken from
  uint32_t home_postcode = 0;          // index into History::postcodes; 0 = none
  uint32_t placement_postcode = 0;
  uint32_t urn = 0;                    // index into History::postcodes (shared string pool)
  bool is_open() const { return end.is_open(); }
};

// A continuous spell of being looked after: from an episode starting with RNE = S (or after a
// gap) to the first episode that ends with a reason other than X1.
struct PeriodOfCare {
  ChildIndex child = 0;
  uint32_t first_episode = 0, episode_count = 0;
  uint32_t first_placement = 0, placement_count = 0;
  Date start;
  Date end = Date::open();
  CodeIndex reason_ceased = kNoCode;  // REC of the last episode (kNoCode while open or unknown)
  uint16_t number = 1;                // 1 for the child's first period in the data, 2 for a re-entry...
  bool short_breaks = false;          // every episode under V3/V4: excluded from DfE counts
  bool is_open() const { return end.is_open(); }
};

// A stay with one carer/placement: consecutive episodes within a period with no change of
// placement (a new placement starts at RNE S, P, B, T or U; L changes legal status only).
struct Placement {
  ChildIndex child = 0;
  uint32_t period = 0;                 // index into History::periods
  uint32_t first_episode = 0, episode_count = 0;
  Date start;
  Date end = Date::open();
  CodeIndex placement_type = kNoCode;  // of the first episode (T/U changes within carer start a new placement)
  CodeIndex provider = kNoCode;
  CodeIndex reason_place_change = kNoCode;  // why it ended, if it ended in a move
  uint32_t postcode = 0;
  bool is_open() const { return end.is_open(); }
  bool is_temporary() const;           // T0-T4: excluded from DfE placement counts
};

// A run of consecutive episodes in one period with the same legal status.
struct LegalStatusSpan {
  ChildIndex child = 0;
  uint32_t period = 0;
  Date start;
  Date end = Date::open();
  CodeIndex legal_status = kNoCode;
};

struct MissingSpell {
  ChildIndex child = 0;
  Date start;
  Date end = Date::open();
  CodeIndex type = kNoCode;  // codes::missing_type: missing (M) or away without authorisation (A)
};

struct Review {
  ChildIndex child = 0;
  Date date;
  CodeIndex participation = kNoCode;
};

// AD1: a child adopted during a year, with the decision and matching dates.
struct Adoption {
  ChildIndex child = 0;
  Date should_be_placed;                  // DATE_INT
  Date matched = Date::open();            // DATE_MATCH
  CodeIndex by_foster_carer = kNoCode;    // FOSTER_CARE
  CodeIndex number_of_adopters = kNoCode;
  CodeIndex sex_of_adopters = kNoCode;
  CodeIndex legal_status_of_adopters = kNoCode;
};

// PlacedAdoption: a decision that the child should be placed for adoption, and its reversal.
struct AdoptionDecision {
  ChildIndex child = 0;
  Date decided;
  Date reversed = Date::open();
  CodeIndex reason_reversed = kNoCode;
};

// One item of a child's timeline (a theograph's data).
struct TimelineEvent {
  enum class Kind : uint8_t {
    born, period_started, period_ended, placement_started, placement_ended, legal_status_changed,
    missing_started, missing_ended, review, adoption_decision, adoption_decision_reversed,
    matched_for_adoption, uasc_ceased, eighteenth_birthday
  };
  Date date;
  Kind kind;
  CodeIndex code = kNoCode;  // placement type, legal status, reason ceased... as fits the kind
};
std::string_view label(TimelineEvent::Kind k);

class History {
 public:
  std::vector<Child> children;
  std::vector<Episode> episodes;          // sorted by child, then start
  std::vector<PeriodOfCare> periods;      // sorted by child, then start
  std::vector<Placement> placements;      // sorted by child, then start
  std::vector<LegalStatusSpan> legal_statuses;  // sorted by child, then start
  std::vector<MissingSpell> missing;      // sorted by child, then start
  std::vector<Review> reviews;
  std::vector<Adoption> adoptions;
  std::vector<AdoptionDecision> adoption_decisions;
  std::vector<std::string> strings{""};   // interned postcodes and URNs; 0 is empty
  std::vector<CollectionYear> years;      // the returns the history was built from, ascending

  // The span the returns cover: 1 April of the first year to 31 March of the last.
  Date data_start() const;
  Date data_end() const;

  // Whether the returns held show when a period of care (or a placement) began. One already
  // running on data_start() is seen from its first episode in the first return, which began it
  // only if it opened the period with RNE S (a placement: with any RNE but L, a change of legal
  // status alone). Otherwise the period is left-truncated with its start unknown: its length as
  // held (from that episode) is only a lower bound, and measures that need the start must leave
  // it out or say that they cannot tell. docs/model.md, "Periods that began before the first return".
  bool start_known(const PeriodOfCare& p) const;
  bool start_known(const Placement& pl) const;

  std::span<const Episode> episodes_of(ChildIndex c) const;
  std::span<const PeriodOfCare> periods_of(ChildIndex c) const;
  std::span<const Placement> placements_of(ChildIndex c) const;

  // Children looked after at the end of day `d` (DfE's "at 31 March": started on or before
  // d, not ceased on or before d). Short-break periods are excluded unless asked for.
  std::vector<ChildIndex> looked_after_on(Date d, bool include_short_breaks = false) const;
  size_t count_looked_after_on(Date d, bool include_short_breaks = false) const;
  // The period of care a child is in at the end of day `d`, or nullptr.
  const PeriodOfCare* period_on(ChildIndex c, Date d) const;
  // The episode in force at the end of day `d`, or nullptr.
  const Episode* episode_on(ChildIndex c, Date d) const;

  // Periods starting (or ending) within [from, to], inclusive; short breaks excluded by default.
  std::vector<uint32_t> periods_starting(Date from, Date to, bool include_short_breaks = false) const;
  std::vector<uint32_t> periods_ending(Date from, Date to, bool include_short_breaks = false) const;
  std::vector<uint32_t> placements_starting(Date from, Date to) const;
  std::vector<uint32_t> placements_ending(Date from, Date to) const;

  // Days in care within [from, to], inclusive, by placement type (indexed by CodeIndex into
  // codes::placement_type; the last slot counts episodes with a missing placement type).
  // A day counts if the child is looked after at the end of it.
  std::vector<int64_t> days_in_care_by_placement_type(Date from, Date to) const;

  // The child's whole record in date order.
  std::vector<TimelineEvent> timeline(ChildIndex c) const;

  // Age in completed years on a date; -1 if the child's date of birth is unknown.
  int age_on(ChildIndex c, Date d) const;

  const std::string& string(uint32_t i) const { return strings[i]; }
};

}  // namespace careflow
