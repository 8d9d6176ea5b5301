#include "pseudonym_key.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace careflow::cli {
namespace {

namespace fs = std::filesystem;

std::string& key_file_option() {
  static std::string path;
  return path;
}

// Key text is at most this long: a larger file is not a key (a return given by mistake, say).
constexpr size_t kMaxKeyBytes = 4096;
// Shorter keys are accepted with a warning: anyone holding one child's identifier and its
// pseudonym could find a short key by trying keys. careflow's own keys are 64 hex digits.
constexpr size_t kShortKey = 16;

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Reads a key file's text; false (with why) if it cannot be used as a key.
bool read_key_file(const std::string& path, std::string& text, std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = fmt::format("cannot read the pseudonym key file {}: {}", path, std::strerror(errno));
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    error = fmt::format("the pseudonym key file {} is not a file", path);
    return false;
  }
  if (st.st_size > static_cast<off_t>(kMaxKeyBytes)) {
    ::close(fd);
    error = fmt::format("{} is {} bytes, too large for a pseudonym key file (at most {})", path,
                        static_cast<long long>(st.st_size), kMaxKeyBytes);
    return false;
  }
  std::string bytes(kMaxKeyBytes + 1, '\0');
  size_t got = 0;
  for (ssize_t n; got < bytes.size() && (n = ::read(fd, bytes.data() + got, bytes.size() - got)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      error = fmt::format("cannot read the pseudonym key file {}: {}", path, std::strerror(errno));
      ::close(fd);
      return false;
    }
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  text = std::string(trim(std::string_view(bytes.data(), std::min(got, kMaxKeyBytes))));
  if (text.empty()) {
    error = fmt::format("the pseudonym key file {} is empty", path);
    return false;
  }
  if (st.st_mode & S_IROTH)
    fmt::print(stderr, "careflow: warning: the pseudonym key file {} can be read by every user of this machine; "
                       "make it private with: chmod 600 {}\n", path, path);
  return true;
}

// Creates every missing folder of `dir`, each readable by the user only.
bool make_private_folders(const fs::path& dir, std::string& error) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return true;
  if (dir.has_parent_path() && dir.parent_path() != dir && !make_private_folders(dir.parent_path(), error)) return false;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    error = fmt::format("cannot make the folder {}: {}", dir.string(), std::strerror(errno));
    return false;
  }
  return true;
}

// Makes this installation's key at `path` unless it exists. The key is written whole to a
// private temporary file beside it and then linked into place: link() never replaces a file, so
// a key (perhaps a region's, copied there) is never overwritten, and a second careflow making a
// key at the same moment finds the first one's, complete. `made` says whether this call made it.
bool make_key_file(const fs::path& path, bool& made, std::string& error) {
  made = false;
  if (!make_private_folders(path.parent_path(), error)) return false;
  std::string temp = (path.parent_path() / ".pseudonym.key.XXXXXX").string();
  const int fd = ::mkstemp(temp.data());  // mode 0600
  if (fd < 0) {
    error = fmt::format("cannot write in {}: {}", path.parent_path().string(), std::strerror(errno));
    return false;
  }
  unsigned char random[32];  // 256 bits
  size_t got = 0;
  while (got < sizeof random) {
    const ssize_t n = ::getrandom(random + got, sizeof random - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = fmt::format("the operating system's random source failed: {}", std::strerror(errno));
      ::close(fd);
      ::unlink(temp.c_str());
      return false;
    }
    got += static_cast<size_t>(n);
  }
  std::string text;
  for (unsigned char b : random) text += fmt::format("{:02x}", b);
  text += '\n';
  bool ok = ::fchmod(fd, 0600) == 0;
  for (size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    error = fmt::format("cannot write {}: {}", temp, std::strerror(errno));
    ::unlink(temp.c_str());
    return false;
  }
  int placed = ::link(temp.c_str(), path.c_str());
  int place_errno = errno;
  if (placed != 0 && place_errno != EEXIST) {
    // A file system without hard links (FAT, some network shares): a rename that never
    // replaces is as safe, where the file system has it.
    placed = ::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
    place_errno = errno;
  }
  ::unlink(temp.c_str());  // (gone already if renamed)
  if (placed != 0 && place_errno != EEXIST) {
    error = fmt::format("cannot make the pseudonym key file {}: {}", path.string(), std::strerror(place_errno));
    return false;
  }
  made = placed == 0;
  if (made)
    if (const int dfd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
      ::fsync(dfd);  // the new name survives a crash
      ::close(dfd);
    }
  return true;
}

std::optional<PseudonymKey> key_from(std::string_view text, std::string_view where) {
  if (text.size() < kShortKey)
    fmt::print(stderr, "careflow: warning: the pseudonym key from {} is only {} characters: anyone with one child's "
                       "identifier and pseudonym could find it by trying keys. Use at least {} random characters "
                       "(careflow's own key files hold 64)\n", where, text.size(), kShortKey);
  return PseudonymKey::from_text(text);
}

}  // namespace

std::string installation_key_path() {
  // XDG Base Directory: XDG_CONFIG_HOME if set to an absolute path, else ~/.config.
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && xdg[0] == '/')
    return (fs::path(xdg) / "careflow" / "pseudonym.key").string();
  if (const char* home = std::getenv("HOME"); home && home[0] == '/')
    return (fs::path(home) / ".config" / "careflow" / "pseudonym.key").string();
  return "";
}

void set_pseudonym_key_file(std::string path) { key_file_option() = std::move(path); }

std::optional<PseudonymKey> pseudonym_key(std::string_view command) {
  std::string text, error;
  const auto fail = [&] {
    fmt::print(stderr, "careflow {}: {}\n", command, error);
    return std::nullopt;
  };
  if (const std::string& file = key_file_option(); !file.empty()) {
    if (!read_key_file(file, text, error)) return fail();
    return key_from(text, file);
  }
  // Set but blank counts as not set, as it always has.
  if (const char* env = std::getenv("CAREFLOW_PSEUDONYM_KEY")) {
    text = std::string(trim(env));
    if (!text.empty()) return key_from(text, "CAREFLOW_PSEUDONYM_KEY");
  }
  const std::string path = installation_key_path();
  if (path.empty()) {
    error = "no pseudonym key: neither XDG_CONFIG_HOME nor HOME is set, so this installation has no key file. "
            "Give --pseudonym-key-file FILE or set CAREFLOW_PSEUDONYM_KEY";
    return fail();
  }
  bool made = false;
  std::error_code ec;
  if (!fs::exists(path, ec) && !make_key_file(path, made, error)) {
    error += ". Give --pseudonym-key-file FILE or set CAREFLOW_PSEUDONYM_KEY instead";
    return fail();
  }
  if (made)
    fmt::print(stderr, "careflow: made this installation's pseudonym key, {} (readable by you only). Pseudonyms "
                       "stay the same only with the same key: keep the file. To link pseudonyms across a region, "
                       "put one key file on every machine (see the README, Privacy)\n", path);
  if (!read_key_file(path, text, error)) return fail();
  return key_from(text, path);
}

std::string pseudonym_key_help() {
  const std::string path = installation_key_path();
  return fmt::format("Key file for child pseudonyms. Default: CAREFLOW_PSEUDONYM_KEY if set, else this "
                     "installation's key, {}, made on first use (README, Privacy)",
                     path.empty() ? "$XDG_CONFIG_HOME/careflow/pseudonym.key or ~/.config/careflow/pseudonym.key" : path);
}

}  // namespace careflow::cli
