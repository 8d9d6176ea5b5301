#include "careflow/core/privacy.hpp"

#include <cstdio>
#include <cstring>

namespace careflow {

std::optional<PseudonymKey> PseudonymKey::from_text(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // The secret is the text itself; the fold only shapes it into 128 bits.
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  for (unsigned char c : text) {
    a = (a ^ c) * 0x100000001b3ULL;
    b = (b ^ (c + 0x9eU)) * 0x100000001b3ULL;
  }
  return PseudonymKey(a, b);
}

namespace {
uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }
}  // namespace

// SipHash-2-4 (Aumasson & Bernstein), a keyed hash designed for exactly this use.
uint64_t PseudonymKey::hash(std::string_view in) const {
  uint64_t v0 = 0x736f6d6570736575ULL ^ k0_, v1 = 0x646f72616e646f6dULL ^ k1_;
  uint64_t v2 = 0x6c7967656e657261ULL ^ k0_, v3 = 0x7465646279746573ULL ^ k1_;
  auto round = [&] {
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
  };
  const size_t n = in.size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t m;
    std::memcpy(&m, in.data() + i, 8);
    v3 ^= m; round(); round(); v0 ^= m;
  }
  uint64_t last = static_cast<uint64_t>(n) << 56;
  for (size_t j = 0; i + j < n; ++j) last |= static_cast<uint64_t>(static_cast<unsigned char>(in[i + j])) << (8 * j);
  v3 ^= last; round(); round(); v0 ^= last;
  v2 ^= 0xff;
  round(); round(); round(); round();
  return v0 ^ v1 ^ v2 ^ v3;
}

std::string pseudonymise(std::string_view child_id, const PseudonymKey& key) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "C%012llx",
                static_cast<unsigned long long>(key.hash(child_id) & 0xFFFFFFFFFFFFULL));
  return buf;
}

}  // namespace careflow
