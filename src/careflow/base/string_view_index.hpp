// Maps views of text that outlives the index (a return's child identifiers) to dense indexes.
// Open addressing in one flat array: a lookup is one or two cache lines, where a node-based map
// costs three or more misses. Validation looks children up tens of millions of times at national
// scale. (StringIndex, in string_index.hpp, owns packed copies of its keys instead: ingest frees
// the text as it goes.)
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "careflow/base/huge_pages.hpp"

namespace careflow {

class StringViewIndex {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  explicit StringViewIndex(size_t expected = 16) { rehash(expected * 2 + 16); }

  // The index of `key`, inserting it with `next_index` if absent. Keys are views: the caller
  // keeps the text alive for as long as the index is used.
  std::pair<uint32_t, bool> insert(std::string_view key, uint32_t next_index) {
    if ((size_ + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
    const uint64_t h = hash(key);
    size_t s = h & mask_;
    for (;; s = (s + 1) & mask_) {
      Slot& slot = slots_[s];
      if (slot.index == kAbsent) {
        slot = {h, key, next_index};
        ++size_;
        return {next_index, true};
      }
      if (slot.hash == h && slot.key == key) return {slot.index, false};
    }
  }

  uint32_t find(std::string_view key) const {
    const uint64_t h = hash(key);
    for (size_t s = h & mask_;; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.index == kAbsent) return kAbsent;
      if (slot.hash == h && slot.key == key) return slot.index;
    }
  }

  // Replaces the index stored for an existing key.
  void set(std::string_view key, uint32_t index) {
    const uint64_t h = hash(key);
    for (size_t s = h & mask_;; s = (s + 1) & mask_) {
      Slot& slot = slots_[s];
      if (slot.index == kAbsent) return;
      if (slot.hash == h && slot.key == key) {
        slot.index = index;
        return;
      }
    }
  }

  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    std::string_view key;
    uint32_t index = kAbsent;
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;

  // FNV-1a over the bytes, then a final mix so that the low bits used for slots are well spread.
  static uint64_t hash(std::string_view s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
  }

  void rehash(size_t want) {
    size_t cap = 16;
    while (cap < want) cap <<= 1;
    std::vector<Slot> old = std::move(slots_);
    // A national table's index is megabytes, filled at once: huge pages save most of its faults.
    slots_.reserve(cap);
    advise_huge(slots_.data(), cap * sizeof(Slot));
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    for (const Slot& o : old) {
      if (o.index == kAbsent) continue;
      size_t s = o.hash & mask_;
      while (slots_[s].index != kAbsent) s = (s + 1) & mask_;
      slots_[s] = o;
    }
  }
};

}  // namespace careflow
