// Maps strings (child identifiers, postcodes, URNs) to dense indexes, numbered in order of first
// sight. Open addressing in one flat array of packed keys: a lookup is one cache line and no
// string compare, where a node-based map costs three or more misses. Millions of rows are looked
// up while a national history is built, so this matters; and since the index owns its keys, the
// text they came from can be freed (or reused for the next file) at once.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "careflow/base/huge_pages.hpp"

namespace careflow {

// A string packed in 12 bytes when it has at most 11 characters (DfE's CHILD has at most 10;
// postcodes and URNs have 8): hashing and comparing it then reads no text. Longer ones are kept
// in a list of the caller's, which `lo` indexes.
struct PackedString {
  static constexpr uint32_t kLong = 0xFF000000u;
  uint64_t lo = 0;  // characters 0-7
  uint32_t hi = 0;  // characters 8-10, and the length in the top byte
  bool is_long() const { return (hi & kLong) == kLong; }
};

inline PackedString pack_string(std::string_view s, std::vector<std::string>& long_ids) {
  PackedString p;
  if (s.size() > 11) {
    p.lo = long_ids.size();
    p.hi = PackedString::kLong;
    long_ids.emplace_back(s);
    return p;
  }
  char b[12] = {};
  if (!s.empty()) std::memcpy(b, s.data(), s.size());  // a blank cell may have no data at all
  std::memcpy(&p.lo, b, 8);
  uint32_t rest = 0;
  std::memcpy(&rest, b + 8, 3);
  p.hi = rest | static_cast<uint32_t>(s.size()) << 24;
  return p;
}

class StringIndex {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  StringIndex() { rehash(1 << 10); }

  // The index of a string, numbering it if it is new. `long_ids` is the list pack_string put
  // the string in if it was too long to pack.
  uint32_t resolve(const PackedString& p, const std::vector<std::string>& long_ids) {
    return p.is_long() ? resolve_long(long_ids[p.lo]) : resolve_short(p);
  }

  // Resolves many strings, in order (numbering new ones in that order). With `skip_empty`, the empty string is not numbered and resolves to kAbsent.
  void resolve(const std::vector<PackedString>& ids, const std::vector<std::string>& long_ids,
               std::vector<uint32_t>& out, bool skip_empty = false) {
    out.resize(ids.size());
    constexpr size_t kAhead = 8;  // lookups are cache misses: start the next ones early
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i + kAhead < ids.size() && !ids[i + kAhead].is_long())
        __builtin_prefetch(&slots_[hash(ids[i + kAhead]) & mask_]);
      out[i] = skip_empty && ids[i].lo == 0 && ids[i].hi == 0 ? kAbsent : resolve(ids[i], long_ids);
    }
  }

  size_t size() const { return names_.size(); }
  // The string itself.
  std::string name(uint32_t i) const {
    const PackedString& p = names_[i];
    if (p.is_long()) return long_names_[p.lo];
    char b[12];
    std::memcpy(b, &p.lo, 8);
    std::memcpy(b + 8, &p.hi, 3);
    return std::string(b, p.hi >> 24);
  }
  // Orders as the strings' text does, without building it when both are packed: bytes
  // compared big-endian, then length (which also orders strings holding NUL bytes).
  bool less(uint32_t a, uint32_t b) const {
    const PackedString& x = names_[a];
    const PackedString& y = names_[b];
    if (x.is_long() || y.is_long()) return name(a) < name(b);
    const uint64_t xl = __builtin_bswap64(x.lo), yl = __builtin_bswap64(y.lo);
    if (xl != yl) return xl < yl;
    const uint32_t xh = __builtin_bswap32(x.hi << 8), yh = __builtin_bswap32(y.hi << 8);
    if (xh != yh) return xh < yh;
    return (x.hi >> 24) < (y.hi >> 24);
  }

 private:
  struct Slot {
    uint64_t lo = 0;
    uint32_t hi = 0;
    uint32_t index = kAbsent;
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<PackedString> names_;
  std::vector<std::string> long_names_;
  std::unordered_map<std::string, uint32_t> long_index_;

  static uint64_t hash(const PackedString& p) {
    uint64_t h = p.lo * 0x9E3779B97F4A7C15ULL ^ (static_cast<uint64_t>(p.hi) * 0xC2B2AE3D27D4EB4FULL);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 32);
  }

  uint32_t resolve_short(const PackedString& p) {
    for (size_t s = hash(p) & mask_;; s = (s + 1) & mask_) {
      Slot& slot = slots_[s];
      if (slot.index == kAbsent) {
        const auto i = static_cast<uint32_t>(names_.size());
        slot = {p.lo, p.hi, i};
        grow_huge(names_, names_.size() + 1);
        names_.push_back(p);
        if (names_.size() * 10 > slots_.size() * 7) rehash(slots_.size() * 2);
        return i;
      }
      if (slot.lo == p.lo && slot.hi == p.hi) return slot.index;
    }
  }

  uint32_t resolve_long(const std::string& s) {
    const auto [it, inserted] = long_index_.emplace(s, static_cast<uint32_t>(names_.size()));
    if (inserted) {
      names_.push_back({long_names_.size(), PackedString::kLong});
      long_names_.push_back(s);
    }
    return it->second;
  }

  void rehash(size_t cap) {
    std::vector<Slot> old = std::move(slots_);
    slots_.reserve(cap);
    advise_huge(slots_.data(), cap * sizeof(Slot));
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    for (const Slot& o : old) {
      if (o.index == kAbsent) continue;
      size_t s = hash(PackedString{o.lo, o.hi}) & mask_;
      while (slots_[s].index != kAbsent) s = (s + 1) & mask_;
      slots_[s] = o;
    }
  }
};

}  // namespace careflow
