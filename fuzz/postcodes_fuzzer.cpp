// libFuzzer target: the ONS postcode directory (ONSPD extract pcd,laua,oseast1m,osnrth1m, plain
// or gzipped), the LTLA to UTLA lookup, and postcode normalisation, as `careflow validate` and
// `careflow report` use them. See fuzz/README.md.
//
// The input is the directory, then optionally "== lookup.csv" and "== selection.txt" (postcodes
// a validation run would look up, one a line; see fuzz_files.hpp). A directory starting with
// gzip's magic bytes is written to a .gz file and loaded from it, as the reference file is.
// Oracles: loading with a selection keeps exactly the rows loading everything finds for those
// postcodes, with the same problems. The directory's prebuilt index (io/postcode_index.hpp), read
// back whole and with the selection, is the directory; the same index with one byte changed
// (where and how chosen by the input's last bytes) is refused when read whole; and changed, then
// resealed (its CRCs recomputed, as a faulty writer would leave it), it is read or refused
// without a fault; so is the input itself taken as an index.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "careflow/io/postcode_index.hpp"
#include "careflow/io/postcodes.hpp"
#include "fuzz_files.hpp"

using namespace careflow;

namespace {

bool same(const std::optional<PostcodeInfo>& a, const std::optional<PostcodeInfo>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->laua == b->laua && a->utla == b->utla && a->has_grid == b->has_grid && a->easting == b->easting &&
                a->northing == b->northing);
}

std::span<const unsigned char> bytes_of(std::string_view s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

bool same_rows(const std::optional<PostcodeInfo>& a, const std::optional<PostcodeInfo>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->laua == b->laua && a->has_grid == b->has_grid && a->easting == b->easting &&
                a->northing == b->northing);
}

void fuzz_index(const PostcodeDirectory& all, const PostcodeDirectory& some, const PostcodeSelection& selection,
                const std::vector<std::string_view>& wanted, const uint8_t* data, size_t size) {
  const PostcodeSourceStamp from{size, 1, std::string(64, 'f')};
  const std::string index = PostcodeIndex::bytes(all, from, 3);
  uint64_t bad = 0;
  const auto whole = PostcodeIndex::read(bytes_of(index), &from, nullptr, &bad, nullptr);
  if (!whole || bad != 3 || whole->size() != all.size()) fuzz::fail("an index careflow made is not read back whole");
  for (size_t i = 0; i < all.size(); ++i)
    if (whole->postcode(i) != all.postcode(i) || !same_rows(whole->info(i), all.info(i)))
      fuzz::fail("a row of the index differs from the directory's");
  const auto part = PostcodeIndex::read(bytes_of(index), &from, &selection, nullptr, nullptr);
  if (!part || part->size() != some.size()) fuzz::fail("an index careflow made is not read back with a selection");
  for (const auto pc : wanted)
    if (!same_rows(part->find(pc), some.find(pc))) fuzz::fail("a selected postcode is found differently in the index");
  // One byte changed: refused when every block is read.
  if (size >= 2) {
    std::string damaged = index;
    const size_t at = (static_cast<size_t>(data[size - 2]) << 8 | data[size - 1]) % damaged.size();
    damaged[at] = static_cast<char>(damaged[at] ^ (data[size - 1] | 1));
    if (PostcodeIndex::read(bytes_of(damaged), nullptr, nullptr, nullptr, nullptr))
      fuzz::fail("an index with a changed byte is read");
    PostcodeIndex::reseal(damaged);
    for (const PostcodeSelection* only : {static_cast<const PostcodeSelection*>(nullptr), &selection})
      if (const auto d = PostcodeIndex::read(bytes_of(damaged), nullptr, only, nullptr, nullptr))
        for (const auto pc : wanted) (void)d->find(pc);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::TempFolder folder;
  const auto files = fuzz::split_files(std::string_view(reinterpret_cast<const char*>(data), size), "onspd.csv", 1);
  std::string_view onspd;
  std::optional<std::string_view> lookup;
  std::vector<std::string_view> wanted;
  for (const auto& f : files) {
    if (f.name == "lookup.csv") lookup = f.bytes;
    else if (f.name == "selection.txt")
      for (size_t p = 0; p < f.bytes.size();) {
        const size_t nl = std::min(f.bytes.find('\n', p), f.bytes.size());
        wanted.push_back(f.bytes.substr(p, nl - p));
        p = nl + 1;
      }
    else onspd = f.bytes;
  }
  for (const auto pc : wanted) (void)normalise_postcode(pc);
  {  // The input itself as an index (refused, short of a CRC collision; never a fault).
    PostcodeSelection selection;
    for (const auto pc : wanted) selection.add(pc);
    const PostcodeSelection* some = &selection;
    for (const PostcodeSelection* only : {static_cast<const PostcodeSelection*>(nullptr), some})
      (void)PostcodeIndex::read({data, size}, nullptr, only, nullptr, nullptr);
  }

  ProblemLog all_problems;
  std::optional<PostcodeDirectory> all;
  if (onspd.substr(0, 2) == "\x1f\x8b") {
    folder.write({{"onspd.csv.gz", onspd}});
    all = PostcodeDirectory::load((folder.root() / "onspd.csv.gz").string(), "", all_problems);
    return 0;
  }
  all = PostcodeDirectory::parse(onspd, "onspd.csv", lookup, all_problems, {});
  if (!all) return 0;
  for (size_t i = 0; i < all->size(); ++i) {
    const PostcodeInfo info = all->info(i);
    (void)all->find(all->postcode(i));
    if (i > 0) (void)distance_miles(all->info(i - 1), info);
  }

  PostcodeSelection selection;
  for (const auto pc : wanted) selection.add(pc);
  ProblemLog some_problems;
  const auto some = PostcodeDirectory::parse(onspd, "onspd.csv", lookup, some_problems, [&] { return &selection; });
  if (!some) fuzz::fail("the directory loads with a selection whenever it loads without");
  if (some_problems.all().size() != all_problems.all().size()) fuzz::fail("a selection changes the problems reported");
  for (size_t k = 0; k < some_problems.all().size(); ++k)
    if (some_problems.all()[k].message != all_problems.all()[k].message) fuzz::fail("a selection changes the problems reported");
  for (const auto pc : wanted)
    if (!same(some->find(pc), all->find(pc))) fuzz::fail("a selected postcode is found differently with a selection");
  fuzz_index(*all, *some, selection, wanted, data, size);
  return 0;
}
