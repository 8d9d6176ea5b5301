// The command line on bad input (issue #11, section 3; docs/bad-input.md): every command stops
// with a located error and exit 2 when the returns cannot be used, exit codes are only 0, 1 and
// 2, and a warning about the returns reaches both the terminal and the report.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/temp_returns.hpp"

using careflow::testing::kEpisodesHeader;
using careflow::testing::kHeaderHeader;
using careflow::testing::TempReturns;
namespace fs = std::filesystem;

namespace {

struct CliRun {
  int exit = -1;
  std::string output;  // stdout and stderr
};

CliRun run_careflow(const std::string& args, const TempReturns& tr) {
  const std::string log = tr.root() + "/cli.log";
  const int rc = std::system((std::string(CAREFLOW_CLI_PATH) + " " + args + " > " + log + " 2>&1").c_str());
  CliRun r;
  r.exit = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  return r;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Three small returns, 2022/23 to 2024/25: two children in care throughout, one more from 2023.
void write_returns(TempReturns& tr, bool with_2023_24 = true) {
  const std::string header = std::string(kHeaderHeader) + "A1,1,01/01/2012,WBRI,,,\nB2,2,01/01/2014,WBRI,,,\n";
  const std::string episodes =
      std::string(kEpisodesHeader) + "A1,01/06/2021,S,C2,N1,U1,PR1,,,,,,\nB2,01/07/2021,S,C2,N1,U1,PR1,,,,,,\n";
  for (const char* y : {"2022_23", "2023_24", "2024_25"}) {
    if (!with_2023_24 && std::string(y) == "2023_24") continue;
    tr.write(y, "header.csv", header);
    tr.write(y, "episodes.csv", episodes);
  }
}

}  // namespace

// The latest year's episodes missing: every command that reads returns stops (they used to
// publish 0 looked after, "0 errors", a forecast from 0), naming the year and what was read.
TEST(CliInputs, EveryCommandStopsOnAReturnWithoutEpisodes) {
  TempReturns tr;
  write_returns(tr);
  fs::remove(tr.folder("2024_25") + "/episodes.csv");
  const std::string out = tr.root() + "/out";
  for (const std::string& args :
       {"ingest " + tr.root(), "report " + tr.root() + " --out " + out + " --forecast-runs 0",
        "forecast " + tr.root() + " --runs 10", "backtest " + tr.root() + " --runs 10",
        "validate --no-postcodes --this-year " + tr.folder("2024_25") + " --last-year " + tr.folder("2023_24")}) {
    const CliRun r = run_careflow(args, tr);
    EXPECT_EQ(r.exit, 2) << args << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, tr.folder("2024_25") + ": error [no-episodes]: the 2024/25 return has no usable "
                                                          "episodes: no file holds the Episodes table"))
        << args << "\n" << r.output;
  }
  EXPECT_FALSE(fs::exists(out));
}

// Exit codes are 0, 1 and 2 only: the command line's own errors (CLI11's codes were 105-114) and
// what used to end in an exception (exit 3, or std::bad_alloc) are 2, with a located message.
TEST(CliInputs, CommandLineAndPathErrorsExitTwoWithAMessage) {
  TempReturns tr;
  write_returns(tr);
  struct Case {
    std::string args, says;
  } cases[] = {
      {"reprot " + tr.root(), "unknown command 'reprot': did you mean 'report'?"},
      {"report " + tr.root(), "--out is required"},
      {"forecast " + tr.root() + " --years 50", "--years: Value 50 not in range 1 to 20"},
      {"report " + tr.root() + " --out " + tr.root() + "/o --from 2025 --to 2020",
       "--from 2025 is after --to 2020: no collection year is in that span"},
      {"report " + tr.root() + " --out " + tr.root() + "/o --from 2030",
       "the returns cover 2022/23 to 2024/25, and --from 2030 --to (last) selects none of those years"},
      {"report " + tr.root() + "/nope --out " + tr.root() + "/o", tr.root() + "/nope: error [unreadable]: no such file or folder"},
      {"ingest " + tr.root() + "/nope", "no such file or folder"},
      // Two folders for one year's return (std::bad_alloc once).
      {"validate --no-postcodes --this-year " + tr.folder("2023_24") + " " + tr.folder("2024_25"),
       tr.folder("2023_24") + ": is a folder, and --this-year takes one folder or the return's files"},
      {"validate --no-postcodes --this-year " + tr.root() + "/nope", tr.root() + "/nope: no such file or folder"},
      // A folder where a file is expected.
      {"forecast " + tr.root() + " --runs 10 --scenario " + tr.root(), "it is a folder, not a file"},
      {"forecast " + tr.root() + " --runs 10 --unit-costs " + tr.root(), "it is a folder, not a file"},
      // Numbers that are not (std::stod's exception once, exit 3).
      {"forecast " + tr.root() + " --runs 10 --shift a:b:x:y", "--shift: cannot read 'a:b:x:y'"},
      // Dates outside the returns (2022/23 to 2024/25).
      {"forecast " + tr.root() + " --runs 10 --as-of 2099-01-01",
       "--as-of 2099-01-01 is outside the returns, which cover 01/04/2022 to 31/03/2025"},
      {"report " + tr.root() + " --out " + tr.root() + "/o --reference-date 2099-01-01",
       "--reference-date 2099-01-01 is after the returns end"},
      // Values that used to be ignored, run for ever, or check nothing and pass.
      {"synth --out " + tr.root() + "/s --population -5", "--population: Value -5 not in range 1 to 200000"},
      {"benchmark --la E06000044 --out " + tr.root() + "/b --format pdf", "'pdf' is not a format"},
      {"validate --no-postcodes --this-year " + tr.folder("2024_25") + " --year 2000",
       "no DfE validation rule applies to collection year 1999/00"},
  };
  for (const auto& c : cases) {
    const CliRun r = run_careflow(c.args, tr);
    EXPECT_EQ(r.exit, 2) << c.args << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, c.says)) << c.args << "\n" << r.output;
  }
  // A loop of links given as the returns (an uncaught exception once, exit 3).
  fs::create_symlink("loop", tr.root() + "/loop");
  for (const std::string cmd : {"ingest ", "validate --no-postcodes --this-year "}) {
    const CliRun r = run_careflow(cmd + tr.root() + "/loop", tr);
    EXPECT_EQ(r.exit, 2) << cmd << r.output;
    EXPECT_TRUE(contains(r.output, "Too many levels of symbolic links")) << cmd << r.output;
  }
}

// A year missing from the middle: said on the terminal and in the report (its Data quality
// section, the notes at the end, and the data_quality table), and the latest count is right.
// Returns 2022/23 and 2024/25 (2023/24 missing), A1 and B2 open throughout: 2 at 31 March 2025.
TEST(CliInputs, MissingYearReachesTheTerminalAndTheReport) {
  TempReturns tr;
  write_returns(tr, /*with_2023_24=*/false);
  const std::string out = tr.root() + "/out";
  const CliRun r = run_careflow("report " + tr.root() + " --out " + out + " --forecast-runs 0", tr);
  ASSERT_EQ(r.exit, 0) << r.output;
  const std::string said = "no return for 2023/24 (between the 2022/23 and 2024/25 returns)";
  EXPECT_TRUE(contains(r.output, tr.folder("2024_25") + ": warning [missing-year]: " + said)) << r.output;
  const std::string html = slurp(out + "/report.html");
  EXPECT_TRUE(contains(html, "<h2 id=\"data-quality\">Data quality</h2>")) << "no Data quality section";
  EXPECT_TRUE(contains(html, said));
  EXPECT_TRUE(contains(slurp(out + "/csv/notes.csv"), said));
  const std::string dq = slurp(out + "/csv/data_quality.csv");
  // One missing year: a count of years, shown even under disclosure control.
  EXPECT_TRUE(contains(dq, "missing-year,warning,1,")) << dq;
  // Both children still looked after at 31 March 2025, as the ingest summary says.
  const CliRun ingest = run_careflow("ingest " + tr.root(), tr);
  EXPECT_EQ(ingest.exit, 0) << ingest.output;
  EXPECT_TRUE(contains(ingest.output, "2024/25                                 2")) << ingest.output;
}
