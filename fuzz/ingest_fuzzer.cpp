// libFuzzer target: reading returns from files as `careflow ingest` (and report, forecast,
// backtest, benchmark --returns) does: year folders of CSV and XML files, each file read whole,
// decoded, parsed and streamed into the history. See fuzz/README.md.
//
// The input is one or more files ("== 2024_25/episodes.csv" lines, see fuzz_files.hpp; a file
// without a folder goes in 2024_25). Oracles beyond the sanitizers: every table's rows balance,
// every period has an episode, and the validator's way of reading (whole returns, then
// build_history) gives the same history and the same problems in the same order, or stops for
// the same reasons (report.fatal).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <tuple>

#include "careflow/io/ingest.hpp"
#include "fuzz_files.hpp"

using namespace careflow;

namespace {

auto fields(const Problem& p) { return std::tie(p.severity, p.file, p.line, p.column, p.rule, p.message); }
auto fields(const Child& c) {
  return std::make_tuple(c.id, c.dob, c.dob_known, c.sex, c.ethnicity, c.uasc, c.uasc_ceased, c.latest_return,
                         c.first_episode, c.episode_count, c.first_period, c.period_count);
}
auto fields(const Episode& e) {
  return std::make_tuple(e.child, e.start, e.end, e.reason_new, e.legal_status, e.need, e.placement_type, e.provider,
                         e.reason_ceased, e.reason_place_change, e.collection_year, e.home_postcode,
                         e.placement_postcode, e.urn);
}
auto fields(const PeriodOfCare& p) {
  return std::make_tuple(p.child, p.first_episode, p.episode_count, p.start, p.end, p.reason_ceased, p.short_breaks);
}
auto fields(const MissingSpell& m) { return std::make_tuple(m.child, m.start, m.end, m.type); }
auto fields(const Review& r) { return std::make_tuple(r.child, r.date, r.participation); }

template <typename T>
void expect_same(const std::vector<T>& a, const std::vector<T>& b, const char* what) {
  if (a.size() != b.size()) fuzz::fail(what);
  for (size_t i = 0; i < a.size(); ++i)
    if (fields(a[i]) != fields(b[i])) fuzz::fail(what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::TempFolder folder;
  auto files = fuzz::split_files(std::string_view(reinterpret_cast<const char*>(data), size), "2024_25/episodes.csv");
  for (auto& f : files)
    if (f.name.find('/') == std::string::npos) f.name = "2024_25/" + f.name;
  folder.write(files);
  const std::vector<std::string> inputs{folder.root().string()};

  IngestReport streamed;
  const History h = ingest(inputs, std::nullopt, streamed);
  fuzz::expect_utf8(streamed.problems);
  for (const auto& t : streamed.tables)
    if (!t.balances()) fuzz::fail("a table's rows do not balance");
  for (const auto& p : h.periods)
    if (p.episode_count < 1) fuzz::fail("a period of care without an episode");

  IngestReport whole;
  const History w = build_history(read_returns(inputs, std::nullopt, whole), whole);
  fuzz::expect_utf8(streamed.fatal);
  // Inputs that cannot be used (report.fatal) stop every command: both ways must say so, for
  // the same reasons; what else they found is not used, and may differ.
  if (streamed.usable() != whole.usable()) fuzz::fail("ingest and read_returns disagree on whether the returns are usable");
  if (!streamed.usable()) {
    expect_same(streamed.fatal.all(), whole.fatal.all(), "ingest and read_returns stop for different reasons");
    return 0;
  }
  const auto& a = streamed.problems.all();
  const auto& b = whole.problems.all();
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i)
    if (i >= a.size() || i >= b.size() || fields(a[i]) != fields(b[i])) {
      std::fprintf(stderr, "problem %zu differs; ingest's:\n", i);
      for (const auto& p : a) std::fprintf(stderr, "  %s\n", to_string(p).c_str());
      std::fprintf(stderr, "read_returns + build_history's:\n");
      for (const auto& p : b) std::fprintf(stderr, "  %s\n", to_string(p).c_str());
      fuzz::fail("problems differ between ingest and read_returns");
    }
  expect_same(h.children, w.children, "children differ");
  expect_same(h.episodes, w.episodes, "episodes differ");
  expect_same(h.periods, w.periods, "periods differ");
  expect_same(h.missing, w.missing, "missing spells differ");
  expect_same(h.reviews, w.reviews, "reviews differ");
  if (h.strings != w.strings) fuzz::fail("interned strings differ");
  return 0;
}
