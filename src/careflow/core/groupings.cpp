#include "careflow/core/groupings.hpp"

#include <stdexcept>
#include <string>

namespace careflow {

Partition::Partition(std::string_view name, std::string_view source, const CodeList& list,
                     std::span<const GroupName> groups, std::span<const GroupAssignment> assignments, uint8_t missing_group)
    : name_(name), source_(source), list_(&list), groups_(groups), assignments_(assignments), missing_(missing_group) {
  by_code_.fill(missing_group);
  // The latest version's assignment wins (assignments are listed oldest first within a code).
  std::array<int, 256> latest{};
  latest.fill(-1);
  for (const auto& a : assignments) {
    const CodeIndex i = list.find(a.code);
    // A typo here would silently put a code in the missing group: refuse to start instead (the
    // partitions are fixed data, so the tests meet this before any user could).
    if (i == kNoCode || a.group >= groups.size())
      throw std::logic_error("partition " + std::string(name) + ": bad assignment of " + std::string(a.code));
    if (a.last_year >= latest[i]) {
      latest[i] = a.last_year;
      by_code_[i] = a.group;
    }
  }
}

std::optional<uint8_t> Partition::group_in(CodeIndex code, int year) const {
  if (code == kNoCode) return missing_;
  const std::string_view c = list_->code(code);
  for (const auto& a : assignments_)
    if (a.code == c && year >= a.first_year && year <= a.last_year) return a.group;
  return std::nullopt;
}

namespace groupings {
namespace {

// ---- DfE publication placement headings ------------------------------------------------------
// "Children looked after in England including adoptions", placement at 31 March, as the
// underlying data of 2010-2019 name them (CLA_Fost, CLA_Adopt, CLA_Parent, CLA_Ocom, CLA_Secure,
// CLA_Ores, CLA_RSch, CLA_OthPl; /work/shared/data/public/england_cla/sfr_underlying_2010_2019,
// 2019_metadata.txt) and the 903 guide's code meanings (docs/groupings.md). H5 sits under
// "secure units, children's homes and semi-independent living accommodation"; K3, registered
// supported accommodation, replaces it from 2024/25 and is put under the same heading; P2
// (independent living) is an "other placement in the community".
constexpr GroupName kDfePlacementGroups[] = {
    {"foster", "Foster placements"},
    {"placed_for_adoption", "Placed for adoption"},
    {"placed_with_parents", "Placed with parents or other person with parental responsibility"},
    {"other_in_community", "Other placements in the community"},
    {"secure_homes_semi_independent", "Secure units, children's homes and semi-independent living accommodation"},
    {"other_residential", "Other residential settings"},
    {"residential_schools", "Residential schools"},
    {"other_placements", "Other placements"},
};
constexpr GroupAssignment kDfePlacement[] = {
    {"U1", 0}, {"U2", 0}, {"U3", 0}, {"U4", 0}, {"U5", 0}, {"U6", 0},
    {"A3", 1}, {"A4", 1}, {"A5", 1}, {"A6", 1},
    {"P1", 2},
    {"P2", 3, 0, 2025}, {"P3", 3},
    {"K1", 4}, {"K2", 4}, {"H5", 4, 0, 2025}, {"K3", 4, 2025},
    {"R1", 5}, {"R2", 5}, {"R3", 5}, {"R5", 5},
    {"S1", 6},
    {"T0", 7}, {"T1", 7}, {"T2", 7}, {"T3", 7}, {"T4", 7},
    {"Z1", 7, 0, 2025}, {"Z11", 7, 2026}, {"Z12", 7, 2026}, {"Z13", 7, 2026}, {"Z14", 7, 2026},
};

// ---- careflow's needs-assessment placement groups ---------------------------------------------
// DfE's headings split where councils' questions need it (the seed needs assessments show
// relatives and friends apart from other foster carers, secure homes apart from children's homes):
// independent living (P2) and semi-independent living (H5) together, as the demand model and
// councils' finance both treat them; K3 on its own (a regulated setting since 28 October 2023);
// temporary moves (T0-T4) on their own.
constexpr GroupName kNeedsAssessmentGroups[] = {
    {"foster_relative_friend", "Foster care with relative or friend"},
    {"foster_other", "Foster care with other carer"},
    {"placed_for_adoption", "Placed for adoption"},
    {"placed_with_parents", "Placed with parents"},
    {"independent_living", "Independent / semi-independent living"},
    {"supported_accommodation", "Supported accommodation"},
    {"secure_home", "Secure children's home"},
    {"childrens_home", "Children's home"},
    {"residential_other", "Other residential settings"},
    {"temporary", "Temporary placement"},
    {"other", "Other placement"},
};
constexpr GroupAssignment kNeedsAssessment[] = {
    {"U1", 0}, {"U2", 0}, {"U3", 0}, {"U4", 1}, {"U5", 1}, {"U6", 1},
    {"A3", 2}, {"A4", 2}, {"A5", 2}, {"A6", 2},
    {"P1", 3},
    {"P2", 4, 0, 2025}, {"H5", 4, 0, 2025},
    {"K3", 5, 2025},
    {"K1", 6},
    {"K2", 7},
    {"R1", 8}, {"R2", 8}, {"R3", 8}, {"R5", 8}, {"S1", 8}, {"P3", 8},
    {"T0", 9}, {"T1", 9}, {"T2", 9}, {"T3", 9}, {"T4", 9},
    {"Z1", 10, 0, 2025}, {"Z11", 10, 2026}, {"Z12", 10, 2026}, {"Z13", 10, 2026}, {"Z14", 10, 2026},
};

// ---- The demand model's placement types (before the provider split) ---------------------------
// cs-demand-model-regional's placement_type_detail (/work/shared/research/cs-demand-model.md
// section 2.3): friends/relatives U1-U3; other fostering U4-U6; residential K2, R1, P3, S1;
// supported H5, P2, K3 (K3 added upstream in 2024); secure K1; with family P1; everything else
// "Other", from which careflow keeps placed for adoption (A3-A6) apart because it is costed and
// modelled differently (no placement fee; ends in an adoption order).
enum Setting : uint8_t { kFosterRelative, kFosterOther, kResidential, kSupported, kSecure, kWithParents, kAdoption, kOther };
constexpr GroupName kDemandPlacementGroups[] = {
    {"foster_relative", "Fostering (friend/relative)"},
    {"foster_other", "Fostering (other carers)"},
    {"residential", "Residential"},
    {"supported", "Supported accommodation"},
    {"secure", "Secure home"},
    {"with_parents", "Placed with parents"},
    {"adoption", "Placed for adoption"},
    {"other", "Other"},
};
constexpr GroupAssignment kDemandPlacement[] = {
    {"U1", kFosterRelative}, {"U2", kFosterRelative}, {"U3", kFosterRelative},
    {"U4", kFosterOther}, {"U5", kFosterOther}, {"U6", kFosterOther},
    {"K2", kResidential}, {"R1", kResidential}, {"P3", kResidential}, {"S1", kResidential},
    {"H5", kSupported, 0, 2025}, {"P2", kSupported, 0, 2025}, {"K3", kSupported, 2025},
    {"K1", kSecure},
    {"P1", kWithParents},
    {"A3", kAdoption}, {"A4", kAdoption}, {"A5", kAdoption}, {"A6", kAdoption},
    {"R2", kOther}, {"R3", kOther}, {"R5", kOther},
    {"T0", kOther}, {"T1", kOther}, {"T2", kOther}, {"T3", kOther}, {"T4", kOther},
    {"Z1", kOther, 0, 2025}, {"Z11", kOther, 2026}, {"Z12", kOther, 2026}, {"Z13", kOther, 2026}, {"Z14", kOther, 2026},
};

constexpr GroupName kSectorGroups[] = {{"in_house", "In-house (PR0-PR3 or not recorded)"},
                                       {"external", "External (PR4 private, PR5 voluntary)"}};
constexpr GroupAssignment kSector[] = {{"PR0", 0}, {"PR1", 0}, {"PR2", 0}, {"PR3", 0}, {"PR4", 1}, {"PR5", 1}};

// ---- DfE legal status groups -----------------------------------------------------------------
// The underlying data's CLA_ICO, CLA_FCO, CLA_FrAd + CLA_PlaceO, CLA_S20, CLA_CPG, CLA_YJLS
// (2019_metadata.txt notes [6]-[9]); freeing orders (D1, none since 2005) are counted with
// placement orders. V3/V4 (short breaks) are not a group of DfE's: inside a period that is not all
// short breaks they are "other".
constexpr GroupName kLegalGroups[] = {
    {"interim_care_order", "Interim care order (C1)"},
    {"full_care_order", "Full care order (C2)"},
    {"placement_order", "Placement order (E1, D1)"},
    {"section_20", "Section 20 voluntary (V2)"},
    {"detained", "Detained for child protection (L1-L3)"},
    {"youth_justice", "Youth justice (J1-J3)"},
    {"other", "Other (missing)"},
};
constexpr GroupAssignment kLegal[] = {
    {"C1", 0}, {"C2", 1}, {"E1", 2}, {"D1", 2}, {"V2", 3}, {"L1", 4}, {"L2", 4}, {"L3", 4},
    {"J1", 5}, {"J2", 5}, {"J3", 5}, {"V3", 6}, {"V4", 6},
};

// ---- DfE reasons ceased ----------------------------------------------------------------------
constexpr GroupName kCeaseGroups[] = {
    {"returned_home", "Returned home to parents or relatives"},
    {"lives_with_others", "Left to live with others without parental responsibility"},
    {"adopted", "Adopted"},
    {"special_guardianship", "Special guardianship order"},
    {"residence_order", "Residence / child arrangements order"},
    {"independent_living", "Moved into independent living"},
    {"staying_put", "Aged 18+ and stayed with carers (staying put)"},
    {"adult_social_care", "Transferred to adult social care"},
    {"custody", "Custody or remand ended"},
    {"other_la", "Care taken over by another LA"},
    {"died", "Died"},
    {"age_assessment", "Age assessed as 18 or over"},
    {"moved_abroad", "Moved abroad"},
    {"other", "Other reason"},
    {"continues", "Episode ceased, a new one begins the same day (X1)"},
    {"not_recorded", "Reason not recorded"},
};
constexpr uint8_t kCeaseContinues = 14, kCeaseNotRecorded = 15;
constexpr GroupAssignment kCease[] = {
    {"E4A", 0}, {"E4B", 0}, {"E13", 1}, {"E11", 2}, {"E12", 2}, {"E45", 3}, {"E46", 3}, {"E47", 3}, {"E48", 3},
    {"E41", 4}, {"E5", 5}, {"E6", 5}, {"E17", 6}, {"E7", 7}, {"E9", 8}, {"E14", 8}, {"E3", 9}, {"E2", 10},
    {"E15", 11}, {"E16", 12}, {"E8", 13}, {"X1", kCeaseContinues},
};

constexpr int kBandLower[] = {0, 1, 5, 10, 16};
constexpr std::string_view kDfeBandLabels[] = {"Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"};
constexpr std::string_view kDemandBandLabels[] = {"Birth to 1", "1 to 5", "5 to 10", "10 to 16", "16 to 18+"};

}  // namespace

const Partition& dfe_placement() {
  static const Partition p{"dfe_placement", "DfE, Children looked after in England: placement at 31 March",
                           codes::placement_type, kDfePlacementGroups, kDfePlacement, 7};
  return p;
}
const Partition& needs_assessment_placement() {
  static const Partition p{"needs_assessment_placement", "careflow's needs assessment, after DfE's headings",
                           codes::placement_type, kNeedsAssessmentGroups, kNeedsAssessment, 10};
  return p;
}
const Partition& demand_model_placement() {
  static const Partition p{"demand_model_placement", "Social Finance / Data to Insight demand model (regional)",
                           codes::placement_type, kDemandPlacementGroups, kDemandPlacement, kOther};
  return p;
}
const Partition& provider_sector() {
  static const Partition p{"provider_sector", "Social Finance / Data to Insight demand model (regional)",
                           codes::placement_provider, kSectorGroups, kSector, 0};
  return p;
}
const Partition& dfe_legal_status() {
  static const Partition p{"dfe_legal_status", "DfE, Children looked after in England: legal status",
                           codes::legal_status, kLegalGroups, kLegal, 6};
  return p;
}
const Partition& dfe_reason_ceased() {
  static const Partition p{"dfe_reason_ceased", "DfE, Children looked after in England: reason ceased",
                           codes::reason_episode_ceased, kCeaseGroups, kCease, kCeaseNotRecorded};
  return p;
}
std::span<const Partition* const> all() {
  static const std::array<const Partition*, 6> kAll{&dfe_placement(),    &needs_assessment_placement(),
                                                    &demand_model_placement(), &provider_sector(),
                                                    &dfe_legal_status(), &dfe_reason_ceased()};
  return kAll;
}

const AgeBanding& dfe_age_bands() {
  static const AgeBanding b{"dfe_age_bands", "DfE, Children looked after in England: age at 31 March", kBandLower,
                            kDfeBandLabels};
  return b;
}
const AgeBanding& demand_model_age_bands() {
  static const AgeBanding b{"demand_model_age_bands", "Social Finance / Data to Insight demand model", kBandLower,
                            kDemandBandLabels};
  return b;
}

}  // namespace groupings

PlacementGroup placement_group(CodeIndex place) {
  return static_cast<PlacementGroup>(groupings::needs_assessment_placement().group(place));
}
std::string_view label(PlacementGroup g) { return groupings::needs_assessment_placement().label(static_cast<uint8_t>(g)); }
std::string_view label(CeaseGroup g) { return groupings::dfe_reason_ceased().label(static_cast<uint8_t>(g)); }
AgeBand age_band(int age_years) { return static_cast<AgeBand>(groupings::dfe_age_bands().band_of(age_years)); }
std::string_view label(AgeBand band) { return groupings::dfe_age_bands().labels[static_cast<size_t>(band)]; }

std::optional<CeaseGroup> cease_group(CodeIndex rec) {
  const uint8_t g = groupings::dfe_reason_ceased().group(rec);
  if (g >= kCeaseGroupCount) return std::nullopt;
  return static_cast<CeaseGroup>(g);
}

namespace {
constexpr GroupName kDemandCategories[] = {
    {"foster_relative", "Fostering (friend/relative)"},
    {"foster_in_house", "Fostering (in-house)"},
    {"foster_ifa", "Fostering (IFA)"},
    {"residential_in_house", "Residential (in-house)"},
    {"residential_external", "Residential (external)"},
    {"supported", "Supported accommodation"},
    {"secure", "Secure home"},
    {"with_parents", "Placed with parents"},
    {"adoption", "Placed for adoption"},
    {"other", "Other"},
};
using C = DemandCategory;
// [demand model placement type][provider sector]: fostering by other carers and residential care
// split by provider, as the demand model costs them; the rest do not.
constexpr C kCategoryOf[][2] = {
    {C::foster_relative, C::foster_relative},
    {C::foster_in_house, C::foster_ifa},
    {C::residential_in_house, C::residential_external},
    {C::supported, C::supported},
    {C::secure, C::secure},
    {C::with_parents, C::with_parents},
    {C::adoption, C::adoption},
    {C::other, C::other},
};
static_assert(std::size(kCategoryOf) == 8);  // one row per groupings::demand_model_placement() group
// The regional model's FOSTERING, RESIDENTIAL, SUPPORTED and OTHER (secure homes, parents and
// adoption are "Other" there).
constexpr BroadCategory kBroadOf[] = {
    BroadCategory::fostering,   BroadCategory::fostering, BroadCategory::fostering, BroadCategory::residential,
    BroadCategory::residential, BroadCategory::supported, BroadCategory::other,     BroadCategory::other,
    BroadCategory::other,       BroadCategory::other};
static_assert(std::size(kBroadOf) == kDemandCategoryCount && std::size(kDemandCategories) == kDemandCategoryCount);
constexpr GroupName kBroad[] = {
    {"fostering", "Fostering"}, {"residential", "Residential"}, {"supported", "Supported"}, {"other", "Other"}};
}  // namespace

std::string_view demand_category_name(DemandCategory c) { return kDemandCategories[static_cast<size_t>(c)].name; }
std::string_view demand_category_label(DemandCategory c) { return kDemandCategories[static_cast<size_t>(c)].label; }
DemandCategory demand_category(CodeIndex place, CodeIndex provider) {
  return kCategoryOf[groupings::demand_model_placement().group(place)][groupings::provider_sector().group(provider)];
}
std::string_view broad_category_name(BroadCategory b) { return kBroad[static_cast<size_t>(b)].name; }
std::string_view broad_category_label(BroadCategory b) { return kBroad[static_cast<size_t>(b)].label; }
BroadCategory broad_category(DemandCategory c) { return kBroadOf[static_cast<size_t>(c)]; }

}  // namespace careflow
