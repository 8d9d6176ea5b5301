// libFuzzer target: the list of children of `careflow evaluate --children` (io/children_list),
// then the edge-of-care evaluation of what it accepts on a small history and CIN timeline. See
// fuzz/README.md. Oracles: a list with no error accepts every row it read; an accepted child has
// an id, and an end (if any) not before its start; no two accepted children are one child; the
// evaluation accounts for every child of the list exactly once; problems' text is UTF-8.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "careflow/analyse/edge_of_care.hpp"
#include "careflow/io/children_list.hpp"
#include "fuzz_files.hpp"
#include "small_return.hpp"

using namespace careflow;

namespace {

const cin::Timeline& small_timeline(const History& h) {
  static const cin::Timeline t = [&h] {
    cin::Timeline t;
    t.years = h.years;
    for (size_t i = 0; i < h.children.size() && i < 3; ++i) {
      cin::CinChild c;
      c.id = h.children[i].id;
      if (h.children[i].dob_known) c.dob = h.children[i].dob;
      cin::EpisodeOfNeed e;
      e.referral = h.data_start();
      e.primary_need = "N1";
      c.episodes.push_back(e);
      t.children.push_back(c);
    }
    t.children.push_back([] {
      cin::CinChild c;
      c.id = "CIN0001";
      c.dob = Date::from_ymd(2015, 1, 1);
      return c;
    }());
    std::sort(t.children.begin(), t.children.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return t;
  }();
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ChildrenList l = parse_children_list(text, "children.csv");
  fuzz::expect_utf8(l.problems);
  if (l.usable() && l.children.size() != l.rows) fuzz::fail("a list without errors lost a row");
  std::set<std::string> ids;
  for (const auto& c : l.children) {
    if (c.id.empty()) fuzz::fail("a child without an id was accepted");
    if (c.end && *c.end < c.start) fuzz::fail("an end before the start was accepted");
    std::string key = c.id;
    for (auto& ch : key) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (!ids.insert(key).second) fuzz::fail("the same child was accepted twice");
  }
  if (!l.usable()) return 0;
  static const History h = fuzz::small_history();
  std::vector<analyse::SupportedChild> children;
  for (const auto& c : l.children) children.push_back({c.id, c.start, c.end, c.line});
  const auto e = analyse::evaluate_edge_of_care(h, small_timeline(h), children);
  const auto& n = e.counts;
  if (n.not_found + n.not_in_cin + n.dob_unknown + n.start_outside_data + n.looked_after_at_start + n.aged_18_or_over +
          n.evaluated != children.size() ||
      n.matched + n.unmatched != n.evaluated)
    fuzz::fail("the evaluation did not account for every child of the list once");
  for (const auto& f : e.figures)
    if (f.all_with_outcome > f.all_followed_up || f.all_followed_up > n.evaluated ||
        !(f.comparison_interval.lower <= f.comparison_interval.upper))
      fuzz::fail("an outcome count or interval out of order");
  (void)analyse::edge_of_care_tables(e);
  return 0;
}
