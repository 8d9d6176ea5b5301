// Large arrays on transparent huge pages. Ingesting a national history fills a few hundred
// megabytes of arrays once, front to back; with 4 KB pages the page faults alone cost more than
// a second of system time (in a VM, each is a trap to the hypervisor too). With 2 MB pages
// there are 512 times fewer. Advice only: where huge pages are off it changes nothing.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace careflow {

// Advises huge pages for the whole 2 MB pages inside [data, data + bytes). Call it before the
// memory is first touched: pages already faulted in stay small.
inline void advise_huge(const void* data, size_t bytes) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  if (bytes < 2 * kHuge) return;
  const auto begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

// Makes room for `n` elements (at least doubling, so that appends stay amortised O(1)) in new
// storage advised onto huge pages before anything is copied into it.
template <typename T>
void grow_huge(std::vector<T>& v, size_t n) {
  if (v.capacity() >= n) return;
  std::vector<T> bigger;
  bigger.reserve(std::max(n, v.capacity() * 2));
  advise_huge(bigger.data(), bigger.capacity() * sizeof(T));
  bigger.insert(bigger.end(), v.begin(), v.end());
  v = std::move(bigger);
}

}  // namespace careflow
