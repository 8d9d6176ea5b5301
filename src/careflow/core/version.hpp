// careflow's version, from the project's CMake version (one place to change it): shown by
// --version and recorded in every output folder's manifest.
#pragma once

#include <string_view>

namespace careflow {

std::string_view careflow_version();

}  // namespace careflow
