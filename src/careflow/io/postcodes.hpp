// The ONS postcode directory (ONSPD) as careflow uses it: postcode -> local authority (LTLA and
// its upper tier, UTLA) and grid reference, so that a placement's LA, whether it is in or out of
// the council's area, and its distance from home can be derived as DfE derives them. Read from
// the published file (2.7 million postcodes, about a second) into a sorted array of packed keys,
// or, given PostcodeIndexOptions, from a prebuilt index of it (io/postcode_index.hpp): only the
// rows a run asks for, in milliseconds.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/problems.hpp"
#include "careflow/io/reference_data.hpp"

namespace careflow {

// Upper-cased with spaces removed: "ab1 0aa" -> "AB10AA". The form keys are stored in.
std::string normalise_postcode(std::string_view postcode);

// The postcodes a caller will look up. A directory loaded with one holds only those of its rows
// (careflow validate needs a few thousand of 2.7 million: the postcodes of a return), which
// skips indexing the rest; every other postcode is then "not found".
class PostcodeSelection {
 public:
  // Adds a postcode as find() would look it up (case, spaces and quotes do not matter); text
  // that cannot be a postcode is ignored, as find() never finds it.
  void add(std::string_view postcode);
  size_t size() const { return count_; }
  // Whether a packed key (as the directory stores it) was added.
  bool contains(uint64_t key) const;
  // The packed keys added, in ascending order (the index looks them up in its own order).
  std::vector<uint64_t> keys() const;

 private:
  void insert(uint64_t key);
  // Open addressing, linear probing, at most half full; 0 marks a free slot (no key packs to 0:
  // a postcode has at least one character, and NUL is not one).
  std::vector<uint64_t> slots_;
  size_t count_ = 0;
  int shift_ = 64;
};

struct PostcodeInfo {
  std::string_view laua;  // lower-tier LA (ONS code, e.g. E09000027)
  std::string_view utla;  // upper-tier LA; equals laua where the lookup has no entry
  bool has_grid = false;  // some postcodes (e.g. Channel Islands, new ones) have no grid reference
  int32_t easting = 0;    // OSGB36 metres
  int32_t northing = 0;
};

// Whether, and where, the directory is read through a prebuilt index (io/postcode_index.hpp,
// docs/reference-data.md). The index is written beside the published file when that folder is
// writable, else into `cache_dir`; with neither, the published file is read as without an index.
// The library chooses no folder of its own: the caller (the CLI) names it.
struct PostcodeIndexOptions {
  bool use = true;
  std::string cache_dir;  // empty: no cache folder
};

class PostcodeDirectory {
 public:
  // Reads an ONSPD extract (CSV, optionally gzipped, with columns pcd, laua, oseast1m,
  // osnrth1m) and, if given, the ONS LTLA -> UTLA lookup (LTLA23CD, UTLA23CD). Problems name
  // the file; none if the directory cannot be read at all.
  static std::optional<PostcodeDirectory> load(const std::string& onspd_path,
                                               const std::string& ltla_to_utla_path,
                                               ProblemLog& problems);
  // The same keeping only the rows whose postcode is in a selection (problems and bad-row
  // counts are still about the whole file). The selection is asked for once the file is read
  // (about a fifth of the loading time), so a caller can unpack the file while it works out
  // which postcodes it needs; `selection` may block until then, and return nullptr for all.
  using SelectionSource = std::function<const PostcodeSelection*()>;
  static std::optional<PostcodeDirectory> load(const std::string& onspd_path,
                                               const std::string& ltla_to_utla_path,
                                               ProblemLog& problems, const SelectionSource& selection);
  // The same through the prebuilt index (made, or remade, first when missing, stale or damaged,
  // with a warning of rule "postcode-index" when it is remade): the same directory, the same
  // problems, but only the selected rows are ever read (a few pages of the index).
  static std::optional<PostcodeDirectory> load(const std::string& onspd_path,
                                               const std::string& ltla_to_utla_path,
                                               ProblemLog& problems, const SelectionSource& selection,
                                               const PostcodeIndexOptions& index);
  // The same from text already in memory: the directory unpacked, and the lookup's text (none:
  // upper tiers equal lower tiers). `onspd_path` names the directory in problems.
  static std::optional<PostcodeDirectory> parse(std::string_view onspd_text, const std::string& onspd_path,
                                                std::optional<std::string_view> ltla_to_utla_text,
                                                ProblemLog& problems, const SelectionSource& selection);
  // The same from the reference data folder (postcodes/onspd_postcodes.csv.gz and
  // neighbours_and_geography/ons_ltla_to_utla_lookup_april_2023_england_wales.csv); when
  // absent, a problem says which file is needed and where.
  static std::optional<PostcodeDirectory> load_reference(const ReferenceFolder& folder, ProblemLog& problems,
                                                         const SelectionSource& selection = {},
                                                         const PostcodeIndexOptions& index = {false, {}});

  std::optional<PostcodeInfo> find(std::string_view postcode) const;
  size_t size() const { return entries_.size(); }
  // The i-th postcode (0 <= i < size(), in postcode order), for code that draws postcodes
  // rather than looks them up (careflow synth): its details, and its written form with one
  // space before the inward code ("AB1 0AA"), as councils' systems hold it.
  PostcodeInfo info(size_t i) const;
  std::string postcode(size_t i) const;

 private:
  friend class PostcodeIndex;  // writes entries_ and las_ to an index, and reads them back
  struct Entry {
    uint64_t key;      // normalised postcode, up to 8 bytes, packed big-endian (sorts as text)
    uint16_t la;       // index into las_
    int32_t easting;   // INT32_MIN when absent
    int32_t northing;
    // Position in the file (among the rows kept): a postcode given twice is found as its first
    // row, whatever rows a selection keeps. Fills the struct's padding (24 bytes either way).
    uint32_t order;
  };
  // The rows (and the count of bad ones, not yet reported), without upper tiers.
  static std::optional<PostcodeDirectory> parse_rows(std::string_view all, const std::string& onspd_path,
                                                     ProblemLog& problems, const SelectionSource& selection,
                                                     size_t& bad);
  // The whole published file read by parse_rows; `unreadable` when it cannot be read (no problem
  // is added then).
  static std::optional<PostcodeDirectory> read_rows(const std::string& onspd_path, ProblemLog& problems,
                                                    size_t& bad, bool& unreadable);
  static void report_bad_rows(ProblemLog& problems, const std::string& onspd_path, size_t bad);
  // Upper tiers from the LTLA to UTLA lookup's text; LAs not in it are their own.
  void apply_upper_tiers(std::string_view ltla_to_utla);
  static bool before(const Entry& a, const Entry& b) { return a.key != b.key ? a.key < b.key : a.order < b.order; }
  std::vector<Entry> entries_;
  std::vector<std::string> las_;   // LTLA codes
  std::vector<std::string> utlas_; // parallel to las_
};

// Straight-line distance in miles between two postcodes' grid references, rounded to one
// decimal place as DfE's PL_DISTANCE is: sqrt(dE² + dN²) / 1000 / 1.6093. None without grids.
std::optional<double> distance_miles(const PostcodeInfo& a, const PostcodeInfo& b);

}  // namespace careflow
