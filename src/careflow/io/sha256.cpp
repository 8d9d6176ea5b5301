#include "careflow/io/sha256.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace careflow {

namespace {

struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_MD_CTX, CtxFree>;

Ctx new_ctx() {
  Ctx c(EVP_MD_CTX_new());
  if (!c || EVP_DigestInit_ex(c.get(), EVP_sha256(), nullptr) != 1) return nullptr;
  return c;
}

std::string finish(EVP_MD_CTX* c) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(c, md, &n) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * n, '0');
  for (unsigned int i = 0; i < n; ++i) {
    hex[2 * i] = kHex[md[i] >> 4];
    hex[2 * i + 1] = kHex[md[i] & 15];
  }
  return hex;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  Ctx c = new_ctx();
  if (!c || EVP_DigestUpdate(c.get(), data.data(), data.size()) != 1) return {};
  return finish(c.get());
}

std::optional<std::string> sha256_file_hex(const std::string& path, std::string* error, uint64_t* bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    if (error) *error = "cannot read " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  Ctx c = new_ctx();
  std::vector<char> buf(1 << 20);
  bool ok = c != nullptr;
  uint64_t total = 0;
  for (size_t n; ok && (n = std::fread(buf.data(), 1, buf.size(), f)) > 0; total += n)
    ok = EVP_DigestUpdate(c.get(), buf.data(), n) == 1;
  ok = ok && !std::ferror(f);
  std::fclose(f);
  if (!ok) {
    if (error) *error = "cannot read " + path;
    return std::nullopt;
  }
  if (bytes) *bytes = total;
  return finish(c.get());
}

}  // namespace careflow
