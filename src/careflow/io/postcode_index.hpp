// A prebuilt index of the ONS postcode directory, so that a run reads only the rows it needs.
//
// Reading the published file (20 MB gzipped, 90 MB of CSV, 2.7 million rows) cost a council's
// validation 0.17 s of its 0.2 s and 105 of its 120 MB. The index is made from it once: the rows
// as PostcodeDirectory holds them (packed postcode, LA, grid reference), sorted by postcode, in
// blocks of one 4 KB page, memory-mapped read-only and searched by binary search over the first
// postcode of each block, so that a run touches the pages of the postcodes it looks up and
// nothing else.
//
// File layout (native byte order, checked by a marker; offsets in bytes):
//   header (256)      magic "CFPCIDX1", format, rows per block, file size, what it was made from
//                     (the published file's size, modification time, SHA-256 of its first and
//                     last 64 KB: for a gzip file the last bytes hold the CRC-32 and length of
//                     the whole text), counts, and a CRC-32 of the header and tables
//   tables            first postcode of each block (u64), CRC-32 of each block (u32), LA codes
//                     (u32 offsets, then text); padded to a 4 KB boundary
//   blocks            kBlockRows rows each, 4096 bytes: postcodes (u64), LA numbers (u16),
//                     eastings (i32), northings (i32); the last block's unused rows are zero
// Nothing read from an index is trusted before it is checked: its size against the header's,
// the header and tables against their CRC, each block against its CRC (the first time the block
// is used), postcodes in order and LA numbers within the table. An index that fails a check is
// damaged; one made from another file (or by another format) is stale; either is remade.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "careflow/io/postcodes.hpp"
#include "careflow/core/problems.hpp"

namespace careflow {

// What an index was made from: enough to tell that the published file has changed.
struct PostcodeSourceStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  std::string hash;  // SHA-256 (hex) of the first and last 64 KB
  bool operator==(const PostcodeSourceStamp&) const = default;
};

class PostcodeIndex {
 public:
  // Bumped whenever the layout, or the way the published file is read into rows, changes: an
  // index of another format is stale.
  static constexpr uint32_t kFormat = 1;
  static constexpr uint32_t kBlockRows = 227;  // 227 * (8 + 2 + 4 + 4) = 4086 bytes
  static constexpr size_t kPage = 4096;

  // None when the file cannot be opened or read.
  static std::optional<PostcodeSourceStamp> stamp(const std::string& path);
  // Where the index of `source` is looked for, and written, in that order: beside it
  // (SOURCE.careflow-index), then in `cache_dir` (named after the source's file name and a hash
  // of its real path, so that two reference folders do not share one).
  static std::vector<std::string> places(const std::string& source, const std::string& cache_dir);

  // The index of a whole directory (as parse reads it, every row) made from `from`, whose
  // `bad_rows` rows were skipped.
  static std::string bytes(const PostcodeDirectory& whole, const PostcodeSourceStamp& from, uint64_t bad_rows);

  // Recomputes the CRCs of an index whose sizes are sound (else leaves it): for the fuzz target,
  // so that what the checks behind the CRCs catch is fuzzed too (as if a faulty writer made it).
  static void reseal(std::string& index);

  enum class Verdict { ok, stale, damaged };
  // The directory an index holds: only the rows of `only`'s postcodes (every row: nullptr), with
  // upper tiers equal to lower tiers. None if the index is stale (made from another file than
  // `expected`, when given; or another format) or damaged; `verdict` says which.
  static std::optional<PostcodeDirectory> read(std::span<const unsigned char> index, const PostcodeSourceStamp* expected,
                                               const PostcodeSelection* only, uint64_t* bad_rows, Verdict* verdict);

  // PostcodeDirectory::load through an index: opens the first current, sound index of `places`,
  // else reads the published file and writes the index to the first place that can be written
  // (a temporary file renamed into place, so that a run at the same time never sees half an
  // index). Problems as parse reports them (bad rows, missing columns), and a warning of rule
  // "postcode-index" when an index was stale or damaged. `unreadable`: the published file could
  // not be read (the caller reads it directly, which says why). Upper tiers equal lower tiers.
  struct Loaded {
    std::optional<PostcodeDirectory> directory;
    bool unreadable = false;
  };
  static Loaded load(const std::string& onspd_path, const std::string& cache_dir, ProblemLog& problems,
                     const PostcodeDirectory::SelectionSource& selection);
};

}  // namespace careflow
