// Hand-derived checks of the engine: strict return dates, "not run" reporting, rule versions by
// year, and the CLI's exit status on good, bad and unusable input.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "careflow/io/postcodes.hpp"
#include "careflow/validate/engine.hpp"
#include "careflow/validate/rule_support.hpp"

using namespace careflow;
using namespace careflow::validate;
namespace fs = std::filesystem;

TEST(ReturnDate, StrictDayMonthYear) {
  EXPECT_EQ(detail::return_date("29/02/2024"), Date::from_ymd(2024, 2, 29));
  EXPECT_EQ(detail::return_date("1/4/2024"), Date::from_ymd(2024, 4, 1));
  EXPECT_FALSE(detail::return_date("29/02/2023"));  // 2023 is not a leap year
  EXPECT_FALSE(detail::return_date("04/09/24"));    // two-digit year (the reference crashes in 1007)
  EXPECT_FALSE(detail::return_date("2024-04-01"));
  EXPECT_FALSE(detail::return_date("3rd Dec 1873"));
  EXPECT_FALSE(detail::return_date(""));
}

TEST(Catalogue, VersionsByYear) {
  // 146 has three versions: folders 2022/23, 2024/25 and 2025/26 (catalogue section 10).
  EXPECT_EQ(find_rule("146", 2024)->version_year, 2023);
  EXPECT_EQ(find_rule("146", 2025)->version_year, 2025);
  EXPECT_EQ(find_rule("146", 2027)->version_year, 2026);
  EXPECT_EQ(find_rule("217t", 2025), nullptr);  // 2023/24 only
  EXPECT_NE(find_rule("217t", 2024), nullptr);
  // Registry sizes per year from the catalogue's section 1.
  for (auto [year, n] : {std::pair{2023, 293}, {2024, 312}, {2025, 305}, {2026, 311}, {2027, 322}}) {
    size_t count = 0;
    for (const auto& v : catalogue()) count += v.active_in(year);
    EXPECT_EQ(count, static_cast<size_t>(n)) << year;
  }
}

TEST(Engine, LastYearRulesSayWhatTheyNeed) {
  ssda903::Return ret;
  ret.year = CollectionYear{2025};
  ValidationInput in{&ret, nullptr, CollectionYear{2025}, "", nullptr, nullptr};
  const RuleResult r = run_rule(*find_rule("202", 2025), in);
  EXPECT_EQ(r.outcome, Outcome::not_run);
  EXPECT_NE(r.reason.find("last year"), std::string::npos);
}

TEST(Engine, SexCodesFollowTheYear) {
  // Header with SEX 1, M, U: 101 flags M and U in 2023/24 (codes 1/2) and 1 in 2024/25 (M/F/U).
  ProblemLog log;
  CsvReadResult csv = parse_csv("CHILD,SEX\nA,1\nB,M\nC,U\n", "header.csv");
  ssda903::Return ret;
  ret.tables[static_cast<size_t>(ssda903::Table::header)] =
      ssda903::to_return_table(std::move(csv.table), "header.csv", log);
  ValidationInput in{&ret, nullptr, CollectionYear{2024}, "", nullptr, nullptr};
  auto r = run_rule(*find_rule("101", 2024), in);
  EXPECT_EQ(r.flagged[ssda903::Table::header], (std::vector<size_t>{1, 2}));
  in.year = CollectionYear{2025};
  r = run_rule(*find_rule("101", 2025), in);
  EXPECT_EQ(r.flagged[ssda903::Table::header], (std::vector<size_t>{0}));
}

namespace {
int run_cli(const std::string& args) {
  // --no-postcodes: the 2.7-million-row directory is not needed for these checks.
  const int rc = std::system(
      (std::string(CAREFLOW_CLI_PATH) + " validate --no-postcodes " + args + " > /dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
}  // namespace

TEST(Cli, ExitStatus) {
  const fs::path dir = fs::temp_directory_path() / ("careflow_validate_test_lac2024_25_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "header.csv") << "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,M,01/01/2010,WBRI,UN2,,\n";
  std::ofstream(dir / "episodes.csv")
      << "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
      << "1,01/05/2024,S,C2,N1,U1,PR1,,,,AB1 0JD,AB1 0JE,\n";
  // A boy of 14 who started care this year in foster care: with no previous permanence (Z1),
  // an open episode and both postcodes (392b), no rule applies.
  std::ofstream(dir / "previous_permanence.csv") << "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\n1,01/01/2010,Z1,,\n";
  EXPECT_EQ(run_cli("--this-year " + dir.string()), 0);  // year inferred from the folder name
  std::ofstream(dir / "header.csv") << "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,X,31/02/2010,WBRI,UN2,,\n";
  EXPECT_EQ(run_cli("--this-year " + dir.string() + " --pseudonymise --format json"), 1);  // 101, 102
  EXPECT_EQ(run_cli("--this-year " + (dir / "absent").string() + " --year 2025"), 2);
  std::ofstream(dir / "empty.csv") << "";
  EXPECT_EQ(run_cli("--this-year " + (dir / "empty.csv").string() + " --year 2025"), 2);
  fs::remove_all(dir);
}

TEST(DerivedFields, FromPostcodes) {
  // Two postcodes 3 km east and 4 km north apart (5 km = 3.1 miles), in different LTLAs of one
  // county (E10000001), and one unknown placement postcode.
  const fs::path dir = fs::temp_directory_path() / ("careflow_validate_derived_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "onspd.csv") << "pcd,laua,oseast1m,osnrth1m\n"
                                   << "AA1 1AA,E07000001,100000,200000\n"
                                   << "BB2 2BB,E07000002,103000,204000\n";
  std::ofstream(dir / "utla.csv") << "LTLA23CD,UTLA23CD\nE07000001,E10000001\nE07000002,E10000001\n";
  ProblemLog log;
  const auto pcd = PostcodeDirectory::load((dir / "onspd.csv").string(), (dir / "utla.csv").string(), log);
  ASSERT_TRUE(pcd);
  CsvReadResult csv = parse_csv("CHILD,HOME_POST,PL_POST\nA,AA1 1AA,BB2 2BB\nB,AA1 1AA,ZZ9 9ZZ\n", "episodes.csv");
  const auto episodes = ssda903::to_return_table(std::move(csv.table), "episodes.csv", log);
  ASSERT_TRUE(episodes);
  auto d = derive_episode_fields(*episodes, *pcd, "E10000001");
  EXPECT_EQ(d.pl_la, (std::vector<std::string>{"E10000001", ""}));
  EXPECT_EQ(d.pl_location, (std::vector<std::string>{"IN", ""}));
  EXPECT_EQ(d.pl_distance, (std::vector<std::string>{"3.1", ""}));
  d = derive_episode_fields(*episodes, *pcd, "E09000027");
  EXPECT_EQ(d.pl_location[0], "OUT");
  fs::remove_all(dir);
}
