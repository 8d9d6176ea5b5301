// Reads the files of a ZIP archive (an XLSX workbook is one) through its central directory, with
// zlib for deflated entries: enough for tests to look inside the sheets careflow writes.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>

namespace careflow::testing {

inline std::map<std::string, std::string> unzip(const std::string& zip) {
  std::map<std::string, std::string> out;
  auto u16 = [&](size_t at) { return at + 2 <= zip.size() ? uint32_t(uint8_t(zip[at])) | uint32_t(uint8_t(zip[at + 1])) << 8 : 0u; };
  auto u32 = [&](size_t at) { return u16(at) | u16(at + 2) << 16; };
  // End of central directory: the last "PK\5\6".
  size_t eocd = zip.rfind(std::string("PK\x05\x06", 4));
  if (eocd == std::string::npos) return out;
  const uint32_t entries = u16(eocd + 10);
  size_t at = u32(eocd + 16);
  for (uint32_t i = 0; i < entries && at + 46 <= zip.size() && u32(at) == 0x02014b50; ++i) {
    const uint32_t method = u16(at + 10), compressed = u32(at + 20), size = u32(at + 24);
    const uint32_t name_len = u16(at + 28), extra_len = u16(at + 30), comment_len = u16(at + 32), local = u32(at + 42);
    const std::string name = zip.substr(at + 46, name_len);
    at += 46 + name_len + extra_len + comment_len;
    if (local + 30 > zip.size()) continue;
    const size_t data = local + 30 + u16(local + 26) + u16(local + 28);
    if (data + compressed > zip.size()) continue;
    if (method == 0) {
      out[name] = zip.substr(data, compressed);
      continue;
    }
    std::string text(size, '\0');
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) continue;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zip.data() + data));
    z.avail_in = compressed;
    z.next_out = reinterpret_cast<Bytef*>(text.data());
    z.avail_out = size;
    const int rc = inflate(&z, Z_FINISH);
    inflateEnd(&z);
    if (rc == Z_STREAM_END) out[name] = std::move(text);
  }
  return out;
}

}  // namespace careflow::testing
