// Tests of `careflow synth`. Every expectation is recounted here from the written CSV files by
// an independent scan (careflow::read_csv plus plain loops), never taken from the generator's
// own counting: the ground truth must agree with what a reader of the files would find.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "careflow/core/code_lists.hpp"
#include "careflow/core/date.hpp"
#include "careflow/io/csv.hpp"
#include "careflow/synth/synth.hpp"

using namespace careflow;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("careflow_synth_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(p);
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

synth::SynthOptions small(uint64_t seed, double messiness = 0) {
  synth::SynthOptions o;
  o.seed = seed;
  o.first_year = 2019;
  o.last_year = 2026;  // crosses the 2024/25 sex codes, the K3 and the Z11-Z14 changes
  o.population = 300;
  o.messiness = messiness;
  return o;
}

// Column sets exactly as section 2.13 of the SSDA903 data dictionary lists them.
const std::map<std::string, std::vector<std::string>> kColumns = {
    {"header.csv", {"CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"}},
    {"episodes.csv", {"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                      "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"}},
    {"reviews.csv", {"CHILD", "DOB", "REVIEW", "REVIEW_CODE"}},
    {"uasc.csv", {"CHILD", "SEX", "DOB", "DUC"}},
    {"oc2.csv", {"CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
                 "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
                 "INTERVENTION_OFFERED"}},
    {"oc3.csv", {"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"}},
    {"ad1.csv", {"CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"}},
    {"placed_for_adoption.csv", {"CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"}},
    {"previous_permanence.csv", {"CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"}},
    {"missing.csv", {"CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"}},
    {"sw_episodes.csv", {"CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"}},
    {"dolo.csv", {"CHILD", "DOB", "DOLO_START", "DOLO_END"}},
};

Date date(std::string_view s) {
  const auto p = parse_date(s);
  EXPECT_TRUE(p) << "bad date '" << s << "'";
  return p.date;
}

struct Row {
  std::string child, rne, ls, place, provider, rec, rpc;
  Date decom, dec = Date::open();
  int year = 0;
};

// Every episodes.csv row of every year, as written.
std::vector<Row> read_episodes(const fs::path& dir, int first, int last) {
  std::vector<Row> rows;
  for (int y = first; y <= last; ++y) {
    const auto r = read_csv((dir / synth::year_folder(y) / "episodes.csv").string());
    EXPECT_TRUE(r.readable);
    const auto& t = r.table;
    for (size_t i = 0; i < t.rows(); ++i) {
      Row x;
      x.child = t.cell(i, 0), x.decom = date(t.cell(i, 1)), x.rne = t.cell(i, 2), x.ls = t.cell(i, 3);
      x.place = t.cell(i, 5), x.provider = t.cell(i, 6);
      if (!t.cell(i, 7).empty()) x.dec = date(t.cell(i, 7));
      x.rec = t.cell(i, 8), x.rpc = t.cell(i, 9), x.year = y;
      rows.push_back(x);
    }
  }
  return rows;
}

// Episodes identified by CHILD + DECOM; the latest return's version wins (it knows the DEC).
std::map<std::pair<std::string, int32_t>, Row> dedupe(const std::vector<Row>& rows) {
  std::map<std::pair<std::string, int32_t>, Row> m;
  for (const Row& r : rows) {
    auto& slot = m[{r.child, r.decom.days()}];
    if (slot.year <= r.year) slot = r;
  }
  return m;
}

class SynthCouncil : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(temp_dir("council"));
    truth_ = new synth::GroundTruth(synth::generate(small(1), dir_->string()));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete truth_;
  }
  static fs::path* dir_;
  static synth::GroundTruth* truth_;
};
fs::path* SynthCouncil::dir_ = nullptr;
synth::GroundTruth* SynthCouncil::truth_ = nullptr;

}  // namespace

TEST(Synth, YearFolderNames) {
  EXPECT_EQ(synth::year_folder(2024), "2023_24");
  EXPECT_EQ(synth::year_folder(2000), "1999_00");
}

TEST(Synth, SameSeedGivesIdenticalBytesAndAnotherSeedDoesNot) {
  const auto a = temp_dir("det_a"), b = temp_dir("det_b"), c = temp_dir("det_c");
  synth::generate(small(7, 0.5), a.string());
  synth::generate(small(7, 0.5), b.string());
  synth::generate(small(8, 0.5), c.string());
  size_t files = 0, differ_c = 0;
  for (const auto& e : fs::recursive_directory_iterator(a)) {
    if (!e.is_regular_file()) continue;
    const auto rel = fs::relative(e.path(), a);
    ASSERT_TRUE(fs::exists(b / rel)) << rel;
    EXPECT_EQ(slurp(e.path()), slurp(b / rel)) << rel;
    if (!fs::exists(c / rel) || slurp(e.path()) != slurp(c / rel)) ++differ_c;
    ++files;
  }
  // 8 years x 11 tables (12 from 2026/27, none here: 2023/24 on has sw_episodes) + ground truth:
  // 2019-2023 have 10 tables, 2024-2026 have 11, and each year a CIN census (cin_census.xml),
  // so 5*10 + 3*11 + 8 + 1 = 92 files.
  EXPECT_EQ(files, 92u);
  EXPECT_GT(differ_c, 40u);
  fs::remove_all(a), fs::remove_all(b), fs::remove_all(c);
}

TEST_F(SynthCouncil, EveryTableHasTheExactColumnSet) {
  for (int y = 2019; y <= 2026; ++y) {
    for (const auto& [file, cols] : kColumns) {
      const fs::path p = *dir_ / synth::year_folder(y) / file;
      const bool expected = file == "sw_episodes.csv" ? y >= 2024 : file == "dolo.csv" ? y >= 2027 : true;
      ASSERT_EQ(fs::exists(p), expected) << p;
      if (!expected) continue;
      const auto r = read_csv(p.string());
      ASSERT_TRUE(r.readable) << p;
      EXPECT_EQ(r.table.columns, cols) << p;
      EXPECT_TRUE(r.problems.empty()) << p;
    }
  }
}

TEST_F(SynthCouncil, EpisodeChainsAreConsistent) {
  const auto rows = read_episodes(*dir_, 2019, 2026);
  ASSERT_GT(rows.size(), 500u);
  for (int y = 2019; y <= 2026; ++y) {
    // Within one return: X1 is followed by the child's next episode on the same day with a
    // continuation RNE; DEC and REC come together; a new period starts with S.
    std::map<std::string, std::vector<const Row*>> by_child;
    for (const Row& r : rows)
      if (r.year == y) by_child[r.child].push_back(&r);
    for (auto& [child, eps] : by_child) {
      std::sort(eps.begin(), eps.end(), [](auto* a, auto* b) { return a->decom < b->decom; });
      for (size_t i = 0; i < eps.size(); ++i) {
        const Row& e = *eps[i];
        EXPECT_EQ(e.dec.is_open(), e.rec.empty()) << y;
        if (!e.dec.is_open()) { EXPECT_GT(e.dec, e.decom); }
        if (e.dec.is_open()) { EXPECT_EQ(i + 1, eps.size()) << "only the last episode can be open"; }
        if (e.rec == "X1") {
          ASSERT_LT(i + 1, eps.size()) << "X1 with no following episode in " << y;
          EXPECT_EQ(eps[i + 1]->decom, e.dec);
          EXPECT_NE(eps[i + 1]->rne, "S");
          // A change of placement needs its reason on the episode that ends (rule 225).
          const std::string& rne = eps[i + 1]->rne;
          EXPECT_EQ(rne != "L", !e.rpc.empty()) << rne << " " << e.rpc;
        } else if (!e.rec.empty() && i + 1 < eps.size()) {
          EXPECT_EQ(eps[i + 1]->rne, "S");
          EXPECT_GT(eps[i + 1]->decom, e.dec);
        }
      }
    }
  }
}

TEST_F(SynthCouncil, OpenEpisodesAreCarriedIntoTheNextReturn) {
  const auto rows = read_episodes(*dir_, 2019, 2026);
  std::set<std::tuple<int, std::string, int32_t>> present;
  for (const Row& r : rows) present.insert({r.year, r.child, r.decom.days()});
  size_t open = 0;
  for (const Row& r : rows)
    if (r.dec.is_open() && r.year < 2026) {
      ++open;
      EXPECT_TRUE(present.count({r.year + 1, r.child, r.decom.days()})) << "open episode missing next year";
      // ...and it was open at that year's 31 March, so it counts in that year's stock.
    }
  EXPECT_GT(open, 1000u);  // about 300 children a year for 7 years
}

TEST_F(SynthCouncil, CodesAreValidForTheYear) {
  const auto rows = read_episodes(*dir_, 2019, 2026);
  for (const Row& r : rows) {
    EXPECT_TRUE(codes::placement_type.valid_in(r.place, r.year)) << r.place << " in " << r.year;
    EXPECT_TRUE(codes::legal_status.valid_in(r.ls, r.year)) << r.ls;
    EXPECT_NE(r.ls, "V3");
    EXPECT_NE(r.ls, "V4");
    // No new P2 or H5 placement from 28 October 2023; an H5 placement open that day goes on
    // registered, as an episode from that day with the same carers (RNE T) and its URN.
    const Date registered = Date::from_ymd(2023, 10, 28);
    if (r.decom >= registered) {
      EXPECT_NE(r.place, "P2");
      if (r.place == "H5") { EXPECT_TRUE(r.decom == registered && r.rne == "T") << r.child << " " << r.rne; }
    }
    if (r.place == "P1") { EXPECT_EQ(r.provider, "PR0"); }
    if (r.place[0] == 'Z') { EXPECT_EQ(r.provider, ""); }
  }
  for (int y = 2019; y <= 2026; ++y) {
    const auto h = read_csv((*dir_ / synth::year_folder(y) / "header.csv").string());
    for (size_t i = 0; i < h.table.rows(); ++i)
      EXPECT_TRUE(codes::sex.valid_in(h.table.cell(i, 1), y)) << h.table.cell(i, 1) << " in " << y;
  }
}

TEST_F(SynthCouncil, GroundTruthMatchesAnIndependentRecount) {
  const auto rows = read_episodes(*dir_, 2019, 2026);
  const auto episodes = dedupe(rows);
  std::map<std::string, std::vector<const Row*>> by_child;
  for (const auto& [key, r] : episodes) by_child[key.first].push_back(&r);  // sorted by DECOM
  int64_t periods = 0, placements = 0;
  for (auto& [child, eps] : by_child)
    for (size_t i = 0; i < eps.size(); ++i) {
      const bool new_period = i == 0 || eps[i]->rne == "S" || eps[i - 1]->dec != eps[i]->decom;
      periods += new_period;
      placements += new_period || eps[i]->rne != "L";
    }
  EXPECT_EQ(truth_->children, static_cast<int64_t>(by_child.size()));
  EXPECT_EQ(truth_->episodes, static_cast<int64_t>(episodes.size()));
  EXPECT_EQ(truth_->periods_of_care, periods);
  EXPECT_EQ(truth_->placements, placements);

  ASSERT_EQ(truth_->years.size(), 8u);
  for (const auto& yt : truth_->years) {
    const CollectionYear cy{yt.year};
    const Date march = cy.end();
    std::set<std::string> stock;
    int64_t starters = 0, ceasers = 0;
    std::map<std::string, int64_t> by_rec;
    for (const auto& [key, r] : episodes) {
      if (r.decom <= march && (r.dec.is_open() || r.dec > march)) stock.insert(r.child);
      if (r.rne == "S" && r.decom >= cy.start() && r.decom <= march) ++starters;
      if (!r.rec.empty() && r.rec != "X1" && r.dec >= cy.start() && r.dec <= march) ++ceasers, ++by_rec[r.rec];
    }
    EXPECT_EQ(yt.looked_after_31_march, static_cast<int64_t>(stock.size())) << yt.year;
    EXPECT_EQ(yt.starters, starters) << yt.year;
    EXPECT_EQ(yt.ceasers, ceasers) << yt.year;
    EXPECT_EQ(yt.ceasers_by_rec, by_rec) << yt.year;
  }
  // The JSON file says the same as the returned struct.
  const auto j = nlohmann::json::parse(slurp(*dir_ / "ground_truth.json"));
  EXPECT_EQ(j["episodes"].get<int64_t>(), truth_->episodes);
  EXPECT_EQ(j["by_year"][7]["looked_after_31_march"].get<int64_t>(), truth_->years[7].looked_after_31_march);
  // A council asked for 300 at 31 March has roughly that many (Poisson arrivals: within 25%).
  EXPECT_NEAR(static_cast<double>(truth_->years[7].looked_after_31_march), 300.0, 75.0);
}

TEST_F(SynthCouncil, CareEndsByTheEighteenthBirthday) {
  const auto rows = read_episodes(*dir_, 2019, 2026);
  std::map<std::string, Date> dob;
  for (int y = 2019; y <= 2026; ++y) {
    const auto h = read_csv((*dir_ / synth::year_folder(y) / "header.csv").string());
    for (size_t i = 0; i < h.table.rows(); ++i) dob[std::string(h.table.cell(i, 0))] = date(h.table.cell(i, 2));
  }
  for (const Row& r : rows) {
    ASSERT_TRUE(dob.count(r.child)) << "episode child missing from Header";
    const Date end = r.dec.is_open() ? CollectionYear{r.year}.end() : r.dec;
    EXPECT_LE(end, birthday(dob[r.child], 18));
    EXPECT_GE(r.decom, dob[r.child]);
  }
}

// OC2 is for the children looked after continuously for the whole year (rules 186-191): recounted
// from each return's episodes, a chain of episodes (each DEC the next DECOM) from one that began
// by 1 April to one still open at 31 March. Exactly those children have an OC2 row.
TEST_F(SynthCouncil, OC2HoldsExactlyTheChildrenLookedAfterAllYear) {
  const auto rows = read_episodes(*dir_, 2019, 2026);
  size_t cohort_total = 0;
  for (int y = 2019; y <= 2026; ++y) {
    const CollectionYear cy{y};
    std::map<std::string, std::vector<const Row*>> by_child;
    for (const Row& r : rows)
      if (r.year == y) by_child[r.child].push_back(&r);
    std::set<std::string> cohort;
    for (auto& [child, eps] : by_child) {
      std::sort(eps.begin(), eps.end(), [](auto* a, auto* b) { return a->decom < b->decom; });
      if (!eps.back()->dec.is_open()) continue;
      size_t i = eps.size() - 1;
      while (i > 0 && !eps[i - 1]->dec.is_open() && eps[i - 1]->dec == eps[i]->decom) --i;
      if (eps[i]->decom <= cy.start()) cohort.insert(child);
    }
    const auto o = read_csv((*dir_ / synth::year_folder(y) / "oc2.csv").string());
    std::set<std::string> oc2;
    for (size_t i = 0; i < o.table.rows(); ++i) oc2.insert(std::string(o.table.cell(i, 0)));
    EXPECT_EQ(oc2, cohort) << y;
    cohort_total += cohort.size();
  }
  EXPECT_GT(cohort_total, 8u * 150u);
}

// An adoption (REC E11, E12) ends a placement for adoption (A3-A6), as rule 390 wants.
TEST_F(SynthCouncil, AdoptedFromAPlacementForAdoption) {
  size_t adopted = 0;
  for (const Row& r : read_episodes(*dir_, 2019, 2026))
    if (r.rec == "E11" || r.rec == "E12") {
      ++adopted;
      EXPECT_TRUE(r.place == "A3" || r.place == "A4" || r.place == "A5" || r.place == "A6") << r.place;
    }
  EXPECT_GT(adopted, 20u);
}

TEST(Synth, MessinessFaultsAreRecordedWhereTheyAre) {
  const auto dir = temp_dir("messy");
  auto o = small(3, 1.0);
  o.cin = false;  // the 903's faults (the CIN census's are cin_synth_test's)
  const auto truth = synth::generate(o, dir.string());
  ASSERT_FALSE(truth.faults.empty());
  std::map<std::string, int> kinds;
  std::map<std::string, std::vector<std::string>> lines;  // file -> lines (1-based: [line-1])
  auto line_of = [&](const std::string& file, uint32_t line) -> std::string {
    auto& v = lines[file];
    if (v.empty()) {
      std::istringstream in(slurp(dir / file));
      for (std::string s; std::getline(in, s);) v.push_back(s);
    }
    return line >= 1 && line <= v.size() ? v[line - 1] : std::string("<no such line>");
  };
  auto field = [](const std::string& row, int col) {
    std::vector<std::string> f;
    std::stringstream ss(row);
    for (std::string s; std::getline(ss, s, ',');) f.push_back(s);
    if (!row.empty() && row.back() == ',') f.push_back("");
    return col < static_cast<int>(f.size()) ? f[static_cast<size_t>(col)] : std::string();
  };
  for (const auto& f : truth.faults) {
    ++kinds[f.kind];
    if (f.kind == "utf16_file") {
      const std::string bytes = slurp(dir / f.file);
      ASSERT_GE(bytes.size(), 2u);
      EXPECT_EQ(bytes.substr(0, 2), std::string("\xFF\xFE"));
      continue;
    }
    const std::string row = line_of(f.file, f.line);
    if (f.kind == "duplicate_row") {
      EXPECT_EQ(row, line_of(f.file, f.line - 1));
    } else if (f.kind == "two_digit_year") {
      const int col = f.column == "DOB" ? 2 : 1;
      EXPECT_EQ(parse_date(field(row, col)).error, DateError::two_digit_year) << row;
    } else if (f.kind == "dec_blank_rec_present") {
      EXPECT_EQ(field(row, 7), "");
      EXPECT_NE(field(row, 8), "");
    } else if (f.kind == "invalid_code") {
      EXPECT_EQ(codes::placement_type.find(field(row, 5)), kNoCode) << row;
    } else if (f.kind == "overlapping_episode") {
      const std::string next = line_of(f.file, f.line + 1);
      EXPECT_EQ(field(next, 0), field(row, 0));
      EXPECT_LT(parse_date(field(next, 1)).date, parse_date(field(row, 7)).date) << row << " / " << next;
    } else {
      ADD_FAILURE() << "unknown fault kind " << f.kind;
    }
  }
  for (const char* k : {"duplicate_row", "two_digit_year", "dec_blank_rec_present", "invalid_code",
                        "overlapping_episode", "utf16_file"})
    EXPECT_GT(kinds[k], 0) << k;
  // The UTF-16 file still reads as the same table.
  for (const auto& f : truth.faults)
    if (f.kind == "utf16_file") {
      const auto r = read_csv((dir / f.file).string());
      EXPECT_EQ(r.table.encoding, TextEncoding::utf16le);
      EXPECT_EQ(r.table.columns, kColumns.at("reviews.csv"));
    }
  fs::remove_all(dir);
}

TEST(Synth, NoFaultsWithoutMessiness) {
  const auto dir = temp_dir("clean");
  const auto truth = synth::generate(small(3, 0.0), dir.string());
  EXPECT_TRUE(truth.faults.empty());
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().extension() == ".csv") {
      const auto r = read_csv(e.path().string());
      EXPECT_EQ(r.table.encoding, TextEncoding::utf8) << e.path();
      EXPECT_TRUE(r.problems.empty()) << e.path();
    }
  fs::remove_all(dir);
}

TEST(Synth, OutputDoesNotDependOnThreads) {
  const auto a = temp_dir("thr_a"), b = temp_dir("thr_b");
  auto o = small(11, 0.3);
  o.threads = 1;
  synth::generate(o, a.string());
  o.threads = 2;
  synth::generate(o, b.string());
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(a))
    if (e.is_regular_file()) {
      EXPECT_EQ(slurp(e.path()), slurp(b / fs::relative(e.path(), a))) << e.path();
      ++files;
    }
  EXPECT_EQ(files, 92u);  // as in SameSeedGivesIdenticalBytesAndAnotherSeedDoesNot
  fs::remove_all(a), fs::remove_all(b);
}

TEST(Synth, CommandLineWritesTheRequestedYears) {
  const auto dir = temp_dir("cli");
  const std::string cli = CAREFLOW_CLI_PATH;
  const std::string ok = cli + " synth -o " + dir.string() + " --years 2024-2025 --population 60 --seed 5 > /dev/null";
  ASSERT_EQ(std::system(ok.c_str()), 0);
  EXPECT_TRUE(fs::exists(dir / "2023_24" / "episodes.csv"));
  EXPECT_TRUE(fs::exists(dir / "2024_25" / "sw_episodes.csv"));
  EXPECT_FALSE(fs::exists(dir / "2022_23"));
  const auto j = nlohmann::json::parse(slurp(dir / "ground_truth.json"));
  EXPECT_EQ(j["by_year"].size(), 2u);
  EXPECT_EQ(j["by_year"][0]["folder"], "2023_24");
  const std::string bad = cli + " synth -o " + dir.string() + " --years 2025-20x > /dev/null 2>&1";
  EXPECT_NE(std::system(bad.c_str()), 0);
  fs::remove_all(dir);
}

TEST(Synth, ChildrenPerYearAndTrendSetTheStarters) {
  // --children-per-year 1000 with a +10% a year trend anchored at the last year: starters in
  // 2024/25 are about 1,000 (Poisson, sd about 32) and in 2019/20, five years earlier, about
  // 1,000 x (1 - 0.5) = 500, so the ratio is near 0.5 (re-entries lag the trend a little).
  const auto dir = temp_dir("trend");
  synth::SynthOptions o;
  o.seed = 9, o.first_year = 2020, o.last_year = 2025, o.children_per_year = 1000, o.trend_per_year = 0.10;
  synth::generate(o, dir.string());
  const auto rows = read_episodes(dir, 2020, 2025);
  std::set<std::pair<std::string, int32_t>> first, last;
  for (const Row& r : rows) {
    if (r.rne != "S") continue;
    if (r.decom >= CollectionYear{2020}.start() && r.decom <= CollectionYear{2020}.end()) first.insert({r.child, r.decom.days()});
    if (r.decom >= CollectionYear{2025}.start() && r.decom <= CollectionYear{2025}.end()) last.insert({r.child, r.decom.days()});
  }
  EXPECT_NEAR(static_cast<double>(last.size()), 1000.0, 110.0);
  const double ratio = static_cast<double>(first.size()) / static_cast<double>(last.size());
  EXPECT_GT(ratio, 0.40);
  EXPECT_LT(ratio, 0.62);
  fs::remove_all(dir);
}
