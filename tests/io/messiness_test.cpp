// With the generator's "messiness" on, every injected fault must show up in the ingest report,
// at the file and line where it was injected: nothing is repaired or dropped silently.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "careflow/io/ingest.hpp"
#include "careflow/synth/synth.hpp"

using namespace careflow;

class Messiness : public ::testing::TestWithParam<std::pair<uint64_t, double>> {};

TEST_P(Messiness, EveryInjectedFaultIsReportedWhereItIs) {
  synth::SynthOptions o;
  o.seed = GetParam().first;
  o.population = 300;
  o.first_year = 2022;
  o.last_year = 2025;
  o.messiness = GetParam().second;
  o.cin = false;  // the 903's faults (the CIN census's are cin_synth_test's)
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() / ("careflow_messy_" + std::to_string(rd()));
  const synth::GroundTruth truth = synth::generate(o, dir.string());
  ASSERT_FALSE(truth.faults.empty());

  IngestReport report;
  const History h = ingest({dir.string()}, std::nullopt, report);
  EXPECT_FALSE(h.episodes.empty());

  // What the report says, by (file relative to the output folder, line).
  std::map<std::pair<std::string, uint32_t>, std::set<std::string>> reported;
  for (const auto& p : report.problems.all()) {
    const auto rel = std::filesystem::relative(p.file, dir).generic_string();
    reported[{rel, p.line}].insert(p.rule);
  }
  // Which problem rules account for each kind of fault.
  const std::map<std::string, std::set<std::string>> explains = {
      {"duplicate_row", {"duplicate-episode", "duplicate-header"}},
      {"overlapping_episode", {"overlap-truncated"}},
      {"dec_blank_rec_present", {"rec-without-dec", "open-episode-closed", "open-episode-missing-from-later-return"}},
      {"invalid_code", {"unknown-code"}},
      {"two_digit_year", {"bad-key-date", "bad-date"}},
  };
  std::map<std::string, int> found, injected;
  for (const auto& f : truth.faults) {
    ++injected[f.kind];
    if (f.kind == "utf16_file") {
      // Not a fault careflow needs to report: it reads UTF-16. Its rows must have been read.
      bool read_as_utf16 = false;
      const auto returns = read_returns({(dir / f.file).parent_path().string()}, std::nullopt, report);
      for (const auto& ret : returns)
        for (const auto& file : ret.files)
          if (std::filesystem::relative(file.path, dir).generic_string() == f.file)
            read_as_utf16 = (file.encoding == TextEncoding::utf16le || file.encoding == TextEncoding::utf16be) &&
                            file.table.has_value() && file.records_read > 0;
      EXPECT_TRUE(read_as_utf16) << f.file;
      found[f.kind] += read_as_utf16;
      continue;
    }
    const auto it = explains.find(f.kind);
    ASSERT_NE(it, explains.end()) << "unknown fault kind " << f.kind;
    const auto r = reported.find({f.file, f.line});
    bool ok = false;
    if (r != reported.end())
      for (const auto& rule : r->second) ok |= it->second.count(rule) > 0;
    // A duplicated row is reported on the earlier of the two copies, one line above.
    if (!ok && f.kind == "duplicate_row") {
      const auto above = reported.find({f.file, f.line - 1});
      if (above != reported.end())
        for (const auto& rule : above->second) ok |= it->second.count(rule) > 0;
    }
    EXPECT_TRUE(ok) << f.kind << " at " << f.file << ":" << f.line << " (" << f.column << ") was not reported";
    found[f.kind] += ok;
  }
  for (const auto& [kind, n] : injected) std::printf("  %-24s injected %3d, reported %3d\n", kind.c_str(), n, found[kind]);
  for (const auto& t : report.tables) EXPECT_TRUE(t.balances());
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Seeds, Messiness,
                         ::testing::Values(std::pair<uint64_t, double>{5, 0.5}, std::pair<uint64_t, double>{6, 1.0},
                                           std::pair<uint64_t, double>{7, 1.0}));
