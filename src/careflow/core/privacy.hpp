// Child identifiers are personal data. Anything careflow prints, logs or writes for use outside
// the case-management system shows a pseudonym instead: stable within a run and a key, so rows
// about one child can be linked, but not reversible without the key.
#pragma once

#include <string>
#include <string_view>

namespace careflow {

// Sets the key for pseudonyms (e.g. from --pseudonym-key or CAREFLOW_PSEUDONYM_KEY). With the
// default key, pseudonyms are stable across runs on one machine's installation only in so far
// as the key is unchanged; councils should set their own.
void set_pseudonym_key(std::string key);

// "C" followed by 12 hex digits of a keyed 64-bit hash (SipHash-2-4) of the identifier.
std::string pseudonymise(std::string_view child_id);

}  // namespace careflow
