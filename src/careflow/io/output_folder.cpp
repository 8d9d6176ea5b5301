#include "careflow/io/output_folder.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "careflow/core/version.hpp"
#include "careflow/io/sha256.hpp"

namespace careflow {

namespace fs = std::filesystem;

namespace {

std::string errno_text() { return std::strerror(errno); }

// The folder to write beside, and the name: a path's trailing separator and symbolic links
// resolved, so that the temporary name is made on the file system the target is on.
fs::path resolve(const std::string& given) {
  std::error_code ec;
  fs::path p = fs::absolute(given, ec);
  if (ec) p = given;
  fs::path r = fs::weakly_canonical(p, ec);
  if (ec) r = p.lexically_normal();
  if (!r.has_filename()) r = r.parent_path();
  return r;
}

// ".NAME.careflow-partial-PID-": the part of a temporary name that says whose it is. Long names
// are cut so that the temporary name still fits in a directory entry (255 bytes).
std::string partial_prefix(const fs::path& target) {
  return fmt::format(".{}{}", target.filename().string().substr(0, 150), kPartialMarker);
}

std::string random_suffix() {
  std::random_device rd;
  const uint64_t x = (uint64_t{rd()} << 32) ^ rd();
  return fmt::format("{:012x}", x & 0xffffffffffffull);
}

// Makes the missing folders above `dir` and `dir` itself, outermost first, recording those made.
bool make_folders(const fs::path& dir, std::vector<fs::path>& created, std::string* error) {
  std::vector<fs::path> missing;
  std::error_code ec;
  fs::path p = dir;
  while (!p.empty() && !fs::exists(fs::symlink_status(p, ec))) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  if (!p.empty() && fs::exists(fs::symlink_status(p, ec)) && !fs::is_directory(p, ec)) {
    if (error) *error = fmt::format("cannot make the folder {}: {} is not a folder", dir.string(), p.string());
    return false;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0777) != 0 && errno != EEXIST) {
      if (error) *error = fmt::format("cannot make the folder {}: {}", it->string(), errno_text());
      return false;
    }
    created.push_back(*it);
  }
  return true;
}

// Removes the folders make_folders made (innermost first), if they are still empty.
void remove_made_folders(std::vector<fs::path>& created) {
  std::error_code ec;
  for (auto it = created.rbegin(); it != created.rend(); ++it) fs::remove(*it, ec);
  created.clear();
}

// Removes what killed runs left beside `target`: temporary names of `target` whose process has
// gone (a process that still runs may be writing to its own).
void remove_abandoned(const fs::path& target, const fs::path& keep) {
  const std::string prefix = partial_prefix(target);
  std::error_code ec;
  for (fs::directory_iterator it(target.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0 || it->path() == keep) continue;
    const std::string rest = name.substr(prefix.size());
    const size_t dash = rest.find('-');
    if (dash == 0 || dash == std::string::npos ||
        !std::all_of(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(dash), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      continue;
    long long pid = 0;
    try {
      pid = std::stoll(rest.substr(0, dash));
    } catch (...) {
      continue;
    }
    if (pid <= 0 || pid > INT32_MAX || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code rm;
    fs::remove_all(it->path(), rm);
  }
}

// The path's kind, following symbolic links, with a dangling link told apart.
enum class Kind { none, folder, other, dangling_link };
Kind kind_of(const fs::path& p) {
  std::error_code ec;
  const auto s = fs::status(p, ec);
  if (fs::exists(s)) return fs::is_directory(s) ? Kind::folder : Kind::other;
  return fs::is_symlink(fs::symlink_status(p, ec)) ? Kind::dangling_link : Kind::none;
}

bool is_empty_folder(const fs::path& p) {
  std::error_code ec;
  fs::directory_iterator it(p, ec);
  return !ec && it == fs::directory_iterator();
}

// Whether `inner` is `outer` or below it (both resolved).
bool within(const fs::path& inner, const fs::path& outer) {
  auto [o, i] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return o == outer.end();
}

// "PATH@2025" names PATH (when no file is called PATH@2025).
std::string strip_year_tag(const std::string& input) {
  std::error_code ec;
  const auto at = input.rfind('@');
  if (at == std::string::npos || at == 0 || fs::exists(input, ec)) return input;
  return input.substr(0, at);
}

bool is_read_from_folders(const fs::path& p) {
  std::string ext = p.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".csv" || ext == ".xml";
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

// ---- Single files -------------------------------------------------------------------------

PendingFile::~PendingFile() {
  if (!temp_.empty() && !committed_ && !direct_) ::unlink(temp_.c_str());
  if (!committed_) remove_made_folders(created_);
}

bool PendingFile::open(const std::string& target, std::string* error, const std::vector<std::string>& inputs) {
  auto fail = [&](std::string m) {
    if (error) *error = std::move(m);
    remove_made_folders(created_);
    return false;
  };
  if (target.empty()) return fail("no file name given");
  std::error_code ec;
  if (const auto s = fs::status(target, ec); fs::exists(s) && !fs::is_regular_file(s) && !fs::is_directory(s)) {
    target_ = temp_ = target;
    direct_ = true;
    return true;
  }
  const fs::path t = resolve(target);
  if (!t.has_filename()) return fail(fmt::format("cannot write {}: it is a folder, not a file", target));
  const Kind k = kind_of(t);
  if (k == Kind::folder) return fail(fmt::format("cannot write {}: it is a folder; give a file name", target));
  if (k == Kind::dangling_link) return fail(fmt::format("cannot write {}: it is a link to nothing", target));
  if (k == Kind::other && ::access(t.c_str(), W_OK) != 0)
    return fail(fmt::format("cannot write {}: {}", target, errno_text()));
  for (const auto& input : inputs)
    if (!input.empty() && within(t, resolve(strip_year_tag(input))))
      return fail(fmt::format("{} is, or is inside, the input {}: write the output elsewhere", target, input));
  if (!make_folders(t.parent_path(), created_, error)) return fail(error ? *error : std::string());
  const std::string prefix = (t.parent_path() / partial_prefix(t)).string() + std::to_string(::getpid()) + "-";
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string name = prefix + random_suffix();
    const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      ::close(fd);
      target_ = t.string();
      temp_ = name;
      remove_abandoned(t, temp_);
      return true;
    }
    if (errno != EEXIST) return fail(fmt::format("cannot write in the folder {}: {}", t.parent_path().string(), errno_text()));
  }
  return fail(fmt::format("cannot make a temporary file in {}", t.parent_path().string()));
}

bool PendingFile::commit(std::string* error) {
  if (temp_.empty() || committed_) {
    if (error) *error = "internal error: the file " + target_ + " was not opened, or already written";
    return false;
  }
  if (direct_) return committed_ = true;
  // An existing file keeps its permissions (as when it was overwritten in place).
  struct stat st {};
  if (::stat(target_.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::chmod(temp_.c_str(), st.st_mode & 07777);
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    if (error) *error = fmt::format("cannot write {}: {}", target_, errno_text());
    return false;
  }
  committed_ = true;
  return true;
}

bool write_file_replacing(const std::string& path, const std::function<bool(std::FILE*)>& write, std::string* error) {
  PendingFile pf;
  std::string why;
  if (!pf.open(path, &why)) {
    if (error) *error = why;
    return false;
  }
  errno = 0;
  // Closed however `write` ends (an exception from a table's rows, say), before the pending
  // file removes it.
  struct Close {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Close> f(std::fopen(pf.path().c_str(), "wb"));
  bool ok = f != nullptr;
  if (f) {
    ok = write(f.get());
    ok = std::fclose(f.release()) == 0 && ok;
  }
  if (!ok) {
    if (error) *error = "cannot write " + path + (errno ? std::string(": ") + errno_text() : std::string());
    return false;
  }
  return pf.commit(error);
}

bool write_text_file(const std::string& path, std::string_view text, std::string* error) {
  return write_file_replacing(
      path, [&](std::FILE* f) { return std::fwrite(text.data(), 1, text.size(), f) == text.size(); }, error);
}

// ---- Manifests ----------------------------------------------------------------------------

std::vector<InputFile> input_files(const std::vector<std::string>& inputs, const std::atomic<bool>* cancel) {
  std::vector<InputFile> files;
  std::set<std::string> seen;
  auto add = [&](const std::string& p) {
    if (seen.insert(resolve(p).string()).second) files.push_back({p, 0, "", ""});
  };
  for (const auto& input : inputs) {
    const std::string path = strip_year_tag(input);
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      add(path);
    } else if (fs::is_directory(path, ec)) {
      std::vector<std::string> below;
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
      for (; !ec && it != end && !(cancel && cancel->load()); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::error_code e2;
        const bool folder = it->is_directory(e2);
        if (!name.empty() && name[0] == '.') {
          if (folder) it.disable_recursion_pending();
          continue;
        }
        if (folder) {
          // Returns are read from a folder and its year folders, no deeper: a folder given by
          // mistake (a home folder, /) is not walked whole.
          if (it.depth() >= 1 || is_careflow_output_folder(it->path())) it.disable_recursion_pending();
        } else if (it->is_regular_file(e2) && is_read_from_folders(it->path())) {
          below.push_back(it->path().string());
        }
      }
      std::sort(below.begin(), below.end());
      for (const auto& b : below) add(b);
    }
  }
  if (files.empty()) return files;
  tbb::parallel_for(size_t{0}, files.size(), [&](size_t i) {
    auto& f = files[i];
    if (cancel && cancel->load()) return;
    if (auto h = sha256_file_hex(f.path, &f.error, &f.bytes)) f.sha256 = std::move(*h);
  });
  return files;
}

std::string manifest_json(const Manifest& m, const std::vector<InputFile>& files, std::string_view created) {
  nlohmann::ordered_json j;
  j["written_by"] = "careflow";
  j["manifest_version"] = 1;
  j["careflow_version"] = std::string(careflow_version());
  j["created"] = std::string(created);
  j["command"] = m.command;
  j["suppression"] = m.suppression ? (*m.suppression ? "on" : "off") : "not applied";
  if (!m.reference_data.empty()) j["reference_data"] = m.reference_data;
  j["inputs"] = nlohmann::ordered_json::array();
  for (const auto& f : files) {
    nlohmann::ordered_json e;
    e["path"] = f.path;
    if (f.error.empty()) {
      e["bytes"] = f.bytes;
      e["sha256"] = f.sha256;
    } else {
      e["error"] = f.error;
    }
    j["inputs"].push_back(std::move(e));
  }
  // Paths are the user's, in whatever encoding their file system has: never fail on them.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

bool is_careflow_output_folder(const fs::path& dir) {
  std::error_code ec;
  const fs::path m = dir / kManifestName;
  if (!fs::is_regular_file(m, ec) || fs::file_size(m, ec) > (1u << 24)) return false;
  std::ifstream in(m, std::ios::binary);
  const auto j = nlohmann::json::parse(in, nullptr, false);
  return j.is_object() && j.contains("written_by") && j["written_by"] == "careflow";
}

// ---- Folders ------------------------------------------------------------------------------

OutputFolder::~OutputFolder() {
  cancel_hashing_ = true;
  if (hashing_.valid()) hashing_.wait();
  if (committed_) return;
  std::error_code ec;
  if (!temp_.empty()) fs::remove_all(temp_, ec);
  remove_made_folders(created_);
}

bool OutputFolder::open(const std::string& target, const std::vector<std::string>& inputs, std::string* error) {
  auto fail = [&](std::string m) {
    if (error) *error = std::move(m);
    remove_made_folders(created_);
    return false;
  };
  if (target.empty()) return fail("no output folder given");
  const fs::path t = resolve(target);
  if (!t.has_filename() || t == t.root_path()) return fail(fmt::format("cannot write over {}: give a folder of its own", target));
  switch (kind_of(t)) {
    case Kind::other:
      return fail(fmt::format("{} is a file, not a folder: give a folder for the outputs", target));
    case Kind::dangling_link:
      return fail(fmt::format("{} is a link to nothing: give a folder for the outputs", target));
    case Kind::folder:
      if (!is_careflow_output_folder(t) && !is_empty_folder(t))
        return fail(fmt::format("{} holds files careflow did not write (it has no careflow {}); careflow replaces its output "
                                "folder whole, so it will not write there: give a new or empty folder",
                                target, kManifestName));
      // Moving a folder needs to write in it (its ".." entry).
      if (::access(t.c_str(), W_OK) != 0) return fail(fmt::format("cannot replace {}: {}", target, errno_text()));
      break;
    case Kind::none:
      break;
  }
  for (const auto& input : inputs) {
    if (input.empty()) continue;
    const fs::path in = resolve(strip_year_tag(input));
    if (within(in, t))
      return fail(fmt::format("the output folder {} holds the input {}: writing there would replace it", target, input));
  }
  if (!make_folders(t.parent_path(), created_, error)) return fail(error ? *error : std::string());
  const fs::path prefix = t.parent_path() / (partial_prefix(t) + std::to_string(::getpid()) + "-");
  for (int attempt = 0; attempt < 100 && temp_.empty(); ++attempt) {
    const std::string name = prefix.string() + random_suffix();
    if (::mkdir(name.c_str(), 0777) == 0) temp_ = name;
    else if (errno != EEXIST)
      return fail(fmt::format("cannot write in the folder {}: {}", t.parent_path().string(), errno_text()));
  }
  if (temp_.empty()) return fail(fmt::format("cannot make a temporary folder in {}", t.parent_path().string()));
  given_ = target;
  target_ = t;
  remove_abandoned(t, temp_);
  hashing_ = std::async(std::launch::async, [inputs, this] { return input_files(inputs, &cancel_hashing_); });
  return true;
}

bool OutputFolder::commit(const Manifest& m, std::string* error) {
  auto fail = [&](std::string msg) {
    if (error) *error = std::move(msg);
    return false;
  };
  if (temp_.empty() || committed_ || !hashing_.valid())
    return fail("internal error: the output folder was not opened, or already written");
  if (!write_text_file((temp_ / kManifestName).string(), manifest_json(m, hashing_.get(), utc_now()), error))
    return false;
  // Checked again: the folder may have changed while the work ran.
  const Kind k = kind_of(target_);
  if (k == Kind::none) {
    if (::rename(temp_.c_str(), target_.c_str()) != 0) return fail(fmt::format("cannot write {}: {}", given_, errno_text()));
    committed_ = true;
    return true;
  }
  if (k != Kind::folder || (!is_careflow_output_folder(target_) && !is_empty_folder(target_)))
    return fail(fmt::format("{} changed while careflow ran (it now holds files careflow did not write): not replaced", given_));
  // The new folder and the old one swap places in one step: at no moment is there no folder, or
  // a mixture. The old one, now under the temporary name, is then removed.
  if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
    committed_ = true;
    std::error_code ec;
    fs::remove_all(temp_, ec);
    return true;
  }
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    return fail(fmt::format("cannot replace {}: {}", given_, errno_text()));
  // A file system without the exchange: the old folder is moved aside first, and moved back if
  // the new one cannot take its place.
  const fs::path aside = target_.parent_path() / (partial_prefix(target_) + std::to_string(::getpid()) + "-" + random_suffix());
  if (::rename(target_.c_str(), aside.c_str()) != 0) return fail(fmt::format("cannot replace {}: {}", given_, errno_text()));
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    const std::string why = errno_text();
    ::rename(aside.c_str(), target_.c_str());
    return fail(fmt::format("cannot replace {}: {}", given_, why));
  }
  committed_ = true;
  std::error_code ec;
  fs::remove_all(aside, ec);
  return true;
}

}  // namespace careflow
