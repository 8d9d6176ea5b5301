// libFuzzer target: the published tables `careflow benchmark` reads from the reference data
// folder (CLA series, deprivation, low income, statistical neighbours, LA list, LAIT, Ofsted,
// CIN census, S251, starters and ceasers), loaded as load_public_data does and turned into the
// benchmark report for the first council the tables give. See fuzz/README.md.
//
// The input is one or more files named by their place in the folder ("== lait/lait_....csv",
// see fuzz_files.hpp); text before any name is the CLA series.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "careflow/benchmark/public_data.hpp"
#include "careflow/report/benchmark_page.hpp"
#include "careflow/io/reference_tables.hpp"
#include "fuzz_files.hpp"

using namespace careflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::TempFolder folder;
  folder.write(fuzz::split_files(std::string_view(reinterpret_cast<const char*>(data), size), benchmark::kClaSeries));
  const benchmark::PublicData d = benchmark::load_public_data(published_file_reader(ReferenceFolder::at(folder.root().string())));
  // The benchmark for the latest year of the first council that reports, as `careflow
  // benchmark --la` would give it.
  for (auto it = d.cla.rbegin(); it != d.cla.rend(); ++it)
    if (it->level == benchmark::Level::council && it->reports() && d.council_year(it->la_number, it->year) == &*it) {
      if (it->la_number > 0 && d.find_council(std::to_string(it->la_number)) != it->la_number)
        fuzz::fail("a council is not found by its number");
      (void)report::build_benchmark_report(d, it->la_number, it->year);
      break;
    }
  return 0;
}
