// Every command's outputs go through here (docs/outputs.md): the output folder is opened, and so
// checked, before any work, and committed with its manifest at the end. The manifest records the
// command line with nothing that could identify a child.
#pragma once

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/io/output_folder.hpp"

namespace careflow::cli {

// The arguments whose values a manifest records: paths to input data and outputs, council codes,
// years, dates of the run (never a child's), numbers, choices and the aggregate filters. Any
// other argument's value (an option added later, a key, anything that could be a child's detail)
// is recorded as kWithheld, so that a manifest can never carry one by oversight.
inline constexpr std::string_view kRecordedValues[] = {
    // inputs and outputs (paths)
    "inputs", "--out", "--data", "--this-year", "--last-year", "--returns", "--providers", "--population", "--children",
    "--unit-costs", "--projection", "--scenario",
    // the council and the period
    "--la", "--year", "--years", "--from", "--to", "--reference-date", "--as-of", "--area", "--filter",
    // report
    "--forecast-runs", "--backtest-runs", "--seed",
    // forecast and backtest: model and scenario levers
    "--runs", "--horizon", "--reference-days", "--trend-prior-sd", "--trend-change-sd", "--entries", "--return-home", "--shift",
    "--reentry-change", "--legal-change", "--population-growth", "--inflation", "--simulated", "--growth",
    "--entrants",
    // synth
    "--children-per-year", "--trend", "--messiness", "--threads",
    // output choices
    "--format", "--show",
    // flags (no values; listed so that the list reads as every argument careflow has)
    "--no-suppression", "--no-trend", "--no-reentry", "--no-legal-exits", "--national", "--no-postcodes", "--pseudonymise",
    "--la-mismatch-ok"};
inline constexpr std::string_view kWithheld = "(withheld)";

// The command line as run, for a manifest: "careflow", the command, then every argument given
// (in the order the command defines them), each value kept only if kRecordedValues names it.
inline std::vector<std::string> manifest_command(const CLI::App& command) {
  std::vector<std::string> line{"careflow", command.get_name()};
  auto add = [&line](const CLI::App& app) {
    for (const CLI::Option* o : app.get_options()) {
      if (o->count() == 0) continue;
      const std::string name = o->get_name();
      if (o->get_items_expected_max() == 0) {  // a flag
        for (size_t i = 0; i < o->count(); ++i) line.push_back(name);
        continue;
      }
      const bool keep = !name.empty() && std::find(std::begin(kRecordedValues), std::end(kRecordedValues), name) != std::end(kRecordedValues);
      for (const auto& v : o->results()) {
        if (o->nonpositional()) line.push_back(name);
        line.emplace_back(keep ? std::string(v) : std::string(kWithheld));
      }
    }
  };
  add(command);
  if (const CLI::App* parent = command.get_parent()) add(*parent);  // options given before the command (--data)
  return line;
}

// Opens `out` before any work. False, with the reason printed, when it cannot be written there:
// the command then exits 2 having done nothing.
inline bool open_output(OutputFolder& folder, std::string_view command, const std::string& out,
                        const std::vector<std::string>& inputs) {
  std::string err;
  if (folder.open(out, inputs, &err)) return true;
  fmt::print(stderr, "careflow {}: --out: {}\n", command, err);
  return false;
}

// Writes the manifest and moves the folder into place. False, with the reason printed, if it
// could not be (the previous output, if any, is then as it was).
inline bool commit_output(OutputFolder& folder, std::string_view command, const Manifest& m) {
  std::string err;
  if (folder.commit(m, &err)) return true;
  fmt::print(stderr, "careflow {}: {}\n", command, err);
  return false;
}

}  // namespace careflow::cli
