// SHA-256 (FIPS 180-4), as lower-case hex, by OpenSSL's libcrypto (which uses the processor's
// SHA instructions where it has them). Output manifests record each input file's hash, so that
// whoever reads a report can tell whether a return is the one the report was made from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace careflow {

std::string sha256_hex(std::string_view data);

// The file's hash, read in blocks (never held whole), and its size in `bytes` (what was hashed);
// none, with `error` set, if it cannot be read.
std::optional<std::string> sha256_file_hex(const std::string& path, std::string* error = nullptr,
                                           uint64_t* bytes = nullptr);

}  // namespace careflow
