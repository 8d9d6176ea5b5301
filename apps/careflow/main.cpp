// careflow: insight, benchmarks and forecasts from councils' children-in-care returns.
#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <new>
#include <string_view>

#include "careflow/base/edit_distance.hpp"
#include "careflow/core/version.hpp"
#include "command.hpp"
#include "config.hpp"
#include "pseudonym_key.hpp"

namespace careflow::cli {
std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}
}  // namespace careflow::cli

namespace {

// The first word on the command line that is not an option or the value of one: the command the
// user meant. (The global options that take a value: --data DIR, --pseudonym-key-file FILE.)
std::string_view command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--data" || a == "--pseudonym-key-file") {
      ++i;
      continue;
    }
    if (!a.empty() && a[0] == '-') continue;
    return a;
  }
  return {};
}


}  // namespace

// Exit status is 0, 1 (validate: errors found; ingest and report: done, but some rows could not
// be used) or 2 (the input or the command line cannot be used). Nothing else: a parse error of
// the command line is 2, and so is anything the commands did not foresee, with what it was.
int main(int argc, char** argv) {
  CLI::App app{"careflow: insight, benchmarks and forecasts from SSDA903 children-looked-after returns"};
  app.require_subcommand(1);
  app.fallthrough();  // global options such as --data may follow the subcommand
  app.set_version_flag("--version", "careflow " + std::string(careflow::careflow_version()));
  std::string data_dir;
  app.add_option("--data", data_dir,
                 "Reference data folder (published statistics, postcode directory); default: CAREFLOW_DATA, "
                 "else ../shared/data/public if it exists. See docs/reference-data.md")
      ->each([](const std::string& d) { careflow::cli::set_data_dir(d); });
  std::string key_file;
  app.add_option("--pseudonym-key-file", key_file, careflow::cli::pseudonym_key_help())
      ->type_name("FILE")
      ->each([](const std::string& f) { careflow::cli::set_pseudonym_key_file(f); });
  int exit_code = 0;
  auto& commands = careflow::cli::registry();
  std::sort(commands.begin(), commands.end(), [](auto& a, auto& b) { return a.name < b.name; });
  for (auto& c : commands) c.install(app, exit_code);
  // A mistyped command is named as such, not reported as "a subcommand is required".
  if (const auto word = command_word(argc, argv); !word.empty()) {
    const bool known = std::any_of(commands.begin(), commands.end(), [&](const auto& c) { return c.name == word; });
    if (!known) {
      std::string names, closest;
      size_t best = 3;  // suggest only a near miss
      for (const auto& c : commands) {
        names += (names.empty() ? "" : ", ") + c.name;
        if (const size_t d = careflow::edit_distance(word, c.name); d < best) best = d, closest = c.name;
      }
      fmt::print(stderr, "careflow: unknown command '{}'{} (commands: {}; careflow --help describes them)\n", word,
                 closest.empty() ? "" : fmt::format(": did you mean '{}'?", closest), names);
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" that exit 0; every other parse error is a command-line error.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "careflow: out of memory: an input is far larger than expected (or malformed so that it "
                       "looks it); nothing more was done\n");
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "careflow: {} (careflow did not expect this: please report it with the command line)\n", e.what());
    return 2;
  } catch (...) {
    fmt::print(stderr, "careflow: stopped by an unexpected error (please report it with the command line)\n");
    return 2;
  }
  return exit_code;
}
