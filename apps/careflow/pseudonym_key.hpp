// Which key careflow's pseudonyms are made with. The library only takes a PseudonymKey; the
// command line decides where it comes from, in this order:
//   1. --pseudonym-key-file FILE (a region's shared key, say);
//   2. CAREFLOW_PSEUDONYM_KEY (the key's text itself);
//   3. this installation's key: $XDG_CONFIG_HOME/careflow/pseudonym.key, else
//      ~/.config/careflow/pseudonym.key, made on first use from 256 bits of the operating
//      system's random source, readable by the user only, never overwritten.
// A key file holds the key's text (careflow writes 64 hex digits); surrounding white space is
// not part of it, so `CAREFLOW_PSEUDONYM_KEY=$(cat FILE)` makes the same pseudonyms as the file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "careflow/core/privacy.hpp"

namespace careflow::cli {

// This installation's key file, from XDG_CONFIG_HOME or HOME; empty if neither is set.
std::string installation_key_path();

// The file given with --pseudonym-key-file (set by main while the command line is parsed).
void set_pseudonym_key_file(std::string path);

// The key, found as above; says on stderr where a key was made when it makes one. If there is
// none to be had (an unreadable or empty key file, no home folder, an unwritable one), prints
// why and what to do, prefixed with `command`, and returns nullopt: the command stops (exit 2)
// rather than make pseudonyms with some other key.
std::optional<PseudonymKey> pseudonym_key(std::string_view command);

// What --help says about the key, with this installation's path.
std::string pseudonym_key_help();

}  // namespace careflow::cli
