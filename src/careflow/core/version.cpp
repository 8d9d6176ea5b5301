#include "careflow/core/version.hpp"

#ifndef CAREFLOW_VERSION
#error "CAREFLOW_VERSION is set by CMakeLists.txt on this file only"
#endif

namespace careflow {

std::string_view careflow_version() { return CAREFLOW_VERSION; }

}  // namespace careflow
