// Where careflow finds published reference data (council statistics, populations, postcode
// directory). One folder, laid out as docs/reference-data.md describes; chosen by, in order:
// the --data option, the CAREFLOW_DATA environment variable, then ../shared/data/public
// (relative to the working directory, then to the source tree) when it exists.
#pragma once

#include <optional>
#include <string>

namespace careflow {

// Sets the folder explicitly (the CLI's --data option). An empty string clears it.
void set_reference_data_dir(std::string dir);

// The folder in use, or none if no candidate exists.
std::optional<std::string> reference_data_dir();

// A file within the reference folder (e.g. "postcodes/onspd_postcodes.csv.gz"), if present.
// Callers that get none must say plainly which file is missing and where it goes
// (see missing_reference_message) rather than fail.
std::optional<std::string> reference_file(const std::string& relative_path);

// "needs <relative_path> in the reference data folder (<folder or 'not set'>): see docs/reference-data.md"
std::string missing_reference_message(const std::string& relative_path);

}  // namespace careflow
