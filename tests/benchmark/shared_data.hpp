// Loads the published reference data once for every test in this executable; tests that need it
// skip with a message when the shared folder is absent.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "careflow/benchmark/public_data.hpp"
#include "careflow/io/reference_tables.hpp"
#include "shared_reference.hpp"

// Most tests do not need the large LAIT file; those that do ask for it (`with_lait`).
inline const careflow::benchmark::PublicData* shared_public_data(bool with_lait = false) {
  auto load = [](bool lait) {
    std::optional<careflow::benchmark::PublicData> d;
    if (shared_reference().file(careflow::benchmark::kClaSeries))
      d = careflow::benchmark::load_public_data(careflow::published_file_reader(shared_reference()), {lait});
    return d;
  };
  if (with_lait) {
    static const std::optional<careflow::benchmark::PublicData> full = load(true);
    return full ? &*full : nullptr;
  }
  static const std::optional<careflow::benchmark::PublicData> data = load(false);
  return data ? &*data : nullptr;
}

#define REQUIRE_SHARED_DATA_WITH(d, lait)                                                        \
  const auto* d = shared_public_data(lait);                                                     \
  if (!d) GTEST_SKIP() << "shared reference data not found under " CAREFLOW_SHARED_DIR "/data/public"
#define REQUIRE_SHARED_DATA(d) REQUIRE_SHARED_DATA_WITH(d, false)
