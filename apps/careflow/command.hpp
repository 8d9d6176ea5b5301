// Subcommands register themselves here, one file each, so that each front end is a thin layer
// over the library and adding a command touches no other file.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace careflow::cli {

struct Command {
  std::string name;
  // Adds the subcommand and its options to the app; the callback it installs runs the command
  // and stores its exit status in `exit_code`.
  std::function<void(CLI::App& app, int& exit_code)> install;
};

std::vector<Command>& registry();

struct Register {
  explicit Register(Command c) { registry().push_back(std::move(c)); }
};

}  // namespace careflow::cli
