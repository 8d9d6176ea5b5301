#include "careflow/io/postcode_index.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

#include <libdeflate.h>

#include "careflow/io/sha256.hpp"

namespace careflow {

namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'C', 'F', 'P', 'C', 'I', 'D', 'X', '1'};
constexpr uint32_t kEndian = 0x01020304;
constexpr size_t kHeader = 256;
constexpr size_t kHashHex = 64;
constexpr size_t kStampBytes = 64 * 1024;  // hashed at each end of the published file
// Header fields.
constexpr size_t kAtFormat = 8, kAtBlockRows = 12, kAtFileSize = 16, kAtSourceSize = 24, kAtSourceMtime = 32,
                 kAtSourceHash = 40, kAtRows = 104, kAtBlocks = 112, kAtBadRows = 120, kAtLas = 128,
                 kAtLaBytes = 136, kAtBlocksOffset = 144, kAtCrc = 152, kAtEndian = 156;
// Within a block.
constexpr size_t kB = PostcodeIndex::kBlockRows;
constexpr size_t kAtLa = kB * 8, kAtEast = (kAtLa + kB * 2 + 3) / 4 * 4, kAtNorth = kAtEast + kB * 4;
static_assert(kAtNorth + kB * 4 <= PostcodeIndex::kPage);

template <typename T>
T get(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
void put(std::string& s, size_t at, T v) {
  std::memcpy(s.data() + at, &v, sizeof v);
}

uint32_t crc32(const unsigned char* p, size_t n) { return libdeflate_crc32(0, p, n); }

// The CRC of the header and tables (everything before the blocks), its own field counted as zero.
uint32_t header_crc(const unsigned char* h, size_t blocks_offset) {
  const uint32_t zero = 0;
  uint32_t crc = libdeflate_crc32(0, h, kAtCrc);
  crc = libdeflate_crc32(crc, &zero, sizeof zero);
  return libdeflate_crc32(crc, h + kAtCrc + 4, blocks_offset - kAtCrc - 4);
}

size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

// The sizes the counts imply, or none when they overflow or do not fit `file_size`.
struct Layout {
  size_t fences, crcs, la_offsets, la_text, blocks_offset;
};
std::optional<Layout> layout(uint64_t rows, uint64_t blocks, uint64_t las, uint64_t la_bytes, uint64_t file_size) {
  if (blocks != (rows + kB - 1) / kB || las > size_t{UINT16_MAX} + 1 || blocks > file_size / PostcodeIndex::kPage ||
      la_bytes > file_size || las > file_size)
    return std::nullopt;
  Layout l;
  l.fences = kHeader;
  l.crcs = l.fences + 8 * blocks;
  l.la_offsets = l.crcs + 4 * blocks;
  l.la_text = l.la_offsets + 4 * (las + 1);
  l.blocks_offset = round_up(l.la_text + la_bytes, PostcodeIndex::kPage);
  if (l.blocks_offset > file_size || l.blocks_offset + blocks * PostcodeIndex::kPage != file_size) return std::nullopt;
  return l;
}

// A file mapped read-only; empty when it cannot be.
class Mapping {
 public:
  explicit Mapping(const std::string& path, int advice) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        data_ = p;
        size_ = static_cast<size_t>(st.st_size);
        ::madvise(p, size_, advice);
      }
    }
    ::close(fd);
  }
  ~Mapping() {
    if (data_) ::munmap(data_, size_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  bool exists() const { return data_ != nullptr; }
  std::span<const unsigned char> bytes() const { return {static_cast<const unsigned char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

// Whether careflow may write into a folder: one its mode marks read-only for everyone is left
// alone even by a user the system would let write there (root), as a shared reference folder is.
bool may_write_into(const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  if ((st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0) return false;
  return ::access(dir.c_str(), W_OK) == 0;
}

// Writes `bytes` to `path` through a temporary file in the same folder renamed over it: a reader
// opens either the old index or the new one, whole. No fsync: an index cut short by a crash is
// found damaged (its size, its CRCs) and remade.
bool write_atomically(const std::string& path, std::string_view bytes) {
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return false;
  bool ok = ::fchmod(fd, 0644) == 0;  // readable by whoever reads the published file beside it
  for (size_t done = 0; ok && done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ::close(fd) == 0 && ok;
  ok = ok && ::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) ::unlink(tmp.c_str());
  return ok;
}

// An index's checked header and tables, and its blocks, each checked the first time it is used.
class Reader {
 public:
  // Checks everything but the blocks.
  static std::optional<Reader> open(std::span<const unsigned char> f, const PostcodeSourceStamp* expected,
                                    PostcodeIndex::Verdict& verdict) {
    using V = PostcodeIndex::Verdict;
    verdict = V::damaged;
    if (f.size() < kHeader || std::memcmp(f.data(), kMagic, sizeof kMagic) != 0 ||
        get<uint32_t>(f.data() + kAtEndian) != kEndian)
      return std::nullopt;
    const unsigned char* h = f.data();
    if (get<uint64_t>(h + kAtFileSize) != f.size()) return std::nullopt;  // cut short, or grown
    Reader r;
    r.rows_ = get<uint64_t>(h + kAtRows);
    r.blocks_ = get<uint64_t>(h + kAtBlocks);
    r.bad_rows_ = get<uint64_t>(h + kAtBadRows);
    const uint64_t las = get<uint64_t>(h + kAtLas), la_bytes = get<uint64_t>(h + kAtLaBytes);
    const auto l = layout(r.rows_, r.blocks_, las, la_bytes, f.size());
    if (!l || get<uint64_t>(h + kAtBlocksOffset) != l->blocks_offset) return std::nullopt;
    // The header and tables, with the CRC's own field counted as zero.
    if (header_crc(h, l->blocks_offset) != get<uint32_t>(h + kAtCrc)) return std::nullopt;
    // Sound, as written: now whether it is the index wanted.
    verdict = V::stale;
    if (get<uint32_t>(h + kAtFormat) != PostcodeIndex::kFormat || get<uint32_t>(h + kAtBlockRows) != kB)
      return std::nullopt;
    if (expected) {
      PostcodeSourceStamp s;
      s.size = get<uint64_t>(h + kAtSourceSize);
      s.mtime_ns = get<int64_t>(h + kAtSourceMtime);
      s.hash.assign(reinterpret_cast<const char*>(h + kAtSourceHash), kHashHex);
      if (!(s == *expected)) return std::nullopt;
    }
    verdict = V::damaged;
    r.fences_ = h + l->fences;
    r.crcs_ = h + l->crcs;
    r.blocks_at_ = h + l->blocks_offset;
    for (uint64_t b = 1; b < r.blocks_; ++b)
      if (r.fence(b) < r.fence(b - 1)) return std::nullopt;
    const unsigned char* offsets = h + l->la_offsets;
    const char* text = reinterpret_cast<const char*>(h + l->la_text);
    if (get<uint32_t>(offsets) != 0 || get<uint32_t>(offsets + 4 * las) != la_bytes) return std::nullopt;
    r.las_.reserve(las);
    for (uint64_t i = 0; i < las; ++i) {
      const uint32_t b = get<uint32_t>(offsets + 4 * i), e = get<uint32_t>(offsets + 4 * (i + 1));
      if (e < b || e > la_bytes) return std::nullopt;
      r.las_.emplace_back(text + b, e - b);
    }
    r.checked_.assign(r.blocks_, 0);
    verdict = V::ok;
    return r;
  }

  uint64_t rows() const { return rows_; }
  uint64_t bad_rows() const { return bad_rows_; }
  std::vector<std::string>& las() { return las_; }

  // Row `i`'s postcode; its block must have been checked.
  uint64_t key(uint64_t i) const { return get<uint64_t>(block(i / kB) + 8 * (i % kB)); }
  // Checks block `b` (once): its CRC, its postcodes in order from its first, up to the next
  // block's first, and its LA numbers within the table.
  bool check(uint64_t b) {
    if (checked_[b]) return true;
    const unsigned char* p = block(b);
    if (crc32(p, PostcodeIndex::kPage) != get<uint32_t>(crcs_ + 4 * b)) return false;
    const size_t n = rows_in(b);
    if (n == 0 || get<uint64_t>(p) != fence(b)) return false;
    for (size_t k = 0; k < n; ++k) {
      if (k > 0 && get<uint64_t>(p + 8 * k) < get<uint64_t>(p + 8 * (k - 1))) return false;
      if (get<uint16_t>(p + kAtLa + 2 * k) >= las_.size()) return false;
    }
    if (b + 1 < blocks_ && get<uint64_t>(p + 8 * (n - 1)) > fence(b + 1)) return false;
    checked_[b] = 1;
    return true;
  }
  // Appends row `i` (its block checked) to `d`, numbered `i`.
  template <typename Entry>
  void append(uint64_t i, std::vector<Entry>& out) const {
    const unsigned char* p = block(i / kB);
    const size_t k = i % kB;
    out.push_back({get<uint64_t>(p + 8 * k), get<uint16_t>(p + kAtLa + 2 * k), get<int32_t>(p + kAtEast + 4 * k),
                   get<int32_t>(p + kAtNorth + 4 * k), static_cast<uint32_t>(i)});
  }
  // The first row whose postcode is not below `key` (rows() when none), checking the blocks it
  // reads; none when one of them is damaged.
  std::optional<uint64_t> lower_bound(uint64_t key) {
    // The last block whose first postcode is below `key` holds the first row at or above it,
    // unless that row begins the next block.
    uint64_t lo = 0, hi = blocks_;
    while (lo < hi) {
      const uint64_t mid = lo + (hi - lo) / 2;
      if (fence(mid) < key) lo = mid + 1;
      else hi = mid;
    }
    if (lo == 0) return 0;
    const uint64_t b = lo - 1;
    if (!check(b)) return std::nullopt;
    size_t a = 0, z = rows_in(b);
    const unsigned char* p = block(b);
    while (a < z) {
      const size_t mid = a + (z - a) / 2;
      if (get<uint64_t>(p + 8 * mid) < key) a = mid + 1;
      else z = mid;
    }
    return b * kB + a;
  }
  bool check_row(uint64_t i) { return check(i / kB); }

 private:
  const unsigned char* block(uint64_t b) const { return blocks_at_ + b * PostcodeIndex::kPage; }
  uint64_t fence(uint64_t b) const { return get<uint64_t>(fences_ + 8 * b); }
  size_t rows_in(uint64_t b) const { return static_cast<size_t>(std::min<uint64_t>(kB, rows_ - b * kB)); }

  uint64_t rows_ = 0, blocks_ = 0, bad_rows_ = 0;
  const unsigned char *fences_ = nullptr, *crcs_ = nullptr, *blocks_at_ = nullptr;
  std::vector<std::string> las_;
  std::vector<uint8_t> checked_;
};

}  // namespace

std::optional<PostcodeSourceStamp> PostcodeIndex::stamp(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<PostcodeSourceStamp> s;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    const auto size = static_cast<uint64_t>(st.st_size);
    std::string ends(static_cast<size_t>(std::min<uint64_t>(size, 2 * kStampBytes)), '\0');
    const size_t head = std::min<size_t>(ends.size(), kStampBytes), tail = ends.size() - head;
    const auto read_at = [&](char* to, size_t n, uint64_t at) {
      for (size_t done = 0; done < n;) {
        const ssize_t r = ::pread(fd, to + done, n - done, static_cast<off_t>(at + done));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        done += static_cast<size_t>(r);
      }
      return true;
    };
    if (read_at(ends.data(), head, 0) && read_at(ends.data() + head, tail, size - tail)) {
      s.emplace();
      s->size = size;
      s->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
      s->hash = sha256_hex(ends);
    }
  }
  ::close(fd);
  return s;
}

std::vector<std::string> PostcodeIndex::places(const std::string& source, const std::string& cache_dir) {
  std::vector<std::string> out{source + ".careflow-index"};
  if (!cache_dir.empty()) {
    // The path with links resolved: the same file reached by two paths has one index.
    std::error_code ec;
    fs::path real = fs::weakly_canonical(source, ec);
    if (ec) real = fs::absolute(source, ec).lexically_normal();
    const std::string name = fs::path(source).filename().string() + "-" + sha256_hex(real.string()).substr(0, 16) +
                             ".careflow-index";
    out.push_back((fs::path(cache_dir) / name).string());
  }
  return out;
}

std::string PostcodeIndex::bytes(const PostcodeDirectory& d, const PostcodeSourceStamp& from, uint64_t bad_rows) {
  const auto& rows = d.entries_;
  const uint64_t blocks = (rows.size() + kB - 1) / kB;
  uint64_t la_bytes = 0;
  for (const auto& la : d.las_) la_bytes += la.size();
  const uint64_t guess = round_up(kHeader + 12 * blocks + 4 * (d.las_.size() + 1) + la_bytes, kPage) + blocks * kPage;
  const auto l = layout(rows.size(), blocks, d.las_.size(), la_bytes, guess);
  std::string s(guess, '\0');
  std::memcpy(s.data(), kMagic, sizeof kMagic);
  put<uint32_t>(s, kAtFormat, kFormat);
  put<uint32_t>(s, kAtBlockRows, kB);
  put<uint64_t>(s, kAtFileSize, s.size());
  put<uint64_t>(s, kAtSourceSize, from.size);
  put<int64_t>(s, kAtSourceMtime, from.mtime_ns);
  std::memcpy(s.data() + kAtSourceHash, from.hash.data(), std::min(from.hash.size(), kHashHex));
  put<uint64_t>(s, kAtRows, rows.size());
  put<uint64_t>(s, kAtBlocks, blocks);
  put<uint64_t>(s, kAtBadRows, bad_rows);
  put<uint64_t>(s, kAtLas, d.las_.size());
  put<uint64_t>(s, kAtLaBytes, la_bytes);
  put<uint64_t>(s, kAtBlocksOffset, l->blocks_offset);
  put<uint32_t>(s, kAtEndian, kEndian);
  uint32_t offset = 0;
  for (size_t i = 0; i < d.las_.size(); ++i) {
    put<uint32_t>(s, l->la_offsets + 4 * i, offset);
    std::memcpy(s.data() + l->la_text + offset, d.las_[i].data(), d.las_[i].size());
    offset += static_cast<uint32_t>(d.las_[i].size());
  }
  put<uint32_t>(s, l->la_offsets + 4 * d.las_.size(), offset);
  for (uint64_t b = 0; b < blocks; ++b) {
    const size_t at = l->blocks_offset + b * kPage;
    for (size_t k = 0; k < kB && b * kB + k < rows.size(); ++k) {
      const auto& e = rows[b * kB + k];
      put<uint64_t>(s, at + 8 * k, e.key);
      put<uint16_t>(s, at + kAtLa + 2 * k, e.la);
      put<int32_t>(s, at + kAtEast + 4 * k, e.easting);
      put<int32_t>(s, at + kAtNorth + 4 * k, e.northing);
    }
    put<uint64_t>(s, l->fences + 8 * b, rows[b * kB].key);
    put<uint32_t>(s, l->crcs + 4 * b, crc32(reinterpret_cast<const unsigned char*>(s.data()) + at, kPage));
  }
  put<uint32_t>(s, kAtCrc, header_crc(reinterpret_cast<const unsigned char*>(s.data()), l->blocks_offset));
  return s;
}

void PostcodeIndex::reseal(std::string& s) {
  if (s.size() < kHeader) return;
  auto* h = reinterpret_cast<unsigned char*>(s.data());
  const uint64_t blocks = get<uint64_t>(h + kAtBlocks);
  const auto l = layout(get<uint64_t>(h + kAtRows), blocks, get<uint64_t>(h + kAtLas), get<uint64_t>(h + kAtLaBytes),
                        s.size());
  if (!l || get<uint64_t>(h + kAtBlocksOffset) != l->blocks_offset) return;
  for (uint64_t b = 0; b < blocks; ++b)
    put<uint32_t>(s, l->crcs + 4 * b, crc32(h + l->blocks_offset + b * kPage, kPage));
  put<uint32_t>(s, kAtCrc, header_crc(h, l->blocks_offset));
}

std::optional<PostcodeDirectory> PostcodeIndex::read(std::span<const unsigned char> index,
                                                     const PostcodeSourceStamp* expected,
                                                     const PostcodeSelection* only, uint64_t* bad_rows,
                                                     Verdict* verdict) {
  Verdict v = Verdict::damaged;
  auto r = Reader::open(index, expected, v);
  if (verdict) *verdict = v;
  if (!r) return std::nullopt;
  PostcodeDirectory d;
  if (verdict) *verdict = Verdict::damaged;
  if (!only) {
    d.entries_.reserve(r->rows());
    for (uint64_t i = 0; i < r->rows(); ++i) {
      if (i % kB == 0 && !r->check_row(i)) return std::nullopt;
      r->append(i, d.entries_);
    }
  } else {
    // Each selected postcode's rows (a postcode given twice in the file has two), in index order.
    for (const uint64_t key : only->keys()) {
      const auto first = r->lower_bound(key);
      if (!first) return std::nullopt;
      for (uint64_t i = *first; i < r->rows(); ++i) {
        if (!r->check_row(i)) return std::nullopt;
        if (r->key(i) != key) break;
        r->append(i, d.entries_);
      }
    }
  }
  d.las_ = std::move(r->las());
  d.utlas_ = d.las_;
  if (bad_rows) *bad_rows = r->bad_rows();
  if (verdict) *verdict = Verdict::ok;
  return d;
}

PostcodeIndex::Loaded PostcodeIndex::load(const std::string& onspd_path, const std::string& cache_dir,
                                          ProblemLog& problems, const PostcodeDirectory::SelectionSource& selection) {
  Loaded out;
  const auto from = stamp(onspd_path);
  if (!from) {
    out.unreadable = true;
    return out;
  }
  const auto where = places(onspd_path, cache_dir);
  const PostcodeSelection* only = nullptr;
  bool asked = false;
  const auto ask = [&] {
    if (!asked && selection) only = selection();
    asked = true;
    return only;
  };
  std::string replaced, why;  // an index found stale or damaged, and which
  for (const auto& place : where) {
    // A selection touches a few pages: no read-ahead. Every row: read front to back.
    const Mapping m(place, ask() ? MADV_RANDOM : MADV_SEQUENTIAL);
    if (!m.exists()) continue;
    uint64_t bad = 0;
    Verdict v = Verdict::damaged;
    auto d = read(m.bytes(), &*from, ask(), &bad, &v);
    if (d) {
      PostcodeDirectory::report_bad_rows(problems, onspd_path, bad);
      out.directory = std::move(d);
      return out;
    }
    if (replaced.empty()) {
      replaced = place;
      why = v == Verdict::stale ? "was made from another version of the postcode directory (or by another version "
                                  "of careflow)"
                                : "is damaged";
    }
  }
  // Made (again) from the published file: every row, then the index, then the selection.
  size_t bad = 0;
  ProblemLog reading;
  auto whole = PostcodeDirectory::read_rows(onspd_path, reading, bad, out.unreadable);
  if (out.unreadable) return out;
  std::string written;
  if (whole) {
    const std::string index = bytes(*whole, *from, bad);
    for (const auto& place : where) {
      std::error_code ec;
      const fs::path folder = fs::path(place).parent_path();
      fs::create_directories(folder, ec);
      if (may_write_into(folder) && write_atomically(place, index)) {
        written = place;
        break;
      }
    }
  }
  if (!replaced.empty())
    problems.add({Severity::warning, replaced, 0, "", "postcode-index",
                  written.empty() ? fmt::format("the postcode index {}; it could not be remade (no folder could be "
                                                "written), so the postcode directory was read in full", why)
                                  : fmt::format("the postcode index {}: it was remade ({})", why, written)});
  problems.append(reading);
  if (!whole) return out;
  PostcodeDirectory::report_bad_rows(problems, onspd_path, bad);
  if (const PostcodeSelection* s = ask()) {
    std::erase_if(whole->entries_, [s](const auto& e) { return !s->contains(e.key); });
    whole->entries_.shrink_to_fit();
  }
  out.directory = std::move(whole);
  return out;
}

}  // namespace careflow
