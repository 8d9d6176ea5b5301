// The configuration every use case is given: everything it needs from outside its request, as one
// explicit object. The library reads no environment variable and keeps no process-wide setting;
// a front end (the CLI, later a dashboard or Python) decides each field and passes it in.
#pragma once

#include <optional>

#include "careflow/core/privacy.hpp"
#include "careflow/io/postcodes.hpp"
#include "careflow/io/reference_data.hpp"

namespace careflow::api {

struct Config {
  // Published statistics, populations and the postcode directory (docs/reference-data.md).
  ReferenceFolder reference;
  // Whether the postcode directory is read through its prebuilt index, and where that is kept
  // when the reference folder cannot be written (io/postcode_index.hpp).
  PostcodeIndexOptions postcode_index{false, {}};
  // The key of children's pseudonyms (problems, outputs that name a child). None: messages name
  // only the file and line, and use cases that must show children by pseudonym refuse.
  std::optional<PseudonymKey> pseudonym_key;
  // Worker threads for the parts that run in parallel; 0: as many as the machine has.
  int threads = 0;
  // Disclosure control on published outputs: counts of 1 to 5 withheld, and whatever would
  // reveal them. Off only for internal use (the outputs are then marked NOT FOR PUBLICATION).
  bool suppression = true;
  // Stage timings in results (profiling at national scale); never in an output file.
  bool timing = false;
};

}  // namespace careflow::api
