#include "careflow/synth/postcodes.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <optional>

#include <tbb/parallel_for.h>

#include "careflow/io/reference_data.hpp"
#include "careflow/synth/model.hpp"

namespace careflow::synth {

namespace {
constexpr double kMetresPerMile = 1609.3;  // as DfE's PL_DISTANCE converts
// Fewer postcodes than this is no council's home area: the Isles of Scilly (113) would put
// every placement a ferry away.
constexpr size_t kMinCouncilPostcodes = 1000;
}  // namespace

PostcodeSampler::PostcodeSampler(const PostcodeDirectory& directory) : dir_(directory) {
  slot_.assign(dir_.size(), UINT32_MAX);
  std::map<std::string, std::vector<uint32_t>, std::less<>> areas;
  std::string_view last_utla;
  std::vector<uint32_t>* last_area = nullptr;
  int32_t e_min = INT32_MAX, n_min = INT32_MAX, e_max = INT32_MIN, n_max = INT32_MIN;
  for (size_t i = 0; i < dir_.size(); ++i) {
    const PostcodeInfo p = dir_.info(i);
    // England only: a council in England places children mostly in England, and the Welsh,
    // Scottish and Northern Irish directories use other grids and codes.
    if (!p.has_grid || p.laua.empty() || p.laua[0] != 'E') continue;
    const auto pos = static_cast<uint32_t>(index_.size());
    slot_[i] = pos;
    index_.push_back(static_cast<uint32_t>(i));
    east_.push_back(p.easting);
    north_.push_back(p.northing);
    if (p.utla != last_utla || !last_area) {
      last_area = &areas[std::string(p.utla)];
      last_utla = p.utla;
    }
    last_area->push_back(pos);
    e_min = std::min(e_min, p.easting), e_max = std::max(e_max, p.easting);
    n_min = std::min(n_min, p.northing), n_max = std::max(n_max, p.northing);
  }
  area_.assign(index_.size(), -1);
  for (auto& [code, members] : areas) {
    if (code.empty() || members.size() < kMinCouncilPostcodes) continue;
    const auto id = static_cast<int16_t>(council_codes_.size());
    council_codes_.push_back(code);
    for (uint32_t pos : members) area_[pos] = id;
    by_council_.push_back(std::move(members));
  }
  if (index_.empty()) return;
  e0_ = e_min, n0_ = n_min;
  cols_ = (e_max - e_min) / kCell + 1, rows_ = (n_max - n_min) / kCell + 1;
  // Counting sort of the postcodes by grid square.
  cell_start_.assign(static_cast<size_t>(cols_) * rows_ + 1, 0);
  for (size_t k = 0; k < index_.size(); ++k) ++cell_start_[static_cast<size_t>(cell_of(east_[k], north_[k])) + 1];
  for (size_t c = 1; c < cell_start_.size(); ++c) cell_start_[c] += cell_start_[c - 1];
  by_cell_.resize(index_.size());
  std::vector<uint32_t> fill(cell_start_.begin(), cell_start_.end() - 1);
  for (size_t k = 0; k < index_.size(); ++k)
    by_cell_[fill[static_cast<size_t>(cell_of(east_[k], north_[k]))]++] = static_cast<uint32_t>(k);
}

int PostcodeSampler::cell_of(int32_t e, int32_t n) const {
  const int c = (e - e0_) / kCell, r = (n - n0_) / kCell;
  if (c < 0 || r < 0 || c >= cols_ || r >= rows_) return -1;
  return r * cols_ + c;
}

int PostcodeSampler::council(std::string_view utla) const {
  const auto it = std::lower_bound(council_codes_.begin(), council_codes_.end(), utla);
  return it != council_codes_.end() && *it == utla ? static_cast<int>(it - council_codes_.begin()) : -1;
}

uint32_t PostcodeSampler::in_area(Rng& r, int council) const {
  const auto& m = by_council_[static_cast<size_t>(council)];
  return index_[m[static_cast<size_t>(r.below(static_cast<int>(m.size())))]];
}

uint32_t PostcodeSampler::anywhere(Rng& r) const {
  return index_[static_cast<size_t>(r.below(static_cast<int>(index_.size())))];
}

uint32_t PostcodeSampler::near(Rng& r, uint32_t from, double miles, int area, bool inside) const {
  const uint32_t at = slot_of(from);
  const double metres = miles * kMetresPerMile;
  constexpr int kBearings = 6, kRounds = 4;
  for (int round = 0; round < kRounds; ++round) {
    int cells[kBearings];
    double weight[kBearings], total = 0;
    for (int b = 0; b < kBearings; ++b) {
      const double angle = 6.283185307179586 * r.uniform();
      const int c = cell_of(east_[at] + static_cast<int32_t>(metres * std::cos(angle)),
                            north_[at] + static_cast<int32_t>(metres * std::sin(angle)));
      cells[b] = c;
      weight[b] = c < 0 ? 0 : cell_start_[static_cast<size_t>(c) + 1] - cell_start_[static_cast<size_t>(c)];
      total += weight[b];
    }
    if (total == 0) continue;  // all at sea or abroad: try other bearings
    double u = r.uniform() * total;
    int b = 0;
    while (b < kBearings - 1 && u >= weight[b]) u -= weight[b++];
    const size_t c = static_cast<size_t>(cells[b]);
    const uint32_t n = cell_start_[c + 1] - cell_start_[c];
    const uint32_t pos = by_cell_[cell_start_[c] + static_cast<uint32_t>(r.below(static_cast<int>(n)))];
    if (area < 0 || (area_[pos] == area) == inside) return index_[pos];
  }
  // Nothing suitable at that distance (a small council's area, or the coast): inside the area
  // anywhere in it; outside it, the nearest other council's postcode found by widening rings.
  if (area >= 0 && inside) return in_area(r, area);
  const int c0 = (east_[at] - e0_) / kCell, r0 = (north_[at] - n0_) / kCell;
  for (int ring = 1; ring < std::max(cols_, rows_); ++ring)
    for (int dr = -ring; dr <= ring; ++dr)
      for (int dc = -ring; dc <= ring; ++dc) {
        if (std::abs(dr) != ring && std::abs(dc) != ring) continue;
        const int cc = c0 + dc, rr = r0 + dr;
        if (cc < 0 || rr < 0 || cc >= cols_ || rr >= rows_) continue;
        const size_t c = static_cast<size_t>(rr * cols_ + cc);
        for (uint32_t k = cell_start_[c]; k < cell_start_[c + 1]; ++k)
          if (area < 0 || area_[by_cell_[k]] != area) return index_[by_cell_[k]];
      }
  return from;
}

namespace {

// How far from home a new placement is, by who provides it and what it is. Own provision (PR1)
// stays inside the council's area, as rule 1015 expects; another council's (PR2) is outside it;
// agencies' foster carers and children's homes are wherever they are, often farther. Medians
// in miles and log-scale spreads tuned against England's published figures (docs/synth.md).
struct Reach {
  double median, sigma;
  int where;  // +1 inside the council's area, -1 outside, 0 either
};
Reach reach(std::string_view place, std::string_view provider) {
  const char kind = place.empty() ? 'Z' : place[0];
  const bool kin = place == "U1" || place == "U2" || place == "U3";
  const bool supported = place == "K3" || place == "H5" || place == "P2";
  const bool home = place == "K1" || place == "K2";
  if (provider == "PR1") {
    if (kin) return {2.5, 0.9, +1};
    if (kind == 'U') return {3.5, 0.8, +1};
    if (kind == 'A') return {6, 0.8, +1};
    return {4, 0.8, +1};
  }
  if (provider == "PR2") return {18, 0.7, -1};
  if (kin) return {8, 1.1, 0};
  if (kind == 'U') return {15, 1.0, 0};   // independent fostering agencies
  if (kind == 'A') return {20, 0.9, 0};   // voluntary adoption agencies' adopters
  if (home) return {32, 0.9, 0};
  if (supported) return {10, 1.0, 0};
  if (kind == 'R' || kind == 'S') return {35, 0.8, 0};
  return {5, 1.2, 0};                     // Z: other placements
}
// Reach beyond this is a placement at the far end of England at most (rule 454 flags > 350).
constexpr double kMaxMiles = 250;

}  // namespace

void assign_postcodes(World& w) {
  const PostcodeSampler* s = w.postcodes;
  if (!s) return;
  const CodeIndex S = codes::reason_new_episode.find("S"), P = codes::reason_new_episode.find("P"),
                  B = codes::reason_new_episode.find("B");
  // Children whose care ended before the first return are in no file (most of the 18 years of
  // burn-in): nothing to draw for them.
  const Date first_return = CollectionYear{w.options.first_year}.start();
  tbb::parallel_for(tbb::blocked_range<size_t>(0, w.children.size(), 2048), [&](const auto& range) {
    for (size_t i = range.begin(); i != range.end(); ++i) {
      Child& c = w.children[i];
      if (c.episodes.empty() || c.episodes.back().end < first_return) continue;
      Rng r(c.seed ^ 0x506F5374436F6465ull);  // a stream of its own ("PoStCode")
      // Unaccompanied children have no family home here (HOME_POST is not required for them);
      // their placements are drawn from a point in the council's area instead.
      uint32_t home = kNoPostcode, anchor;
      const int council = w.council >= 0 ? w.council : -1;
      auto new_home = [&](uint32_t previous) {
        if (council >= 0) return s->in_area(r, council);
        return previous == kNoPostcode ? s->anywhere(r) : s->near(r, previous, r.lognormal(2, 1.0));
      };
      anchor = new_home(kNoPostcode);
      uint32_t place = kNoPostcode;
      for (Episode& e : c.episodes) {
        if (e.rne == S) {
          // A family returning to care mostly still lives where it did.
          if (!c.uasc) home = home == kNoPostcode || r.chance(0.25) ? new_home(home) : home;
          if (home != kNoPostcode) anchor = home;
        }
        const auto pl = codes::placement_type.code(e.place);
        // Only a child placed with parents lives at the home postcode (rule 392d); carers who
        // stay the same keep theirs.
        const bool at_home = place != kNoPostcode && place == home && pl != "P1";
        if (e.rne == S || e.rne == P || e.rne == B || place == kNoPostcode || at_home) {
          const auto provider = e.provider == kNoCode ? std::string_view() : codes::placement_provider.code(e.provider);
          // A new carer (RNE P or B) lives elsewhere: moving between parents is to the other
          // parent's address, or the change of placement would not show (rules 435, 436).
          const uint32_t before = e.rne == P || e.rne == B ? place : kNoPostcode;
          if (pl == "P1" && home != kNoPostcode && r.chance(0.7) && before != home) {
            place = home;  // back with the family it came from
          } else {
            const Reach x = reach(pl, provider);
            const int area = council >= 0 ? council : s->council_of(anchor);
            for (int attempt = 0;
                 attempt < 8 && (attempt == 0 || (place == home && pl != "P1") || (before != kNoPostcode && place == before));
                 ++attempt) {
              const double miles = std::min(kMaxMiles, r.lognormal(x.median, x.sigma));
              place = s->near(r, anchor, miles, x.where == 0 ? -1 : area, x.where > 0);
            }
          }
        }
        e.home_post = home;
        e.pl_post = place;
      }
    }
  });
}

std::shared_ptr<const PostcodeSource> load_postcode_source(const ReferenceFolder& folder,
                                                           const PostcodeIndexOptions& index, std::string& note) {
  constexpr const char* kOnspd = "postcodes/onspd_postcodes.csv.gz";
  const auto path = folder.file(kOnspd);
  if (!path) {
    note = folder.missing_message(kOnspd);
    return nullptr;
  }
  ProblemLog problems;
  auto d = PostcodeDirectory::load_reference(folder, problems, {}, index);
  if (!d) {
    note = "the postcode directory " + *path + " could not be read";
    return nullptr;
  }
  auto source = std::make_shared<PostcodeSource>();
  source->directory = std::make_unique<PostcodeDirectory>(std::move(*d));
  source->sampler = std::make_unique<PostcodeSampler>(*source->directory);
  return source;
}

}  // namespace careflow::synth
