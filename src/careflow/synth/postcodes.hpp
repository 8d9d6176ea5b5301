// Where synthetic children live and are placed: real postcodes from the ONS postcode directory,
// so that PL_LA, PL_LOCATION and PL_DISTANCE (and every distance or location analysis) work on
// synthetic returns as on real ones. Internal to src/careflow/synth.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/io/postcodes.hpp"
#include "careflow/synth/model.hpp"
#include "careflow/synth/synth.hpp"

namespace careflow::synth {

// English postcodes with a grid reference, indexed by upper-tier LA and by 2 km grid square.
// Postcodes are numbered as the directory numbers them; draws return that number.
class PostcodeSampler {
 public:
  explicit PostcodeSampler(const PostcodeDirectory& directory);

  const PostcodeDirectory& directory() const { return dir_; }
  // Upper-tier LAs in England big enough to be a council's home area, sorted by code.
  const std::vector<std::string>& councils() const { return council_codes_; }
  // -1 when `utla` is not one of them.
  int council(std::string_view utla) const;
  int council_of(uint32_t postcode) const { return area_[slot_of(postcode)]; }

  // A postcode anywhere in the council's area, or anywhere in England: where a family lives
  // (every postcode equally likely, so in proportion to addresses, roughly to population).
  uint32_t in_area(Rng& r, int council) const;
  uint32_t anywhere(Rng& r) const;
  // A postcode about `miles` from `from`: a few bearings are tried and one is taken in
  // proportion to the postcodes around it, so placements land where people live, not at sea.
  // `area` >= 0 keeps the result inside that council's area (inside = true) or outside it.
  uint32_t near(Rng& r, uint32_t from, double miles, int area = -1, bool inside = true) const;

 private:
  static constexpr int kCell = 2000;  // metres
  const PostcodeDirectory& dir_;
  std::vector<uint32_t> index_;    // directory numbers of the usable postcodes
  std::vector<int32_t> east_, north_;
  std::vector<int16_t> area_;      // council of each usable postcode (-1: none)
  std::vector<uint32_t> slot_;     // directory number -> position in index_ (UINT32_MAX: unusable)
  std::vector<std::string> council_codes_;
  std::vector<std::vector<uint32_t>> by_council_;  // positions in index_
  int32_t e0_ = 0, n0_ = 0, cols_ = 0, rows_ = 0;
  std::vector<uint32_t> cell_start_, by_cell_;     // positions in index_, grouped by grid square
  uint32_t slot_of(uint32_t postcode) const { return slot_[postcode]; }
  int cell_of(int32_t e, int32_t n) const;
};

// Draws every child's HOME_POST (per period of care) and PL_POST (per placement: kept while the
// carers stay the same) from a stream seeded by the child, after the simulation.
void assign_postcodes(World& world);

// A postcode directory and its sampler, which refers to it (so both live on the heap, at fixed
// addresses): what load_postcode_source (synth.hpp) returns.
struct PostcodeSource {
  std::unique_ptr<PostcodeDirectory> directory;
  std::unique_ptr<PostcodeSampler> sampler;
};

}  // namespace careflow::synth
