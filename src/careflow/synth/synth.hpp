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
#include <string>
#include <vector>

namespace careflow::synth {

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
};

// One injected fault, where it is, for tests of validation and repair.
struct Fault {
  int year = 0;         // collection end year
  std::string file;     // relative to the output folder, e.g. "2023_24/episodes.csv"
  uint32_t line = 0;    // 1-based line (header is 1); 0 for a whole-file fault
  std::string kind;     // duplicate_row, overlapping_episode, dec_blank_rec_present,
                        // invalid_code, two_digit_year, utf16_file
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
