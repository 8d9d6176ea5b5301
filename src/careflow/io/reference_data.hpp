// Where careflow finds published reference data (council statistics, populations, postcode
// directory): one folder, laid out as docs/reference-data.md describes. The library never
// decides where that is: a front end chooses it (the CLI: --data, then the CAREFLOW_DATA
// environment variable, then ../shared/data/public when it exists) and passes the result, a
// ReferenceFolder, to whatever reads reference files.
#pragma once

#include <optional>
#include <string>

namespace careflow {

class ReferenceFolder {
 public:
  // No folder: every reference file is missing, and messages say that none was given.
  ReferenceFolder() = default;

  // The folder to use, chosen in order from `given` (an explicit choice such as --data), then
  // `from_environment` (what the front end read from its environment, e.g. CAREFLOW_DATA; it
  // names where the value came from in messages), then ../shared/data/public relative to the
  // working directory and to the source tree. A choice that names a missing folder is not
  // silently replaced by a later one: the folder is then absent and messages say why.
  static ReferenceFolder choose(const std::string& given, const std::string& from_environment = "",
                                const std::string& environment_name = "CAREFLOW_DATA");

  // The standard place only, ../shared/data/public beside the working directory or the source
  // tree, when it exists: the default of code that is given no folder (choose("", "")).
  static ReferenceFolder standard() { return choose("", ""); }

  // Exactly this folder (tests, and callers that resolved it themselves).
  static ReferenceFolder at(const std::string& dir);

  // The folder in use, or none if the choice does not exist.
  const std::optional<std::string>& dir() const { return dir_; }

  // A file within the folder (e.g. "postcodes/onspd_postcodes.csv.gz"), if present. Callers that
  // get none must say plainly which file is missing and where it goes (missing_message) rather
  // than fail.
  std::optional<std::string> file(const std::string& relative_path) const;

  // "needs <relative_path> in the reference data folder (<folder or why there is none>); see
  // docs/reference-data.md ..."
  std::string missing_message(const std::string& relative_path) const;

 private:
  std::optional<std::string> dir_;
  std::string why_none_ = "none found: set --data or CAREFLOW_DATA";
};

}  // namespace careflow
