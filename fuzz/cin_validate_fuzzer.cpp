// libFuzzer target: a CIN census return in the analysts' CSV layout (one section per module,
// "== cin_details.csv" and so on, fuzz_files.hpp), read as careflow validate reads it, then every
// CIN rule of 2022/23 and of 2024/25 run over it and its error tables made. Oracles: every rule
// runs (the working-day rules may be "not run" for a census beyond the bank-holiday table), and
// every flagged row is a row of its module (or the return-level row of the Header).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "careflow/io/cin_census.hpp"
#include "careflow/validate/cin_collection.hpp"
#include "careflow/validate/error_tables.hpp"
#include "fuzz_files.hpp"

using namespace careflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ProblemLog problems;
  cin::Return ret;
  for (const auto& f : fuzz::split_files(bytes, "cin_details.csv", 1)) cin::read_cin_csv_text(f.bytes, f.name, ret, problems);
  for (const int year : {2023, 2025}) {
    validate::CinInput in;
    in.this_year = &ret;
    in.year = CollectionYear{year};
    const auto results = validate::validate_cin(in);
    for (const auto& r : results) {
      if (r.outcome == validate::Outcome::not_implemented) fuzz::fail("a CIN rule is not implemented");
      for (const auto& [table, rows] : r.flagged)
        for (size_t row : rows) {
          if (row == validate::kReturnLevel && table == cin::Table::header) continue;
          const auto* t = ret.find(table);
          if (!t || row >= t->rows()) fuzz::fail("a CIN rule flags a row its module does not have");
        }
    }
    auto tables = validate::ErrorTables::of<validate::CinCensus>(results, ret, {});
    std::string text;
    tables->text_lines(0, tables->error_count(), text);
  }
  return 0;
}
