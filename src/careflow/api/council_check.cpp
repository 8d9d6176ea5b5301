#include "careflow/api/council_check.hpp"

#include <fmt/format.h>

#include "careflow/benchmark/public_data.hpp"
#include "careflow/io/postcodes.hpp"
#include "careflow/io/reference_tables.hpp"

namespace careflow::api {

bool check_council(Outcome& outcome, const Config& config, const std::string& la,
                   const benchmark::ReturnsEvidence& evidence, const benchmark::PublicData& published,
                   const PostcodeDirectory* postcodes, bool mismatch_ok, std::vector<std::string>& notes,
                   const std::string& why_no_postcodes) {
  if (la.empty()) return true;
  const auto c = benchmark::check_council(
      la, evidence, published, postcodes,
      why_no_postcodes.empty() ? config.reference.missing_message("postcodes/onspd_postcodes.csv.gz") : why_no_postcodes);
  if (c.mismatch && !mismatch_ok) return outcome.stop(c.refusal());
  for (const auto& f : c.findings) outcome.info(fmt::format("--la {}: {}", c.area, f));
  for (const auto& n : c.not_made) {
    outcome.warn(fmt::format("the returns could not be fully checked against {} (--la): {}.", c.area, n));
    notes.push_back("The returns could not be fully checked against the council: " + n + ".");
  }
  if (c.mismatch) {
    const std::string w = c.mismatch_found() + ". Going on as --la-mismatch-ok was given: figures are labelled as " +
                          c.area + "'s.";
    outcome.warn(w);
    notes.push_back("Not the council's returns? " + w);
  }
  return true;
}

benchmark::PublicData load_council_tables(const Config& config) {
  benchmark::LoadOptions lo;
  lo.lait = false;
  lo.direct = false;
  return benchmark::load_public_data(published_file_reader(config.reference), lo);
}

std::optional<PostcodeDirectory> load_postcodes(Outcome& outcome, const Config& config, const PostcodeSelection& wanted) {
  if (!wanted.size()) return std::nullopt;
  ProblemLog problems;
  auto postcodes = PostcodeDirectory::load_reference(config.reference, problems, [&] { return &wanted; },
                                                     config.postcode_index);
  for (const auto& p : problems.all())
    if (p.rule == "postcode-index") outcome.info(to_string(p));
  return postcodes;
}

}  // namespace careflow::api
