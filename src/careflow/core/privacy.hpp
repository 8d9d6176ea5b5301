// Child identifiers are personal data. Anything careflow prints, logs or writes for use outside
// the case-management system shows a pseudonym instead: stable for one key, so rows about one
// child can be linked (and, with one key shared across a region, linked between councils), but
// not reversible without the key.
//
// The library holds no key of its own and reads no environment: a pseudonym can only be made
// with a PseudonymKey, which can only be made from a secret the caller gives (the command line
// reads it from the user's key file or CAREFLOW_PSEUDONYM_KEY; see apps/careflow/pseudonym_key.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace careflow {

class PseudonymKey {
 public:
  // From the key's text (a key file's contents or CAREFLOW_PSEUDONYM_KEY; the caller trims it),
  // folded into SipHash's 128-bit key by two FNV-1a streams: the fold careflow has always used,
  // so that a council's pseudonyms made with a key it set stay the same. nullopt if empty.
  static std::optional<PseudonymKey> from_text(std::string_view text);
  // SipHash's key words directly (k0 = key bytes 0-7, k1 = bytes 8-15, little-endian), as in
  // the algorithm's published test vectors.
  static PseudonymKey from_words(uint64_t k0, uint64_t k1) { return PseudonymKey(k0, k1); }

  // SipHash-2-4 of `bytes` under this key.
  uint64_t hash(std::string_view bytes) const;

 private:
  PseudonymKey(uint64_t k0, uint64_t k1) : k0_(k0), k1_(k1) {}
  uint64_t k0_, k1_;
};

// "C" followed by the low 48 bits (12 hex digits) of the identifier's SipHash-2-4 under `key`.
std::string pseudonymise(std::string_view child_id, const PseudonymKey& key);

}  // namespace careflow
