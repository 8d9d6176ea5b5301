// Realistic synthetic SSDA903 returns. Councils cannot share child-level data, so tests, the
// demo, benchmarks and new users need returns that look and behave like real ones: the same
// tables and codes, episode chains that carry over from year to year, and volumes and mixes
// calibrated to England's published statistics (docs/synth.md).
//
// The work is in two steps kept apart on purpose: `simulate` builds children's care histories
// (the truth), and the writer turns them into one folder of CSV files per collection year, as a
// council's system would export them, optionally with injected data-quality faults. The ground
// truth comes from the simulation, never from re-reading the files, so tests of the ingest can
// compare against it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "careflow/io/postcodes.hpp"
#include "careflow/io/reference_data.hpp"

namespace careflow::synth {

// The postcode directory prepared for drawing (synth/postcodes.hpp), loaded once by a caller that
// generates many councils (tests, the forecast test bench) and shared by every generate() call
// it is given to. Opaque here.
class PostcodeSampler;
struct PostcodeSource;
// Loads the reference folder's postcode directory for drawing: none, with `note` saying which
// file is needed and where, when it is absent or unreadable.
std::shared_ptr<const PostcodeSource> load_postcode_source(const ReferenceFolder& folder,
                                                           const PostcodeIndexOptions& index, std::string& note);

// How a council's care changes over the years, beyond the steady trend (docs/synth.md,
// "Dynamics"): what a forecast has to cope with. Years are collection end years (2021 = 2020/21)
// and a change from year Y begins on 1 April of Y - 1. Everything is off by default, and then no
// draw is added or moved: the output is byte for byte what it was before dynamics existed.
struct Dynamics {
  // Entries turning: before `turn_year` arrivals follow `trend_before` a year instead of the
  // options' `trend_per_year` (which holds from `turn_year` on), meeting at `turn_year`; e.g.
  // rising to 2021, falling since. 0: no turn.
  int turn_year = 0;
  double trend_before = 0;
  // A new edge-of-care service from the start of `edge_of_care_year`: this share of the children
  // aged 10-17 who would have come into care (not unaccompanied children) stay at home instead.
  int edge_of_care_year = 0;
  double edge_of_care_cut = 0;
  // A court backlog from the start of `backlog_from` to the end of `backlog_to`: care
  // proceedings and what waits on them (full care order, placement order, matching and adoption,
  // special guardianship and child arrangements orders) take 1 + `backlog_slowdown` calendar
  // days for each day of progress while it lasts; 0.5 makes them half as slow again.
  int backlog_from = 0, backlog_to = 0;
  double backlog_slowdown = 0;
  // Placement mix moving over years, growing linearly from the start of `from` to the end of
  // `to` and staying there: `to_residential` of the foster placements children aged 10 or over
  // would have had become children's homes (K2); `to_agency` of foster placements (U4-U6) move
  // from in-house carers (PR1) to independent fostering agencies (PR4), at most 0.5.
  int residential_from = 0, residential_to = 0;
  double to_residential = 0;
  int agency_from = 0, agency_to = 0;
  double to_agency = 0;

  bool any() const {
    return turn_year != 0 || (edge_of_care_year && edge_of_care_cut > 0) ||
           (backlog_from && backlog_slowdown > 0) || (residential_from && to_residential > 0) ||
           (agency_from && to_agency > 0);
  }
};

struct SynthOptions {
  int first_year = 2016;  // collection end years, inclusive: 2016 = 2015/16
  int last_year = 2025;
  uint64_t seed = 1;
  // Council size. `population` is the target number looked after at 31 March; when 0,
  // `children_per_year` (starters per year) is used; when both are 0 a typical council of 400.
  int population = 0;
  int children_per_year = 0;
  bool national = false;        // England: about 83,000 looked after at 31 March, one "council"
  double trend_per_year = 0.0;  // linear trend in arrivals, e.g. 0.02 = +2% a year
  double messiness = 0.0;       // 0..1: rate of injected data-quality faults
  int threads = 0;              // 0: as many as the machine has (output does not depend on it)
  // The council's home area, an upper-tier LA code in England (e.g. "E08000025"); empty: one
  // chosen by the seed. HOME_POST and PL_POST are drawn from the ONS postcode directory in the
  // reference data folder; without it (or with postcodes = false) they are left blank.
  // Ignored with `national`: each family's own council is its home area then.
  std::string la;
  bool postcodes = true;
  Dynamics dynamics;
  // Whether the postcode directory is read through its prebuilt index, and where that may be
  // kept (io/postcode_index.hpp): the same postcodes either way, in a fraction of the time.
  PostcodeIndexOptions postcode_index{false, {}};
  // Where the postcode directory is: the reference data folder (the standard one unless the
  // caller names another), read at each generate() unless `postcode_source` is given.
  ReferenceFolder reference = ReferenceFolder::standard();
  std::shared_ptr<const PostcodeSource> postcode_source;
  // Stage times on stderr (careflow synth --timing).
  bool timing = false;
  // The Children in Need census beside the 903 (cin_census.xml in each year folder), for the
  // same children and more (docs/synth.md, "The CIN census"). Drawn from streams of its own: the
  // 903 files are the same with it or without it. On by default, as every command reading a year
  // folder takes the census beside the 903; `careflow synth --no-cin` leaves it out.
  bool cin = true;
};

// Dynamics drawn for a council from its seed (`careflow synth --dynamics drawn`), over the years
// of `options`: a trend in entries between -6% and +6% a year, and each with its own chance, a
// turn in entries, an edge-of-care service, a court backlog and shifts in the placement mix.
// Sets `options.trend_per_year` and `options.dynamics`; the draw has a stream of its own.
void draw_dynamics(SynthOptions& options);

// Council `index` (0, 1, ...) of the forecast test bench (docs/forecast.md, "The test bench"):
// 30 to 5,000 looked after at 31 March (log-uniform), 2015/16-2024/25, its own seed, no
// postcodes, dynamics drawn. The same index gives the same council.
SynthOptions bench_council(int index);

// One injected fault, where it is, for tests of validation and repair.
struct Fault {
  int year = 0;         // collection end year
  std::string file;     // relative to the output folder, e.g. "2023_24/episodes.csv"
  uint32_t line = 0;    // 1-based line (header is 1); 0 for a whole-file fault
  std::string kind;     // duplicate_row, overlapping_episode, dec_blank_rec_present,
                        // invalid_code, two_digit_year, utf16_file; in the CIN census
                        // (cin_census.xml, the line of the module's element): upn_check_letter,
                        // missing_referral_source, closure_without_reason,
                        // assessment_not_authorised, duplicate_factor, overlapping_cin_plans
  std::string column;   // the column concerned, when there is one
};

struct YearTruth {
  int year = 0;                  // collection end year
  int64_t looked_after_31_march = 0;
  int64_t starters = 0;          // periods of care starting in the year
  int64_t ceasers = 0;           // periods of care ending in the year
  int64_t children_in_return = 0;  // children with an episode in the year's episodes file
  int64_t episode_rows = 0;      // rows in the year's episodes file (before faults)
  std::map<std::string, int64_t> ceasers_by_rec;
};

// The CIN census of a year, counted from the simulation (docs/synth.md, "The CIN census").
struct CinYearTruth {
  int year = 0;
  int64_t children_in_return = 0;   // children with an episode of need open in the year
  int64_t episodes_in_return = 0;
  int64_t referrals = 0;            // referrals in the year (each, NFA included)
  int64_t rereferrals = 0;          // of them, within 12 months of the child's previous referral
  int64_t referrals_nfa = 0;
  int64_t referrals_not_in_need = 0;  // closed after assessment (RC8, RC9)
  int64_t assessments_completed = 0;
  int64_t section47s = 0, icpcs = 0;  // started / held in the year
  int64_t cpp_starts = 0, cpp_second_or_subsequent = 0;
  int64_t cpp_at_31_march = 0, cin_at_31_march = 0;  // open at 31 March (episodes not NFA)
  std::map<std::string, int64_t> cpp_starts_by_initial_category;
  std::map<std::string, int64_t> cpp_at_31_march_by_latest_category;
  std::map<std::string, int64_t> cpp_at_31_march_by_duration;  // d5's bands
  std::map<std::string, int64_t> referrals_by_source;          // c5's groups
  // Periods of care starting in the year, and those whose child was referred (an episode of need
  // open on the day, referred on or before it) or had a child protection plan before the period.
  int64_t care_entrants = 0, care_entrants_referred_before = 0, care_entrants_with_cpp_before = 0;
};

// Counts from the simulation itself, over the output years only.
struct GroundTruth {
  int64_t children = 0;   // distinct children with at least one episode in the returns
  int64_t episodes = 0;   // distinct episodes (CHILD + DECOM) in the returns
  int64_t periods_of_care = 0;
  int64_t placements = 0;
  std::vector<YearTruth> years;
  std::vector<Fault> faults;
  // The council's home area (the `la` to validate with); empty for England or without postcodes.
  std::string la;
  bool postcodes = false;       // HOME_POST and PL_POST written
  std::string postcodes_note;   // why not, when they are blank
  // The CIN census (empty without it): the council's 0-17 population, its referral rate against
  // England's (drawn from the seed), the referrals a year aimed at, and each year's counts.
  double cin_population = 0, cin_rate_factor = 0, cin_target_referrals = 0;
  std::vector<CinYearTruth> cin_years;
  // Mixes for calibration (docs/synth.md): label -> share in percent, for the last year.
  std::map<std::string, std::map<std::string, double>> calibration;
};

// Simulates and writes the returns into out_dir/<YYYY_YY>/ plus out_dir/ground_truth.json.
// Throws std::runtime_error if the folder cannot be written or `la` is not a council in the
// postcode directory (checked before anything is written).
GroundTruth generate(const SynthOptions& options, const std::string& out_dir);

// Folder name of a collection year: 2024 -> "2023_24".
std::string year_folder(int end_year);

}  // namespace careflow::synth
