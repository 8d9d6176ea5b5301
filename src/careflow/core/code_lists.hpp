// The SSDA903 code lists as data: each code with its DfE label and the collection years in which
// the return accepts it. Episodes store a code as its index in the list (one byte), so a
// national history stays small and comparisons are integer compares.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace careflow {

struct Code {
  std::string_view code;   // as in the return, upper case
  std::string_view label;  // DfE's meaning, in plain words
  int first_year = 0;      // first collection year (end year, e.g. 2025 = 2024/25) it is valid
  int last_year = 9999;    // last collection year it is valid
  bool valid_in(int collection_end_year) const {
    return collection_end_year >= first_year && collection_end_year <= last_year;
  }
};

// Index of a code within its list; kNoCode marks a missing or unrecognised value.
using CodeIndex = uint8_t;
inline constexpr CodeIndex kNoCode = 0xFF;

class CodeList {
 public:
  CodeList(std::string_view name, std::span<const Code> codes);
  std::string_view name() const { return name_; }
  std::span<const Code> codes() const { return codes_; }
  size_t size() const { return codes_.size(); }
  // Case-insensitive lookup; kNoCode if absent. Ignores validity years (see valid_in).
  CodeIndex find(std::string_view code) const;
  const Code& at(CodeIndex i) const { return codes_[i]; }
  std::string_view code(CodeIndex i) const { return i == kNoCode ? std::string_view{} : codes_[i].code; }
  std::string_view label(CodeIndex i) const { return i == kNoCode ? std::string_view{"Missing"} : codes_[i].label; }
  bool valid_in(std::string_view code, int collection_end_year) const;

 private:
  std::string_view name_;
  std::span<const Code> codes_;
  // Exact-match lookup: each code packed into an integer, in a small open-addressed table.
  static constexpr size_t kSlots = 128;
  std::vector<uint64_t> slot_key_;
  std::vector<CodeIndex> slot_index_;
};

namespace codes {
extern const CodeList sex;                   // Header.SEX, UASC.SEX
extern const CodeList ethnic;                // Header.ETHNIC
extern const CodeList upn_unknown;           // Header.UPN placeholders
extern const CodeList mother;                // Header.MOTHER
extern const CodeList reason_new_episode;    // Episodes.RNE
extern const CodeList legal_status;          // Episodes.LS
extern const CodeList category_of_need;      // Episodes.CIN
extern const CodeList placement_type;        // Episodes.PLACE
extern const CodeList placement_provider;    // Episodes.PLACE_PROVIDER
extern const CodeList reason_episode_ceased; // Episodes.REC
extern const CodeList reason_place_change;   // Episodes.REASON_PLACE_CHANGE
extern const CodeList review_participation;  // Reviews.REVIEW_CODE
extern const CodeList missing_type;          // Missing.MISSING
extern const CodeList foster_care;           // AD1.FOSTER_CARE
extern const CodeList number_of_adopters;    // AD1.NB_ADOPTR
extern const CodeList sex_of_adopters;       // AD1.SEX_ADOPTR
extern const CodeList legal_status_of_adopters;  // AD1.LS_ADOPTR
extern const CodeList reason_placed_ceased;  // PlacedAdoption.REASON_PLACED_CEASED
extern const CodeList previous_permanence;   // PrevPerm.PREV_PERM
extern const CodeList yes_no;                // OC2 0/1 items
extern const CodeList sdq_reason;            // OC2.SDQ_REASON
extern const CodeList in_touch;              // OC3.IN_TOUCH
extern const CodeList activity;              // OC3.ACTIV
extern const CodeList accommodation;         // OC3.ACCOM
extern const CodeList sw_reason;             // SWEpisodes.SW_REASON

// Every list above, for documentation and for `careflow codes`.
std::span<const CodeList* const> all();
}  // namespace codes

// ---- Groupings used across analyses (DfE publication categories) ----------------------------

// Placement groups of DfE's "children looked after" tables.
enum class PlacementGroup : uint8_t {
  foster_relative_friend,  // U1-U3
  foster_other,            // U4-U6
  placed_for_adoption,     // A3-A6
  placed_with_parents,     // P1
  independent_living,      // P2, H5
  supported_accommodation, // K3
  secure_home,             // K1
  childrens_home,          // K2
  residential_other,       // R1, R2, R3, R5, S1, P3
  temporary,               // T0-T4
  other,                   // Z1, Z11-Z14 and unknown
};
inline constexpr int kPlacementGroupCount = 11;
PlacementGroup placement_group(CodeIndex place);
std::string_view label(PlacementGroup g);

// Reasons ceased as DfE groups them in its publications.
enum class CeaseGroup : uint8_t {
  returned_home,       // E4A, E4B
  lives_with_others,   // E13: with parents, relatives or others without parental responsibility
  adopted,             // E11, E12
  special_guardianship,// E45-E48
  residence_order,     // E41 (child arrangements order)
  independent_living,  // E5, E6
  staying_put,         // E17
  adult_social_care,   // E7
  custody,             // E9, E14
  other_la,            // E3
  died,                // E2
  age_assessment,      // E15
  moved_abroad,        // E16
  other,               // E8
};
inline constexpr int kCeaseGroupCount = 14;
std::optional<CeaseGroup> cease_group(CodeIndex rec);  // none for X1 and missing
std::string_view label(CeaseGroup g);

}  // namespace careflow
