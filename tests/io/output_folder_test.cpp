// Outputs are written whole or not at all (io/output_folder.hpp): a folder replaces the previous
// one only once complete, a failed run leaves the previous output byte for byte and no temporary
// folder, an --out that cannot be written is refused before any work, the user's own files are
// never deleted, and each folder's manifest lists the inputs with sizes and SHA-256 hashes.
#include "careflow/io/output_folder.hpp"
#include "careflow/io/table_writers.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "careflow/core/version.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/io/sha256.hpp"
#include "io/temp_returns.hpp"

using namespace careflow;
namespace fs = std::filesystem;

namespace {

// FIPS 180-4 (and NIST's SHA-256 examples): "abc" and the empty message.
constexpr const char* kSha256Abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kSha256Empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void put(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// Every entry below `dir`: files with their bytes, folders as "<folder>".
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> s;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    s[fs::relative(e.path(), dir).string()] = e.is_directory() ? "<folder>" : slurp(e.path());
  return s;
}

// Entries of `dir` that are careflow's temporary names.
std::vector<std::string> partials(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(kPartialMarker) != std::string::npos) found.push_back(e.path().filename().string());
  return found;
}

// A finished output folder at `target` holding `files` (name -> text).
void write_output(const fs::path& target, const std::map<std::string, std::string>& files, Manifest m = {}) {
  OutputFolder f;
  std::string err;
  ASSERT_TRUE(f.open(target.string(), {}, &err)) << err;
  for (const auto& [name, text] : files) put(f.path() / name, text);
  ASSERT_TRUE(f.commit(m, &err)) << err;
}

}  // namespace

TEST(Sha256, Fips180Vectors) {
  EXPECT_EQ(sha256_hex("abc"), kSha256Abc);
  EXPECT_EQ(sha256_hex(""), kSha256Empty);
  // FIPS 180-4's two-block message (448 bits).
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // One million 'a' (NIST's long-message example).
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// A file is hashed in blocks of 1 MiB: a file of 2.5 MiB crosses two block ends and must hash as
// the same bytes hashed at once; "abc" in a file hashes to the FIPS value, with its size.
TEST(Sha256, FilesHashAsTheirBytes) {
  careflow::testing::TempReturns tr;
  const fs::path big = fs::path(tr.root()) / "big.bin", abc = fs::path(tr.root()) / "abc.csv";
  std::string bytes(5 * (1 << 19), '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131) ^ (i >> 9));
  put(big, bytes);
  put(abc, "abc");
  uint64_t n = 0;
  EXPECT_EQ(sha256_file_hex(big.string(), nullptr, &n).value(), sha256_hex(bytes));
  EXPECT_EQ(n, bytes.size());
  EXPECT_EQ(sha256_file_hex(abc.string(), nullptr, &n).value(), kSha256Abc);
  EXPECT_EQ(n, 3u);
  std::string err;
  EXPECT_FALSE(sha256_file_hex((fs::path(tr.root()) / "absent").string(), &err));
  EXPECT_NE(err.find("absent"), std::string::npos);
}

TEST(PendingFile, ReplacesWholeOnCommitAndLeavesTheOldFileOtherwise) {
  careflow::testing::TempReturns tr;
  const fs::path target = fs::path(tr.root()) / "errors.csv";
  put(target, "old");
  ::chmod(target.c_str(), 0640);
  {
    PendingFile f;
    std::string err;
    ASSERT_TRUE(f.open(target.string(), &err)) << err;
    put(f.path(), "half writ");
    // Not committed (an error came): the old file is as it was, and the temporary one is gone.
  }
  EXPECT_EQ(slurp(target), "old");
  EXPECT_TRUE(partials(tr.root()).empty());
  ASSERT_TRUE(write_text_file(target.string(), "new"));
  EXPECT_EQ(slurp(target), "new");
  EXPECT_TRUE(partials(tr.root()).empty());
  // The replaced file keeps the permissions it had.
  EXPECT_EQ(fs::status(target).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST(PendingFile, RefusesAFolderAnInputAndAnImpossibleFolder) {
  careflow::testing::TempReturns tr;
  const fs::path root(tr.root());
  put(root / "2024_25" / "episodes.csv", "CHILD\n");
  put(root / "a_file", "x");
  PendingFile f;
  std::string err;
  EXPECT_FALSE(f.open((root / "2024_25").string(), &err));
  EXPECT_NE(err.find("is a folder"), std::string::npos) << err;
  // Inside an input folder, the output would be read as part of the return next time.
  EXPECT_FALSE(f.open((root / "2024_25" / "errors.csv").string(), &err, {(root / "2024_25").string()}));
  EXPECT_NE(err.find("input"), std::string::npos) << err;
  EXPECT_FALSE(f.open((root / "2024_25" / "episodes.csv").string(), &err, {(root / "2024_25" / "episodes.csv@2025").string()}));
  EXPECT_FALSE(f.open((root / "a_file" / "errors.csv").string(), &err));
  EXPECT_NE(err.find("not a folder"), std::string::npos) << err;
  EXPECT_EQ(slurp(root / "2024_25" / "episodes.csv"), "CHILD\n");
  // A missing folder is made, and removed again when nothing was written.
  {
    PendingFile g;
    ASSERT_TRUE(g.open((root / "new" / "deeper" / "errors.csv").string(), &err)) << err;
    EXPECT_TRUE(fs::is_directory(root / "new" / "deeper"));
  }
  EXPECT_FALSE(fs::exists(root / "new"));
}

// A pipe cannot be replaced: it is written directly (as `--out /dev/stdout` is), and stays a pipe.
TEST(PendingFile, WritesAPipeDirectly) {
  careflow::testing::TempReturns tr;
  const fs::path fifo = fs::path(tr.root()) / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = slurp(fifo); });
  std::string err;
  EXPECT_TRUE(write_text_file(fifo.string(), "through the pipe", &err)) << err;
  reader.join();
  EXPECT_EQ(got, "through the pipe");
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_TRUE(partials(tr.root()).empty());
}

// The table writers write through a pending file: a failed write leaves the old file.
TEST(PendingFile, TableWritersReplaceWhole) {
  careflow::testing::TempReturns tr;
  OutputTable t;
  t.id = "t";
  t.add_column("a", "A").add_row({1.0});
  const fs::path csv = fs::path(tr.root()) / "t.csv";
  put(csv, "stale,stale\r\n");
  std::string err;
  ASSERT_TRUE(write_csv(t, csv.string(), &err)) << err;
  EXPECT_EQ(slurp(csv), "a\r\n1\r\n");
  // A lazy row that throws stops the writer midway: the file written before stays whole.
  OutputTable bad = t;
  bad.lazy_rows = 1;
  bad.make_row = [](size_t, std::vector<Cell>&) { throw std::runtime_error("stopped midway"); };
  EXPECT_THROW(write_csv(bad, csv.string(), &err), std::runtime_error);
  EXPECT_EQ(slurp(csv), "a\r\n1\r\n");
  EXPECT_THROW(write_json({bad}, (fs::path(tr.root()) / "t.json").string(), &err), std::runtime_error);
  EXPECT_FALSE(fs::exists(fs::path(tr.root()) / "t.json"));
  EXPECT_TRUE(partials(tr.root()).empty());
}

TEST(OutputFolder, NewFolderAppearsWholeWithItsManifest) {
  careflow::testing::TempReturns tr;
  const fs::path target = fs::path(tr.root()) / "out";
  OutputFolder f;
  std::string err;
  ASSERT_TRUE(f.open(target.string(), {}, &err)) << err;
  // Until commit, nothing is at the target: only the hidden temporary folder beside it.
  EXPECT_FALSE(fs::exists(target));
  EXPECT_EQ(f.path().parent_path(), fs::path(tr.root()));
  EXPECT_EQ(partials(tr.root()).size(), 1u);
  put(f.path() / "csv" / "a.csv", "a\r\n");
  ASSERT_TRUE(f.commit({}, &err)) << err;
  EXPECT_EQ(slurp(target / "csv" / "a.csv"), "a\r\n");
  EXPECT_TRUE(is_careflow_output_folder(target));
  EXPECT_TRUE(partials(tr.root()).empty());
}

// A re-run replaces the folder whole: a stale file planted in the old one is gone.
TEST(OutputFolder, ReRunReplacesStaleFiles) {
  careflow::testing::TempReturns tr;
  const fs::path target = fs::path(tr.root()) / "out";
  write_output(target, {{"csv/a.csv", "first"}, {"report.html", "first"}});
  put(target / "csv" / "stale.csv", "from an older run");
  write_output(target, {{"csv/a.csv", "second"}});
  EXPECT_FALSE(fs::exists(target / "csv" / "stale.csv"));
  EXPECT_FALSE(fs::exists(target / "report.html"));
  EXPECT_EQ(slurp(target / "csv" / "a.csv"), "second");
  EXPECT_TRUE(partials(tr.root()).empty());
}

// A run that fails midway (files written, then an error: the folder is never committed) leaves
// the previous output byte for byte, and no temporary folder.
TEST(OutputFolder, FailedRunLeavesThePreviousOutputByteIdentical) {
  careflow::testing::TempReturns tr;
  const fs::path target = fs::path(tr.root()) / "out";
  write_output(target, {{"csv/a.csv", "previous a"}, {"tables.json", "[1]"}, {"report.html", "<p>previous</p>"}});
  const auto before = snapshot(target);
  ASSERT_EQ(before.size(), 5u);  // csv/, csv/a.csv, tables.json, report.html, manifest.json
  {
    OutputFolder f;
    std::string err;
    ASSERT_TRUE(f.open(target.string(), {}, &err)) << err;
    put(f.path() / "csv" / "a.csv", "new a");
    // The writer fails: a folder stands where its file should go.
    fs::create_directories(f.path() / "tables.json");
    EXPECT_FALSE(write_text_file((f.path() / "tables.json").string(), "[2]", &err));
  }
  EXPECT_EQ(snapshot(target), before);
  EXPECT_TRUE(partials(tr.root()).empty());
  // And an exception on the way out does the same.
  try {
    OutputFolder f;
    std::string err;
    ASSERT_TRUE(f.open(target.string(), {}, &err)) << err;
    put(f.path() / "report.html", "<p>half</p>");
    throw std::runtime_error("stopped");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(snapshot(target), before);
  EXPECT_TRUE(partials(tr.root()).empty());
}

// The user's own files are never deleted: a folder that is not careflow's and not empty is
// refused; an empty one is used.
TEST(OutputFolder, RefusesAFolderOfTheUsersOwnFiles) {
  careflow::testing::TempReturns tr;
  const fs::path mine = fs::path(tr.root()) / "mine", empty = fs::path(tr.root()) / "empty";
  put(mine / "thesis.docx", "years of work");
  // A manifest.json that careflow did not write does not make the folder careflow's.
  put(mine / "manifest.json", "{\"written_by\": \"someone else\"}");
  fs::create_directories(empty);
  OutputFolder f;
  std::string err;
  EXPECT_FALSE(f.open(mine.string(), {}, &err));
  EXPECT_NE(err.find("careflow did not write"), std::string::npos) << err;
  EXPECT_EQ(slurp(mine / "thesis.docx"), "years of work");
  EXPECT_TRUE(partials(tr.root()).empty());
  write_output(empty, {{"a.csv", "a"}});
  EXPECT_EQ(slurp(empty / "a.csv"), "a");
}

// Refused before any work: a file where the folder should be, a parent that cannot be made
// (under a file, or in /proc), a folder that holds an input, the root folder.
TEST(OutputFolder, ImpossibleTargetsAreRefusedAtOpen) {
  careflow::testing::TempReturns tr;
  const fs::path root(tr.root());
  put(root / "a_file", "x");
  put(root / "returns" / "2024_25" / "episodes.csv", "CHILD\n");
  write_output(root / "synthetic", {{"2024_25/episodes.csv", "CHILD\n"}});
  struct Case {
    std::string target;
    std::vector<std::string> inputs;
    std::string said;
  };
  const std::vector<Case> cases = {
      {(root / "a_file").string(), {}, "is a file, not a folder"},
      {(root / "a_file" / "out").string(), {}, "is not a folder"},
      {(root / "a_file" / "deeper" / "out").string(), {}, "is not a folder"},
      {"/proc/careflow-test-out", {}, "cannot write in the folder /proc"},
      {"/", {}, "cannot write over /"},
      {"", {}, "no output folder"},
      // A careflow folder that is also the input: replacing it would delete the returns.
      {(root / "synthetic").string(), {(root / "synthetic").string()}, "holds the input"},
      {(root / "synthetic").string(), {(root / "synthetic" / "2024_25").string() + "@2025"}, "holds the input"},
  };
  for (const auto& c : cases) {
    OutputFolder f;
    std::string err;
    EXPECT_FALSE(f.open(c.target, c.inputs, &err)) << c.target;
    EXPECT_NE(err.find(c.said), std::string::npos) << c.target << ": " << err;
  }
  EXPECT_EQ(slurp(root / "synthetic" / "2024_25" / "episodes.csv"), "CHILD\n");
  EXPECT_TRUE(partials(root).empty());
  // An output inside an input folder is allowed (its files are not the input's).
  write_output(root / "returns" / "report", {{"a.csv", "a"}});
}

// A folder the user may not write in. Root may write anywhere, so the check runs in a child
// process that, when the test runs as root, gives up root first (user 65534, "nobody").
TEST(OutputFolder, ReadOnlyParentIsRefusedAtOpen) {
  careflow::testing::TempReturns tr;
  const fs::path ro = fs::path(tr.root()) / "read_only";
  fs::create_directories(ro);
  ::chmod(tr.root().c_str(), 0755);
  ::chmod(ro.c_str(), 0555);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
    OutputFolder f;
    std::string err;
    const bool opened = f.open((ro / "out").string(), {}, &err);
    ::_exit(opened ? 1 : err.find("cannot write in the folder") == std::string::npos ? 2 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  // 0: refused with the reason; 1: opened; 2: refused for another reason; 3: could not drop root.
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(partials(ro).empty());
  ::chmod(ro.c_str(), 0755);
}

// Folders made for the target's parent are removed again if nothing was written.
TEST(OutputFolder, FoldersMadeForAFailedRunAreRemoved) {
  careflow::testing::TempReturns tr;
  const fs::path root(tr.root());
  {
    OutputFolder f;
    std::string err;
    ASSERT_TRUE(f.open((root / "a" / "b" / "out").string(), {}, &err)) << err;
    EXPECT_TRUE(fs::is_directory(root / "a" / "b"));
  }
  EXPECT_FALSE(fs::exists(root / "a"));
}

// A run that was killed leaves its temporary folder; the next run to the same place removes it
// once its process is gone, and leaves one whose process still runs.
TEST(OutputFolder, LeftoversOfKilledRunsAreRemoved) {
  careflow::testing::TempReturns tr;
  const fs::path root(tr.root());
  // 4194305 is above Linux's largest process id (PID_MAX_LIMIT, 2^22): no such process.
  const fs::path dead = root / ".out.careflow-partial-4194305-0123456789ab";
  const fs::path alive = root / (".out.careflow-partial-" + std::to_string(::getppid()) + "-0123456789ab");
  const fs::path other = root / ".other.careflow-partial-4194305-0123456789ab";
  put(dead / "report.html", "half");
  put(alive / "report.html", "being written");
  put(other / "report.html", "another output's");
  write_output(root / "out", {{"a.csv", "a"}});
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(alive / "report.html"));
  EXPECT_TRUE(fs::exists(other / "report.html"));
}

// The manifest: careflow's version, the time, the command, suppression, and the input files with
// sizes and SHA-256. Inputs: a folder whose year folder holds abc.csv ("abc": 3 bytes, FIPS
// 180-4's vector) and empty.xml (0 bytes, the empty message's hash), and a .txt, a hidden
// folder's file, a file below the year folder and a careflow output folder (none of them read as
// returns, so not listed), and a file given by itself with a year tag.
TEST(OutputFolder, ManifestListsInputsWithSizesAndHashes) {
  careflow::testing::TempReturns tr;
  const fs::path root(tr.root()), in = root / "returns";
  put(in / "2024_25" / "abc.csv", "abc");
  put(in / "2024_25" / "empty.xml", "");
  put(in / "2024_25" / "notes.txt", "not a return");
  put(in / ".hidden" / "x.csv", "hidden");
  put(in / "2024_25" / "deeper" / "x.csv", "below the year folders: not read as a return");
  write_output(in / "old_report", {{"csv/t.csv", "a table"}});
  put(root / "costs.toml", "abc");
  Manifest m;
  m.command = {"careflow", "report", in.string(), "--out", "out"};
  m.suppression = false;
  m.reference_data = "/data/public";
  const std::time_t before = std::time(nullptr);
  OutputFolder f;
  std::string err;
  ASSERT_TRUE(f.open((root / "out").string(), {in.string(), (root / "costs.toml").string() + "@2025"}, &err)) << err;
  ASSERT_TRUE(f.commit(m, &err)) << err;
  const std::time_t after = std::time(nullptr);
  const auto j = nlohmann::json::parse(slurp(root / "out" / "manifest.json"));
  EXPECT_EQ(j["written_by"], "careflow");
  EXPECT_EQ(j["careflow_version"], std::string(careflow_version()));
  EXPECT_TRUE(std::regex_match(j["careflow_version"].get<std::string>(), std::regex(R"(\d+\.\d+\.\d+)")));
  EXPECT_EQ(j["command"], nlohmann::json(m.command));
  EXPECT_EQ(j["suppression"], "off");
  EXPECT_EQ(j["reference_data"], "/data/public");
  // The time, in UTC, between the moments before and after.
  const std::string created = j["created"];
  ASSERT_TRUE(std::regex_match(created, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << created;
  std::tm tm{};
  strptime(created.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  const std::time_t t = timegm(&tm);
  EXPECT_GE(t, before);
  EXPECT_LE(t, after);
  const nlohmann::json expected = {
      {{"path", (in / "2024_25" / "abc.csv").string()}, {"bytes", 3}, {"sha256", kSha256Abc}},
      {{"path", (in / "2024_25" / "empty.xml").string()}, {"bytes", 0}, {"sha256", kSha256Empty}},
      {{"path", (root / "costs.toml").string()}, {"bytes", 3}, {"sha256", kSha256Abc}},
  };
  EXPECT_EQ(j["inputs"], expected) << j["inputs"].dump(1);
  // Suppression: on, or not applied for commands without disclosure control.
  m.suppression = true;
  write_output(root / "out", {}, m);
  EXPECT_EQ(nlohmann::json::parse(slurp(root / "out" / "manifest.json"))["suppression"], "on");
  m.suppression.reset();
  write_output(root / "out", {}, m);
  EXPECT_EQ(nlohmann::json::parse(slurp(root / "out" / "manifest.json"))["suppression"], "not applied");
}

// A run that stops early (bad input) cancels the hashing it started: the search for files stops
// and nothing more is read, so the run does not wait for a large folder given by mistake.
TEST(OutputFolder, InputHashingStopsWhenCancelled) {
  careflow::testing::TempReturns tr;
  put(fs::path(tr.root()) / "2024_25" / "abc.csv", "abc");
  const std::atomic<bool> go{false}, stop{true};
  const auto all = input_files({tr.root()}, &go);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].sha256, kSha256Abc);
  EXPECT_TRUE(input_files({tr.root()}, &stop).empty());
}
