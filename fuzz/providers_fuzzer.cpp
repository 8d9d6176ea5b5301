// libFuzzer target: the Ofsted provider list of `careflow validate --providers` (URN,
// PLACE_CODES, PROVIDER_CODES, REG_END, POSTCODE, LA_CODE_INFERRED...), read as the validator
// reads it and used by every rule that needs it, on a small return. See fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "careflow/validate/engine.hpp"
#include "fuzz_files.hpp"
#include "small_return.hpp"

using namespace careflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ProblemLog problems;
  const auto csv = parse_csv(std::string_view(reinterpret_cast<const char*>(data), size), "providers.csv");
  const auto providers = validate::provider_info_from_csv(csv, "providers.csv", problems);
  if (!providers) return 0;
  validate::ValidationInput in;
  in.this_year = &fuzz::small_return();
  in.year = in.this_year->year;
  in.la = "E08000025";
  in.providers = &*providers;
  // The rules that read the list, found once (looking a rule's implementation up is slow).
  static const std::vector<const validate::RuleVersion*> rules = [&] {
    std::vector<const validate::RuleVersion*> out;
    for (const auto& v : validate::catalogue())
      if (const auto* impl = validate::implementation(v); impl && impl->needs.providers && v.active_in(in.year.end_year))
        out.push_back(&v);
    return out;
  }();
  for (const auto* v : rules) {
    const auto result = validate::run_rule(*v, in);
    if (result.outcome != validate::Outcome::ran) fuzz::fail("a provider-list rule did not run with a provider list");
    for (const auto& [table, rows] : result.flagged)
      for (size_t r : rows)
        if (r >= in.this_year->find(table)->rows()) fuzz::fail("a rule flags a row the table does not have");
  }
  return 0;
}
