#include "careflow/core/code_lists.hpp"
#include "careflow/core/la_codes.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace careflow {

namespace {
bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != static_cast<unsigned char>(b[i])) return false;
  return true;
}
}  // namespace

namespace {
// Codes are at most 8 characters: packed into an integer, a lookup is a few integer compares.
constexpr uint64_t pack(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < s.size() && i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(s[i])) << (8 * i);
  return v;
}
}  // namespace

constexpr size_t slot_of(uint64_t key, size_t slots) { return (key * 0x9E3779B97F4A7C15ULL >> 40) & (slots - 1); }

CodeList::CodeList(std::string_view name, std::span<const Code> codes)
    : name_(name), codes_(codes), slot_key_(kSlots, 0), slot_index_(kSlots, kNoCode) {
  for (size_t i = 0; i < codes_.size(); ++i) {
    const uint64_t key = pack(codes_[i].code);
    size_t s = slot_of(key, kSlots);
    while (slot_index_[s] != kNoCode) s = (s + 1) & (kSlots - 1);
    slot_key_[s] = key;
    slot_index_[s] = static_cast<CodeIndex>(i);
  }
}

CodeIndex CodeList::find(std::string_view code) const {
  // Cells arrive upper-cased, so an exact match is the usual case. Codes have no NUL bytes and
  // are at most 8 characters, so equal packed values mean equal codes.
  if (code.size() <= 8 && !code.empty()) {
    const uint64_t key = pack(code);
    for (size_t s = slot_of(key, kSlots); slot_index_[s] != kNoCode; s = (s + 1) & (kSlots - 1))
      if (slot_key_[s] == key) return slot_index_[s];
  }
  for (size_t i = 0; i < codes_.size(); ++i)
    if (iequal(code, codes_[i].code)) return static_cast<CodeIndex>(i);
  return kNoCode;
}

bool CodeList::valid_in(std::string_view code, int year) const {
  const CodeIndex i = find(code);
  return i != kNoCode && codes_[i].valid_in(year);
}

namespace codes {
namespace {

// Sources: DfE SSDA903 guidance as restated in docs/ssda903-codes.md (from the shared data
// dictionary). Years are collection end years: 2025 means 2024/25.
constexpr Code kSex[] = {
    {"1", "Male", 0, 2024}, {"2", "Female", 0, 2024},
    {"M", "Male", 2025}, {"F", "Female", 2025}, {"U", "Unknown", 2025}};

constexpr Code kEthnic[] = {
    {"WBRI", "White British"}, {"WIRI", "White Irish"}, {"WOTH", "Any other White background"},
    {"WIRT", "Traveller of Irish heritage"}, {"WROM", "Gypsy/Roma"},
    {"MWBC", "Mixed: White and Black Caribbean"}, {"MWBA", "Mixed: White and Black African"},
    {"MWAS", "Mixed: White and Asian"}, {"MOTH", "Any other mixed background"},
    {"AIND", "Indian"}, {"APKN", "Pakistani"}, {"ABAN", "Bangladeshi"},
    {"AOTH", "Any other Asian background"}, {"BCRB", "Black Caribbean"}, {"BAFR", "Black African"},
    {"BOTH", "Any other Black background"}, {"CHNE", "Chinese"}, {"OOTH", "Any other ethnic group"},
    {"REFU", "Refused"}, {"NOBT", "Information not yet obtained"}};

constexpr Code kUpnUnknown[] = {
    {"UN1", "Not of school age and has no UPN yet"},
    {"UN2", "Has never attended a maintained school in England"},
    {"UN3", "Educated outside England"},
    {"UN4", "Newly looked after and UPN not yet known"},
    {"UN5", "UPN sources disagree; cannot be matched reliably"}};

constexpr Code kMother[] = {{"0", "Not a mother"}, {"1", "Is a mother"}};

constexpr Code kRne[] = {
    {"S", "Started to be looked after"},
    {"L", "Change of legal status only"},
    {"P", "Change of placement and carer(s) only"},
    {"T", "Change of placement but same carer(s) only"},
    {"B", "Change of legal status and of placement and carer(s)"},
    {"U", "Change of legal status and of placement (same carer(s))"}};

constexpr Code kLs[] = {
    {"C1", "Interim care order"}, {"C2", "Full care order"},
    {"D1", "Freeing order granted"}, {"E1", "Placement order granted"},
    {"V2", "Single period of accommodation under section 20"},
    {"V3", "Short breaks (individual episodes recorded)"},
    {"V4", "Short breaks (agreements recorded)"},
    {"L1", "Under police protection and in LA accommodation"},
    {"L2", "Emergency protection order"},
    {"L3", "Child assessment order and in LA accommodation"},
    {"J1", "Remanded to LA or youth detention accommodation"},
    {"J2", "Placed in LA accommodation under PACE 1984"},
    {"J3", "Youth rehabilitation order with residence or intensive fostering requirement"}};

constexpr Code kCin[] = {
    {"N1", "Abuse or neglect"}, {"N2", "Child's disability"},
    {"N3", "Parental illness or disability"}, {"N4", "Family in acute stress"},
    {"N5", "Family dysfunction"}, {"N6", "Socially unacceptable behaviour"},
    {"N7", "Low income"}, {"N8", "Absent parenting"}};

constexpr Code kPlace[] = {
    {"A3", "Placed for adoption with consent, with current foster carer(s)"},
    {"A4", "Placed for adoption with consent, not with current foster carer(s)"},
    {"A5", "Placed for adoption with placement order, with current foster carer(s)"},
    {"A6", "Placed for adoption with placement order, not with current foster carer(s)"},
    {"H5", "Semi-independent living accommodation", 0, 2025},
    {"K1", "Secure children's home"},
    {"K2", "Children's home"},
    // 2024/25's rule lists "k3" in lower case, a defect of the reference validator: the DfE
    // guidance accepts K3 from 2024/25 (docs/validation-deviations.md).
    {"K3", "Registered supported accommodation", 2025},
    {"P1", "Placed with own parent(s) or others with parental responsibility"},
    {"P2", "Independent living", 0, 2025},
    {"P3", "Residential employment"},
    {"R1", "Residential care home"},
    {"R2", "NHS/health trust or other medical or nursing establishment"},
    {"R3", "Family centre or mother and baby unit"},
    {"R5", "Young offender institution or prison"},
    {"S1", "Residential school"},
    {"T0", "Temporary move of another type"},
    {"T1", "Temporary period in hospital"},
    {"T2", "Temporary absence on holiday"},
    {"T3", "Temporary accommodation while foster carer(s) on holiday"},
    {"T4", "Temporary accommodation of seven days or less"},
    {"U1", "Foster placement with relative or friend: long-term"},
    {"U2", "Foster placement with relative or friend: fostering for adoption / concurrent planning"},
    {"U3", "Foster placement with relative or friend: other"},
    {"U4", "Foster placement with other foster carer: long-term"},
    {"U5", "Foster placement with other foster carer: fostering for adoption / concurrent planning"},
    {"U6", "Foster placement with other foster carer: other"},
    {"Z1", "Other placement", 0, 2025},
    {"Z11", "Other placement (Z11)", 2026}, {"Z12", "Other placement (Z12)", 2026},
    {"Z13", "Other placement (Z13)", 2026}, {"Z14", "Other placement (Z14)", 2026}};

constexpr Code kProvider[] = {
    {"PR0", "Parent(s) or others with parental responsibility"},
    {"PR1", "Own provision (by the LA)"},
    {"PR2", "Other LA provision"},
    {"PR3", "Other public provision"},
    {"PR4", "Private provision"},
    {"PR5", "Voluntary/third sector provision"}};

constexpr Code kRec[] = {
    {"X1", "Episode ceased, new episode begins on the same day"},
    {"E11", "Adopted: application unopposed"},
    {"E12", "Adopted: consent dispensed with"},
    {"E2", "Died"},
    {"E3", "Care taken over by another LA in the UK"},
    {"E4A", "Returned home as part of care planning"},
    {"E4B", "Returned home not as part of care planning"},
    {"E13", "Left care to live with parents, relatives or others with no parental responsibility"},
    {"E41", "Residence order / child arrangements order granted"},
    {"E45", "Special guardianship order: former foster carer(s), relative or friend"},
    {"E46", "Special guardianship order: former foster carer(s), other"},
    {"E47", "Special guardianship order: carer(s) not former foster carers, relative or friend"},
    {"E48", "Special guardianship order: carer(s) not former foster carers, other"},
    {"E5", "Independent living with formal advice or support"},
    {"E6", "Independent living without formal advice or support"},
    {"E7", "Transferred to residential care funded by adult social care"},
    {"E8", "Ceased for any other reason"},
    {"E9", "Sentenced to custody"},
    {"E14", "Accommodation on remand ended"},
    {"E15", "Age assessment found the child to be 18 or over"},
    {"E16", "Child moved abroad"},
    {"E17", "Aged 18 or over and remained with current carers (staying put)"}};

constexpr Code kReasonPlaceChange[] = {
    {"CARPL", "Change to, or implementation of, the care plan"},
    {"CLOSE", "Resignation of carer or closure of provision"},
    {"ALLEG", "Allegation (s47 enquiry)"},
    {"STAND", "Concern about standards of care"},
    {"APPRR", "Carer's approval removed"},
    {"CREQB", "Carer requested end: child's behaviour"},
    {"CREQO", "Carer requested end: other reason"},
    {"CHILD", "Child requested the placement end"},
    {"LAREQ", "Responsible or area authority requested the placement end"},
    {"PLACE", "Change in the status of the placement only"},
    {"CUSTOD", "Custody arrangement"},
    {"OTHER", "Other"}};

constexpr Code kReviewCode[] = {
    {"PN0", "Child aged under 4 at the time of the review"},
    {"PN1", "Attends and speaks for self"},
    {"PN2", "Attends; advocate or IRO speaks for them"},
    {"PN3", "Attends; conveys views non-verbally"},
    {"PN4", "Attends but does not convey views"},
    {"PN5", "Does not attend; briefs an advocate or IRO"},
    {"PN6", "Does not attend; conveys feelings by a facilitative medium"},
    {"PN7", "Does not attend; views not conveyed"}};

constexpr Code kMissing[] = {{"M", "Missing from care"}, {"A", "Away from placement without authorisation"}};
constexpr Code kFosterCare[] = {{"0", "Not adopted by former foster carer(s)"}, {"1", "Adopted by former foster carer(s)"}};
constexpr Code kNbAdoptr[] = {{"1", "Single adopter"}, {"2", "Two adopters"}};
constexpr Code kSexAdoptr[] = {{"M1", "Single male"}, {"F1", "Single female"}, {"MM", "Male couple"},
                               {"FF", "Female couple"}, {"MF", "Male and female couple"}};
constexpr Code kLsAdoptr[] = {{"L0", "Single adopter"}, {"L11", "Married couple of different sexes"},
                              {"L12", "Married couple of the same sex"}, {"L2", "Civil partners"},
                              {"L3", "Unmarried couple of different sexes"}, {"L4", "Unmarried couple of the same sex"}};
constexpr Code kReasonPlacedCeased[] = {
    {"RD1", "Child's needs changed"}, {"RD2", "Court did not make a placement order"},
    {"RD3", "Prospective adopters could not be found"}, {"RD4", "Any other reason"}};
constexpr Code kPrevPerm[] = {
    {"P1", "Adoption"}, {"P2", "Special guardianship order"},
    {"P3", "Residence order / child arrangements order"}, {"P4", "Unknown"},
    {"Z1", "No previous permanence option"}};
constexpr Code kYesNo[] = {{"0", "No"}, {"1", "Yes"}};
constexpr Code kSdqReason[] = {
    {"SDQ1", "Under 4 or over 16 at the latest assessment"}, {"SDQ2", "Carer(s) refused"},
    {"SDQ3", "Severity of the child's disability"}, {"SDQ4", "Other"},
    {"SDQ5", "Child or young person refused"}};
constexpr Code kInTouch[] = {
    {"YES", "In touch"}, {"NO", "Not in touch"}, {"DIED", "Died"}, {"REFU", "Refuses contact"},
    {"NREQ", "No longer requires services"}, {"RHOM", "Returned home for 6+ months"}};
constexpr Code kActiv[] = {
    {"F1", "Full time higher education"}, {"P1", "Part time higher education"},
    {"F2", "Full time other education"}, {"P2", "Part time other education"},
    {"F4", "Full time apprenticeship"}, {"P4", "Part time apprenticeship"},
    {"F5", "Full time training or employment"}, {"P5", "Part time training or employment"},
    {"G4", "NEET: illness or disability"}, {"G5", "NEET: other"},
    {"G6", "NEET: pregnancy or parenting"}, {"0", "Activity unknown"}};
constexpr Code kAccom[] = {
    {"B1", "With parents or relatives: suitable"}, {"B2", "With parents or relatives: not suitable"},
    {"C1", "Community home or residential care: suitable"}, {"C2", "Community home or residential care: not suitable"},
    {"D1", "Semi-independent accommodation: suitable"}, {"D2", "Semi-independent accommodation: not suitable"},
    {"E1", "Supported lodgings: suitable"}, {"E2", "Supported lodgings: not suitable"},
    {"G1", "Gone abroad: suitable"}, {"G2", "Gone abroad: not suitable"},
    {"H1", "Deported: suitable"}, {"H2", "Deported: not suitable"},
    {"K1", "Ordinary lodgings: suitable"}, {"K2", "Ordinary lodgings: not suitable"},
    {"R1", "Residence not known: suitable"}, {"R2", "Residence not known: not suitable"},
    {"S2", "No fixed abode or homeless: not suitable"},
    {"T1", "Foyer: suitable"}, {"T2", "Foyer: not suitable"},
    {"U1", "Independent living: suitable"}, {"U2", "Independent living: not suitable"},
    {"V1", "Emergency accommodation: suitable"}, {"V2", "Emergency accommodation: not suitable"},
    {"W1", "Bed and breakfast: suitable"}, {"W2", "Bed and breakfast: not suitable"},
    {"X2", "In custody: not suitable"},
    {"Y1", "Other accommodation: suitable"}, {"Y2", "Other accommodation: not suitable"},
    {"Z1", "With former foster carers: suitable"}, {"Z2", "With former foster carers: not suitable"},
    {"0", "Accommodation unknown"}};
constexpr Code kSwReason[] = {
    {"MANAGE", "Managing caseloads", 2024}, {"FCONTA", "First contact or re-referral", 2024},
    {"LEFTRL", "Social worker left the role", 2024}, {"ORGRST", "Organisational restructure", 2024},
    {"TSPROC", "Transfer under the standard process", 2024}, {"ABSENC", "Cover for absence", 2024},
    {"CHCHAN", "Child requested a change", 2024}, {"PCCHAN", "Parent or carer requested a change", 2024},
    {"SWDIED", "Social worker died", 2024}, {"OTHERS", "Other", 2024}};

}  // namespace

const CodeList sex{"SEX", kSex};
const CodeList ethnic{"ETHNIC", kEthnic};
const CodeList upn_unknown{"UPN", kUpnUnknown};
const CodeList mother{"MOTHER", kMother};
const CodeList reason_new_episode{"RNE", kRne};
const CodeList legal_status{"LS", kLs};
const CodeList category_of_need{"CIN", kCin};
const CodeList placement_type{"PLACE", kPlace};
const CodeList placement_provider{"PLACE_PROVIDER", kProvider};
const CodeList reason_episode_ceased{"REC", kRec};
const CodeList reason_place_change{"REASON_PLACE_CHANGE", kReasonPlaceChange};
const CodeList review_participation{"REVIEW_CODE", kReviewCode};
const CodeList missing_type{"MISSING", kMissing};
const CodeList foster_care{"FOSTER_CARE", kFosterCare};
const CodeList number_of_adopters{"NB_ADOPTR", kNbAdoptr};
const CodeList sex_of_adopters{"SEX_ADOPTR", kSexAdoptr};
const CodeList legal_status_of_adopters{"LS_ADOPTR", kLsAdoptr};
const CodeList reason_placed_ceased{"REASON_PLACED_CEASED", kReasonPlacedCeased};
const CodeList previous_permanence{"PREV_PERM", kPrevPerm};
const CodeList yes_no{"0/1", kYesNo};
const CodeList sdq_reason{"SDQ_REASON", kSdqReason};
const CodeList in_touch{"IN_TOUCH", kInTouch};
const CodeList activity{"ACTIV", kActiv};
const CodeList accommodation{"ACCOM", kAccom};
const CodeList sw_reason{"SW_REASON", kSwReason};

std::span<const CodeList* const> all() {
  static const std::array<const CodeList*, 25> kAll = {
      &sex, &ethnic, &upn_unknown, &mother, &reason_new_episode, &legal_status, &category_of_need,
      &placement_type, &placement_provider, &reason_episode_ceased, &reason_place_change,
      &review_participation, &missing_type, &foster_care, &number_of_adopters, &sex_of_adopters,
      &legal_status_of_adopters, &reason_placed_ceased, &previous_permanence, &yes_no, &sdq_reason,
      &in_touch, &activity, &accommodation, &sw_reason};
  return kAll;
}

}  // namespace codes

bool la_perm_valid(std::string_view code) {
  if (code == "999" || code == "WAL" || code == "SCO" || code == "NIR" || code == "NUK") return true;
  if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  const int n = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  const auto las = dfe_la_numbers();
  return std::binary_search(las.begin(), las.end(), n);
}

std::span<const int> dfe_la_numbers() {
  static const std::vector<int> numbers = [] {
    static constexpr std::pair<int, int> kRanges[] = {
        {201, 213}, {301, 320}, {330, 336}, {340, 344}, {350, 359}, {370, 373}, {380, 384}, {390, 394},
        {420, 420}, {800, 803}, {805, 808}, {810, 813}, {815, 816}, {821, 823}, {825, 826}, {830, 831},
        {835, 837}, {840, 841}, {845, 846}, {850, 852}, {855, 857}, {860, 861}, {865, 874}, {876, 896},
        {908, 909}, {916, 916}, {919, 919}, {921, 921}, {925, 926}, {928, 929}, {931, 931}, {933, 933},
        {935, 938}};
    std::vector<int> v;
    for (const auto& [lo, hi] : kRanges)
      for (int x = lo; x <= hi; ++x) v.push_back(x);
    return v;
  }();
  return numbers;
}

}  // namespace careflow
