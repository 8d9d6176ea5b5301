#include "careflow/io/reference_data.hpp"

#include <filesystem>

namespace careflow {

namespace fs = std::filesystem;

ReferenceFolder ReferenceFolder::choose(const std::string& given, const std::string& from_environment,
                                        const std::string& environment_name) {
  ReferenceFolder f;
  std::error_code ec;
  if (!given.empty()) {
    if (fs::is_directory(given, ec)) f.dir_ = given;
    else f.why_none_ = "the folder given with --data, " + given + ", does not exist";
    return f;
  }
  if (!from_environment.empty()) {
    if (fs::is_directory(from_environment, ec)) f.dir_ = from_environment;
    else f.why_none_ = "the folder in " + environment_name + ", " + from_environment + ", does not exist";
    return f;
  }
  for (const fs::path& candidate : {fs::path("../shared/data/public"),
                                   fs::path(CAREFLOW_SOURCE_DIR) / "../shared/data/public"}) {
    if (fs::is_directory(candidate, ec)) {
      f.dir_ = fs::weakly_canonical(candidate, ec).string();
      return f;
    }
  }
  return f;
}

ReferenceFolder ReferenceFolder::at(const std::string& dir) {
  ReferenceFolder f;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) f.dir_ = dir;
  else f.why_none_ = "the folder " + dir + " does not exist";
  return f;
}

std::optional<std::string> ReferenceFolder::file(const std::string& relative_path) const {
  if (!dir_) return std::nullopt;
  const fs::path p = fs::path(*dir_) / relative_path;
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return p.string();
  return std::nullopt;
}

std::string ReferenceFolder::missing_message(const std::string& relative_path) const {
  return "needs " + relative_path + " in the reference data folder (" + (dir_ ? *dir_ : why_none_) +
         "); see docs/reference-data.md for which published file goes there";
}

}  // namespace careflow
