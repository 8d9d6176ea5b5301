// careflow evaluate through the command line: the tables and the manifest written (the list's
// hash among the inputs), the comparison printed, and a faulty list refused with exit 2 and
// located messages that quote no id.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "api/edge_of_care_returns.hpp"

using namespace careflow;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct CliRun {
  int rc = -1;
  std::string out, err;
};

CliRun careflow_cli(const fs::path& scratch, const std::string& args) {
  const fs::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  const int status =
      std::system((std::string(CAREFLOW_CLI_PATH) + " " + args + " > " + out.string() + " 2> " + err.string()).c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

}  // namespace

TEST(CliEvaluate, WritesTheTablesAndTheManifestAndPrintsTheComparison) {
  careflow::testing::TempReturns returns, work;
  careflow::testing::write_edge_of_care_returns(returns);
  const std::string list = work.write("in", "supported.csv", "child_id,start_date,end_date\nS1,10/04/2023,01/06/2023\n");
  const fs::path out = fs::path(work.root()) / "evaluation";
  const CliRun r = careflow_cli(work.root(), "evaluate " + returns.root() + " --children " + list + " --out " + out.string() +
                                              " --no-suppression");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("1 children in the list, 1 evaluated (1 with comparison children, 2 comparison children)"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Became looked after"), std::string::npos);
  EXPECT_NE(r.out.find("WARNING: disclosure control is off"), std::string::npos);
  for (const char* f : {"edge_of_care_children.csv", "edge_of_care_outcomes.csv", "edge_of_care_comparison.csv",
                        "edge_of_care.json", "edge_of_care.xlsx", "relations.json", "manifest.json"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  const auto manifest = nlohmann::json::parse(slurp(out / "manifest.json"));
  bool list_hashed = false;
  for (const auto& in : manifest["inputs"]) list_hashed |= in.dump().find("supported.csv") != std::string::npos;
  EXPECT_TRUE(list_hashed) << manifest.dump(1);
  EXPECT_NE(manifest.dump().find("--children"), std::string::npos);
  EXPECT_EQ(r.out.find("S1"), std::string::npos);
}

TEST(CliEvaluate, AFaultyListIsRefusedWithLocatedMessages) {
  careflow::testing::TempReturns returns, work;
  careflow::testing::write_edge_of_care_returns(returns);
  const std::string list = work.write("in", "supported.csv", "child_id,end_date\nSECRET5,01/06/2023\n");
  const fs::path out = fs::path(work.root()) / "evaluation";
  const CliRun r = careflow_cli(work.root(), "evaluate " + returns.root() + " --children " + list + " --out " + out.string());
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("supported.csv:1 column start_date: error [missing-column]"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("SECRET5"), std::string::npos);
  EXPECT_FALSE(fs::exists(out));  // nothing written
  // Without --children the command says what it needs.
  const CliRun none = careflow_cli(work.root(), "evaluate " + returns.root() + " --out " + out.string());
  EXPECT_NE(none.rc, 0);
}
