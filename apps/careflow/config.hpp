// The CLI's configuration of the library (api::Config), decided here and only here: the options
// given (--data, a command's own --data), then the environment (CAREFLOW_DATA, CAREFLOW_TIMING,
// XDG folders), then the defaults. The library itself reads no environment.
#pragma once

#include <string>
#include <string_view>

#include "careflow/api/config.hpp"
#include "careflow/api/outcome.hpp"

namespace careflow::cli {

// --data DIR (careflow's global option, or a command's own): the reference data folder.
void set_data_dir(std::string dir);

// The reference folder (--data, else CAREFLOW_DATA, else ../shared/data/public where it exists),
// the postcode index's place, CAREFLOW_TIMING. No pseudonym key: commands that need one add it
// (pseudonym_key.hpp), since making the installation's key is said on first use.
api::Config config();

// Prints a use case's messages on stderr, each after "careflow COMMAND: " (warnings and notes
// marked so). Returns outcome.done.
bool print_messages(const api::Outcome& outcome, std::string_view command);

}  // namespace careflow::cli
