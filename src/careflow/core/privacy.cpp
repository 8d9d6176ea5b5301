#include "careflow/core/privacy.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace careflow {

namespace {

struct Key { uint64_t k0, k1; };

Key derive_key(std::string_view text) {
  // Fold the key text into 128 bits with two FNV-1a streams; the secret is the text itself.
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  for (unsigned char c : text) {
    a = (a ^ c) * 0x100000001b3ULL;
    b = (b ^ (c + 0x9eU)) * 0x100000001b3ULL;
  }
  return {a, b};
}

Key& key() {
  static Key k = [] {
    const char* env = std::getenv("CAREFLOW_PSEUDONYM_KEY");
    return derive_key(env && *env ? env : "careflow-default-pseudonym-key");
  }();
  return k;
}

uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

// SipHash-2-4 (Aumasson & Bernstein), a keyed hash designed for exactly this use.
uint64_t siphash24(std::string_view in, Key k) {
  uint64_t v0 = 0x736f6d6570736575ULL ^ k.k0, v1 = 0x646f72616e646f6dULL ^ k.k1;
  uint64_t v2 = 0x6c7967656e657261ULL ^ k.k0, v3 = 0x7465646279746573ULL ^ k.k1;
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

}  // namespace

void set_pseudonym_key(std::string text) { key() = derive_key(text); }

std::string pseudonymise(std::string_view child_id) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "C%012llx",
                static_cast<unsigned long long>(siphash24(child_id, key()) & 0xFFFFFFFFFFFFULL));
  return buf;
}

}  // namespace careflow
