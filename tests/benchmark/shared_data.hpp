// Loads the published reference data once for every test in this executable; tests that need it
// skip with a message when the shared folder is absent.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "careflow/benchmark/public_data.hpp"
#include "careflow/io/reference_data.hpp"

inline const careflow::benchmark::PublicData* shared_public_data() {
  static const careflow::benchmark::PublicData* data = [] () -> const careflow::benchmark::PublicData* {
    careflow::set_reference_data_dir(std::string(CAREFLOW_SHARED_DIR) + "/data/public");
    if (!careflow::reference_file(careflow::benchmark::kClaSeries)) return nullptr;
    return new careflow::benchmark::PublicData(careflow::benchmark::load_public_data());
  }();
  careflow::set_reference_data_dir(std::string(CAREFLOW_SHARED_DIR) + "/data/public");
  return data;
}

#define REQUIRE_SHARED_DATA(d)                                                                  \
  const auto* d = shared_public_data();                                                         \
  if (!d) GTEST_SKIP() << "shared reference data not found under " CAREFLOW_SHARED_DIR "/data/public"
