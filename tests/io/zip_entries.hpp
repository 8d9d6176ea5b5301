// The files inside a ZIP archive (an XLSX workbook is one), read with zlib, for tests that look
// at what a workbook holds: its shared strings and sheets are deflated, so a plain search of the
// file's bytes would find nothing.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace careflow::testing {

// Entry name -> contents. Throws if the archive cannot be read (a test then fails loudly).
inline std::map<std::string, std::string> zip_entries(const std::string& zip) {
  auto u16 = [&](size_t at) -> uint32_t {
    if (at + 2 > zip.size()) throw std::runtime_error("truncated zip");
    return static_cast<unsigned char>(zip[at]) | static_cast<unsigned char>(zip[at + 1]) << 8;
  };
  auto u32 = [&](size_t at) -> uint32_t { return u16(at) | u16(at + 2) << 16; };
  // End of central directory record: the last "PK\5\6".
  size_t end = std::string::npos;
  for (size_t i = zip.size() >= 22 ? zip.size() - 22 + 1 : 0; i-- > 0;)
    if (u32(i) == 0x06054b50) {
      end = i;
      break;
    }
  if (end == std::string::npos) throw std::runtime_error("not a zip archive");
  const uint32_t count = u16(end + 10);
  size_t p = u32(end + 16);
  std::map<std::string, std::string> out;
  for (uint32_t k = 0; k < count; ++k) {
    if (u32(p) != 0x02014b50) throw std::runtime_error("bad central directory");
    const uint32_t method = u16(p + 10), packed = u32(p + 20), size = u32(p + 24);
    const uint32_t name_len = u16(p + 28), extra_len = u16(p + 30), comment_len = u16(p + 32);
    const size_t local = u32(p + 42);
    const std::string name = zip.substr(p + 46, name_len);
    p += 46 + name_len + extra_len + comment_len;
    if (u32(local) != 0x04034b50) throw std::runtime_error("bad local header");
    const size_t data = local + 30 + u16(local + 26) + u16(local + 28);
    if (data + packed > zip.size()) throw std::runtime_error("truncated entry");
    if (method == 0) {
      out[name] = zip.substr(data, packed);
      continue;
    }
    if (method != 8) throw std::runtime_error("unknown compression in " + name);
    std::string text(size, '\0');
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw std::runtime_error("inflateInit2");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zip.data() + data));
    z.avail_in = packed;
    z.next_out = reinterpret_cast<Bytef*>(text.data());
    z.avail_out = size;
    const int rc = inflate(&z, Z_FINISH);
    inflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("cannot inflate " + name);
    out[name] = std::move(text);
  }
  return out;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Everything a workbook holds, its entries' texts one after another.
inline std::string xlsx_text(const std::string& path) {
  std::string all;
  for (const auto& [name, text] : zip_entries(read_bytes(path))) all += text;
  return all;
}

}  // namespace careflow::testing
