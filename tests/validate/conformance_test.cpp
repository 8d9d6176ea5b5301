// Conformance with the reference validator's own rule tests, extracted as CSV fixtures (see
// ../shared/conformance/README.md). For each case: read its CSVs as a real upload is read, run
// the rule version the case belongs to, and compare the flagged rows with the reference's
// answer under real ingest (`ingest_flagged_by_table`). Expected rows come from the fixtures,
// never from careflow. Unimplemented rules are counted, not failed; documented deviations (the
// reference contradicts DfE's specification) are listed below and in
// docs/validation-deviations.md.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <set>

#include "careflow/io/csv.hpp"
#include "careflow/io/postcodes.hpp"

#include "careflow/io/ssda903.hpp"
#include "careflow/validate/engine.hpp"
#include "conformance_harness.hpp"
#include "shared_reference.hpp"

namespace fs = std::filesystem;
using namespace careflow;
using namespace careflow::validate;

namespace {

struct Deviation {
  std::string_view code;
  std::string_view folder;  // rule version folder, e.g. lac2024_25
  int case_number;
  std::string_view reason;
};

// Keep in step with docs/validation-deviations.md.
const Deviation kDeviations[] = {
    {"146", "lac2024_25", 1,
     "the reference lists K3 in lower case, so after upper-casing every K3 placement is flagged "
     "in 2024/25; K3 is valid from 2024/25 in the DfE specification"},
    {"104", "lac2022_23", 1,
     "DfE's message is only that DUC is not a valid date; the reference also flags valid DUCs "
     "before the collection start"},
    {"210", "lac2022_23", 1,
     "DfE's message flags UN4 for children looked after more than a week at 31 March; the "
     "reference misses child 667, looked after since 1 January (it keys on the latest episode)"},
    {"336", "lac2022_23", 1,
     "the reference checks A3/A4; DfE's rule is about A3/A5 (adoption by current foster carers), "
     "so careflow does not flag the A4 placements (catalogue section 6)"},
    {"233", "lac2025_26", 1,
     "the reference reads DATE_EPISODE_CEASED, a column the return does not have (it crashes on "
     "real uploads); careflow uses DEC. The fixture's episodes.csv has no DEC column, only "
     "REASON_PLACE_CHANGE and that invented column, so no table can be recognised"},
    {"709", "lac2026_27", 1,
     "the reference reads PLACEMENT, a column the return does not have (it crashes on real "
     "uploads); careflow uses PLACE, which the fixture does not give"},
    {"710", "lac2026_27", 1,
     "the reference reads PLACEMENT, a column the return does not have (it crashes on real "
     "uploads); careflow uses PLACE, which the fixture does not give"},
    {"INT03", "lac2022_23", 1,
     "the fixture's episodes.csv holds CHILD with Header's DOB and SEX but no episode column: "
     "careflow recognises no table in it and refuses it, as it would a real upload"},
    {"635", "lac2022_23", 1,
     "DfE's message flags LA_PERM/DATE_PERM given with PREV_PERM Z1; the reference flags them "
     "only when PREV_PERM is blank, so misses Z1 with LA_PERM (row 3)"},
    {"184", "lac2022_23", 1,
     "DfE's message flags a decision to place for adoption made before the child was born; the "
     "reference also flags one made on the birth date (row 0) and one made after it (row 1, "
     "10/02/2019 against a DOB of 31/05/2018)"},
    {"374", "lac2022_23", 1,
     "DfE's message: a child in residential employment should be at least 14; the reference skips "
     "open episodes, so misses child 444 placed P3 as a baby in an episode still open (row 3)"},
    {"411", "lac2022_23", 1,
     "DfE's message: PL_LOCATION disagrees with PL_LA; careflow compares PL_LA with the council "
     "(both 'auth') and flags OUT there (row 3) and IN elsewhere (row 4); the reference compares "
     "PL_LA with the LA's name, so flags IN at the council's own LA (row 0) and misses row 3"},
    {"501", "lac2022_23", 1,
     "DfE's message: a new episode started before the end of the previous one; an episode left "
     "open has not ended, so careflow also flags child 111's episode of 08/06/2020 that follows "
     "an open one (row 3); the reference ignores open episodes (and so misses duplicated ones)"},
    {"574", "lac2022_23", 1,
     "DfE's message: a new missing period cannot start while the previous one is open or before "
     "it ended; careflow flags the new period (rows 1, 4, 6, 8), the reference flags the earlier "
     "period for children 111 and 444 (rows 0 and 9)"},
    // UASC status: DfE derives Header.UASC = 1 for every child in the UASC table (CSV returns);
    // a blank DUC means the status has not ceased. The fixtures' UASC files have no SEX column, and
    // the reference, without a Header for that year, counts a UASC row only when a field other
    // than CHILD and DOB is filled, so children with a blank DUC are "not UASC" to it.
    {"164", "lac2022_23", 2,
     "child 345 is in last year's UASC table (DUC blank), so was UASC: careflow does not check its "
     "distance (row 5); the reference does not count a UASC row without a DUC"},
    {"392a", "lac2022_23", 2,
     "child 555 is in last year's UASC table (DUC blank), so was UASC: careflow does not flag its "
     "missing distance (row 8); the rule's own test asserts rows 1, 5, 8, and under ingest the "
     "reference also flags row 6, which has a distance (XX1)"},
    {"392b", "lac2022_23", 2,
     "child 345 is in last year's UASC table (DUC blank), so was UASC and needs no postcodes: "
     "careflow does not flag row 5; the reference does not count a UASC row without a DUC"},
    {"205A", "lac2022_23", 2,
     "child 101 is in last year's UASC table (DUC blank: status not ceased), so was UASC, and this "
     "year's Header says UASC 0 with no date ceased last year: careflow flags it (Header row 0, "
     "UASC row 0); the reference does not count a UASC row without a DUC"},
    {"205B", "lac2022_23", 3,
     "with no Header, every child in a UASC table is UASC that year. careflow flags children whose "
     "DUC changed and does not fall in this year: 102, 108, 110 (DUC given last year, blank now; "
     "rows 1, 7, 9) and 106 (row 5). The reference counts only rows with a DUC as UASC (so not "
     "102, 108, 110) and also requires last year's DUC to be the 18th birthday (flagging 103, "
     "whose DUC falls in this year, and 104, whose DUC is unchanged), which DfE's message does not say"},
    {"205D", "lac2022_23", 2,
     "child 1022 is in last year's UASC table (DUC blank), so was UASC last year: careflow does "
     "not flag it (UASC row 11); the reference does not count a UASC row without a DUC"},
    {"406", "lac2022_23", 1,
     "the rule's own test asserts rows 0, 2, 6 (a distance for children UASC this year or last, "
     "as the fixture's Header.UASC columns state), which careflow flags; ingested as an upload, "
     "the reference flags nothing (its ingest answer differs from its own test's)"},
    {"231", "lac2024_25", 1,
     "the reference reads UASC_STATUS, a column no return has (it crashes on real uploads); "
     "careflow uses the child's UASC status (Header.UASC or the UASC table). The fixture's "
     "header.csv holds only DOB and UASC_STATUS, no CHILD, so no table can be recognised"},
    {"1015", "lac2022_23", 1,
     "as for 411: the reference compares PL_LA with the LA's name rather than its code, so flags "
     "PR1 at the council's own LA ('auth', row 0); careflow compares with the council (--la) and "
     "flags only row 1, as the rule's own test asserts"},
    {"577", "lac2022_23", 1,
     "DfE's message: the child ceased to be looked after while a missing period has no end date; "
     "careflow flags the open periods of children whose care ended after they started (rows 0, "
     "9, 10). The reference also flags periods that have an end date outside a period of care "
     "(rows 1, 2, 7), which the message does not cover"},
    {"707", "lac2026_27", 1,
     "as for 577, with DoLOs: careflow flags the DoLOs without an end date of children whose care "
     "ended after they started (rows 0, 9, 10); the reference also flags DoLOs with an end date "
     "outside a period of care (rows 1, 2, 7)"},
    {"578", "lac2022_23", 1,
     "DfE's message: the missing period started after the child ceased to be looked after; child "
     "6's period (row 7) started on 01/01/1981, before the child's only period of care (from "
     "01/04/1983), not after it ended, so careflow does not flag it; the reference flags any start "
     "outside a period of care"},
    {"706", "lac2026_27", 1,
     "child 1's DoLO open at the end of last year (from 03/01/1999) is not carried into this year; "
     "careflow flags the child's DoLO at the start of this year (row 0, 01/01/2000), the reference "
     "the child's last row (row 2)"},
    // The OC2 cohort (looked after continuously for 12 months at 31 March) is one helper shared
    // by the OC2 rules: contiguous episodes (each starting the day the previous ended) count as
    // continuous care whatever their RNE and REC. (Care ending on 30 March counts as reaching 31
    // March only for 157, 185, 190, 197B, 198 and 543-546, as the reference's cohort for those
    // rules does.)
    {"187", "lac2022_23", 1,
     "child 7777 was looked after from 01/03/1979 without a break (its second episode, RNE S, "
     "starts the day the first ended), so careflow counts it in the cohort and flags its AD1 row "
     "(row 3); the reference does not count it"},
    {"191", "lac2022_23", 1,
     "children 6666 and 7777 were looked after without a break since 01/03/1979 (contiguous "
     "episodes), so careflow counts them in the cohort and flags their latest episodes (rows 7, 9) "
     "for having no OC2 data; the reference does not count them"},
    {"SW01STG1", "lac2023_24", 1,
     "DfE's message: a child looked after on 31 March with no social worker episode; careflow "
     "flags that child's open episode (child8, Episodes row 6). The reference flags social worker "
     "episodes with SW_ID, SW_DECOM or SW_REASON blank (SWEpisodes rows 0, 1, 2), as SW01a/b do, "
     "and child7's, who has no episode (row 6)"},
    {"SW10STG2", "lac2023_24", 1,
     "DfE's message: a social worker episode started before the previous one ended; careflow "
     "flags child 1's from 02/01/2000 (previous to 09/01, row 1), child 2's (row 3) and child 3's "
     "from 10/01 and 18/01 (previous to 11/01 and 20/01, rows 4, 6). The reference applies the "
     "2024/25 seven-day tolerance to 2023/24 and flags child 3's from 30/01 (row 7), which starts "
     "after every other ended"},
    {"SW10STG2", "lac2024_25", 1,
     "DfE's 2024/25 rule: SW_DECOM must be on or after the previous SW_DEC less 7 days (FCONTA "
     "exempt): row 3 only; the reference also flags a start more than 7 days after the previous "
     "end (row 7), a gap the message does not describe"},
    {"208", "lac2022_23", 1,
     "nothing was recorded for child 1000 last year (UPN blank), so UN1 this year disagrees with "
     "nothing; the reference's own comment allows a change from blank to UN1, but its test of it "
     "can never be true (blanks are turned into text first), so it flags row 12"},
    {"553", "lac2022_23", 1,
     "DfE's message: a placement order with no date of the decision to place; child 555's "
     "decision has its DATE_PLACED (only DATE_PLACED_CEASED is blank), so careflow does not flag "
     "it (PlacedAdoption row 4); the reference does"},
    {"555", "lac2022_23", 1,
     "as for 553, with freeing orders: child 666's decision has its DATE_PLACED (only "
     "DATE_PLACED_CEASED is blank), so careflow does not flag it (PlacedAdoption row 3)"},
    {"558", "lac2022_23", 1,
     "DfE's message: an adopted child's decision to place should have no date it ceased; children "
     "F and G were adopted (E12, E11) and their only decisions have DATE_PLACED_CEASED (01/01/2020, "
     "15/04/2020), so careflow flags their episodes (rows 6, 7) as well as D's and E's"},
    {"105", "lac2022_23", 1,
     "the fixture's CSV Header states UASC (2 in rows 6, 7), which careflow checks as it checks an "
     "XML return's stated value; the reference skips 105 for every CSV upload, where it derives "
     "the flag itself (careflow too, when no value is stated)"},
    {"702", "lac2026_27", 1,
     "DfE's message: the DoLO ended before it started; row 0 ends on the day it started, which "
     "careflow does not flag; the reference flags an end on or before the start"},
    {"SW11bSTG2", "lac2023_24", 1,
     "child 6's episode ending 26/03/2000 is followed only by a row with no start date, so no "
     "subsequent episode was provided: careflow flags the episode that ended (row 9), the "
     "reference the empty row (row 10). Child 8's episode ending 28/03/2000 (row 14) is followed "
     "by the child's episode starting 01/04/2000 (row 13), so careflow does not flag child 8; the "
     "reference flags its empty row (row 15)"},
    {"SW11aSTG2", "lac2023_24", 1,
     "DfE's message: an episode ended (more than five days, here, before 31 March) with no "
     "subsequent episode: child 1's ending 25/03/2000 has only a row with no start date after it "
     "(careflow flags row 0, the reference the empty row 1). The reference flags an episode that "
     "starts more than five days after the previous ended (child 2's 02/04 after 25/03, row 3; "
     "child 7's 29/03 after 22/03, row 14): a gap, yet a subsequent episode was provided"},
    {"SW12STG2", "lac2023_24", 1,
     "DfE's message: a child looked after on 31 March must have social worker episodes for the "
     "full year: child 1 (in care from 01/01/2024) has one only from 01/01/2024, with no SW_REASON "
     "(so not a first contact, FCONTA), so careflow flags it (SWEpisodes row 0); child 7's care begins 01/04/2024, after the year, so it is not looked "
     "after on 31 March 2024 and careflow does not flag row 9, as the reference does"},
    {"SW12STG2", "lac2024_25", 1,
     "as for 2023/24: child 7 (row 9) has a social worker from 01/02/2023, before the year, so is "
     "covered; child 10's care ended 10/04/2023 (row 10), so it is not looked after on 31 March "
     "2025. careflow flags children 2 and 4 only (rows 1, 4), looked after with no social worker "
     "episode"},
    {"453", "lac2022_23", 1,
     "child 106's distance last year is blank in the fixture (the reference's own test frame gives "
     "10, so 165 against 10 is flagged, row 6); careflow compares only two given distances: a "
     "blank derived distance is 392a's business and a changed one 503G's. Row 4 (185 against "
     "999.9, same RNE B) is flagged by both"},
    {"1001", "lac2022_23", 1,
     "(its collection end, 01/10/2017, is no collection year's; careflow runs it as 2016/17.) "
     "careflow counts care before last year's return began that the returns cannot show as "
     "possibly care, so flags only young people who cannot be relevant children whatever it held: "
     "6006 (no care after the 16th birthday, which falls within the two years, row 4) and 8888 "
     "(adopted, row 6). The reference treats unseen time as not in care and flags 2222, 3333 and "
     "7777 (rows 1, 2, 5), who each had more than a year unseen after their 14th birthday, and 99991010101010 (row 7), who has "
     "no Header row and so no date of birth"},
};

const Deviation* deviation_for(const std::string& code, const std::string& folder, int c) {
  for (const auto& d : kDeviations)
    if (d.code == code && d.folder == folder && d.case_number == c) return &d;
  return nullptr;
}

std::vector<std::string> csvs_in(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    // provider_info.csv is the Ofsted provider list the user supplies (--providers), not a
    // table of the return.
    if (e.is_regular_file() && e.path().extension() == ".csv" && e.path().filename() != "provider_info.csv")
      out.push_back(e.path().string());
  return out;
}

// Metadata dates are text, or occasionally {"__type__": "date", "value": "dd/mm/yyyy"}.
std::string meta_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("value") && v["value"].is_string()) return v["value"].get<std::string>();
  return {};
}

int year_of(const nlohmann::json& meta, int folder_year) {
  if (meta.contains("collectionYear")) {
    const auto s = meta_text(meta["collectionYear"]);
    if (s.size() >= 4) return std::stoi(s.substr(0, 4));
  }
  if (meta.contains("collection_start")) {
    const auto s = meta_text(meta["collection_start"]);
    if (s.size() >= 4) return std::stoi(s.substr(s.size() - 4)) + 1;
  }
  if (meta.contains("collection_end")) {
    const auto s = meta_text(meta["collection_end"]);
    if (s.size() >= 4) return std::stoi(s.substr(s.size() - 4));
  }
  return folder_year;
}

// Fixtures give the postcode-derived fields (PL_LA, PL_LOCATION, PL_DISTANCE) as columns of
// episodes.csv, as the reference's datastore adds them; careflow derives them from postcodes,
// so the test reads them from the file and hands them over by row (matched by line).
std::optional<DerivedEpisodeFields> derived_from(const fs::path& file, const ssda903::Return& ret) {
  const auto* e = ret.find(ssda903::Table::episodes);
  if (!e || !fs::exists(file)) return std::nullopt;
  const CsvReadResult csv = read_csv(file.string());
  const int la = csv.table.find_column("PL_LA"), loc = csv.table.find_column("PL_LOCATION"),
            dist = csv.table.find_column("PL_DISTANCE");
  if (la < 0 && loc < 0 && dist < 0) return std::nullopt;
  std::map<uint32_t, size_t> by_line;
  for (size_t r = 0; r < csv.table.rows(); ++r) by_line[csv.table.line(r)] = r;
  DerivedEpisodeFields d;
  for (size_t r = 0; r < e->rows(); ++r) {
    const size_t c = by_line.at(e->line(r));
    auto get = [&](int k) { return k < 0 ? std::string() : std::string(csv.table.cell(c, static_cast<size_t>(k))); };
    auto upper = [](std::string x) {
      for (auto& ch : x) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      return x;
    };
    d.pl_la.push_back(upper(get(la)));
    d.pl_location.push_back(upper(get(loc)));
    d.pl_distance.push_back(get(dist));
  }
  return d;
}

// Fixtures for the UASC-status rules give Header.UASC as a column of header.csv, as an XML
// return states it (for CSV returns DfE derives it from the UASC table, and careflow does so when
// it is absent). The reader keeps only the return's columns, so the test reads it by line.
std::optional<std::vector<std::string>> header_uasc_from(const fs::path& file, const ssda903::Return& ret) {
  const auto* h = ret.find(ssda903::Table::header);
  if (!h || !fs::exists(file)) return std::nullopt;
  const CsvReadResult csv = read_csv(file.string());
  const int c = csv.table.find_column("UASC");
  if (c < 0) return std::nullopt;
  std::map<uint32_t, size_t> by_line;
  for (size_t r = 0; r < csv.table.rows(); ++r) by_line[csv.table.line(r)] = r;
  std::vector<std::string> out;
  for (size_t r = 0; r < h->rows(); ++r) out.emplace_back(csv.table.cell(by_line.at(h->line(r)), static_cast<size_t>(c)));
  return out;
}

// An episodes.csv that carries derived columns, or a header.csv that carries UASC, is read
// without them (they are not part of a CSV return: a real upload never has them), so that the
// table is recognised as a real one would be.
void read_without(const fs::path& file, ssda903::Table table, const std::vector<std::string>& drop,
                  ssda903::Return& ret, ProblemLog& log) {
  if (!fs::exists(file)) return;
  const CsvReadResult csv = read_csv(file.string());
  std::vector<size_t> keep;
  for (size_t c = 0; c < csv.table.cols(); ++c)
    if (std::find(drop.begin(), drop.end(), csv.table.columns[c]) == drop.end()) keep.push_back(c);
  if (keep.size() == csv.table.cols()) return;
  CsvTable stripped;
  stripped.source = csv.table.source;
  for (size_t c : keep) stripped.columns.push_back(csv.table.columns[c]);
  // A file of derived columns only (454's): keep its rows under a blank CHILD column.
  const bool only_derived = keep.empty();
  if (only_derived) stripped.columns.push_back("CHILD");
  std::vector<std::string_view> cells(stripped.columns.size());
  for (size_t r = 0; r < csv.table.rows(); ++r) {
    for (size_t k = 0; k < keep.size(); ++k) cells[k] = csv.table.cell(r, keep[k]);
    if (only_derived) cells[0] = {};
    stripped.add_row(cells, csv.table.line(r));
  }
  auto t = ssda903::to_return_table(std::move(stripped), std::string(ssda903::schema(table).file_name), log);
  if (t) {
    for (auto& fr : ret.files)
      if (fr.path == file.string()) fr.table = t->table;
    ret.tables[static_cast<size_t>(table)] = std::move(*t);
  }
}

bool nonstandard_dates(const nlohmann::json& meta, int year) {
  const CollectionYear y{year};
  if (meta.contains("collection_start") &&
      meta_text(meta["collection_start"]) != y.start().to_string())
    return true;
  return meta.contains("collection_end") && meta_text(meta["collection_end"]) != y.end().to_string();
}

// Reads a case as a real upload is read and runs the rule version on it (the 903's part of the
// harness). `blank_records_flagged` and `unrecognised_files` count what the tally line reports
// beside the harness's figures.
validate::testing::CaseResult<ssda903::Table> run_case(const fs::path& dir, const nlohmann::json& j, const RuleVersion& rule,
                                             size_t& blank_records_flagged, size_t& unrecognised_files) {
  const std::string code = j["rule"];
  const int year = year_of(j["metadata"], rule.version_year);
  ProblemLog problems;
  const auto this_files = csvs_in(dir);
  const auto prev_files = csvs_in(dir / "prev");
  ssda903::Return this_year = ssda903::read_return_files(this_files, CollectionYear{year}, problems);
  ssda903::Return last_year = ssda903::read_return_files(prev_files, CollectionYear{year - 1}, problems);
  const std::vector<std::string> derived_cols = {"PL_LA", "PL_LOCATION", "PL_DISTANCE"}, uasc_col = {"UASC"};
  read_without(dir / "episodes.csv", ssda903::Table::episodes, derived_cols, this_year, problems);
  read_without(dir / "prev" / "episodes.csv", ssda903::Table::episodes, derived_cols, last_year, problems);
  read_without(dir / "header.csv", ssda903::Table::header, uasc_col, this_year, problems);
  read_without(dir / "prev" / "header.csv", ssda903::Table::header, uasc_col, last_year, problems);
  // Every fixture file must be recognised as the table its name says.
  // (Apart from episodes.csv files of derived columns, re-read below, two fixtures cannot be recognised, and careflow refuses them as it would a real upload:
  // INT03's episodes.csv holds CHILD with Header's DOB and SEX; 233's holds
  // REASON_PLACE_CHANGE with a column the return does not have.)
  for (const auto& fr : this_year.files)
    if (!fr.table) {
      ++unrecognised_files;
      EXPECT_TRUE(code == "INT03" || code == "233" || code == "454" || code == "231") << "unrecognised fixture file " << fr.path;
    }
  ValidationInput in;
  in.this_year = &this_year;
  in.last_year = prev_files.empty() ? nullptr : &last_year;
  in.year = CollectionYear{year};
  const auto derived = derived_from(dir / "episodes.csv", this_year);
  const auto derived_last = derived_from(dir / "prev" / "episodes.csv", last_year);
  if (derived) in.derived = &*derived;
  if (derived_last) in.derived_last = &*derived_last;
  // A rule that looks postcodes up in the ONS directory itself (392c), in a case that gives
  // postcodes rather than derived fields: load the directory from the shared reference data
  // (once) and derive the fields, as the CLI does.
  std::optional<DerivedEpisodeFields> derived_here;
  if (code == "392c" && !derived && this_year.find(ssda903::Table::episodes)) {
    static const std::optional<PostcodeDirectory> directory = [] {
      ProblemLog pl;
      return PostcodeDirectory::load_reference(shared_reference(), pl);
    }();
    if (directory) {
      in.postcodes = &*directory;
      derived_here = derive_episode_fields(*this_year.find(ssda903::Table::episodes), *directory, in.la);
      in.derived = &*derived_here;
    }
  }
  const auto uasc = header_uasc_from(dir / "header.csv", this_year);
  const auto uasc_last = header_uasc_from(dir / "prev" / "header.csv", last_year);
  if (uasc) in.header_uasc = &*uasc;
  if (uasc_last) in.header_uasc_last = &*uasc_last;
  std::optional<ProviderInfo> providers;
  if (const std::string pi = (dir / "provider_info.csv").string(); fs::exists(pi))
    providers = provider_info_from_csv(read_csv(pi), pi, problems);
  if (providers) in.providers = &*providers;
  if (j["metadata"].contains("localAuthority")) in.la = meta_text(j["metadata"]["localAuthority"]);

  validate::testing::CaseResult<ssda903::Table> c;
  for (const auto& [table, rows] : j["ingest_flagged_by_table"].items()) {
    const auto t = ssda903::table_from_name(table);
    EXPECT_TRUE(t.has_value()) << table;
    if (!t) continue;
    for (const auto& r : rows) c.expected[*t].push_back(r.get<size_t>());
    std::sort(c.expected[*t].begin(), c.expected[*t].end());
    if (c.expected[*t].empty()) c.expected.erase(*t);
  }
  c.result = run_rule(rule, in);
  // careflow's reader skips records whose every field is empty (and reports them as ingest
  // problems), so table rows are mapped back to the CSV's 0-based data rows by their line
  // (no fixture has a line break inside a field), and rows the reference flags on such blank
  // records are counted apart: careflow reports them once, at ingest, not per rule.
  for (auto& [t, rows] : c.result.flagged)
    for (auto& r : rows) r = this_year.find(t)->line(r) - 2;
  for (auto it = c.expected.begin(); it != c.expected.end();) {
    const ssda903::ReturnTable* rt = this_year.find(it->first);
    if (!rt) {  // the table itself was not read: nothing to map
      ++it;
      continue;
    }
    std::set<size_t> present;
    for (size_t r = 0; r < rt->rows(); ++r) present.insert(rt->line(r) - 2);
    std::vector<size_t> kept;
    for (size_t r : it->second) {
      if (present.count(r)) kept.push_back(r);
      else ++blank_records_flagged;
    }
    it->second = kept;
    it = it->second.empty() ? c.expected.erase(it) : std::next(it);
  }
  return c;
}

// Why careflow differs from the reference on a case: some reference tests give collection dates
// that are no collection year (an end of 1 April, or an end before the start), where careflow's
// years are always 1 April - 31 March; the others are listed above.
std::string deviation(const std::string& code, const std::string& folder, int case_number, const nlohmann::json& j) {
  const int year = year_of(j["metadata"], validate::testing::folder_year(folder));
  if (nonstandard_dates(j["metadata"], year)) return "the case's collection dates are not a collection year";
  if (const Deviation* d = deviation_for(code, folder, case_number)) return std::string(d->reason);
  return "";
}

}  // namespace

TEST(Conformance, ReferenceFixtures) {
  const fs::path root = fs::path(CAREFLOW_SHARED_DIR) / "conformance" / "903-validator-fixtures";
  if (!fs::is_directory(root))
    GTEST_SKIP() << "conformance fixtures not found at " << root.string()
                 << " (they live in the shared folder next to the repository)";

  size_t blank_records_flagged = 0, unrecognised_files = 0;
  validate::testing::ConformanceSuite<Ssda903> suite;
  suite.root = root;
  suite.run = [&](const fs::path& dir, const nlohmann::json& j, const RuleVersion& rule) {
    return run_case(dir, j, rule, blank_records_flagged, unrecognised_files);
  };
  suite.deviation = deviation;
  const validate::testing::ConformanceTally tally = validate::testing::run_conformance(suite);
  ASSERT_EQ(tally.cases, 379u) << "the fixture set's README says 379 cases";
  for (const auto& d : tally.deviations_seen) std::cout << d << "\n";
  for (const auto& f : tally.failures) ADD_FAILURE() << f;
  std::cout << tally.summary() << "; " << blank_records_flagged << " flags on blank records left to ingest; "
            << unrecognised_files << " unrecognised fixture files" << std::endl;
  EXPECT_EQ(tally.mismatches, 0u);
  EXPECT_EQ(tally.not_run, 0u);
  // Every rule version that some year's registry runs is implemented.
  EXPECT_TRUE(tally.unimplemented_rules.empty()) << *tally.unimplemented_rules.begin();
}
