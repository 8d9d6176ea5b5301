// --la checked against the returns, the same way for every command that takes it (report,
// benchmark --returns, validate): see careflow/benchmark/council_check.hpp. A clear mismatch
// stops the command (exit 2) unless the user gives --la-mismatch-ok; a check that could not be
// made is a warning, on the terminal and in what the command writes.
#pragma once

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "careflow/benchmark/council_check.hpp"

namespace careflow::cli {

struct LaCheckOptions {
  bool mismatch_ok = false;
  void add_to(CLI::App* cmd) {
    cmd->add_flag("--la-mismatch-ok", mismatch_ok,
                  "Go on when the returns do not look like the council's (--la): most home postcodes elsewhere, or "
                  "a number looked after a factor of 3 from the published one");
  }
};

// Runs the check and says what it found. Returns false when the command must stop (the refusal
// printed); otherwise `notes` gets the warnings for the command's own outputs.
inline bool check_la(const char* command, const std::string& la, const benchmark::ReturnsEvidence& e,
                     const benchmark::PublicData& d, const PostcodeDirectory* postcodes, const LaCheckOptions& o,
                     std::vector<std::string>& notes, const std::string& why_no_postcodes = "") {
  if (la.empty()) return true;
  const auto c = benchmark::check_council(la, e, d, postcodes, why_no_postcodes);
  if (c.mismatch && !o.mismatch_ok) {
    fmt::print(stderr, "careflow {}: {}\n", command, c.refusal());
    return false;
  }
  // On stderr: some commands write their results to stdout.
  for (const auto& f : c.findings) fmt::print(stderr, "careflow {}: --la {}: {}\n", command, c.area, f);
  for (const auto& n : c.not_made) {
    const std::string w = fmt::format("the returns could not be fully checked against {} (--la): {}.", c.area, n);
    fmt::print(stderr, "careflow {}: warning: {}\n", command, w);
    notes.push_back("The returns could not be fully checked against the council: " + n + ".");
  }
  if (c.mismatch) {
    const std::string w = c.mismatch_found() + ". Going on as --la-mismatch-ok was given: figures are labelled as " +
                          c.area + "'s.";
    fmt::print(stderr, "careflow {}: warning: {}\n", command, w);
    notes.push_back("Not the council's returns? " + w);
  }
  return true;
}

}  // namespace careflow::cli
