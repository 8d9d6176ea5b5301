#include "config.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "postcode_index_place.hpp"

namespace careflow::cli {

namespace {
std::string& data_dir() {
  static std::string dir;
  return dir;
}
}  // namespace

void set_data_dir(std::string dir) { data_dir() = std::move(dir); }

api::Config config() {
  api::Config c;
  const char* env = std::getenv("CAREFLOW_DATA");
  c.reference = ReferenceFolder::choose(data_dir(), env ? env : "");
  c.postcode_index = postcode_index_options();
  c.timing = std::getenv("CAREFLOW_TIMING") != nullptr;
  return c;
}

bool print_messages(const api::Outcome& outcome, std::string_view command) {
  for (const auto& m : outcome.messages) {
    const char* kind = m.kind == api::Message::Kind::warning ? "warning: " : m.kind == api::Message::Kind::note ? "note: " : "";
    fmt::print(stderr, "careflow {}: {}{}\n", command, kind, m.text);
  }
  return outcome.done;
}

}  // namespace careflow::cli
