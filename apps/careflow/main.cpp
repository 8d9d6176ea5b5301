// careflow: insight, benchmarks and forecasts from councils' children-in-care returns.
#include <fmt/format.h>

#include <algorithm>
#include <exception>

#include "careflow/core/version.hpp"
#include "careflow/io/reference_data.hpp"
#include "command.hpp"

namespace careflow::cli {
std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}
}  // namespace careflow::cli

int main(int argc, char** argv) {
  CLI::App app{"careflow: insight, benchmarks and forecasts from SSDA903 children-looked-after returns"};
  app.require_subcommand(1);
  app.fallthrough();  // global options such as --data may follow the subcommand
  app.set_version_flag("--version", "careflow " + std::string(careflow::careflow_version()));
  std::string data_dir;
  app.add_option("--data", data_dir,
                 "Reference data folder (published statistics, postcode directory); default: CAREFLOW_DATA, "
                 "else ../shared/data/public if it exists. See docs/reference-data.md")
      ->each([](const std::string& d) { careflow::set_reference_data_dir(d); });
  int exit_code = 0;
  auto& commands = careflow::cli::registry();
  std::sort(commands.begin(), commands.end(), [](auto& a, auto& b) { return a.name < b.name; });
  for (auto& c : commands) c.install(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "careflow: {}\n", e.what());
    return 3;
  }
  return exit_code;
}
