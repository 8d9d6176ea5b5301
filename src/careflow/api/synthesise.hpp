// Use case: realistic synthetic SSDA903 returns (careflow synth): a council or England, any span
// of years, optional data-quality faults and dynamics, with the ground truth they were made from.
#pragma once

#include <string>

#include "careflow/api/config.hpp"
#include "careflow/api/outcome.hpp"
#include "careflow/synth/synth.hpp"

namespace careflow::api {

struct SynthesiseRequest {
  // The council, its size, the years, the seed, faults and dynamics (synth/synth.hpp). Its
  // reference folder, postcode index, threads and timing are taken from the configuration.
  synth::SynthOptions options;
  std::string out_dir;  // one folder per collection year is written here, and ground_truth.json
};

struct SynthesiseResult : Outcome {
  synth::GroundTruth truth;
  double seconds = 0;           // wall time of the generation
};

SynthesiseResult synthesise(const Config& config, const SynthesiseRequest& request);

// Dynamics drawn from the seed (--dynamics drawn), into `options` (synth::draw_dynamics), for a
// caller to adjust before synthesising.
using synth::draw_dynamics;
// Folder name of a collection year: 2024 -> "2023_24".
using synth::year_folder;

}  // namespace careflow::api
