// The postcode directory's prebuilt index (io/postcode_index.hpp): a directory read through it is
// the directory read from the published file, for every postcode of a small hand-made file; an
// index made from another file, damaged or cut short is never trusted but remade, with a
// warning; a read-only folder sends it to the cache folder, and neither reads the file in full.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "careflow/io/postcode_index.hpp"
#include "careflow/io/postcodes.hpp"

using namespace careflow;
namespace fs = std::filesystem;

namespace {

class Folder {
 public:
  explicit Folder(const std::string& name)
      : dir_(fs::temp_directory_path() / ("careflow_pcindex_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Folder() {
    std::error_code ec;
    fs::permissions(dir_ / "published", fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
  }
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

// A directory of 1,300 generated rows, enough for six blocks of 227 rows, plus the cases a real file
// has or might have. Postcodes that must be found as the file gives them are listed in `ours`.
std::string hand_made_directory(std::vector<std::string>& ours) {
  std::ostringstream s;
  s << "pcd,laua,oseast1m,osnrth1m\n";
  s << "AB1 0AA,,100,200\n";                        // a blank LA on the first row is an LA of its own
  s << "ab1 0ab,E07000001,100000,200000\n";         // lower case
  s << "\"AB1 0AD\",E07000002,103000,204000\n";     // quoted
  s << "GY1 1AA,L99999999,,\n";                     // no grid reference
  s << "DU1 1AA,E07000010,1,1\n";                   // given twice: the first row is the one found
  s << "DU1 1AA,E07000011,2,2\n";
  s << "TOOLONG123,E07000001,1,2\n";                // bad: ten characters
  s << "EF1 1AA,E07000004\n";                       // bad: no grid columns
  s << "\n";                                        // blank: neither kept nor bad
  s << "MX1 1AA,E07000003,-2147483647,2147483647\n";  // extreme grid references
  for (const char* pc : {"AB1 0AA", "AB1 0AB", "AB1 0AD", "GY1 1AA", "DU1 1AA", "MX1 1AA"}) ours.push_back(pc);
  // 1,000 rows, out of order (the file need not be sorted), 40 LAs: N0 0AA ... N99 9AA.
  for (int i = 999; i >= 0; --i) {
    const std::string pc = fmt::format("N{} {}AA", i / 10, i % 10);
    s << pc << ",E0800" << (1000 + i % 40) << "," << 400000 + i << "," << 100000 + 7 * i << "\n";
    ours.push_back(pc);
  }
  // One postcode given 300 times (more than a block holds: its rows span two blocks), 5 LAs.
  for (int i = 0; i < 300; ++i) s << "ZZ9 9ZZ,E0700" << (2000 + i % 5) << "," << i << "," << i << "\n";
  ours.push_back("ZZ9 9ZZ");
  return s.str();
}

void expect_same(const std::optional<PostcodeInfo>& a, const std::optional<PostcodeInfo>& b, const std::string& pc) {
  ASSERT_EQ(a.has_value(), b.has_value()) << pc;
  if (!a) return;
  EXPECT_EQ(a->laua, b->laua) << pc;
  EXPECT_EQ(a->utla, b->utla) << pc;
  EXPECT_EQ(a->has_grid, b->has_grid) << pc;
  EXPECT_EQ(a->easting, b->easting) << pc;
  EXPECT_EQ(a->northing, b->northing) << pc;
}

std::vector<std::string> messages(const ProblemLog& log) {
  std::vector<std::string> out;
  for (const auto& p : log.all()) out.push_back(to_string(p));
  return out;
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

constexpr const char* kLookup = "LTLA23CD,LTLA23NM,UTLA23CD,UTLA23NM\nE07000001,A,E10000001,County\n"
                                "E07000002,\"Bristol, City of\",E06000023,\"Bristol, City of\"\n";

}  // namespace

// Every postcode of the hand-made file (and some not in it), read through the index (made on the
// first load, read on the second) and directly, with and without a selection: the same details,
// the same problems, the same rows in the same order.
TEST(PostcodeIndex, SameDirectoryAsTheDirectReadForEveryPostcode) {
  Folder f("same");
  std::vector<std::string> ours;
  write(f.path() / "onspd.csv", hand_made_directory(ours));
  write(f.path() / "utla.csv", kLookup);
  const std::string onspd = (f.path() / "onspd.csv").string(), utla = (f.path() / "utla.csv").string();
  std::vector<std::string> asked = ours;
  for (const char* absent : {"QQ1 1QQ", "N100 0AA", "", "ABCDEFGHIJ"}) asked.push_back(absent);
  PostcodeSelection selection;
  for (const auto& pc : asked)
    if (pc != "N50 5AA") selection.add(pc);

  ProblemLog direct_log;
  const auto direct = PostcodeDirectory::load(onspd, utla, direct_log);
  ASSERT_TRUE(direct);
  // Kept: 7 hand-written rows (AB1 0AA, AB1 0AB, AB1 0AD, GY1 1AA, DU1 1AA twice, MX1 1AA), 1,000
  // generated, 300 of ZZ9 9ZZ: 7 + 1000 + 300 = 1307 rows; 2 bad (TOOLONG123, EF1 1AA).
  EXPECT_EQ(direct->size(), 1307u);
  ASSERT_EQ(direct_log.all().size(), 1u);
  EXPECT_NE(direct_log.all()[0].message.find("2 row(s)"), std::string::npos);
  // By hand: the first DU1 1AA row; the lookup's upper tier; the first ZZ9 9ZZ row (E07002000).
  EXPECT_EQ(direct->find("DU1 1AA")->laua, "E07000010");
  EXPECT_EQ(direct->find("DU1 1AA")->easting, 1);
  EXPECT_EQ(direct->find("AB1 0AB")->utla, "E10000001");
  EXPECT_EQ(direct->find("ZZ9 9ZZ")->laua, "E07002000");

  const PostcodeIndexOptions index{true, (f.path() / "cache").string()};
  for (int run = 0; run < 2; ++run) {  // 0: the index is made; 1: it is read
    SCOPED_TRACE(run == 0 ? "index made" : "index read");
    ProblemLog whole_log, some_log, direct_some_log;
    const auto whole = PostcodeDirectory::load(onspd, utla, whole_log, {}, index);
    ASSERT_TRUE(whole);
    EXPECT_TRUE(fs::exists(onspd + ".careflow-index"));  // beside the file: its folder is writable
    EXPECT_FALSE(fs::exists(f.path() / "cache"));
    EXPECT_EQ(messages(whole_log), messages(direct_log));
    ASSERT_EQ(whole->size(), direct->size());
    for (size_t i = 0; i < whole->size(); ++i) {
      ASSERT_EQ(whole->postcode(i), direct->postcode(i)) << i;
      expect_same(whole->info(i), direct->info(i), whole->postcode(i));
    }
    const auto some = PostcodeDirectory::load(onspd, utla, some_log, [&] { return &selection; }, index);
    const auto direct_some = PostcodeDirectory::load(onspd, utla, direct_some_log, [&] { return &selection; });
    ASSERT_TRUE(some && direct_some);
    EXPECT_EQ(messages(some_log), messages(direct_log));
    ASSERT_EQ(some->size(), direct_some->size());
    for (size_t i = 0; i < some->size(); ++i) {
      ASSERT_EQ(some->postcode(i), direct_some->postcode(i)) << i;
      expect_same(some->info(i), direct_some->info(i), some->postcode(i));
    }
    for (const auto& pc : asked) {
      expect_same(whole->find(pc), direct->find(pc), pc);
      expect_same(some->find(pc), direct_some->find(pc), pc);
    }
    EXPECT_TRUE(whole->find("N50 5AA"));
    EXPECT_FALSE(some->find("N50 5AA"));  // in the file, not selected: not found, as without an index
  }
}

// The published file changes: the index made from the old one is stale, and is remade, with a
// warning naming it; the new row is found.
TEST(PostcodeIndex, RemadeWhenThePublishedFileChanges) {
  Folder f("stale");
  const fs::path onspd = f.path() / "onspd.csv";
  write(onspd, "pcd,laua,oseast1m,osnrth1m\nAB1 0AA,E07000001,1,2\n");
  const PostcodeIndexOptions index{true, ""};
  ProblemLog first;
  ASSERT_TRUE(PostcodeDirectory::load(onspd.string(), "", first, {}, index));
  EXPECT_TRUE(first.all().empty());
  write(onspd, "pcd,laua,oseast1m,osnrth1m\nAB1 0AA,E07000009,1,2\nCD1 1AA,E07000002,3,4\n");
  ProblemLog second;
  const auto d = PostcodeDirectory::load(onspd.string(), "", second, {}, index);
  ASSERT_TRUE(d);
  ASSERT_EQ(second.all().size(), 1u);
  EXPECT_EQ(second.all()[0].rule, "postcode-index");
  EXPECT_EQ(second.all()[0].file, onspd.string() + ".careflow-index");
  EXPECT_NE(second.all()[0].message.find("another version"), std::string::npos);
  EXPECT_EQ(d->find("AB1 0AA")->laua, "E07000009");
  EXPECT_TRUE(d->find("CD1 1AA"));
  ProblemLog third;  // remade: read without a word
  ASSERT_TRUE(PostcodeDirectory::load(onspd.string(), "", third, {}, index));
  EXPECT_TRUE(third.all().empty());
}

// A damaged index (one byte changed in the block a lookup reads) and one cut short are remade,
// with a warning, and the lookups still give the file's answer.
TEST(PostcodeIndex, DamagedOrCutShortIsRemade) {
  Folder f("damaged");
  std::vector<std::string> ours;
  const fs::path onspd = f.path() / "onspd.csv";
  write(onspd, hand_made_directory(ours));
  const std::string at = onspd.string() + ".careflow-index";
  const PostcodeIndexOptions index{true, ""};
  ProblemLog log;
  ASSERT_TRUE(PostcodeDirectory::load(onspd.string(), "", log, {}, index));
  const std::string good = read(at);
  // 1,307 rows: 6 blocks of 227 rows (4 KB each) after the header and tables, which fit one 4 KB
  // page: 256 (header) + 6 * (8 + 4) (blocks' first postcodes and CRCs) + 52 LAs (4 * 53
  // offsets, 51 * 9 characters and one blank) = 999. AB1 0AA sorts first: row 0, at byte 4096.
  ASSERT_EQ(good.size(), 4096u * 7);
  PostcodeSelection s;
  s.add("AB1 0AA");
  for (const auto& [what, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"a changed byte", [&] { auto b = good; b[4096 + 3] ^= 0x20; return b; }()},
           {"cut short", good.substr(0, good.size() - 4096)}}) {
    SCOPED_TRACE(what);
    write(at, bytes);
    ProblemLog damaged;
    const auto d = PostcodeDirectory::load(onspd.string(), "", damaged, [&] { return &s; }, index);
    ASSERT_TRUE(d);
    ASSERT_GE(damaged.all().size(), 1u);
    EXPECT_EQ(damaged.all()[0].rule, "postcode-index");
    EXPECT_NE(damaged.all()[0].message.find("damaged"), std::string::npos);
    EXPECT_EQ(d->find("AB1 0AA")->easting, 100);  // the file's first row: "AB1 0AA,,100,200"
    EXPECT_EQ(read(at), good);                    // remade as it was first made
  }
}

// Every byte of an index is checked before it is used: any one changed, or the file cut at any
// length, and reading every row refuses it (CRC-32 finds every change of up to 32 bits).
TEST(PostcodeIndex, EveryChangedByteAndEveryCutIsFound) {
  ProblemLog log;
  const auto d = PostcodeDirectory::parse("pcd,laua,oseast1m,osnrth1m\nAB1 0AA,E07000001,1,2\nZZ1 1ZZ,E07000002,,\n",
                                          "onspd.csv", std::nullopt, log, {});
  ASSERT_TRUE(d);
  const PostcodeSourceStamp from{123, 456, std::string(64, 'a')};
  const std::string good = PostcodeIndex::bytes(*d, from, 7);
  const auto span = [](const std::string& b) {
    return std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(b.data()), b.size());
  };
  uint64_t bad = 0;
  PostcodeIndex::Verdict v{};
  const auto back = PostcodeIndex::read(span(good), &from, nullptr, &bad, &v);
  ASSERT_TRUE(back);
  EXPECT_EQ(v, PostcodeIndex::Verdict::ok);
  EXPECT_EQ(bad, 7u);
  EXPECT_EQ(back->size(), 2u);
  EXPECT_EQ(back->find("ZZ1 1ZZ")->laua, "E07000002");
  EXPECT_FALSE(back->find("ZZ1 1ZZ")->has_grid);
  PostcodeSourceStamp other = from;
  other.mtime_ns += 1;
  EXPECT_FALSE(PostcodeIndex::read(span(good), &other, nullptr, nullptr, &v));
  EXPECT_EQ(v, PostcodeIndex::Verdict::stale);
  for (size_t i = 0; i < good.size(); ++i) {
    std::string b = good;
    b[i] = static_cast<char>(b[i] ^ 0x01);
    EXPECT_FALSE(PostcodeIndex::read(span(b), nullptr, nullptr, nullptr, &v)) << "byte " << i;
    EXPECT_EQ(v, PostcodeIndex::Verdict::damaged) << "byte " << i;
  }
  for (size_t n = 0; n < good.size(); n += 61)
    EXPECT_FALSE(PostcodeIndex::read(span(good.substr(0, n)), nullptr, nullptr, nullptr, &v)) << "cut at " << n;
}

// The published file's folder is read-only: the index goes to the cache folder the caller names;
// with none, the file is read in full, as without an index, and nothing is written.
TEST(PostcodeIndex, ReadOnlyFolderUsesTheCacheFolder) {
  Folder f("readonly");
  const fs::path published = f.path() / "published";
  fs::create_directories(published);
  const fs::path onspd = published / "onspd.csv";
  write(onspd, "pcd,laua,oseast1m,osnrth1m\nAB1 0AA,E07000001,1,2\n");
  fs::permissions(published, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                 fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  ProblemLog log;
  const auto none = PostcodeDirectory::load(onspd.string(), "", log, {}, PostcodeIndexOptions{true, ""});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->find("AB1 0AA")->northing, 2);
  EXPECT_FALSE(fs::exists(onspd.string() + ".careflow-index"));
  const std::string cache = (f.path() / "cache" / "careflow").string();
  const auto places = PostcodeIndex::places(onspd.string(), cache);
  ASSERT_EQ(places.size(), 2u);
  for (int run = 0; run < 2; ++run) {
    const auto d = PostcodeDirectory::load(onspd.string(), "", log, {}, PostcodeIndexOptions{true, cache});
    ASSERT_TRUE(d);
    EXPECT_EQ(d->find("AB1 0AA")->laua, "E07000001");
    EXPECT_TRUE(fs::exists(places[1]));
    EXPECT_EQ(fs::path(places[1]).parent_path().string(), cache);
  }
  EXPECT_FALSE(fs::exists(onspd.string() + ".careflow-index"));
  EXPECT_TRUE(log.all().empty());
}

// A published file that cannot be read, or lacks a column, says so as the direct read does, and
// leaves no index.
TEST(PostcodeIndex, UnreadableOrUnusableFileSaysSoAsWithoutAnIndex) {
  Folder f("unusable");
  const fs::path onspd = f.path() / "onspd.csv";
  for (const bool exists : {false, true}) {
    if (exists) write(onspd, "pcd,laua\nAB1 0AA,E07000001\n");
    ProblemLog direct, indexed;
    EXPECT_FALSE(PostcodeDirectory::load(onspd.string(), "", direct));
    EXPECT_FALSE(PostcodeDirectory::load(onspd.string(), "", indexed, {}, PostcodeIndexOptions{true, ""}));
    EXPECT_EQ(messages(indexed), messages(direct));
    EXPECT_EQ(direct.all().size(), 1u);
    EXPECT_FALSE(fs::exists(onspd.string() + ".careflow-index"));
  }
}
