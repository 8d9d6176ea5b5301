// Every command's outputs through the CLI (docs/outputs.md): an --out that cannot be written is
// refused with exit 2 before any work; a run that fails while writing leaves the previous output
// byte for byte and no temporary folder; a re-run replaces the folder whole; the manifest lists
// the inputs with the sizes and SHA-256 hashes another program (coreutils' sha256sum) computes,
// and the command line without values that could identify anyone.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../../apps/careflow/output.hpp"  // manifest_command, the CLI's part of the manifest
#include "io/temp_returns.hpp"
#include "report/synthetic_council.hpp"

using namespace careflow;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> s;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    s[fs::relative(e.path(), dir).string()] = e.is_directory() ? "<folder>" : slurp(e.path());
  return s;
}

size_t partials(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().filename().string().find(kPartialMarker) != std::string::npos;
  return n;
}

struct CliRun {
  int rc = -1;
  std::string out, err;
};

// Runs `careflow ARGS` through sh, after `prefix` (shell commands, e.g. a file size limit).
CliRun run_careflow(const fs::path& scratch, const std::string& args, const std::string& prefix = "") {
  const fs::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  const std::string line = prefix + "exec " + CAREFLOW_CLI_PATH + " " + args;
  std::string quoted;
  for (char c : line) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  const int status = std::system(("sh -c '" + quoted + "' > " + out.string() + " 2> " + err.string()).c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

}  // namespace

// The report on a synthetic council, three times into one folder: written; then a run that fails
// while writing (files are limited to a size between the largest table file and the page, as a
// disk that fills up: writes past it fail with "File too large", and the report's page, written
// last, cannot be); then a run after a stale CSV was planted in the folder.
TEST(Outputs, ReportIsReplacedWholeOrNotAtAll) {
  careflow::testing::TempReturns tr;
  const fs::path root(tr.root()), returns = root / "returns", out = root / "out", scratch = root / "scratch";
  fs::create_directories(returns);
  fs::create_directories(scratch);
  synth::SynthOptions so;
  so.population = 60, so.first_year = 2023, so.last_year = 2025, so.seed = 7, so.postcodes = false;
  synth::generate(so, returns.string());
  // Kensington and Chelsea (106 looked after at 31 March 2025): a council the size of this
  // synthetic one (about 60), so that the check of the returns against --la passes.
  const std::string args = returns.string() + " --out " + out.string() + " --forecast-runs 0 --la E09000020";
  const CliRun first = run_careflow(scratch, "report " + args);
  ASSERT_EQ(first.rc, 0) << first.err;
  const auto before = snapshot(out);
  uintmax_t largest_other = 0;
  for (const auto& e : fs::recursive_directory_iterator(out))
    if (e.is_regular_file() && e.path().filename() != "report.html") largest_other = std::max(largest_other, e.file_size());
  const uintmax_t page = fs::file_size(out / "report.html");
  ASSERT_GT(page, largest_other + 4096) << "the limit below must fall between the tables and the page";
  // sh's ulimit -f counts blocks of 512 bytes; SIGXFSZ ignored, so that writes fail instead.
  const uintmax_t blocks = (largest_other + page) / 2 / 512;
  const CliRun failed = run_careflow(scratch, "report " + args, "trap '' XFSZ; ulimit -f " + std::to_string(blocks) + "; ");
  EXPECT_EQ(failed.rc, 2) << failed.out << failed.err;
  EXPECT_NE(failed.err.find("cannot write"), std::string::npos) << failed.err;
  EXPECT_NE(failed.out.find("careflow report: "), std::string::npos) << "the work was done before the writing failed";
  EXPECT_EQ(snapshot(out), before);
  EXPECT_EQ(partials(root), 0u);

  std::ofstream(out / "csv" / "stale.csv") << "from an older version\r\n";
  const CliRun third = run_careflow(scratch, "report " + args + " --filter sex=F");
  ASSERT_EQ(third.rc, 0) << third.err;
  EXPECT_FALSE(fs::exists(out / "csv" / "stale.csv"));
  EXPECT_TRUE(fs::exists(out / "report.html"));
  EXPECT_EQ(partials(root), 0u);

  // The manifest: the command as given, suppression on, every return file with the size and the
  // SHA-256 that sha256sum (coreutils, another implementation) computes; ground_truth.json is
  // not a return file (careflow reads .csv and .xml from folders) and is not listed.
  const auto m = nlohmann::json::parse(slurp(out / "manifest.json"));
  EXPECT_EQ(m["command"], nlohmann::json({"careflow", "report", returns.string(), "--out", out.string(), "--la", "E09000020",
                                         "--filter", "sex=F", "--forecast-runs", "0"}));
  EXPECT_EQ(m["suppression"], "on");
  std::map<std::string, std::pair<uintmax_t, std::string>> expected;
  for (const auto& e : fs::recursive_directory_iterator(returns))
    if (e.is_regular_file() && (e.path().extension() == ".csv" || e.path().extension() == ".xml")) {
      const CliRun sum = {std::system(("sha256sum " + e.path().string() + " > " + (scratch / "sum.txt").string()).c_str()),
                       slurp(scratch / "sum.txt"), ""};
      ASSERT_EQ(sum.rc, 0);
      expected[e.path().string()] = {e.file_size(), sum.out.substr(0, 64)};
    }
  ASSERT_GE(expected.size(), 33u);  // 3 years x 10 or 11 tables and the CIN census
  std::map<std::string, std::pair<uintmax_t, std::string>> listed;
  for (const auto& f : m["inputs"]) listed[f["path"]] = {f["bytes"], f["sha256"]};
  EXPECT_EQ(listed, expected);
}

// An --out that cannot be written (here a file where the folder should be) is refused by every
// command that writes, with exit 2 and before any work: nothing on standard output, which each
// command writes to as soon as it has read or made anything, and nothing made.
TEST(Outputs, UnwritableOutIsRefusedBeforeAnyWork) {
  careflow::testing::TempReturns tr;
  const fs::path root(tr.root()), returns = root / "returns", scratch = root / "scratch";
  fs::create_directories(scratch);
  tr.write("returns/2024_25", "header.csv", careflow::testing::kHeaderHeader);
  tr.write("returns/2024_25", "episodes.csv", careflow::testing::kEpisodesHeader);
  const std::string file = (root / "a_file").string();
  std::ofstream(file) << "the user's";
  const std::string r = (root / "returns").string();
  const std::vector<std::string> commands = {
      "report " + r + " --out " + file,
      "ingest " + r + " --out " + file,
      "forecast --simulated 1 --out " + file,
      "backtest --simulated 1 --out " + file,
      "benchmark --la E06000044 --out " + file,
      "synth --years 2025 --population 30 --out " + file,
      "demo --population 30 --out " + file,
      "validate --no-postcodes --this-year " + r + "/2024_25 --format csv --out " + root.string(),
      // Other kinds: a parent under a file, a folder that cannot be made, the input folder itself.
      "report " + r + " --out " + file + "/report",
      "report " + r + " --out /proc/careflow-report",
      "report " + r + " --out " + r,
      "validate --no-postcodes --this-year " + r + "/2024_25 --format csv --out " + r + "/2024_25/errors.csv",
  };
  for (const auto& c : commands) {
    const CliRun run = run_careflow(scratch, c);
    EXPECT_EQ(run.rc, 2) << c << "\n" << run.err;
    EXPECT_EQ(run.out, "") << c;
    EXPECT_NE(run.err.find("--out"), std::string::npos) << c << "\n" << run.err;
  }
  EXPECT_EQ(slurp(file), "the user's");
  EXPECT_EQ(partials(root), 0u);
  std::vector<std::string> left;
  for (const auto& e : fs::recursive_directory_iterator(root)) left.push_back(fs::relative(e.path(), root).string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"a_file", "returns", "returns/2024_25", "returns/2024_25/episodes.csv",
                                            "returns/2024_25/header.csv", "scratch", "scratch/stderr.txt", "scratch/stdout.txt"}));
}

// A folder of the user's own files is never replaced; an empty one is used.
TEST(Outputs, UsersFolderIsRefusedAndAnEmptyOneUsed) {
  careflow::testing::TempReturns tr;
  const fs::path root(tr.root()), scratch = root / "scratch", mine = root / "mine", empty = root / "empty";
  fs::create_directories(scratch);
  fs::create_directories(mine);
  fs::create_directories(empty);
  std::ofstream(mine / "notes.txt") << "mine";
  CliRun run = run_careflow(scratch, "synth --years 2025 --population 30 --no-postcodes --out " + mine.string());
  EXPECT_EQ(run.rc, 2);
  EXPECT_NE(run.err.find("careflow did not write"), std::string::npos) << run.err;
  EXPECT_EQ(snapshot(mine), (std::map<std::string, std::string>{{"notes.txt", "mine"}}));
  run = run_careflow(scratch, "synth --years 2025 --population 30 --no-postcodes --out " + empty.string());
  EXPECT_EQ(run.rc, 0) << run.err;
  EXPECT_TRUE(fs::exists(empty / "2024_25" / "episodes.csv"));
  const auto m = nlohmann::json::parse(slurp(empty / "manifest.json"));
  EXPECT_EQ(m["suppression"], "not applied");
  EXPECT_EQ(m["inputs"], nlohmann::json::array());
}

// Two scenario files of one name would be one file among the forecast's outputs: refused before
// any work (the files are not even read).
TEST(Outputs, ForecastRefusesTwoScenariosOfOneName) {
  careflow::testing::TempReturns tr;
  const fs::path root(tr.root()), scratch = root / "scratch";
  fs::create_directories(scratch);
  const std::string a = tr.write("a", "plan.toml", "not read"), b = tr.write("b", "plan.toml", "not read");
  const CliRun run = run_careflow(scratch, "forecast --simulated 1 --scenario " + a + " --scenario " + b + " --out " + (root / "f").string());
  EXPECT_EQ(run.rc, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("two scenario files are called plan.toml"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(root / "f"));
}

// The command line a manifest records: values only of the arguments careflow knows to be paths,
// codes, numbers or choices; any other (here a key given on the command line, as an option added
// later might take) is withheld, and flags are kept.
TEST(Outputs, ManifestCommandWithholdsUnknownValues) {
  CLI::App app;
  std::string data;
  app.add_option("--data", data);
  app.fallthrough();
  auto* cmd = app.add_subcommand("report");
  std::vector<std::string> inputs, filters;
  std::string out, key, area;
  bool no_suppression = false;
  cmd->add_option("inputs", inputs);
  cmd->add_option("--out", out);
  cmd->add_option("--pseudonym-key", key);
  cmd->add_option("--filter", filters);
  cmd->add_flag("--no-suppression", no_suppression);
  const char* argv[] = {"careflow", "report", "returns/2024_25", "returns/2023_24@2024", "--pseudonym-key", "s3cret-key",
                        "--filter", "sex=F", "--filter", "age=16+", "--no-suppression", "--out", "out dir", "--data", "pub"};
  app.parse(static_cast<int>(std::size(argv)), argv);
  const auto line = cli::manifest_command(*cmd);
  EXPECT_EQ(line, (std::vector<std::string>{"careflow", "report", "returns/2024_25", "returns/2023_24@2024", "--out", "out dir",
                                            "--pseudonym-key", "(withheld)", "--filter", "sex=F", "--filter", "age=16+",
                                            "--no-suppression", "--data", "pub"}));
  for (const auto& s : line) EXPECT_EQ(s.find("s3cret"), std::string::npos);
}
