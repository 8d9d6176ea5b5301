// --la checked against the returns, the same way for every use case that takes a council and
// returns (needs assessment, benchmark with own returns, validate): see benchmark/council_check.hpp.
// A clear mismatch stops the use case unless the request allows it; a check that could not be
// made is a warning, on the terminal and in what the use case writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "careflow/api/config.hpp"
#include "careflow/api/outcome.hpp"
#include "careflow/benchmark/council_check.hpp"

namespace careflow::api {

// Runs the check and records what it found in `outcome`: a refusal (stop) when the returns are
// clearly not the council's and `mismatch_ok` is false; else findings (notes), and warnings for
// what could not be checked or a mismatch let through. Returns false when the use case must
// stop; `notes` gets the sentences for the use case's own outputs.
// Without `postcodes`, `why_no_postcodes` says why (default: the reference folder's message
// about the absent postcode directory).
bool check_council(Outcome& outcome, const Config& config, const std::string& la,
                   const benchmark::ReturnsEvidence& evidence, const benchmark::PublicData& published,
                   const PostcodeDirectory* postcodes, bool mismatch_ok, std::vector<std::string>& notes,
                   const std::string& why_no_postcodes = "");

// The published council-level tables the check (and the report's "How we compare") draws on:
// every one but the largest, LAIT and the direct measures, which neither uses.
benchmark::PublicData load_council_tables(const Config& config);

// The postcode directory's rows for `wanted`, through the configured index; none when nothing is
// wanted or the directory is absent. A remade index is said (info); the directory's own bad rows
// are the publisher's, not the user's, and are not.
std::optional<PostcodeDirectory> load_postcodes(Outcome& outcome, const Config& config, const PostcodeSelection& wanted);

}  // namespace careflow::api
