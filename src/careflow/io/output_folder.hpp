// Outputs are never half-written or mixed. Every output folder is written into a temporary
// folder beside it and moved into place whole at the end, replacing the previous one only once
// the new one is complete; every single file is written to a temporary file beside it and
// renamed over the old one. A run that fails leaves the previous output exactly as it was, and
// no temporary folder behind; one that is killed leaves a hidden temporary folder, which the
// next run writing to the same place removes. Each output folder holds a manifest.json saying
// what made it (docs/outputs.md).
//
// The checks happen when a folder or file is opened, before any work: a command opens its
// output first, so that an --out it cannot write is said at once, not after the work.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace careflow {

// Temporary names careflow makes beside an output NAME: ".NAME.careflow-partial-PID-RANDOM".
inline constexpr std::string_view kPartialMarker = ".careflow-partial-";
inline constexpr const char* kManifestName = "manifest.json";

// A file replaced whole: written at path(), renamed over the target by commit(). Not committed,
// the temporary file is removed (and any folders open() created for it). A target that exists
// but is not a regular file (a terminal, a pipe: /dev/stdout) cannot be replaced: path() is
// the target itself, written directly.
class PendingFile {
 public:
  PendingFile() = default;
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  ~PendingFile();

  // Checks that `target` can be written (not a folder, its folder exists or can be made and can
  // be written in, an existing file is writable, it is not one of `inputs` nor inside an input
  // folder, where it would be read as input) and creates the temporary file beside it.
  bool open(const std::string& target, std::string* error, const std::vector<std::string>& inputs = {});
  const std::string& path() const { return temp_; }
  const std::string& target() const { return target_; }
  // Renames the temporary file over the target, which keeps its permissions.
  bool commit(std::string* error);

 private:
  std::string target_, temp_;
  std::vector<std::filesystem::path> created_;
  bool committed_ = false, direct_ = false;
};

// Writes `path` through a PendingFile: `write` fills the open file and says whether it could
// (a failed fwrite or fclose counts as failure too). The writers of every output format use it.
bool write_file_replacing(const std::string& path, const std::function<bool(std::FILE*)>& write,
                          std::string* error = nullptr);
bool write_text_file(const std::string& path, std::string_view text, std::string* error = nullptr);

// What a manifest records besides what the folder knows itself (careflow's version, the time,
// the input files given to OutputFolder::open, with their sizes and hashes).
struct Manifest {
  // The command line with identifiers removed: the caller decides which values may be kept
  // (paths to input data, council codes, numbers); anything else is withheld by the caller.
  std::vector<std::string> command;
  // Disclosure control of the outputs: on or off; none when the command applies none.
  std::optional<bool> suppression;
  // The published reference data folder used, if any (named, not hashed: it is public and large).
  std::string reference_data;
};

struct InputFile {
  std::string path;  // as given, or below a folder as given
  uint64_t bytes = 0;
  std::string sha256;
  std::string error;  // when it could not be read (then no size or hash)
};
// The files a manifest lists for `inputs`: a file as given ("PATH@YEAR" is PATH); for a folder,
// the .csv and .xml files in it and in its sub-folders (the year folders; no deeper), which are
// what careflow reads from folders, sorted, leaving out hidden entries and careflow output
// folders. Hashed in parallel; once `cancel` is set, the search stops and the files not yet
// hashed are left unhashed.
std::vector<InputFile> input_files(const std::vector<std::string>& inputs, const std::atomic<bool>* cancel = nullptr);

// manifest.json's text for a folder written now.
std::string manifest_json(const Manifest& m, const std::vector<InputFile>& files, std::string_view created);

// A folder careflow wrote: it holds a manifest.json written by careflow.
bool is_careflow_output_folder(const std::filesystem::path& dir);

// An output folder replaced whole. open() before the work; write into path(); commit() at the
// end. Destroyed without commit (an error, an exception), the temporary folder is removed, and
// the previous output is as it was.
class OutputFolder {
 public:
  OutputFolder() = default;
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;
  ~OutputFolder();

  // Checks that `target` can be written and creates the temporary folder beside it. Refused:
  // a file where the folder should be; a folder that is neither empty nor a careflow output
  // folder (the user's own files are never deleted); a folder holding one of `inputs`; a parent
  // that cannot be made or written in. Folders made for the parent are removed again if the
  // run fails. The input files (the files and folders the command reads) are hashed for the
  // manifest meanwhile, on a thread of their own, while the command works.
  bool open(const std::string& target, const std::vector<std::string>& inputs, std::string* error);
  const std::filesystem::path& path() const { return temp_; }
  // The folder as given (for messages) and where it is (symbolic links resolved).
  const std::string& target() const { return given_; }
  // Writes manifest.json, then moves the folder into place: atomically exchanged with a previous
  // one, which is then removed.
  bool commit(const Manifest& m, std::string* error);

 private:
  std::string given_;
  std::filesystem::path target_, temp_;
  std::vector<std::filesystem::path> created_;
  bool committed_ = false;
  std::atomic<bool> cancel_hashing_{false};
  std::future<std::vector<InputFile>> hashing_;
};

}  // namespace careflow
