#include "postcode_index_place.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

namespace careflow::cli {

PostcodeIndexOptions postcode_index_options() {
  namespace fs = std::filesystem;
  PostcodeIndexOptions o;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && xdg[0] == '/')
    o.cache_dir = (fs::path(xdg) / "careflow").string();
  else if (const char* home = std::getenv("HOME"); home && home[0] == '/')
    o.cache_dir = (fs::path(home) / ".cache" / "careflow").string();
  return o;
}

void print_postcode_index_notes(const ProblemLog& problems, std::string_view command) {
  for (const auto& p : problems.all())
    if (p.rule == "postcode-index") fmt::print(stderr, "careflow {}: {}\n", command, to_string(p));
}

}  // namespace careflow::cli
