#include "careflow/io/postcodes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <unordered_map>

#include <tbb/parallel_for.h>

#include <libdeflate.h>
#include <zlib.h>

#include "careflow/base/huge_pages.hpp"
#include "careflow/io/csv.hpp"
#include "careflow/io/postcode_index.hpp"
#include "careflow/io/reference_data.hpp"

namespace careflow {

namespace {

constexpr const char* kOnspd = "postcodes/onspd_postcodes.csv.gz";
constexpr const char* kUtla = "neighbours_and_geography/ons_ltla_to_utla_lookup_april_2023_england_wales.csv";

// Packs up to 8 normalised characters; longer strings are not postcodes.
std::optional<uint64_t> pack(std::string_view pc) {
  uint64_t k = 0;
  size_t n = 0;
  for (char c : pc) {
    if (c == ' ' || c == '\t' || c == '"') continue;
    if (++n > 8) return std::nullopt;
    // ASCII upper case, as std::toupper in the "C" locale (a call per character showed).
    const auto u = static_cast<unsigned char>(c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
    k = (k << 8) | u;
  }
  // NUL characters only pack to 0, which a selection cannot hold: not a postcode either way,
  // so the directory read whole and read for a selection agree (found by fuzz_postcodes).
  if (n == 0 || k == 0) return std::nullopt;
  return k << (8 * (8 - n));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"' || s.front() == '\xEF' || s.front() == '\xBB' || s.front() == '\xBF')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Splits a simple CSV line. Names in the LA lookup may hold quoted commas ("Bristol, City
// of"), which would otherwise shift the code columns after them; codes never hold quotes.
void split(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  size_t b = 0;
  bool quoted = false;
  for (size_t i = 0; i <= line.size(); ++i)
    if (i < line.size() && line[i] == '"') {
      quoted = !quoted;
    } else if (i == line.size() || (line[i] == ',' && !quoted)) {
      out.push_back(trim(line.substr(b, i - b)));
      b = i + 1;
    }
}

int32_t to_int(std::string_view s) {
  int32_t v = INT32_MIN;
  if (s.empty() || std::from_chars(s.data(), s.data() + s.size(), v).ec != std::errc()) return INT32_MIN;
  return v;
}

// The most text deflate packs into one byte (a match of 258 bytes coded in two bits): a gzip
// file whose trailer states more than this many times its own size is damaged.
constexpr size_t kMaxDeflateRatio = 1032;

// A file's text: bytes owned by `storage` or `owned`, viewed by `text`.
struct Text {
  std::unique_ptr<char[]> storage;
  std::string owned;
  std::string_view text;
};

// A gzipped file's text, decompressed straight into a buffer sized once from the gzip trailer
// (ISIZE, the length mod 2^32): the directory is ~90 MB unpacked, and growing a string to that
// size chunk by chunk cost more (copies and page faults) than inflating it. Other files as
// read_file reads them.
bool read_whole_zlib(const std::string& path, std::string& out) {
  if (path.size() <= 3 || path.compare(path.size() - 3, 3, ".gz") != 0) return read_file(path, out);
  size_t hint = 0;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    unsigned char b[4];
    if (std::fseek(f, -4, SEEK_END) == 0 && std::fread(b, 1, 4, f) == 4) {
      hint = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<size_t>(b[3]) << 24);
      // A damaged trailer must not make a tiny file claim gigabytes: deflate packs at most
      // 1032 to 1, so a larger claim is not believed (the buffer then grows as read).
      hint = std::min<size_t>(hint, static_cast<size_t>(std::max(std::ftell(f), 0L)) * kMaxDeflateRatio);
    }
    std::fclose(f);
  }
  gzFile g = gzopen(path.c_str(), "rb");
  if (!g) return false;
  gzbuffer(g, 1 << 17);
  out.clear();
  out.resize(std::max<size_t>(hint, 1 << 16) + 1);  // +1: reaching the end is seen without a resize
  size_t used = 0;
  bool ok = true;
  for (;;) {
    if (used == out.size()) out.resize(out.size() * 2);
    const auto want = static_cast<unsigned>(std::min<size_t>(out.size() - used, 1u << 30));
    const int n = gzread(g, out.data() + used, want);
    if (n < 0) ok = false;
    if (n <= 0) break;
    used += static_cast<size_t>(n);
  }
  gzclose(g);
  out.resize(used);
  return ok;
}

// The usual case, a single-member gzip file, with libdeflate: it inflates a whole buffer two to
// three times as fast as zlib, into memory that is not zero-filled first and sits on huge pages.
// Anything else (several members, a wrong ISIZE, damage, not gzip at all) is left to zlib, so
// that what is read, and what counts as unreadable, stays as zlib has it.
bool read_whole_deflate(const std::string& path, Text& out) {
  if (path.size() <= 3 || path.compare(path.size() - 3, 3, ".gz") != 0) return false;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  std::string packed;
  bool ok = false;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    const long size = std::ftell(f);
    std::rewind(f);
    if (size >= 18) {  // a gzip header and trailer at least
      packed.resize(static_cast<size_t>(size));
      ok = std::fread(packed.data(), 1, packed.size(), f) == packed.size();
    }
  }
  std::fclose(f);
  if (!ok) return false;
  const auto* t = reinterpret_cast<const unsigned char*>(packed.data() + packed.size() - 4);
  const size_t isize = t[0] | (t[1] << 8) | (t[2] << 16) | (static_cast<size_t>(t[3]) << 24);
  if (isize > packed.size() * kMaxDeflateRatio) return false;  // damaged, or not gzip: zlib decides
  std::unique_ptr<char[]> buf(new char[std::max<size_t>(isize, 1)]);
  advise_huge(buf.get(), isize);
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  if (!d) return false;
  size_t in_used = 0, out_used = 0;
  const auto r = libdeflate_gzip_decompress_ex(d, packed.data(), packed.size(), buf.get(), isize, &in_used, &out_used);
  libdeflate_free_decompressor(d);
  if (r != LIBDEFLATE_SUCCESS || in_used != packed.size() || out_used != isize) return false;
  out.storage = std::move(buf);
  out.text = std::string_view(out.storage.get(), out_used);
  return true;
}

bool read_whole(const std::string& path, Text& out) {
  if (read_whole_deflate(path, out)) return true;
  out.storage.reset();
  if (!read_whole_zlib(path, out.owned)) return false;
  out.text = out.owned;
  return true;
}

}  // namespace

std::string normalise_postcode(std::string_view postcode) {
  std::string out;
  for (char c : postcode)
    if (c != ' ' && c != '\t') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<PostcodeDirectory> PostcodeDirectory::load(const std::string& onspd_path,
                                                         const std::string& ltla_to_utla_path,
                                                         ProblemLog& problems) {
  return load(onspd_path, ltla_to_utla_path, problems, SelectionSource());
}

std::optional<PostcodeDirectory> PostcodeDirectory::load(const std::string& onspd_path,
                                                         const std::string& ltla_to_utla_path,
                                                         ProblemLog& problems, const SelectionSource& selection) {
  Text text;
  if (!read_whole(onspd_path, text)) {
    problems.add({Severity::error, onspd_path, 0, "", "unreadable", "the postcode directory cannot be read"});
    return std::nullopt;
  }
  std::string lookup;
  const bool lookup_read = !ltla_to_utla_path.empty() && read_file(ltla_to_utla_path, lookup);
  auto d = parse(text.text, onspd_path, lookup_read ? std::optional<std::string_view>(lookup) : std::nullopt,
                 problems, selection);
  if (d && !ltla_to_utla_path.empty() && !lookup_read)
    problems.add({Severity::warning, ltla_to_utla_path, 0, "", "unreadable",
                  "the LTLA to UTLA lookup cannot be read; upper tiers equal lower tiers"});
  return d;
}

std::optional<PostcodeDirectory> PostcodeDirectory::load(const std::string& onspd_path,
                                                         const std::string& ltla_to_utla_path, ProblemLog& problems,
                                                         const SelectionSource& selection,
                                                         const PostcodeIndexOptions& index) {
  if (!index.use) return load(onspd_path, ltla_to_utla_path, problems, selection);
  // The selection is asked for once, whichever way the directory is then read.
  bool asked = false;
  const PostcodeSelection* only = nullptr;
  const SelectionSource once = [&]() -> const PostcodeSelection* {
    if (!asked) only = selection ? selection() : nullptr;
    asked = true;
    return only;
  };
  auto d = PostcodeIndex::load(onspd_path, index.cache_dir, problems, once);
  if (d.unreadable) return load(onspd_path, ltla_to_utla_path, problems, once);  // which says why
  if (!d.directory) return std::nullopt;
  std::string lookup;
  if (!ltla_to_utla_path.empty() && read_file(ltla_to_utla_path, lookup)) d.directory->apply_upper_tiers(lookup);
  else if (!ltla_to_utla_path.empty())
    problems.add({Severity::warning, ltla_to_utla_path, 0, "", "unreadable",
                  "the LTLA to UTLA lookup cannot be read; upper tiers equal lower tiers"});
  return std::move(d.directory);
}

std::optional<PostcodeDirectory> PostcodeDirectory::read_rows(const std::string& onspd_path, ProblemLog& problems,
                                                              size_t& bad, bool& unreadable) {
  Text text;
  unreadable = !read_whole(onspd_path, text);
  if (unreadable) return std::nullopt;
  return parse_rows(text.text, onspd_path, problems, SelectionSource(), bad);
}

void PostcodeDirectory::report_bad_rows(ProblemLog& problems, const std::string& onspd_path, size_t bad) {
  if (bad)
    problems.add({Severity::warning, onspd_path, 0, "", "bad-rows",
                  fmt::format("{} row(s) without a usable postcode were skipped", bad)});
}

std::optional<PostcodeDirectory> PostcodeDirectory::parse(std::string_view all, const std::string& onspd_path,
                                                          std::optional<std::string_view> ltla_to_utla,
                                                          ProblemLog& problems, const SelectionSource& selection) {
  size_t bad = 0;
  auto d = parse_rows(all, onspd_path, problems, selection, bad);
  if (!d) return d;
  report_bad_rows(problems, onspd_path, bad);
  if (ltla_to_utla) d->apply_upper_tiers(*ltla_to_utla);
  return d;
}

std::optional<PostcodeDirectory> PostcodeDirectory::parse_rows(std::string_view all, const std::string& onspd_path,
                                                               ProblemLog& problems, const SelectionSource& selection,
                                                               size_t& bad) {
  PostcodeDirectory d;
  std::unordered_map<std::string, uint16_t> la_index;
  std::vector<std::string_view> f;
  size_t pos = 0;
  int c_pcd = -1, c_la = -1, c_e = -1, c_n = -1;
  // The header: the first line that is not blank.
  while (pos < all.size()) {
    size_t nl = all.find('\n', pos);
    if (nl == std::string_view::npos) nl = all.size();
    const std::string_view line = all.substr(pos, nl - pos);
    pos = nl + 1;
    if (trim(line).empty()) continue;
    split(line, f);
    for (size_t i = 0; i < f.size(); ++i) {
      if (f[i] == "pcd") c_pcd = static_cast<int>(i);
      if (f[i] == "laua") c_la = static_cast<int>(i);
      if (f[i] == "oseast1m") c_e = static_cast<int>(i);
      if (f[i] == "osnrth1m") c_n = static_cast<int>(i);
    }
    if (c_pcd < 0 || c_la < 0 || c_e < 0 || c_n < 0) {
      problems.add({Severity::error, onspd_path, 1, "", "missing-column",
                    "the postcode directory needs columns pcd, laua, oseast1m and osnrth1m"});
      return std::nullopt;
    }
    break;
  }
  const int need = std::max({c_pcd, c_la, c_e, c_n});
  const PostcodeSelection* only = c_pcd >= 0 && selection ? selection() : nullptr;
  bad = 0;
  std::string_view last_la;
  bool have_last_la = false;  // a blank first LA equals the empty last_la: it must still be added
  uint16_t last_index = 0;
  // One data line, split into `f`: counted as bad, or added unless the selection leaves it out.
  auto add_line = [&](std::string_view line) {
    split(line, f);
    if (static_cast<int>(f.size()) <= need) { ++bad; return; }
    const auto key = pack(f[static_cast<size_t>(c_pcd)]);
    if (!key) { ++bad; return; }
    if (only && !only->contains(*key)) return;
    // Neighbouring postcodes mostly share an LA: skip the hash lookup when it repeats.
    const std::string_view la = f[static_cast<size_t>(c_la)];
    if (!have_last_la || la != last_la) {
      if (d.las_.size() > UINT16_MAX && !la_index.contains(std::string(la))) {  // not a directory of LAs
        ++bad;
        return;
      }
      auto [it, inserted] = la_index.try_emplace(std::string(la), static_cast<uint16_t>(d.las_.size()));
      if (inserted) d.las_.emplace_back(la);
      last_la = la;
      have_last_la = true;
      last_index = it->second;
    }
    d.entries_.push_back({*key, last_index, to_int(f[static_cast<size_t>(c_e)]), to_int(f[static_cast<size_t>(c_n)]),
                          static_cast<uint32_t>(d.entries_.size())});
  };
  if (c_pcd >= 0 && !only) {
    d.entries_.reserve((all.size() - std::min(pos, all.size())) / 32);
    while (pos < all.size()) {
      size_t nl = all.find('\n', pos);
      if (nl == std::string_view::npos) nl = all.size();
      const std::string_view line = all.substr(pos, nl - pos);
      pos = nl + 1;
      if (!trim(line).empty()) add_line(line);
    }
  } else if (c_pcd >= 0) {
    // With a selection, most lines are only looked at: their postcode packed and checked, and
    // enough of the line to know whether it has every column (a line too short, or without a
    // postcode, is counted as bad as when every line is kept). Lines with quotes before the
    // last needed column are split as above. The file is cut into chunks at line ends, checked
    // in parallel; the lines kept are then added in file order.
    struct Chunk {
      size_t begin, end;
      std::vector<std::string_view> kept;
      size_t bad = 0;
    };
    std::vector<Chunk> chunks;
    constexpr size_t kChunk = size_t{1} << 20;
    for (size_t b = std::min(pos, all.size()); b < all.size();) {
      size_t e = std::min(all.size(), b + kChunk);
      if (e < all.size()) {
        const size_t nl = all.find('\n', e);
        e = nl == std::string_view::npos ? all.size() : nl + 1;
      }
      chunks.push_back({b, e, {}, 0});
      b = e;
    }
    tbb::parallel_for(size_t{0}, chunks.size(), [&](size_t k) {
      Chunk& ch = chunks[k];
      size_t p = ch.begin;
      while (p < ch.end) {
        const char* nlp = static_cast<const char*>(std::memchr(all.data() + p, '\n', ch.end - p));
        const size_t nl = nlp ? static_cast<size_t>(nlp - all.data()) : ch.end;
        const std::string_view line = all.substr(p, nl - p);
        p = nl + 1;
        if (trim(line).empty()) continue;
        // Commas up to the last needed column and past the postcode, stopping at a quote.
        size_t field_begin = 0, pcd_begin = 0, pcd_end = 0, commas = 0;
        bool quoted = false, ended = false;
        for (size_t i = 0; i < line.size(); ++i) {
          const char c = line[i];
          if (c == '"') {
            quoted = true;
            break;
          }
          if (c != ',') continue;
          if (static_cast<int>(commas) == c_pcd) pcd_begin = field_begin, pcd_end = i;
          field_begin = i + 1;
          if (static_cast<int>(++commas) >= need && static_cast<int>(commas) > c_pcd) {
            ended = true;
            break;
          }
        }
        if (quoted) {
          ch.kept.push_back(line);  // decided by add_line, as every line is without a selection
          continue;
        }
        if (static_cast<int>(commas) < need) {
          ++ch.bad;
          continue;
        }
        if (!ended && static_cast<int>(commas) == c_pcd) pcd_begin = field_begin, pcd_end = line.size();
        const auto key = pack(trim(line.substr(pcd_begin, pcd_end - pcd_begin)));
        if (!key) ++ch.bad;
        else if (only->contains(*key)) ch.kept.push_back(line);
      }
    });
    for (const Chunk& ch : chunks) {
      bad += ch.bad;
      for (const std::string_view line : ch.kept) add_line(line);
    }
  }
  std::sort(d.entries_.begin(), d.entries_.end(), before);
  d.utlas_ = d.las_;
  return d;
}

void PostcodeDirectory::apply_upper_tiers(std::string_view l) {
  // Upper tiers: LTLA -> UTLA; an LA missing from the lookup (Scotland, unitaries) is its own.
  utlas_ = las_;
  std::unordered_map<std::string_view, size_t> la_index;
  for (size_t i = 0; i < las_.size(); ++i) la_index.try_emplace(las_[i], i);
  std::vector<std::string_view> f;
  size_t p = 0;
  int c_ltla = -1, c_utla = -1;
  while (p < l.size()) {
    size_t nl = l.find('\n', p);
    if (nl == std::string_view::npos) nl = l.size();
    split(l.substr(p, nl - p), f);
    p = nl + 1;
    if (c_ltla < 0) {
      for (size_t i = 0; i < f.size(); ++i) {
        if (f[i].find("LTLA") == 0 && f[i].size() >= 2 && f[i].substr(f[i].size() - 2) == "CD") c_ltla = static_cast<int>(i);
        if (f[i].find("UTLA") == 0 && f[i].size() >= 2 && f[i].substr(f[i].size() - 2) == "CD") c_utla = static_cast<int>(i);
      }
      if (c_ltla < 0 || c_utla < 0) break;
      continue;
    }
    if (static_cast<int>(f.size()) <= std::max(c_ltla, c_utla)) continue;
    const auto it = la_index.find(f[static_cast<size_t>(c_ltla)]);
    if (it != la_index.end()) utlas_[it->second] = std::string(f[static_cast<size_t>(c_utla)]);
  }
}

void PostcodeSelection::add(std::string_view postcode) {
  if (const auto key = pack(postcode)) insert(*key);
}

void PostcodeSelection::insert(uint64_t key) {
  if (key == 0) return;  // not a postcode (NUL characters only)
  if (2 * (count_ + 1) > slots_.size()) {
    std::vector<uint64_t> old = std::move(slots_);
    const size_t n = std::max<size_t>(64, old.size() * 2);
    slots_.assign(n, 0);
    shift_ = 64 - std::countr_zero(n);
    count_ = 0;
    for (const uint64_t k : old)
      if (k) insert(k);
  }
  for (size_t i = (key * 0x9E3779B97F4A7C15ull) >> shift_;; i = (i + 1) & (slots_.size() - 1)) {
    if (slots_[i] == key) return;
    if (slots_[i] == 0) {
      slots_[i] = key;
      ++count_;
      return;
    }
  }
}

std::vector<uint64_t> PostcodeSelection::keys() const {
  std::vector<uint64_t> out;
  out.reserve(count_);
  for (const uint64_t k : slots_)
    if (k) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

bool PostcodeSelection::contains(uint64_t key) const {
  if (slots_.empty() || key == 0) return false;
  for (size_t i = (key * 0x9E3779B97F4A7C15ull) >> shift_;; i = (i + 1) & (slots_.size() - 1)) {
    if (slots_[i] == key) return true;
    if (slots_[i] == 0) return false;
  }
}

std::optional<PostcodeDirectory> PostcodeDirectory::load_reference(const ReferenceFolder& folder, ProblemLog& problems,
                                                                   const SelectionSource& selection,
                                                                   const PostcodeIndexOptions& index) {
  const auto onspd = folder.file(kOnspd);
  if (!onspd) {
    problems.add({Severity::warning, kOnspd, 0, "", "missing-reference", folder.missing_message(kOnspd)});
    return std::nullopt;
  }
  const auto utla = folder.file(kUtla);
  if (!utla)
    problems.add({Severity::warning, kUtla, 0, "", "missing-reference", folder.missing_message(kUtla)});
  return load(*onspd, utla ? *utla : std::string(), problems, selection, index);
}

std::optional<PostcodeInfo> PostcodeDirectory::find(std::string_view postcode) const {
  const auto key = pack(postcode);
  if (!key) return std::nullopt;
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), *key,
                                   [](const Entry& e, uint64_t k) { return e.key < k; });
  if (it == entries_.end() || it->key != *key) return std::nullopt;
  return info(static_cast<size_t>(it - entries_.begin()));
}

PostcodeInfo PostcodeDirectory::info(size_t i) const {
  const Entry& e = entries_[i];
  PostcodeInfo info;
  info.laua = las_[e.la];
  info.utla = utlas_[e.la];
  info.has_grid = e.easting != INT32_MIN && e.northing != INT32_MIN;
  info.easting = info.has_grid ? e.easting : 0;
  info.northing = info.has_grid ? e.northing : 0;
  return info;
}

std::string PostcodeDirectory::postcode(size_t i) const {
  std::string s;
  for (int b = 7; b >= 0; --b)
    if (const char c = static_cast<char>((entries_[i].key >> (8 * b)) & 0xFF)) s.push_back(c);
  if (s.size() > 3) s.insert(s.size() - 3, 1, ' ');
  return s;
}

std::optional<double> distance_miles(const PostcodeInfo& a, const PostcodeInfo& b) {
  if (!a.has_grid || !b.has_grid) return std::nullopt;
  // In double: the difference of two int32 grid references can overflow an int32.
  const double de = static_cast<double>(a.easting) - b.easting, dn = static_cast<double>(a.northing) - b.northing;
  const double miles = std::sqrt(de * de + dn * dn) / 1000.0 / 1.6093;
  return std::round(miles * 10.0) / 10.0;
}

}  // namespace careflow
