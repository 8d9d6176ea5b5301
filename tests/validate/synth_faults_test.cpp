// careflow validate on synthetic returns with the generator's injected faults: every fault of a
// known kind must be flagged, on its own row, by a rule that DfE defines for that kind of error.
// The fault list (file, line, kind) is the generator's ground truth, not careflow's answer.
#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <map>
#include <set>

#include <unistd.h>

#include "careflow/io/ssda903.hpp"
#include "careflow/synth/synth.hpp"
#include "careflow/validate/engine.hpp"

namespace fs = std::filesystem;
using namespace careflow;
using namespace careflow::validate;
using ssda903::Table;

namespace {

// Which rules must flag the faulty row (the generator's file and line; any one rule suffices):
//  duplicate_row: the same episode twice, so the copy starts before the first ends, or while it
//    is still open: 501 flags the copy (the later row).
//  overlapping_episode: DEC moved past the next DECOM: 501 flags the next episode (line + 1), and
//    388 the episode itself (it ended X1, but no episode starts on its DEC).
//  dec_blank_rec_present: 148 (DEC and REC both coded or both blank).
//  invalid_code (PLACE): 146.
//  two_digit_year: DOB -> 102; DECOM -> 141 (not a valid date).
}  // namespace

TEST(SynthFaults, EveryInjectedFaultIsFlagged) {
  const fs::path dir = fs::temp_directory_path() / ("careflow_synth_faults_" + std::to_string(::getpid()));
  synth::SynthOptions o;
  o.first_year = 2024;
  o.last_year = 2025;
  o.population = 1000;
  o.messiness = 1.0;
  o.threads = 1;
  o.cin = false;  // the 903's faults (the CIN census's are cin_synth_test's)
  // The first seed whose returns hold every kind of fault, a UTF-16 file among them (a 30%
  // chance a year at messiness 1; the others are about 1 in 500 episodes each).
  const std::set<std::string> kinds = {"duplicate_row", "overlapping_episode", "dec_blank_rec_present",
                                       "invalid_code", "two_digit_year", "utf16_file"};
  synth::GroundTruth truth;
  for (o.seed = 1; o.seed < 40; ++o.seed) {
    fs::remove_all(dir);
    truth = synth::generate(o, dir.string());
    std::set<std::string> seen;
    for (const auto& f : truth.faults) seen.insert(f.kind);
    if (seen == kinds) break;
  }
  std::map<std::string, size_t> by_kind;
  for (const auto& f : truth.faults) ++by_kind[f.kind];
  ASSERT_GT(by_kind["utf16_file"], 0u);
  for (auto k : {"duplicate_row", "overlapping_episode", "dec_blank_rec_present", "invalid_code", "two_digit_year"})
    EXPECT_GT(by_kind[k], 0u) << k << " (the test needs at least one of each)";

  std::map<int, ssda903::Return> returns;
  for (int y : {2024, 2025}) {
    ProblemLog log;
    returns[y] = ssda903::read_return_folder((dir / synth::year_folder(y)).string(), CollectionYear{y}, log);
    // The UTF-16 file is read, not refused: every file is recognised.
    for (const auto& fr : returns[y].files) EXPECT_TRUE(fr.table.has_value()) << fr.path;
    ASSERT_NE(returns[y].find(Table::reviews), nullptr);
    EXPECT_GT(returns[y].find(Table::reviews)->rows(), 0u);
  }
  std::map<int, std::vector<RuleResult>> results;
  for (int y : {2024, 2025}) {
    ValidationInput in;
    in.this_year = &returns[y];
    in.last_year = y == 2025 ? &returns[2024] : nullptr;
    in.year = CollectionYear{y};
    results[y] = validate::validate(in);
  }
  // Rules flagging a given (year, table, line).
  auto rules_at = [&](int y, Table t, uint32_t line) {
    std::set<std::string> out;
    const auto* rt = returns[y].find(t);
    for (const auto& r : results[y]) {
      const auto it = r.flagged.find(t);
      if (it == r.flagged.end()) continue;
      for (size_t row : it->second)
        if (rt->line(row) == line) out.insert(std::string(r.rule->code));
    }
    return out;
  };
  size_t checked = 0;
  for (const auto& f : truth.faults) {
    if (f.kind == "utf16_file") continue;
    const Table t = f.file.find("header.csv") != std::string::npos ? Table::header : Table::episodes;
    std::set<std::string> want;
    std::vector<uint32_t> lines = {f.line};
    if (f.kind == "duplicate_row") want = {"501"};
    else if (f.kind == "overlapping_episode") want = {"501", "388"}, lines.push_back(f.line + 1);
    else if (f.kind == "dec_blank_rec_present") want = {"148"};
    else if (f.kind == "invalid_code") want = {"146"};
    else if (f.kind == "two_digit_year") want = {t == Table::header ? "102" : "141"};
    else {
      ADD_FAILURE() << "unknown fault kind " << f.kind;
      continue;
    }
    std::set<std::string> got;
    for (uint32_t l : lines)
      for (auto& c : rules_at(f.year, t, l)) got.insert(c);
    bool hit = false;
    for (const auto& c : want) hit |= got.count(c) > 0;
    std::string list;
    for (const auto& c : got) list += c + " ";
    EXPECT_TRUE(hit) << f.kind << " at " << f.file << ":" << f.line << " flagged only by: " << list;
    ++checked;
  }
  EXPECT_EQ(checked + by_kind["utf16_file"], truth.faults.size());

  // And the faults are the only source of errors: every flagged row, of any table, is a row of
  // a child with a fault in that year's return or last year's (rules comparing the two years,
  // 502-503J, 203 and others, see last year's fault from this year). The UTF-16 file is read as
  // any other and causes nothing. The clean returns have no error at all (synth_validate_test).
  auto child_col = [](Table t) {
    const auto& cols = ssda903::schema(t).columns;
    return static_cast<size_t>(std::find(cols.begin(), cols.end(), "CHILD") - cols.begin());
  };
  std::map<int, std::set<std::string>> faulty;  // year -> children with a fault in that return
  for (const auto& f : truth.faults) {
    if (f.kind == "utf16_file") continue;
    const Table t = f.file.find("header.csv") != std::string::npos ? Table::header : Table::episodes;
    const auto* rt = returns[f.year].find(t);
    for (size_t r = 0; r < rt->rows(); ++r)
      if (rt->line(r) == f.line) faulty[f.year].insert(std::string(rt->cell(r, child_col(t))));
  }
  size_t flagged_rows = 0;
  for (int y : {2024, 2025}) {
    for (const auto& r : results[y]) {
      for (const auto& [t, rows] : r.flagged) {
        const auto* rt = returns[y].find(t);
        for (size_t row : rows) {
          ++flagged_rows;
          const std::string child(rt->cell(row, child_col(t)));
          EXPECT_TRUE(faulty[y].count(child) || faulty[y - 1].count(child))
              << "rule " << r.rule->code << " flags " << synth::year_folder(y) << " " << ssda903::schema(t).file_name
              << " line " << rt->line(row) << ", a child with no injected fault";
        }
      }
    }
  }
  EXPECT_GT(flagged_rows, checked);  // a fault is often flagged by more than one rule
  fs::remove_all(dir);
}
