#include "careflow/api/synthesise.hpp"

#include <chrono>
#include <exception>

namespace careflow::api {

SynthesiseResult synthesise(const Config& config, const SynthesiseRequest& q) {
  SynthesiseResult r;
  synth::SynthOptions o = q.options;
  o.reference = config.reference;
  o.postcode_index = config.postcode_index;
  o.timing = config.timing;
  if (config.threads > 0 && o.threads == 0) o.threads = config.threads;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    r.truth = synth::generate(o, q.out_dir);
  } catch (const std::exception& e) {
    r.stop(e.what());
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace careflow::api
