// Helpers of the libFuzzer targets whose parser reads files by path (a folder of returns, the
// reference data folder): one fuzz input holds several named files, written to a private
// temporary folder before each run. See fuzz/README.md.
//
// Input format: sections, each starting with a line "== NAME" (NAME a relative path such as
// "2024_25/episodes.csv"); text before the first such line belongs to `default_name`. Names are
// cleaned to [A-Za-z0-9._-] components (at most `max_depth` of them, never "." or ".."), so a
// mutated name can never escape the folder.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/io/csv.hpp"
#include "careflow/core/problems.hpp"

namespace careflow::fuzz {

struct NamedFile {
  std::string name;  // relative path, cleaned
  std::string_view bytes;
};

inline std::string clean_name(std::string_view raw, size_t max_depth, std::string_view default_name) {
  std::vector<std::string> parts;
  std::string part;
  auto flush = [&] {
    if (!part.empty() && part != "." && part != ".." && parts.size() < max_depth) parts.push_back(part);
    part.clear();
  };
  for (char c : raw.substr(0, 120)) {
    if (c == '/') flush();
    else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')
      part += c;
  }
  flush();
  if (parts.empty()) return std::string(default_name);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

inline std::vector<NamedFile> split_files(std::string_view data, std::string_view default_name, size_t max_depth = 2) {
  std::vector<NamedFile> files;
  std::string name(default_name);
  size_t pos = 0;
  if (data.substr(0, 3) == "== ") {
    const size_t nl = std::min(data.find('\n'), data.size());
    name = clean_name(data.substr(3, nl - 3), max_depth, default_name);
    pos = std::min(nl + 1, data.size());
  }
  for (;;) {
    const size_t next = data.find("\n== ", pos);
    if (next == std::string_view::npos) {
      files.push_back({name, data.substr(pos)});
      return files;
    }
    files.push_back({name, data.substr(pos, next + 1 - pos)});  // the file keeps its last line end
    const size_t nl = std::min(data.find('\n', next + 1), data.size());
    name = clean_name(data.substr(next + 4, nl - (next + 4)), max_depth, default_name);
    pos = std::min(nl + 1, data.size());
  }
}

// A private folder, emptied before each run and removed at exit.
class TempFolder {
 public:
  // In memory (/dev/shm) where there is one: creating and deleting files on a disk's file
  // system took a third of each run.
  TempFolder() {
    const char* tmp = std::getenv("TMPDIR");
    std::error_code ec;
    const std::string base = tmp && *tmp ? tmp : std::filesystem::is_directory("/dev/shm", ec) ? "/dev/shm" : "/tmp";
    std::string pattern = base + "/careflow-fuzz-XXXXXX";
    if (!mkdtemp(pattern.data()) && !mkdtemp((pattern = "/tmp/careflow-fuzz-XXXXXX").data())) std::abort();
    root_ = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  const std::filesystem::path& root() const { return root_; }

  // Empties the folder and writes the files (a later file of the same name replaces an earlier).
  void write(const std::vector<NamedFile>& files) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(root_, ec)) std::filesystem::remove_all(e.path(), ec);
    for (const auto& f : files) {
      const auto path = root_ / f.name;
      std::filesystem::create_directories(path.parent_path(), ec);
      if (std::filesystem::is_directory(path, ec)) continue;  // "a/b" after "a": keep the folder
      if (std::FILE* out = std::fopen(path.c_str(), "wb")) {
        std::fwrite(f.bytes.data(), 1, f.bytes.size(), out);
        std::fclose(out);
      }
    }
  }

 private:
  std::filesystem::path root_;
};

// Stops the run with a message (libFuzzer keeps the input as a crash reproducer).
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "careflow fuzz oracle failed: %s\n", what);
  std::abort();
}

// Problems go to the terminal, problems.csv and ingest.json (where nlohmann::json throws on
// anything but UTF-8): whatever a file holds, every problem must be UTF-8 text.
inline void expect_utf8(const ProblemLog& problems) {
  for (const auto& p : problems.all())
    for (const std::string* s : {&p.file, &p.column, &p.rule, &p.message})
      if (first_invalid_utf8(*s) != std::string::npos) fail("a problem's text is not UTF-8");
}

}  // namespace careflow::fuzz
