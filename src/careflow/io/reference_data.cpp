#include "careflow/io/reference_data.hpp"

#include <cstdlib>
#include <filesystem>

namespace careflow {

namespace fs = std::filesystem;

namespace {
std::string& explicit_dir() {
  static std::string dir;
  return dir;
}
}  // namespace

void set_reference_data_dir(std::string dir) { explicit_dir() = std::move(dir); }

std::optional<std::string> reference_data_dir() {
  std::error_code ec;
  if (!explicit_dir().empty()) {
    if (fs::is_directory(explicit_dir(), ec)) return explicit_dir();
    return std::nullopt;  // an explicit choice that does not exist is not silently replaced
  }
  if (const char* env = std::getenv("CAREFLOW_DATA"); env && *env) {
    if (fs::is_directory(env, ec)) return std::string(env);
    return std::nullopt;
  }
  for (const fs::path& candidate : {fs::path("../shared/data/public"),
                                   fs::path(CAREFLOW_SOURCE_DIR) / "../shared/data/public"}) {
    if (fs::is_directory(candidate, ec)) return fs::weakly_canonical(candidate, ec).string();
  }
  return std::nullopt;
}

std::optional<std::string> reference_file(const std::string& relative_path) {
  const auto dir = reference_data_dir();
  if (!dir) return std::nullopt;
  const fs::path p = fs::path(*dir) / relative_path;
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return p.string();
  return std::nullopt;
}

std::string missing_reference_message(const std::string& relative_path) {
  const auto dir = reference_data_dir();
  std::string where;
  if (dir) where = *dir;
  else if (!explicit_dir().empty()) where = "the folder given with --data, " + explicit_dir() + ", does not exist";
  else if (const char* env = std::getenv("CAREFLOW_DATA"); env && *env)
    where = std::string("the folder in CAREFLOW_DATA, ") + env + ", does not exist";
  else where = "none found: set --data or CAREFLOW_DATA";
  return "needs " + relative_path + " in the reference data folder (" + where +
         "); see docs/reference-data.md for which published file goes there";
}

}  // namespace careflow
