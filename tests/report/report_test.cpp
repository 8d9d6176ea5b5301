// The needs-assessment report: disclosure applied to the analyses, the HTML is self-contained and
// never shows a child's identifier, the workbook and tables are written, the CLI works, and the
// page renders in headless Chromium (skipped when Chromium is not installed).
#include "careflow/report/needs_assessment.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <regex>

#include "analyse/fixture.hpp"
#include "careflow/io/csv.hpp"
#include "careflow/io/population_files.hpp"
#include "report/unzip.hpp"
#include "synthetic_council.hpp"
#include "benchmark/shared_data.hpp"

using namespace careflow;
namespace fs = std::filesystem;

namespace {

const analyse::Table& table(const std::vector<analyse::Table>& ts, const std::string& id) {
  for (const auto& t : ts)
    if (t.table.id == id) return t;
  throw std::runtime_error("no table " + id);
}

std::string slurp(const std::string& path) {
  std::string s;
  read_file(path, s);
  return s;
}

const char* kIds[] = {"AAAA1001", "BBBB2002", "CCCC3003", "DDDD4004", "EEEE5005"};

// Fraction of the decoded PNG's bytes that are neither filter bytes nor white: a blank page is ~0.
double ink_fraction(const std::string& png) {
  if (png.size() < 8 || png.compare(1, 3, "PNG") != 0) return -1;
  std::string idat;
  size_t p = 8;
  while (p + 8 <= png.size()) {
    const uint32_t len = (uint32_t(uint8_t(png[p])) << 24) | (uint32_t(uint8_t(png[p + 1])) << 16) |
                         (uint32_t(uint8_t(png[p + 2])) << 8) | uint32_t(uint8_t(png[p + 3]));
    const std::string type = png.substr(p + 4, 4);
    if (p + 12 + len > png.size()) break;
    if (type == "IDAT") idat += png.substr(p + 8, len);
    p += 12 + len;
  }
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return -1;
  z.next_in = reinterpret_cast<Bytef*>(idat.data());
  z.avail_in = static_cast<uInt>(idat.size());
  std::vector<unsigned char> buf(1 << 16);
  size_t total = 0, ink = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = buf.data();
    z.avail_out = static_cast<uInt>(buf.size());
    rc = inflate(&z, Z_NO_FLUSH);
    const size_t n = buf.size() - z.avail_out;
    for (size_t i = 0; i < n; ++i) ink += buf[i] > 4 && buf[i] != 255;
    total += n;
  }
  inflateEnd(&z);
  return total ? double(ink) / double(total) : -1;
}

std::string find_chromium() {
  for (const char* c : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (fs::exists(c)) return c;
  return "";
}

}  // namespace

// The hand-built council (fixture.hpp) has 5 children at 31/03/2024 and 2 at 31/03/2025: both
// are counts of 1 to 5 and are withheld; with --no-suppression they show.
TEST(Report, SuppressionOnByDefaultAndOffOnRequest) {
  careflow::testing::TempReturns tr;
  IngestReport ir;
  const History h = careflow::testing::hand_built_history(tr, ir);
  const auto a = analyse::assess(h, {});
  const auto on = report::publishable(a, true);
  const auto& t = table(on, "looked_after_at_31_march");
  EXPECT_TRUE(std::holds_alternative<Suppressed>(t.table.rows[0][1]));
  EXPECT_TRUE(std::holds_alternative<Suppressed>(t.table.rows[1][1]));
  // The age-band table: every count is 1 to 5 or 0. Zeros stay; each withheld total goes too.
  const auto& ab = table(on, "at_31_march_by_age_band");
  EXPECT_EQ(std::get<double>(ab.table.rows[0][1]), 0);  // under 1 in 2023/24
  EXPECT_TRUE(std::holds_alternative<Suppressed>(ab.table.rows.back()[1]));
  EXPECT_NE(ab.table.notes.find("c = withheld"), std::string::npos);
  const auto off = report::publishable(a, false);
  EXPECT_EQ(std::get<double>(table(off, "looked_after_at_31_march").table.rows[0][1]), 5);
}

// With --no-suppression every output says so, not only the page: each CSV has a last column
// disclosure_control reading "off" in every row (pandas and Power BI read it as a column), each
// table of tables.json has it too and notes beginning "NOT FOR PUBLICATION", each sheet of the
// workbook has the column and the notes line, and relations.json says "off".
TEST(Report, NoSuppressionMarksEveryOutput) {
  careflow::testing::TempReturns tr;
  IngestReport ir;
  const History h = careflow::testing::hand_built_history(tr, ir);
  const auto a = analyse::assess(h, {});
  report::ReportOptions ro;
  ro.suppression = false;
  report::ReportFiles files;
  std::string err;
  ASSERT_TRUE(report::write_report(a, tr.root() + "/out", ro, files, &err)) << err;
  EXPECT_NE(slurp(files.html).find("Not for publication"), std::string::npos);
  ASSERT_GE(files.csv.size(), 30u);
  for (const auto& path : files.csv) {
    std::istringstream csv(slurp(path));
    std::string line;
    std::getline(csv, line);
    EXPECT_TRUE(line.ends_with(",disclosure_control\r")) << path;
    size_t rows = 0;
    for (; std::getline(csv, line); ++rows) EXPECT_TRUE(line.ends_with(",off\r")) << path << ": " << line;
    EXPECT_GT(rows, 0u) << path;
  }
  const auto json = nlohmann::json::parse(slurp(files.json));
  ASSERT_EQ(json.size(), files.csv.size());
  for (const auto& t : json) {
    EXPECT_EQ(t["columns"].back()["name"], "disclosure_control") << t["id"];
    EXPECT_EQ(t["notes"].get<std::string>().rfind("NOT FOR PUBLICATION", 0), 0u) << t["id"];
    for (const auto& r : t["rows"]) EXPECT_EQ(r["disclosure_control"], "off") << t["id"];
  }
  EXPECT_EQ(nlohmann::json::parse(slurp(files.relations))["disclosure_control"], "off");
  // The workbook: shared strings, then each sheet's cells pointing at them.
  const auto xlsx = careflow::testing::unzip(slurp(files.xlsx));
  ASSERT_TRUE(xlsx.count("xl/sharedStrings.xml"));
  std::vector<std::string> strings;
  const std::string& ss = xlsx.at("xl/sharedStrings.xml");
  for (size_t at = ss.find("<si>"); at != std::string::npos; at = ss.find("<si>", at + 1)) {
    const size_t t = ss.find('>', ss.find("<t", at)) + 1;
    strings.push_back(ss.substr(t, ss.find("</t>", t) - t));
  }
  size_t sheets = 0;
  for (const auto& [name, xml] : xlsx) {
    if (!name.starts_with("xl/worksheets/sheet") || name == "xl/worksheets/sheet1.xml") continue;  // sheet1: contents
    ++sheets;
    bool off = false, heading = false, notes = false;
    const std::regex cell("<c r=\"[A-Z]+[0-9]+\"[^>]*t=\"s\"[^>]*><v>([0-9]+)</v></c>");
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), cell); it != std::sregex_iterator(); ++it) {
      const std::string& s = strings.at(std::stoul((*it)[1]));
      off |= s == "off";
      heading |= s == "Disclosure control";
      notes |= s.rfind("NOT FOR PUBLICATION", 0) == 0;
    }
    EXPECT_TRUE(off && heading && notes) << name;
  }
  EXPECT_EQ(sheets, files.csv.size());
}

// A key message resting on a count withheld as a secondary cell (not small itself) is held back
// too: in A 3, B 12, C 20, Total 35 the 3 is primary and the 12 goes with it (the smaller of 12
// and 20), so "twelve" is held back and "twenty" is not.
TEST(Report, KeyMessagesOnSecondaryWithheldCountsAreHeldBack) {
  analyse::Assessment a;
  analyse::Table t;
  t.table.id = "t";
  t.table.add_column("name", "Name").add_column("n", "n");
  for (auto [name, n] : {std::pair{"A", 3.0}, {"B", 12.0}, {"C", 20.0}, {"Total", 35.0}}) t.table.add_row({std::string(name), n});
  t.count_columns = {1};
  t.total_row = 3;
  a.tables.push_back(t);
  a.messages = {{"flows", "twelve", 1, {12}}, {"flows", "twenty", 1, {20}}};
  const auto on = report::publishable_messages(a, true);
  ASSERT_EQ(on.size(), 1u);
  EXPECT_EQ(on[0].text, "twenty");
}

// A key message resting on a count of 1 to 5 is held back while suppression is on.
TEST(Report, KeyMessagesWithSmallCountsAreHeldBack) {
  analyse::Assessment a;
  a.messages = {{"flows", "three children left at 18", 1, {3}}, {"flows", "twelve children left at 18", 1, {12, 0}}};
  const auto on = report::publishable_messages(a, true);
  ASSERT_EQ(on.size(), 1u);
  EXPECT_EQ(on[0].text, "twelve children left at 18");
  EXPECT_EQ(report::publishable_messages(a, false).size(), 2u);
}

// Writes everything; the page has no scripts, no external resources and no identifiers.
TEST(Report, WritesSelfContainedHtmlWorkbookAndTablesWithoutIdentifiers) {
  careflow::testing::TempReturns tr;
  IngestReport ir;
  const History h = careflow::testing::hand_built_history(tr, ir);
  const auto a = analyse::assess(h, {});
  report::ReportFiles files;
  std::string err;
  const std::string out = tr.root() + "/out";
  ASSERT_TRUE(report::write_report(a, out, {}, files, &err)) << err;
  const std::string html = slurp(files.html);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  // The register of from which year each measure is reliable is in the notes at the end.
  EXPECT_GT(html.find("From which year each measure is reliable"), html.find("id=\"notes\""));
  EXPECT_NE(html.find("Key messages"), std::string::npos);
  EXPECT_NE(html.find("no placement postcodes"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_TRUE(fs::file_size(files.xlsx) > 1000);
  std::string all = html + slurp(files.json);
  for (const auto& c : files.csv) all += slurp(c);
  EXPECT_GE(files.csv.size(), 30u);
  for (const char* id : kIds) EXPECT_EQ(all.find(id), std::string::npos) << id;
  // The CSV of the stock table says c where the HTML does.
  const std::string csv = slurp(out + "/csv/looked_after_at_31_march.csv");
  EXPECT_NE(csv.find(",c,"), std::string::npos);
}

// The CLI on a synthetic council: exit 0, every output written, the report path printed last.
// Its homes are in Portsmouth and its size (300) near Portsmouth's published 402, so --la
// E06000044 passes the check of the returns against the council.
TEST(Report, CommandLine) {
  careflow::testing::TempReturns tr;
  careflow::testing::write_synthetic_council(tr, 300, 2023, 2025, 7, "E06000044");
  const std::string out = tr.root() + "/report";
  const std::string log = tr.root() + "/log.txt";
  const std::string cmd = std::string(CAREFLOW_CLI_PATH) + " report " + tr.folder("2022_23") + " " +
                          tr.folder("2023_24") + " " + tr.folder("2024_25") + " --out " + out +
                          " --la E06000044 --filter uasc=no > " + log + " 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << slurp(log);
  const std::string printed = slurp(log);
  EXPECT_NE(printed.find(out + "/report.html"), std::string::npos) << printed;
  EXPECT_TRUE(fs::exists(out + "/needs_assessment.xlsx"));
  EXPECT_TRUE(fs::exists(out + "/tables.json"));
  EXPECT_TRUE(fs::exists(out + "/csv/flows_by_year.csv"));
  const std::string bad = std::string(CAREFLOW_CLI_PATH) + " report " + tr.folder("2024_25") + " --out " + out +
                          " --filter colour=red > " + log + " 2>&1";
  EXPECT_NE(std::system(bad.c_str()), 0);
}

// Headless Chromium renders the report of a synthetic council to a PNG that is not blank.
TEST(Report, RendersInHeadlessChromium) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium not installed (CAREFLOW_WITH_BROWSER=1 scripts/install-deps.sh)";
  careflow::testing::TempReturns tr;
  careflow::testing::write_synthetic_council(tr, 500, 2021, 2025, 20250331);
  IngestReport ir;
  const History h = ingest({tr.root()}, std::nullopt, ir);
  // A population that gives the synthetic council a rate near England's (about 120 children).
  const std::string pop = tr.root() + "/population.csv";
  std::ofstream(pop) << "year,population\n2019,17000\n2020,17100\n2021,17200\n2022,17300\n2023,17400\n2024,17500\n";
  analyse::Options o;
  o.population = read_population_file(pop);
  const auto a = analyse::assess(h, o);
  report::ReportOptions ro;
  ro.area_label = "Synthetic council (test data)";
  // The sections from benchmark and forecast render too (the comparison with public data when the
  // reference folder has it, else its note saying what is missing).
  const benchmark::PublicData* published = shared_public_data();
  ro.extra.push_back(report::compare_section("E08000025", 2025, published,
                                             shared_reference().missing_message(benchmark::kClaSeries)));
  report::ForecastSectionOptions fo;
  fo.runs = 50;
  ro.extra.push_back(report::forecast_section(h, fo));
  report::ReportFiles files;
  std::string err;
  ASSERT_TRUE(report::write_report(a, tr.root() + "/out", ro, files, &err)) << err;
  const std::string png = tr.root() + "/shot.png";
  // A timeout: a browser that hangs must fail the test, not stall the suite.
  const std::string cmd = "timeout 120 " + chromium +
                          " --headless --no-sandbox --disable-gpu --disable-background-networking "
                          "--disable-component-update --disable-sync --no-first-run --hide-scrollbars "
                          "--user-data-dir=" + tr.root() + "/profile --window-size=1100,1400 --screenshot=" + png +
                          " file://" + fs::absolute(files.html).string() + " > " + tr.root() + "/chromium.log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(tr.root() + "/chromium.log");
  ASSERT_TRUE(fs::exists(png));
  const double ink = ink_fraction(slurp(png));
  EXPECT_GT(ink, 0.01) << "the rendered page looks blank";
  // CAREFLOW_SCREENSHOT_OUT=path.png keeps the screenshot (and the page, as path.png.html).
  if (const char* keep = std::getenv("CAREFLOW_SCREENSHOT_OUT")) {
    fs::copy_file(png, keep, fs::copy_options::overwrite_existing);
    fs::copy_file(files.html, std::string(keep) + ".html", fs::copy_options::overwrite_existing);
  }
}
