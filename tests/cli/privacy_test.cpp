// Personal data and the command line, run as a user runs it: this installation's pseudonym key
// (made once, private, never overwritten, different per installation), keys the user gives,
// and what every command prints and writes: no child identifier, date of birth, postcode or UPN
// anywhere but in `validate`'s own list of errors, which names the council's children for the
// team correcting the return unless --pseudonymise.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "careflow/core/privacy.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/io/table_writers.hpp"
#include "io/temp_returns.hpp"
#include "io/zip_entries.hpp"

using namespace careflow;
namespace fs = std::filesystem;
using careflow::testing::read_bytes;

namespace {

struct CliRun {
  int code = -1;
  std::string out, err;
};

// A temporary folder (removed at the end) in which careflow is run.
class Scratch {
 public:
  fs::path path(const std::string& rel) const { return fs::path(dir_.root()) / rel; }
  std::string write(const std::string& rel, const std::string& text) const {
    fs::create_directories(path(rel).parent_path());
    std::ofstream(path(rel), std::ios::binary) << text;
    return path(rel).string();
  }

  // Runs careflow with `env` (assignments and -u NAME for env(1)) and `args`; output captured.
  CliRun careflow(const std::string& env, const std::string& args) const {
    const std::string out = path("stdout").string(), err = path("stderr").string();
    const int rc = std::system(("env -u CAREFLOW_PSEUDONYM_KEY " + env + " " + CAREFLOW_CLI_PATH + " " + args +
                                " > " + out + " 2> " + err).c_str());
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, read_bytes(out), read_bytes(err)};
  }

 private:
  careflow::testing::TempReturns dir_;
};

std::string config_env(const fs::path& config) { return "XDG_CONFIG_HOME=" + config.string(); }

// A return with one repair that names a child (ZQ7731's episode is in the 2024/25 return
// twice: duplicate-episode), so `ingest` prints that child's pseudonym.
std::string write_small_return(const Scratch& s) {
  s.write("ret/2024_25/header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nZQ7731,1,14/05/2010,WBRI,A123456789012,,\n");
  s.write("ret/2024_25/episodes.csv",
          "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
          "ZQ7731,01/06/2024,S,C2,N1,U4,PR1,,,,PO6 1JT,LE17 6FE,\n"
          "ZQ7731,01/06/2024,S,C2,N1,U4,PR1,,,,PO6 1JT,LE17 6FE,\n");
  return s.path("ret").string();
}

// The pseudonym in ingest's duplicate-episode message ("child C<12 hex digits> has two ...").
std::string pseudonym_in(const std::string& text) {
  std::smatch m;
  static const std::regex kChild("child (C[0-9a-f]{12}) has two episodes");
  return std::regex_search(text, m, kChild) ? m[1].str() : std::string();
}

std::string trimmed_key(const std::string& path) {
  std::string text = read_bytes(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

// First run: the key is made at $XDG_CONFIG_HOME/careflow/pseudonym.key, mode 0600 in a 0700
// folder, 64 hex digits (256 bits from the OS random source), and the user is told where, once.
// Second run: the same file, untouched, no message, the same pseudonym, which is the library's
// pseudonym under the file's key text.
TEST(CliPrivacy, InstallationKeyIsMadeOncePrivateAndReused) {
  Scratch s;
  const std::string ret = write_small_return(s);
  const fs::path config = s.path("config");
  const fs::path key = config / "careflow" / "pseudonym.key";

  const CliRun first = s.careflow(config_env(config), "ingest " + ret);
  EXPECT_EQ(first.code, 0) << first.err;
  ASSERT_TRUE(fs::exists(key)) << first.err;
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(key.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  const std::string text = read_bytes(key.string());
  EXPECT_TRUE(std::regex_match(text, std::regex("[0-9a-f]{64}\n"))) << text;
  const std::string told = "made this installation's pseudonym key, " + key.string();
  EXPECT_NE(first.err.find(told), std::string::npos) << first.err;
  EXPECT_EQ(first.err.find(told), first.err.rfind(told));
  const std::string pseudonym = pseudonym_in(first.out);
  ASSERT_FALSE(pseudonym.empty()) << first.out;
  EXPECT_EQ(pseudonym, pseudonymise("ZQ7731", *PseudonymKey::from_text(trimmed_key(key.string()))));
  // No temporary file is left beside it.
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(key.parent_path())) ++files;
  EXPECT_EQ(files, 1u);

  const CliRun second = s.careflow(config_env(config), "ingest " + ret);
  EXPECT_EQ(second.code, 0);
  EXPECT_EQ(second.err.find("made this installation's"), std::string::npos) << second.err;
  EXPECT_EQ(read_bytes(key.string()), text);
  EXPECT_EQ(pseudonym_in(second.out), pseudonym);

  // Without XDG_CONFIG_HOME, the key is in ~/.config.
  const CliRun home = s.careflow("-u XDG_CONFIG_HOME HOME=" + s.path("home").string(), "ingest " + ret);
  EXPECT_EQ(home.code, 0) << home.err;
  EXPECT_TRUE(fs::exists(s.path("home/.config/careflow/pseudonym.key")));
}

// Two installations (two config folders) make two keys, so one child gets two unrelated
// pseudonyms; an existing key file is never replaced, even by a run that would make one.
TEST(CliPrivacy, TwoInstallationsGiveDifferentPseudonyms) {
  Scratch s;
  const std::string ret = write_small_return(s);
  const CliRun a = s.careflow(config_env(s.path("a")), "ingest " + ret);
  const CliRun b = s.careflow(config_env(s.path("b")), "ingest " + ret);
  ASSERT_FALSE(pseudonym_in(a.out).empty());
  ASSERT_FALSE(pseudonym_in(b.out).empty());
  EXPECT_NE(pseudonym_in(a.out), pseudonym_in(b.out));
  EXPECT_NE(read_bytes(s.path("a/careflow/pseudonym.key").string()),
            read_bytes(s.path("b/careflow/pseudonym.key").string()));
}

// A key the user gives: --pseudonym-key-file (a region's shared file), or CAREFLOW_PSEUDONYM_KEY
// holding the same text, give the pseudonym an independent implementation computed for that key
// text (tests/core/privacy_test.cpp: ZQ7731 -> C1d6cef1529ae); the file wins over the variable;
// neither makes an installation key.
TEST(CliPrivacy, GivenKeyFileOrVariableReproducesTheComputedPseudonym) {
  Scratch s;
  const std::string ret = write_small_return(s);
  const std::string file = s.write("region.key", "a region's shared key, 2026\n");
  const std::string config = config_env(s.path("config"));
  const CliRun by_file = s.careflow(config, "ingest " + ret + " --pseudonym-key-file " + file);
  EXPECT_EQ(pseudonym_in(by_file.out), "C1d6cef1529ae") << by_file.out << by_file.err;
  const CliRun before = s.careflow(config, "--pseudonym-key-file " + file + " ingest " + ret);
  EXPECT_EQ(pseudonym_in(before.out), "C1d6cef1529ae") << before.err;
  const CliRun by_env = s.careflow(config + " \"CAREFLOW_PSEUDONYM_KEY=a region's shared key, 2026\"", "ingest " + ret);
  EXPECT_EQ(pseudonym_in(by_env.out), "C1d6cef1529ae") << by_env.err;
  const CliRun both = s.careflow(config + " CAREFLOW_PSEUDONYM_KEY=other", "ingest " + ret + " --pseudonym-key-file " + file);
  EXPECT_EQ(pseudonym_in(both.out), "C1d6cef1529ae") << both.err;
  EXPECT_FALSE(fs::exists(s.path("config")));
  // validate --pseudonymise uses the same key.
  const CliRun v = s.careflow(config, "--pseudonym-key-file " + file + " validate --no-postcodes --this-year " + ret +
                                       "/2024_25 --pseudonymise");
  EXPECT_NE(v.out.find("child C1d6cef1529ae"), std::string::npos) << v.out << v.err;
  // A key shorter than 16 characters works, with a warning.
  const CliRun short_key = s.careflow(config + " CAREFLOW_PSEUDONYM_KEY=abc", "ingest " + ret);
  EXPECT_EQ(short_key.code, 0);
  EXPECT_NE(short_key.err.find("only 3 characters"), std::string::npos) << short_key.err;
}

// No key to be had is a clear error (exit 2) for a command that needs one, never a fallback:
// a missing or empty key file, or no home folder at all. validate without --pseudonymise needs
// no key and runs.
TEST(CliPrivacy, NoKeyIsAClearError) {
  Scratch s;
  const std::string ret = write_small_return(s);
  const std::string config = config_env(s.path("config"));
  const CliRun missing = s.careflow(config, "ingest " + ret + " --pseudonym-key-file " + s.path("absent.key").string());
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("cannot read the pseudonym key file"), std::string::npos) << missing.err;
  EXPECT_EQ(missing.out.find("ZQ"), std::string::npos);
  const CliRun empty = s.careflow(config, "ingest " + ret + " --pseudonym-key-file " + s.write("empty.key", " \n"));
  EXPECT_EQ(empty.code, 2);
  EXPECT_NE(empty.err.find("is empty"), std::string::npos) << empty.err;
  const CliRun homeless = s.careflow("-u HOME -u XDG_CONFIG_HOME", "ingest " + ret);
  EXPECT_EQ(homeless.code, 2);
  EXPECT_NE(homeless.err.find("--pseudonym-key-file"), std::string::npos) << homeless.err;
  const CliRun pseudonymised = s.careflow("-u HOME -u XDG_CONFIG_HOME", "validate --no-postcodes --pseudonymise --this-year " + ret + "/2024_25");
  EXPECT_EQ(pseudonymised.code, 2);
  const CliRun plain = s.careflow("-u HOME -u XDG_CONFIG_HOME", "validate --no-postcodes --this-year " + ret + "/2024_25");
  EXPECT_NE(plain.code, 2) << plain.err;
}

namespace {

// Every value of an identifying field in the files below, in the forms careflow might print
// it (dates as written and as ISO, postcodes with and without their space).
const std::vector<std::string> kSecrets = {"ZQ7731", "ZQ8842", "14/05/2004", "2004-05-14", "A123456789012",
                                           "PO6 1JT", "PO61JT", "LE17 6FE", "LE176FE", "SC596480"};

// Everything a command printed and wrote: stdout, stderr and each file under `out`, workbooks
// unpacked.
std::string everything(const CliRun& r, const fs::path& out) {
  std::string all = r.out + r.err;
  if (!fs::exists(out)) return all;
  std::vector<fs::path> files;
  if (fs::is_regular_file(out)) files.push_back(out);
  else
    for (const auto& e : fs::recursive_directory_iterator(out))
      if (e.is_regular_file()) files.push_back(e.path());
  for (const auto& f : files)
    all += f.extension() == ".xlsx" ? careflow::testing::xlsx_text(f.string()) : read_bytes(f.string());
  return all;
}

void expect_none_of(const std::vector<std::string>& secrets, const std::string& text, const std::string& what) {
  for (const auto& s : secrets) EXPECT_EQ(text.find(s), std::string::npos) << what << " shows " << s;
}

}  // namespace

// Headerless and otherwise malformed files holding known identifying values, through ingest
// (stdout, stderr, problems.csv, ingest.json and the other tables) and validate --pseudonymise
// (text, CSV, JSON, XLSX): none of the values appears anywhere.
//   header.csv     no header row (a child's row first)
//   episodes.csv   no header row
//   oc3.csv        header run into the first row (no line break after ACCOM)
//   missing.csv    a row with a field too many and an unterminated quote holding a postcode
//   reviews.csv    columns out of place: DOB holds the identifier, REVIEW the UPN
//   uasc.csv       no header row, and a field over 65,535 characters after a date of birth
//   return.xml     malformed XML holding a child
//   more.csv       a good Episodes file, so that the return has episodes to use
TEST(CliPrivacy, MalformedFilesLeakNoIdentifyingValue) {
  Scratch s;
  s.write("bad/2024_25/header.csv", "ZQ7731,F,14/05/2004,WBRI,A123456789012,,\nZQ8842,M,14/05/2004,WBRI,,,\n");
  s.write("bad/2024_25/episodes.csv", "ZQ7731,14/10/2019,P,C2,N5,U6,PR4,,,,PO6 1JT,LE17 6FE,SC596480\n");
  s.write("bad/2024_25/oc3.csv", "CHILD,DOB,IN_TOUCH,ACTIV,ACCOMZQ7731,14/05/2004,YES,F1,S\n");
  s.write("bad/2024_25/missing.csv", "CHILD,DOB,MISSING,MIS_START,MIS_END\nZQ7731,14/05/2004,M,01/02/2025,03/02/2025,PO6 1JT\n"
                                     "ZQ8842,14/05/2004,M,\"01/02/2025,LE17 6FE\n");
  s.write("bad/2024_25/reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\nZQ7731,ZQ7731,A123456789012,14/05/2004\n");
  s.write("bad/2024_25/uasc.csv", "ZQ7731,F,14/05/2004,\nZQ8842,M,14/05/2004," + std::string(70000, 'x') + "\n");
  s.write("bad/2024_25/return.xml", "<EXPSSDA903><CHILD><HEADER><CHILDID>ZQ7731</CHILDID><DOB>14/05/2004</DOB>"
                                    "<UPN>A123456789012</UPN></HEADER><EPISODE><HOME_POST>PO6 1JT</HOME_POST>");
  s.write("bad/2024_25/more.csv", "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
                                  "B1,01/06/2024,S,C2,N1,U4,PR1,,,,,,\n");
  const std::string config = config_env(s.path("config"));
  const std::string year = s.path("bad/2024_25").string();

  const CliRun ingest = s.careflow(config, "ingest " + s.path("bad").string() + " --show 1000 --out " + s.path("out/ingest").string());
  // The run read every file and said what was wrong with each (so the scan below has
  // something to look at). Whatever it wrote (problems.csv, ingest.json...) is scanned.
  for (const char* rule : {"unknown-table", "extra-column", "field-count", "unterminated-quote", "field-too-long",
                           "bad-xml", "bad-key-date"})
    EXPECT_NE((ingest.out + ingest.err).find(rule), std::string::npos) << rule << "\n" << ingest.out << ingest.err;
  expect_none_of(kSecrets, everything(ingest, s.path("out/ingest")), "ingest");

  for (const std::string format : {"text", "csv", "json", "xlsx"}) {
    const fs::path out = s.path("out/validate." + format);
    const CliRun v = s.careflow(config, "validate --no-postcodes --pseudonymise --this-year " + year + " --format " + format +
                                         " --out " + out.string());
    EXPECT_NE(v.code, -1);
    EXPECT_NE(v.err.find("unknown-table"), std::string::npos) << v.err;
    expect_none_of(kSecrets, everything(v, out), "validate --format " + format);
    if (format == "csv")
      for (const char* more : {"_by_rule.csv", "_by_child.csv"})
        expect_none_of(kSecrets, read_bytes(s.path("out/validate").string() + more), "validate csv");
  }
}

namespace {

// A synthetic council's returns (messy, so that every command has problems and repairs to
// report) with every CHILD prefixed "ZQXJ", a string no output would hold by chance, and the
// 2024/25 return's last episode repeated.
class SyntheticCouncil : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new Scratch;
    const CliRun synth = scratch_->careflow(config_env(scratch_->path("config")),
                                         "synth --out " + root() + " --seed 5 --population 40 --la E06000044 "
                                         "--messiness 0.6 --years 2021-2025");
    synth_output_ = new std::string(synth.out + synth.err);
    numeric_ids_ = new std::set<std::string>;
    for (const auto& e : fs::recursive_directory_iterator(root())) {
      if (e.path().extension() != ".csv") continue;
      std::string text = read_bytes(e.path().string());
      if (text.rfind("\xFF\xFE", 0) == 0) {  // a "Unicode text" export: ASCII in UTF-16LE
        std::string narrow;
        for (size_t i = 2; i < text.size(); i += 2) narrow += text[i];
        text = narrow;
      }
      std::istringstream in(text);
      std::string line, rewritten, last_row;
      for (bool header = true; std::getline(in, line); header = false) {
        // synth writes its CSV files itself, not through the guarded writers: its cells
        // (numbers, codes, dates, postcodes, URNs) must never need the guard.
        std::istringstream cells(line);
        for (std::string cell; std::getline(cells, cell, ',');) unsafe_cells_ += needs_formula_guard(cell);
        if (!header && !line.empty()) {
          numeric_ids_->insert(line.substr(0, line.find(',')));
          line = "ZQXJ" + line;
          last_row = line;
        }
        rewritten += line + "\n";
      }
      // The last episode twice, so that ingest has a repair naming a child (duplicate-episode)
      // and validate an error, whatever faults the generator chose.
      if (e.path().filename() == "episodes.csv" && e.path().parent_path().filename() == "2024_25")
        rewritten += last_row + "\n";
      std::ofstream(e.path(), std::ios::binary) << rewritten;
    }
  }
  static void TearDownTestSuite() {
    delete scratch_;
    delete synth_output_;
    delete numeric_ids_;
  }
  static std::string root() { return scratch_->path("returns").string(); }
  static inline Scratch* scratch_ = nullptr;
  static inline std::string* synth_output_ = nullptr;
  static inline std::set<std::string>* numeric_ids_ = nullptr;
  static inline size_t unsafe_cells_ = 0;
};

}  // namespace

// ingest, report, forecast, backtest, benchmark and validate --pseudonymise print and write no
// child identifier; synth's own messages name none of the children it made, and none of the
// cells it writes starts like a spreadsheet formula. validate without
// --pseudonymise does name them (the scan can find them) and says so, as its --help and the
// README do.
TEST_F(SyntheticCouncil, OnlyValidateShowsChildIdentifiers) {
  ASSERT_GT(numeric_ids_->size(), 20u);
  EXPECT_EQ(unsafe_cells_, 0u);
  // synth's messages: no identifier as a whole number (digits on neither side).
  for (const auto& id : *numeric_ids_)
    EXPECT_FALSE(std::regex_search(*synth_output_, std::regex("(^|[^0-9])" + id + "($|[^0-9])"))) << id;

  const Scratch& s = *scratch_;
  const std::string config = config_env(s.path("config"));
  const std::string last = root() + "/2023_24", year = root() + "/2024_25";
  // (--la-mismatch-ok: a council of 40 children is not the size Portsmouth publishes.)
  const std::vector<std::pair<std::string, std::string>> runs = {
      {"ingest", "ingest " + root() + " --show 100000 --out " + s.path("out/ingest").string()},
      {"report", "report " + root() + " --la E06000044 --la-mismatch-ok --forecast-runs 50 --backtest-runs 10 --out " +
                     s.path("out/report").string()},
      {"forecast", "forecast " + root() + " --runs 20 --out " + s.path("out/forecast").string()},
      {"backtest", "backtest " + root() + " --runs 10 --horizon 1"},
      {"benchmark", "benchmark --la E06000044 --la-mismatch-ok --returns " + root() + " --out " + s.path("out/benchmark").string()},
      {"validate.text", "validate --no-postcodes --pseudonymise --this-year " + year + " --last-year " + last},
      {"validate.csv", "validate --no-postcodes --pseudonymise --this-year " + year + " --last-year " + last + " --format csv --out " +
                           s.path("out/validate.csv/errors.csv").string()},
      {"validate.xlsx", "validate --no-postcodes --pseudonymise --this-year " + year + " --last-year " + last +
                            " --format xlsx --out " + s.path("out/validate.xlsx/errors.xlsx").string()},
  };
  for (const auto& [name, args] : runs) {
    const fs::path out = s.path("out/" + name);
    if (name.rfind("validate.", 0) == 0 && name != "validate.text") fs::create_directories(out);
    const CliRun r = s.careflow(config, args);
    EXPECT_TRUE(r.code == 0 || r.code == 1) << name << " exit " << r.code << "\n" << r.err;
    const std::string all = everything(r, out);
    EXPECT_EQ(all.find("ZQXJ"), std::string::npos) << name << " shows a child identifier";
    if (name == "ingest") {
      EXPECT_NE(r.out.find("[duplicate-episode]: child C"), std::string::npos) << "ingest names children by pseudonym";
    }
  }

  // The positive control: validate's own list names the council's children, and says so.
  const CliRun own = s.careflow(config, "validate --no-postcodes --this-year " + year + " --last-year " + last);
  EXPECT_EQ(own.code, 1);
  EXPECT_NE(own.out.find("child ZQXJ"), std::string::npos);
  EXPECT_NE(own.out.find("Children are shown by the CHILD identifiers in the return"), std::string::npos);
  const CliRun help = s.careflow(config, "validate --help");
  EXPECT_NE(help.out.find("own CHILD identifiers"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("unless --pseudonymise"), std::string::npos) << help.out;
  const CliRun top = s.careflow(config, "--help");
  EXPECT_NE(top.out.find(s.path("config").string() + "/careflow/pseudonym.key"), std::string::npos) << top.out;
  // CAREFLOW_TEST_DATA_DIR is <checkout>/tests/data (which need not exist).
  std::string readme = read_bytes((fs::path(CAREFLOW_TEST_DATA_DIR).parent_path().parent_path() / "README.md").string());
  ASSERT_FALSE(readme.empty());
  std::replace(readme.begin(), readme.end(), '\n', ' ');
  EXPECT_NE(readme.find("`validate` lists errors by the council's own child identifiers"), std::string::npos);
}
