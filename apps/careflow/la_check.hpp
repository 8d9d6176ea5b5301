// --la checked against the returns, the same way for every command that takes it (report,
// benchmark --returns, validate): api/council_check.hpp runs it. A clear mismatch stops the
// command (exit 2) unless the user gives --la-mismatch-ok, the option defined here.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>


namespace careflow::cli {

struct LaCheckOptions {
  bool mismatch_ok = false;
  void add_to(CLI::App* cmd) {
    cmd->add_flag("--la-mismatch-ok", mismatch_ok,
                  "Go on when the returns do not look like the council's (--la): most home postcodes elsewhere, or "
                  "a number looked after a factor of 3 from the published one");
  }
};

}  // namespace careflow::cli
