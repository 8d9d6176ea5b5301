// Where the command line keeps the postcode index (io/postcode_index.hpp) when the reference
// data folder cannot be written: the XDG cache folder, $XDG_CACHE_HOME/careflow if that is an
// absolute path, else ~/.cache/careflow. The library chooses no folder of its own.
#pragma once

#include "careflow/io/postcodes.hpp"

namespace careflow::cli {

// The index used, beside the published file or in the cache folder; without XDG_CACHE_HOME and
// HOME, beside the published file only (and the file read in full when that is read-only).
PostcodeIndexOptions postcode_index_options();

}  // namespace careflow::cli
