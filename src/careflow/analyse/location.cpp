// Placement location (in or out of the council's area) and distance from home at 31 March, from
// the ONS postcode directory, derived as DfE derives PL_LOCATION and PL_DISTANCE
// (/work/shared/research/ssda903-spec.md): the placement postcode's upper-tier LA against the
// council's, and the straight-line distance between home and placement postcodes in miles.
#include <fmt/format.h>

#include <cmath>

#include "careflow/analyse/context.hpp"
#include "careflow/io/postcodes.hpp"

// g++ 12 false positive inside std::variant copies (see analyse.cpp).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace careflow::analyse::detail {

void location(Context& cx, Assessment& a) {
  const History& h = cx.h;
  // Only load the directory (2.7 million postcodes) if there is something to look up.
  bool any = false;
  for (const auto& y : cx.years) {
    for (ChildIndex c : cx.stock(cx.year_end(y))) {
      const Episode* e = h.episode_on(c, cx.year_end(y));
      any |= e && e->placement_postcode != 0;
    }
    if (any) break;
  }
  if (!any) {
    a.limitations.push_back("Placement location and distance from home: the returns have no placement postcodes (PL_POST).");
    return;
  }
  const PostcodeDirectory* dir = cx.o.postcodes;
  if (!dir) {
    a.limitations.push_back("Placement location (in or out of the council's area) and distance from home: needs the ONS "
                            "postcode directory (postcodes/onspd_postcodes.csv.gz in the reference data folder).");
    return;
  }
  const bool know_council = !cx.la_ons_code.empty();
  if (!know_council)
    a.limitations.push_back("Placement location (in or out of area): give the council (--la) to compare placements' "
                            "areas with it; distance from home is shown.");
  const auto lookup = [&](uint32_t pc) -> std::optional<PostcodeInfo> {
    if (pc == 0) return std::nullopt;
    return dir->find(h.string(pc));
  };
  if (know_council) {
    auto t = by_year(cx, "at_31_march_by_location", "Children looked after at 31 March, by placement location",
                     "In the council's area when the placement postcode's upper-tier LA (ONS postcode directory) is the "
                     "council's; placements in Scotland, Wales or Northern Ireland are outside. As DfE's PL_LOCATION.",
                     "profile", {"In the council's area", "Outside the council's area", "Placement postcode missing or not found"},
                     [&](const CollectionYear& y, std::vector<double>& counts) {
                       const Date d = cx.year_end(y);
                       for (ChildIndex c : cx.stock(d)) {
                         const Episode* e = h.episode_on(c, d);
                         const auto pl = e ? lookup(e->placement_postcode) : std::nullopt;
                         if (!pl) counts[2] += 1;
                         else counts[pl->utla == cx.la_ons_code || pl->laua == cx.la_ons_code ? 0 : 1] += 1;
                       }
                     },
                     true);
    a.tables.push_back(std::move(t));
  }
  double far = 0, known = 0;
  auto t = by_year(cx, "at_31_march_by_distance", "Children looked after at 31 March, by distance from home to placement",
                   "Straight-line distance between the home postcode (HOME_POST) and the placement postcode (PL_POST), in "
                   "miles to one decimal place, as DfE's PL_DISTANCE. Not known when either postcode is missing or not in "
                   "the directory.",
                   "profile", {"Under 5 miles", "5 to under 10 miles", "10 to 20 miles", "Over 20 miles", "Not known"},
                   [&](const CollectionYear& y, std::vector<double>& counts) {
                     const Date d = cx.year_end(y);
                     const bool latest = y == cx.years.back();
                     for (ChildIndex c : cx.stock(d)) {
                       const Episode* e = h.episode_on(c, d);
                       const auto pl = e ? lookup(e->placement_postcode) : std::nullopt;
                       const auto home = e ? lookup(e->home_postcode) : std::nullopt;
                       const auto miles = pl && home ? distance_miles(*home, *pl) : std::nullopt;
                       const int k = !miles ? 4 : *miles < 5 ? 0 : *miles < 10 ? 1 : *miles <= 20 ? 2 : 3;
                       counts[static_cast<size_t>(k)] += 1;
                       if (latest && miles) {
                         known += 1;
                         far += *miles > 20;
                       }
                     }
                   },
                   true);
  a.tables.push_back(std::move(t));
  if (known >= 20 && far > 5 && known - far > 5)
    a.messages.push_back({"profile",
                          fmt::format("{:.0f}% of children looked after at 31 March {} whose distance is known were placed "
                                      "more than 20 miles from home.",
                                      100.0 * far / known, cx.years.back().end_year),
                          6, {far, known - far}});
}

}  // namespace careflow::analyse::detail
