// Do the returns belong to the council named with --la? A wrong code (Portsmouth's returns
// labelled Birmingham) would otherwise publish Portsmouth's children as Birmingham's rate per
// 10,000, against England, placed "out of area": numbers that look fine and are all wrong. Two
// checks, each made only when its reference data is there (otherwise it says it could not be
// made, and nothing is refused):
//  * where the children's homes are: each child's latest home postcode (HOME_POST) looked up in
//    the ONS postcode directory, against the council's area (or the region's, or England);
//  * how many children: the returns' number looked after at 31 March against DfE's published
//    figure for that council (region, England) in the same year.
// Every command that takes --la (report, benchmark --returns, validate) refuses a clear mismatch
// (exit 2) naming the likely council, unless the user confirms with --la-mismatch-ok.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "careflow/benchmark/public_data.hpp"
#include "careflow/core/history.hpp"
#include "careflow/io/postcodes.hpp"
#include "careflow/io/ssda903.hpp"

namespace careflow::benchmark {

// What the returns say about where they are from. The postcodes are personal data: they are
// only looked up, never printed.
struct ReturnsEvidence {
  std::vector<std::string> home_postcodes;  // one per child who has one: the latest given
  std::map<int, double> looked_after;       // collection end year -> children looked after at 31 March
};
ReturnsEvidence returns_evidence(const History& h);
// From one year's return as read (careflow validate): looked after at the end of 31 March =
// an episode with DECOM on or before it and DEC blank or after it, not a short break (V3/V4).
ReturnsEvidence returns_evidence(const ssda903::Return& r);
// Adds the evidence's postcodes to a selection (to load only those rows of the directory).
void add_postcodes(const ReturnsEvidence& e, PostcodeSelection& selection);

// What makes a mismatch clear. In a council's own returns most children's homes are in its
// area (families live where the council serves them; children from elsewhere are the exception)
// and its number at 31 March is within a few per cent of the one DfE published from the same
// returns. Councils differ in size by a factor of 60 (40 to 2,300 children), neighbours often by
// 2: so a factor of 3 is far beyond any difference of data quality, and under a quarter of homes
// in the area while one other council has half of them is far beyond any council's mix. Fewer
// than 20 postcodes found say too little to judge.
struct MismatchThresholds {
  double count_factor = 3.0;         // own / published above this, or below its inverse
  double own_share_below = 0.25;     // share of found home postcodes in the named area
  double other_share_at_least = 0.5; // ... while one other area holds at least this share
  size_t min_postcodes = 20;         // found in the directory, to judge by postcodes at all
};

struct CouncilCheck {
  bool mismatch = false;               // a clear mismatch: refuse unless the user confirms
  std::string area;                    // "Birmingham (E08000025)", as the check named --la
  std::string likely;                  // "Portsmouth (E06000044)" when the homes point elsewhere
  std::vector<std::string> findings;   // what was compared and found, in words
  std::vector<std::string> not_made;   // checks that could not be made, and why (warnings)
  // What was found ("the returns do not look like those of ...: ...; they look like those of ...").
  std::string mismatch_found() const;
  // The refusal: what was found, the likely council, and how to go on.
  std::string refusal(const std::string& option = "--la-mismatch-ok") const;
};

// `la`: an ONS code (council, E12 region or E92000001 England), a DfE LA number or a council's
// name. `d`: the published series (d.cla empty: the count check is not made). `postcodes`:
// the directory, or nullptr when it is not available (the postcode check is not made, for the
// reason `why_no_postcodes`, which callers give as the reference folder's message; empty: the
// reference file is missing).
CouncilCheck check_council(const std::string& la, const ReturnsEvidence& e, const PublicData& d,
                           const PostcodeDirectory* postcodes, const std::string& why_no_postcodes = "",
                           const MismatchThresholds& t = {});

}  // namespace careflow::benchmark
