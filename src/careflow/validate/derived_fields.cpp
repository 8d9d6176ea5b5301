// PL_LA, PL_LOCATION and PL_DISTANCE, which DfE derives from an episode's postcodes.
#include <fmt/format.h>

#include "careflow/io/postcodes.hpp"
#include "careflow/validate/engine.hpp"

namespace careflow::validate {

DerivedEpisodeFields derive_episode_fields(const ssda903::ReturnTable& episodes,
                                           const PostcodeDirectory& postcodes, std::string_view la) {
  DerivedEpisodeFields d;
  const size_t n = episodes.rows();
  d.pl_la.resize(n);
  d.pl_location.resize(n);
  d.pl_distance.resize(n);
  d.location = !la.empty();
  const size_t home_col = ssda903::episodes_col::HOME_POST;
  const size_t pl_col = ssda903::episodes_col::PL_POST;
  for (size_t r = 0; r < n; ++r) {
    const auto pl = postcodes.find(episodes.cell(r, pl_col));
    if (!pl) continue;
    d.pl_la[r] = std::string(pl->utla);
    if (!la.empty()) d.pl_location[r] = (pl->utla == la || pl->laua == la) ? "IN" : "OUT";
    if (const auto home = postcodes.find(episodes.cell(r, home_col)))
      if (const auto miles = distance_miles(*home, *pl)) d.pl_distance[r] = fmt::format("{:.1f}", *miles);
  }
  return d;
}

}  // namespace careflow::validate
