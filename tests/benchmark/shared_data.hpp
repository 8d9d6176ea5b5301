// Loads the published reference data once for every test in this executable; tests that need it
// skip with a message when the shared folder is absent.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "careflow/benchmark/public_data.hpp"
#include "careflow/io/reference_data.hpp"

inline const careflow::benchmark::PublicData* shared_public_data() {
  static const std::optional<careflow::benchmark::PublicData> data = [] {
    careflow::set_reference_data_dir(std::string(CAREFLOW_SHARED_DIR) + "/data/public");
    std::optional<careflow::benchmark::PublicData> d;
    if (careflow::reference_file(careflow::benchmark::kClaSeries)) d = careflow::benchmark::load_public_data();
    return d;
  }();
  careflow::set_reference_data_dir(std::string(CAREFLOW_SHARED_DIR) + "/data/public");
  return data ? &*data : nullptr;
}

#define REQUIRE_SHARED_DATA(d)                                                                  \
  const auto* d = shared_public_data();                                                         \
  if (!d) GTEST_SKIP() << "shared reference data not found under " CAREFLOW_SHARED_DIR "/data/public"
