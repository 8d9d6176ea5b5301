#include "postcode_index_place.hpp"

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

}  // namespace careflow::cli
