// A child's Children in Need timeline: the episodes of need the CIN census records year after
// year (referral, assessments with their factors, CIN plans, section 47 enquiries and initial
// child protection conferences, child protection plans with their reviews, closure), built once
// from every year's return, and its linkage to the same child's care history in the 903.
// Knows no file format: io/cin_ingest builds it from the returns' tables (docs/cin.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "careflow/core/date.hpp"
#include "careflow/core/history.hpp"

namespace careflow::cin {

// Codes are kept as the return gives them (trimmed), so that a code careflow does not know is
// never lost: ingest reports it, and the validation rules flag it. Where the census says a
// date may be absent it is std::nullopt; an end not yet reached is Date::open().

struct Assessment {
  Date start;                             // AssessmentActualStartDate
  std::optional<Date> internal_review;    // AssessmentInternalReviewDate
  std::optional<Date> authorised;         // AssessmentAuthorisationDate: the assessment's completion
  std::vector<std::string> factors;       // factors identified at its end, in the return's order
  bool completed() const { return authorised.has_value(); }
};

struct CinPlan {
  Date start;               // CINPlanStartDate
  Date end = Date::open();  // CINPlanEndDate
};

struct Section47 {
  Date start;                           // S47ActualStartDate (the strategy discussion)
  std::optional<Date> icpc_target;      // InitialCPCtarget
  std::optional<Date> icpc;             // DateOfInitialCPC: the conference held
  bool icpc_not_required = false;       // ICPCnotRequired
};

struct ProtectionPlan {
  Date start;                             // CPPstartDate
  Date end = Date::open();                // CPPendDate
  std::string initial_category;           // InitialCategoryOfAbuse: NEG, PHY, SAB, EMO, MUL
  std::string latest_category;            // LatestCategoryOfAbuse
  std::optional<int> previous_plans;      // NumberOfPreviousCPP: plans the child had before this one
  std::vector<Date> reviews;              // CPPreviewDate, ascending, each once
  bool is_open() const { return end.is_open(); }
};

// An episode of need: from the referral that opened it to its closure.
struct EpisodeOfNeed {
  Date referral;                       // CINreferralDate: the episode's key within the child
  std::string source;                  // ReferralSource
  std::string primary_need;            // PrimaryNeedCode, N0-N9
  bool no_further_action = false;      // ReferralNFA
  Date closure = Date::open();         // CINclosureDate
  std::string closure_reason;          // ReasonForClosure, RC1-RC9
  std::optional<Date> icpc;            // DateOfInitialCPC at episode level (e.g. a transfer-in conference)
  std::vector<Assessment> assessments;      // by start date
  std::vector<CinPlan> cin_plans;           // by start date
  std::vector<Section47> section47s;        // by start date
  std::vector<ProtectionPlan> protection_plans;  // by start date
  int first_return = 0, last_return = 0;  // collection end years of the returns that held it
  bool is_open() const { return closure.is_open(); }
};

struct CinChild {
  std::string id;                 // LAchildID: personal data, never print it
  std::string upn, former_upn;    // personal data
  std::string upn_unknown;        // UPNunknown: UN1-UN7
  std::optional<Date> dob;        // PersonBirthDate
  std::optional<Date> expected_dob;  // ExpectedPersonBirthDate (an unborn child)
  std::optional<Date> death;      // PersonDeathDate
  // GenderCurrent (1, 2, 0, 9; to 2023/24) or Sex (M, F, U; from 2024/25), as the latest return
  // holding either gave it, and which of the two it was.
  std::string sex;
  bool sex_is_gender_current = false;
  std::string ethnicity;
  std::vector<std::string> disabilities;  // the latest return's, in its order
  std::string la;                  // LEA of the latest return holding the child
  int latest_return = 0;           // collection end year
  std::vector<EpisodeOfNeed> episodes;  // by referral date

  // 'M', 'F', or 0 when not known (GenderCurrent 1 and 2 are male and female; 0, 9 and U are
  // not a sex the 903 can be compared with).
  char male_or_female() const;
};

struct Timeline {
  std::vector<CinChild> children;       // by id
  std::vector<CollectionYear> years;    // the returns it was built from, ascending
  // The span the returns cover: 1 April of the first year to 31 March of the last.
  Date data_start() const { return years.empty() ? Date() : years.front().start(); }
  Date data_end() const { return years.empty() ? Date() : years.back().end(); }
  const CinChild* find(std::string_view id) const;  // by LAchildID, exactly

  struct Counts {
    size_t children = 0, episodes = 0, referrals_nfa = 0, open_episodes = 0, assessments = 0,
           assessment_factors = 0, cin_plans = 0, section47s = 0, icpcs = 0, protection_plans = 0,
           reviews = 0, children_with_disability = 0;
  };
  Counts counts() const;
};

// ---- Linkage with the 903 (cin-census-spec.md §7) --------------------------------------------
//
// A CIN child is the 903 child whose CHILD is its LAchildID (compared without regard to case:
// the 903 is read upper-cased); failing that, the one 903 child whose UPN is its UPN or former
// UPN, when their dates of birth do not disagree. Counts only: no identifier leaves this.
struct Linkage {
  size_t cin_children = 0;
  size_t found_by_id = 0;
  size_t found_by_upn = 0;
  size_t not_found = 0;
  // Of the children found: the date of birth or the sex (male/female) held in both differs.
  size_t dob_mismatch = 0, sex_mismatch = 0;
  // Periods of care (short breaks excluded) starting within the span both collections cover, and
  // those of them whose child had a CIN episode referred, or a child protection plan started, on
  // or before the day the period started.
  size_t entrants = 0, entrants_with_earlier_episode = 0, entrants_with_earlier_protection_plan = 0;
  // 903 children looked after at some time in that span who have no CIN record: every looked-after
  // child is a child in need, so each is a data-quality finding.
  size_t looked_after_not_in_cin = 0;
  Date span_start, span_end;  // the span both cover (empty when they do not overlap)
  bool spans_overlap = false;
};

// `upn_of_903_child`: 903 CHILD (upper-cased) -> UPN, for the fallback; none: no fallback.
Linkage link_to_903(const Timeline& cin, const History& history,
                    const std::unordered_map<std::string, std::string>* upn_of_903_child = nullptr);

}  // namespace careflow::cin
