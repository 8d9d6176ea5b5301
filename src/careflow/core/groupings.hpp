// Every published way of grouping the SSDA903 codes, as data: each partition is named for its
// source (DfE's "Children looked after in England" tables, the sector's demand model), lists its
// groups, and gives each code its group with the collection years in which that holds. Analyses,
// the forecast, the report and the synthetic councils all group codes through these tables, so
// that a code cannot be "independent living" in one place and "supported" in another by accident.
// docs/groupings.md describes each partition, its source and its versions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "careflow/core/code_lists.hpp"
#include "careflow/core/date.hpp"

namespace careflow {

// One group of a partition: a snake_case name (files, scenario keys) and a label for people.
struct GroupName {
  std::string_view name;
  std::string_view label;
};

// A code's group in the collection years [first_year, last_year] (end years: 2025 = 2024/25).
struct GroupAssignment {
  std::string_view code;
  uint8_t group;
  int first_year = 0;
  int last_year = 9999;
};

// A partition of one code list. `group(code)` is the code's group in the latest version that
// assigns it, the one careflow's analyses use for every year (a code's meaning does not change
// while it is valid, so neither does its group in any partition below); `group_in` answers for one
// collection year and is what the tests check for completeness, year by year.
class Partition {
 public:
  Partition(std::string_view name, std::string_view source, const CodeList& list, std::span<const GroupName> groups,
            std::span<const GroupAssignment> assignments, uint8_t missing_group);
  std::string_view name() const { return name_; }
  std::string_view source() const { return source_; }
  const CodeList& code_list() const { return *list_; }
  std::span<const GroupName> groups() const { return groups_; }
  std::span<const GroupAssignment> assignments() const { return assignments_; }
  size_t size() const { return groups_.size(); }
  // The group of a blank or unrecognised code (kNoCode).
  uint8_t missing_group() const { return missing_; }
  uint8_t group(CodeIndex code) const { return by_code_[code]; }
  // The code's group in one collection year; none if no assignment covers that year.
  std::optional<uint8_t> group_in(CodeIndex code, int collection_end_year) const;
  std::string_view label(uint8_t group) const { return groups_[group].label; }
  std::string_view group_name(uint8_t group) const { return groups_[group].name; }

 private:
  std::string_view name_, source_;
  const CodeList* list_;
  std::span<const GroupName> groups_;
  std::span<const GroupAssignment> assignments_;
  uint8_t missing_;
  std::array<uint8_t, 256> by_code_{};  // CodeIndex (kNoCode = 255 included) -> group
};

// Age bands by completed years at their lower edges.
struct AgeBanding {
  std::string_view name, source;
  std::span<const int> lower;
  std::span<const std::string_view> labels;
  int count() const { return static_cast<int>(lower.size()); }
  int band_of(int age_years) const {
    int b = 0;
    for (int i = 0; i < count(); ++i)
      if (age_years >= lower[static_cast<size_t>(i)]) b = i;
    return b;
  }
};

namespace groupings {
// Placement headings of DfE's "Children looked after in England" tables (PLACE).
const Partition& dfe_placement();
// careflow's needs-assessment placement groups (PLACE): DfE's headings, split where a council's
// questions need it (relatives and friends, secure homes, temporary moves). PlacementGroup below.
const Partition& needs_assessment_placement();
// The sector's demand model (Social Finance / Data to Insight, regional generation): its
// placement types before the provider split (PLACE). Combined with provider_sector() into
// DemandCategory below, the partition of its costs and of careflow's forecast.
const Partition& demand_model_placement();
// In-house (PR0-PR3, or not recorded) against external (PR4 private, PR5 voluntary) providers,
// as the demand model splits fostering and residential care (PLACE_PROVIDER).
const Partition& provider_sector();
// Legal status as DfE's tables group it (LS). LegalGroup below.
const Partition& dfe_legal_status();
// Reasons an episode ceased as DfE's tables group them (REC); X1 (a new episode follows) is a
// group of its own, not a way of leaving care. CeaseGroup below.
const Partition& dfe_reason_ceased();
// Every partition above, for tests and documentation.
std::span<const Partition* const> all();

// DfE's publication age bands (under 1, 1-4, 5-9, 10-15, 16+) and the demand model's brackets
// (birth to 1, 1 to 5, 5 to 10, 10 to 16, 16 to 18+): the same lower edges, labelled each way.
const AgeBanding& dfe_age_bands();
const AgeBanding& demand_model_age_bands();
}  // namespace groupings

// ---- The partitions as enums, for code that names a group -----------------------------------
// Each enum lists its partition's groups in order (tests check names and order against the data).

// PlacementGroup, CeaseGroup (code_lists.hpp) and AgeBand (date.hpp) name the groups of
// groupings::needs_assessment_placement(), dfe_reason_ceased() and dfe_age_bands(), in order
// (the tests check names and order against the data); their functions read the data here.

// groupings::dfe_legal_status(). Care orders split into interim (C1) and full (C2); placement
// order granted (E1) with the old freeing order (D1), which DfE reports beside it; voluntary
// agreements under section 20 (V2); detained for child protection (L1-L3); youth justice (J1-J3);
// other (missing, or short-break codes V3/V4 inside a period that is not all short breaks).
enum class LegalGroup : uint8_t {
  interim_care_order, full_care_order, placement_order, section20, detained, youth_justice, other
};
inline constexpr int kLegalGroupCount = 7;
inline LegalGroup legal_group_of(CodeIndex legal_status) {
  return static_cast<LegalGroup>(groupings::dfe_legal_status().group(legal_status));
}
inline std::string_view legal_group_name(LegalGroup g) {
  return groupings::dfe_legal_status().group_name(static_cast<uint8_t>(g));
}
inline std::string_view legal_group_label(LegalGroup g) {
  return groupings::dfe_legal_status().label(static_cast<uint8_t>(g));
}

// The demand model's detailed placement categories (its cost items: PLACE x PLACE_PROVIDER),
// plus placed for adoption, which it folds into "Other". The one partition of unit costs: the
// report's spend and the forecast's are both by these categories.
enum class DemandCategory : uint8_t {
  foster_relative,       // U1-U3
  foster_in_house,       // U4-U6 with PR0-PR3 or no provider
  foster_ifa,            // U4-U6 with PR4-PR5 (independent fostering agency)
  residential_in_house,  // K2, R1, P3, S1 with PR0-PR3 or no provider
  residential_external,  // the same with PR4-PR5
  supported,             // H5, P2, K3
  secure,                // K1
  with_parents,          // P1
  adoption,              // A3-A6
  other,                 // everything else, and missing
};
inline constexpr int kDemandCategoryCount = 10;
std::string_view demand_category_name(DemandCategory c);   // snake_case
std::string_view demand_category_label(DemandCategory c);  // for people
DemandCategory demand_category(CodeIndex place, CodeIndex provider);

// The demand model's four broad categories (its states), a grouping of the categories above.
enum class BroadCategory : uint8_t { fostering, residential, supported, other };
inline constexpr int kBroadCategoryCount = 4;
std::string_view broad_category_name(BroadCategory b);
std::string_view broad_category_label(BroadCategory b);
BroadCategory broad_category(DemandCategory c);

}  // namespace careflow
