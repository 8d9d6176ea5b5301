// The shared reference data folder (../shared/data/public beside the checkout) as the tests'
// configuration: the library has no default of its own, so each test names the folder it uses.
#pragma once

#include <string>

#include "careflow/io/reference_data.hpp"

inline const careflow::ReferenceFolder& shared_reference() {
  static const careflow::ReferenceFolder folder =
      careflow::ReferenceFolder::at(std::string(CAREFLOW_SHARED_DIR) + "/data/public");
  return folder;
}
