// Calibration targets baked in from England's published statistics, so that the generator works
// without the public data folder. Each figure names the file it came from (all under
// shared/data/public/england_cla/, DfE "Children looked after in England including adoption",
// OGL v3.0); docs/synth.md shows the generated figures beside them.
#pragma once

namespace careflow::synth::published {

// England, year ending 31 March 2019 (sfr_underlying_2010_2019/2019_CLA.csv, 2019_ADM.csv,
// 2019_CEA.csv). 2019 is the latest year whose underlying file has every breakdown we use.
inline constexpr double kLookedAfter2019 = 78150;      // CLA_Mar2019
inline constexpr double kStarted2019 = 31680;          // CLA_started2019
inline constexpr double kCeased2019 = 29460;           // CLA_cease2019
inline constexpr double kPopulation0to17_2018 = 11954620;  // CLA_Pop2018 (mid-2018, 0-17)
// National stock used by --national: the mean of 31 March 2022-2025 (82,090, 83,750, 83,530,
// 81,770 in england_cla_la_timeseries_2010_to_2025_combined.csv), rounded.
inline constexpr int kNationalLookedAfter = 83000;
// A typical council: 83,000 over 153 councils is 540 on average; the median is nearer 400.
inline constexpr int kTypicalCouncilLookedAfter = 400;

// Starters by age band, percent (2019_ADM.csv SCLA_U1_pc ... SCLA_16over_pc).
inline constexpr double kStartersByAge[5] = {19, 17, 17, 27, 20};
// Starters by category of need N1..N8, percent (2019_ADM.csv SCLA_AbNeg ... SCLA_AbsPar / total).
inline constexpr double kStartersByNeed[8] = {59.4, 2.1, 2.7, 7.5, 12.8, 2.8, 0.2, 12.5};
// Starters by legal status, percent (2019_ADM.csv: ICO 34, S20 50, police protection 10,
// EPO 2, remand/other 2, FCO 1).

// Ceasers by reason, counts (2019_CEA.csv). "Other" (E8) includes staying put (E17), which the
// 2019 file does not separate.
struct CeaseTarget { const char* group; double count; };
inline constexpr CeaseTarget kCeasedByReason[] = {
    {"Adopted (E11, E12)", 3570}, {"Died (E2)", 50}, {"Care taken over by another LA (E3)", 570},
    {"Returned home (E4A, E4B)", 7040}, {"Lives with others without PR (E13)", 1660},
    {"Child arrangements order (E41)", 1120}, {"Special guardianship (E45-E48)", 3840},
    {"Independent living (E5, E6)", 4680}, {"Adult social care (E7)", 570},
    {"Custody or remand ended (E9, E14)", 620}, {"Age assessment (E15)", 240},
    {"Moved abroad (E16)", 80}, {"Other, incl. staying put (E8, E17)", 5430}};

// Looked after at 31 March by placement, percent (2019_CLA.csv CLA_Fost_pc ... CLA_OthPl_pc).
struct ShareTarget { const char* label; double percent; };
inline constexpr ShareTarget kPlacementAt31March[] = {
    {"Foster placements (U1-U6)", 72}, {"Placed for adoption (A3-A6)", 3},
    {"Placed with parents (P1)", 7}, {"Independent living / community (P2, H5, K3)", 4},
    {"Secure units, children's homes, semi-independent (K1, K2)", 12},
    {"Other residential (R1-R5, S1, P3)", 1}, {"Other (Z1, Z11-Z14)", 1}};
// Looked after at 31 March by legal status, percent (2019_CLA.csv CLA_ICO_pc ... CLA_YJLS_pc).
inline constexpr ShareTarget kLegalStatusAt31March[] = {
    {"Interim care order (C1)", 16}, {"Full care order (C2)", 59},
    {"Placement order (E1)", 7}, {"Section 20 (V2)", 18}, {"Youth justice (J1-J3)", 0.3},
    {"Police protection / EPO (L1-L3)", 0.1}};
// Looked after at 31 March by placement provider, percent (2019_CLA.csv CLA_OwnP_pc ...).
inline constexpr ShareTarget kProviderAt31March[] = {
    {"Own LA (PR1)", 50}, {"Other LA (PR2)", 1}, {"Other public (PR3)", 1},
    {"Private (PR4)", 35}, {"Voluntary (PR5)", 6}, {"Parents (PR0)", 7}, {"Not recorded", 1}};
// Percent of those looked after at 31 March with three or more placements in the year
// (2019_CLA.csv CLA_3_Pl_pc).
inline constexpr double kThreePlusPlacementsPercent = 10;
// UASC looked after at 31 March, percent (2019_CLA.csv CLA_UASC2019_pc).
inline constexpr double kUascAt31MarchPercent = 6;

}  // namespace careflow::synth::published
