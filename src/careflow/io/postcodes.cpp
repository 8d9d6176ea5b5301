#include "careflow/io/postcodes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include <zlib.h>

#include "careflow/io/csv.hpp"
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
    const auto u = static_cast<unsigned char>(std::toupper(static_cast<unsigned char>(c)));
    k = (k << 8) | u;
  }
  if (n == 0) return std::nullopt;
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

// A gzipped file's text, decompressed straight into a buffer sized once from the gzip trailer
// (ISIZE, the length mod 2^32): the directory is ~90 MB unpacked, and growing a string to that
// size chunk by chunk cost more (copies and page faults) than inflating it. Other files as
// read_file reads them.
bool read_whole(const std::string& path, std::string& out) {
  if (path.size() <= 3 || path.compare(path.size() - 3, 3, ".gz") != 0) return read_file(path, out);
  size_t hint = 0;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    unsigned char b[4];
    if (std::fseek(f, -4, SEEK_END) == 0 && std::fread(b, 1, 4, f) == 4)
      hint = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<size_t>(b[3]) << 24);
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
  std::string text;
  if (!read_whole(onspd_path, text)) {
    problems.add({Severity::error, onspd_path, 0, "", "unreadable", "the postcode directory cannot be read"});
    return std::nullopt;
  }
  PostcodeDirectory d;
  std::unordered_map<std::string, uint16_t> la_index;
  std::vector<std::string_view> f;
  std::string_view all(text);
  size_t pos = 0, line_no = 0;
  int c_pcd = -1, c_la = -1, c_e = -1, c_n = -1;
  d.entries_.reserve(all.size() / 36);
  size_t bad = 0;
  std::string_view last_la;
  uint16_t last_index = 0;
  while (pos < all.size()) {
    size_t nl = all.find('\n', pos);
    if (nl == std::string_view::npos) nl = all.size();
    const std::string_view line = all.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (trim(line).empty()) continue;
    split(line, f);
    if (c_pcd < 0) {
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
      continue;
    }
    const int need = std::max({c_pcd, c_la, c_e, c_n});
    if (static_cast<int>(f.size()) <= need) { ++bad; continue; }
    const auto key = pack(f[static_cast<size_t>(c_pcd)]);
    if (!key) { ++bad; continue; }
    // Neighbouring postcodes mostly share an LA: skip the hash lookup when it repeats.
    const std::string_view la = f[static_cast<size_t>(c_la)];
    if (la != last_la) {
      auto [it, inserted] = la_index.try_emplace(std::string(la), static_cast<uint16_t>(d.las_.size()));
      if (inserted) d.las_.emplace_back(la);
      last_la = la;
      last_index = it->second;
    }
    d.entries_.push_back({*key, last_index, to_int(f[static_cast<size_t>(c_e)]), to_int(f[static_cast<size_t>(c_n)])});
  }
  if (bad)
    problems.add({Severity::warning, onspd_path, 0, "", "bad-rows",
                  fmt::format("{} row(s) without a usable postcode were skipped", bad)});
  std::sort(d.entries_.begin(), d.entries_.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
  // Upper tiers: LTLA -> UTLA; an LA missing from the lookup (Scotland, unitaries) is its own.
  d.utlas_ = d.las_;
  if (!ltla_to_utla_path.empty()) {
    std::string lookup;
    if (!read_file(ltla_to_utla_path, lookup)) {
      problems.add({Severity::warning, ltla_to_utla_path, 0, "", "unreadable",
                    "the LTLA to UTLA lookup cannot be read; upper tiers equal lower tiers"});
    } else {
      std::string_view l(lookup);
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
        const auto it = la_index.find(std::string(f[static_cast<size_t>(c_ltla)]));
        if (it != la_index.end()) d.utlas_[it->second] = std::string(f[static_cast<size_t>(c_utla)]);
      }
    }
  }
  return d;
}

std::optional<PostcodeDirectory> PostcodeDirectory::load_reference(ProblemLog& problems) {
  const auto onspd = reference_file(kOnspd);
  if (!onspd) {
    problems.add({Severity::warning, kOnspd, 0, "", "missing-reference", missing_reference_message(kOnspd)});
    return std::nullopt;
  }
  const auto utla = reference_file(kUtla);
  if (!utla)
    problems.add({Severity::warning, kUtla, 0, "", "missing-reference", missing_reference_message(kUtla)});
  return load(*onspd, utla ? *utla : std::string(), problems);
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
  const double de = a.easting - b.easting, dn = a.northing - b.northing;
  const double miles = std::sqrt(de * de + dn * dn) / 1000.0 / 1.6093;
  return std::round(miles * 10.0) / 10.0;
}

}  // namespace careflow
