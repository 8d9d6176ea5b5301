// The disclosure auditor (disclosure_auditor.hpp) on every table careflow publishes -- the needs
// assessment (with its forecast section), benchmark's own figures, forecast's and backtest's
// tables -- for fifty synthetic councils of 30 to 5,000 children, clean and messy, some
// filtered to small groups: no count of 1 to 5 shows, nothing shows that rests on a withheld
// figure, and no withheld figure can be recovered from the published relations. The relations
// themselves are checked to hold in the unsuppressed outputs, and identities between tables
// that hold in every large council must be among them (else the suppressor would not know them).
//
// Cost: councils are generated in-process over four or five collection years without postcodes
// (two with), and forecasts run a few microsimulation runs for one council in five.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "careflow/analyse/analyse.hpp"
#include "careflow/benchmark/own_data.hpp"
#include "careflow/benchmark/public_data.hpp"
#include "careflow/report/benchmark_page.hpp"
#include "careflow/io/ingest.hpp"
#include "careflow/report/ingest_summary.hpp"
#include "careflow/forecast/backtest.hpp"
#include "careflow/forecast/forecast.hpp"
#include "careflow/io/reference_data.hpp"
#include "careflow/report/disclosure.hpp"
#include "careflow/report/needs_assessment.hpp"
#include "careflow/synth/synth.hpp"
#include "io/temp_returns.hpp"
#include "report/disclosure_auditor.hpp"
#include "shared_reference.hpp"

using namespace careflow;
using careflow::testing::Auditor;
using careflow::testing::Finding;

namespace {

struct Council {
  int population = 0;
  uint64_t seed = 0;
  double messiness = 0;
  int first_year = 2021;
  std::string la;      // "" = none (no rates, no benchmark)
  std::string filter;  // "" = all children
  bool postcodes = false;
  bool forecast = false;  // the report's forecast section, and forecast's and backtest's tables
};

// Fifty councils, 30 to 5,000 children looked after (geometric steps), every other one messy.
std::vector<Council> councils() {
  const char* las[] = {"E06000044", "E08000025", "E09000027", "E10000015", "E06000001"};
  const char* filters[] = {"sex=F", "age=10-15", "uasc=no", "ls=C2", "age=16+"};
  std::vector<Council> out;
  for (int i = 0; i < 50; ++i) {
    Council c;
    c.population = static_cast<int>(std::lround(30 * std::pow(5000.0 / 30, i / 49.0)));
    c.seed = 7000 + static_cast<uint64_t>(i);
    c.messiness = i % 2 ? 0.25 : 0.0;
    c.first_year = i % 3 ? 2021 : 2022;
    if (i % 4 != 3) c.la = las[i % 5];
    if (i % 7 == 5) c.filter = filters[(i / 7) % 5];
    c.postcodes = i == 12 || i == 33;
    c.forecast = i % 5 == 1 && c.filter.empty();
    out.push_back(c);
  }
  return out;
}

std::string describe(const Council& c) {
  return "council of " + std::to_string(c.population) + " (seed " + std::to_string(c.seed) + ", messiness " +
         std::to_string(c.messiness) + (c.filter.empty() ? "" : ", filter " + c.filter) + ")";
}

void expect_clean(const std::vector<Finding>& findings, const std::string& what, const Auditor* auditor = nullptr) {
  EXPECT_TRUE(findings.empty()) << what << ": " << findings.size() << " finding(s), first: "
                                << (findings.empty() ? "" : findings.front().describe())
                                << (findings.empty() || !auditor ? "" : auditor->explain(findings.front()));
}
void expect_clean(Auditor auditor, const std::string& what) { expect_clean(auditor.run(), what, &auditor); }

// Count cells of an unsuppressed output by "table|row label|column", for the identity search.
using Values = std::map<std::string, double>;
std::string row_label(const OutputTable& t, size_t r) {
  std::string s;
  for (const auto& c : t.rows[r])
    if (const auto* x = std::get_if<std::string>(&c)) s += *x + "/";
  return s;
}
Values count_values(const std::vector<OutputTable>& tables, const PublishedArithmetic& a) {
  std::map<std::string, const OutputTable*> by_id;
  for (const auto& t : tables) by_id[t.id] = &t;
  Values v;
  for (const auto& c : a.counts) {
    const auto* t = by_id.at(c.table);
    for (auto [r, col] : c.cells)
      if (const double* d = std::get_if<double>(&t->rows[r][col]))
        v[c.table + "|" + row_label(*t, r) + "|" + t->columns[col].name] = *d;
  }
  return v;
}

// Which cells a council's relations make equal: equalities, and sums or linear relations all of
// whose other terms are published zeros.
struct Equalities {
  std::map<std::string, std::string> parent;
  std::string root(std::string x) {
    while (parent.count(x) && parent[x] != x) x = parent[x];
    return x;
  }
  void join(const std::string& a, const std::string& b) {
    if (root(a) != root(b)) parent[root(a)] = root(b);
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> sums;  // (total, parts) as declared
  // Whether a declared sum makes `total` the sum of `parts` (each up to equality; one part: the
  // same figure).
  bool has_sum(const std::string& total, std::vector<std::string> parts) {
    if (parts.size() == 1) return root(parts[0]) == root(total);
    for (auto& p : parts) p = root(p);
    std::sort(parts.begin(), parts.end());
    for (const auto& [t, ps] : sums) {
      if (root(t) != root(total)) continue;
      std::vector<std::string> q;
      for (const auto& x : ps) q.push_back(root(x));
      std::sort(q.begin(), q.end());
      if (q == parts) return true;
    }
    return false;
  }
};
Equalities equalities(const std::vector<OutputTable>& tables, const PublishedArithmetic& a) {
  std::map<std::string, const OutputTable*> by_id;
  for (const auto& t : tables) by_id[t.id] = &t;
  auto key = [&](const CellRef& c) {
    const auto* t = by_id.at(c.table);
    return c.table + "|" + row_label(*t, c.row) + "|" + t->columns[c.column].name;
  };
  auto value = [&](const CellRef& c) {
    const double* d = std::get_if<double>(&by_id.at(c.table)->rows[c.row][c.column]);
    return d ? *d : std::nan("");
  };
  Equalities e;
  for (const auto& r : a.relations) {
    if (r.kind == Relation::Kind::equal) e.join(key(r.cells[0]), key(r.cells[1]));
    if (r.kind == Relation::Kind::sum || r.kind == Relation::Kind::linear) {
      std::vector<CellRef> nonzero;
      for (const auto& c : r.cells)
        if (value(c) != 0) nonzero.push_back(c);
      if (nonzero.size() == 2) e.join(key(nonzero[0]), key(nonzero[1]));
    }
    if (r.kind == Relation::Kind::sum) {
      std::vector<std::string> parts;
      for (size_t i = 1; i < r.cells.size(); ++i)
        if (value(r.cells[i]) != 0) parts.push_back(key(r.cells[i]));  // published zeros add nothing
      e.sums.push_back({key(r.cells[0]), parts});
    }
  }
  return e;
}

// The cells of `keys` that are not published zeros.
std::vector<std::string> nonzero(const Values& v, const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys)
    if (v.at(k) != 0) out.push_back(k);
  return out;
}

const benchmark::PublicData* public_data() {
  static const std::optional<benchmark::PublicData> d = [] {
    std::optional<benchmark::PublicData> out;
    if (shared_reference().file(benchmark::kClaSeries)) out = benchmark::load_public_data(published_file_reader(shared_reference()), {.lait = false, .direct = false});
    return out;
  }();
  return d ? &*d : nullptr;
}

}  // namespace

TEST(DisclosureAudit, FiftySyntheticCouncils) {
  const benchmark::PublicData* pd = public_data();
  if (!pd) GTEST_SKIP() << "shared reference data not found under " CAREFLOW_SHARED_DIR "/data/public";
  const NeedsAssessmentReference reference = load_needs_assessment_reference(shared_reference());
  std::vector<Values> large;  // unsuppressed counts of the largest unfiltered councils
  std::vector<Equalities> large_equal;
  size_t withheld = 0, audited_tables = 0;
  const auto all = councils();
  for (size_t i = 0; i < all.size(); ++i) {
    const Council& c = all[i];
    SCOPED_TRACE(describe(c));
    careflow::testing::TempReturns tr;
    synth::SynthOptions so;
    so.population = c.population;
    so.seed = c.seed;
    so.first_year = c.first_year;
    so.last_year = 2025;
    so.messiness = c.messiness;
    so.threads = 1;
    so.postcodes = c.postcodes;
    if (c.postcodes) so.la = c.la;
    synth::generate(so, tr.root());
    IngestReport ir;
    const History h = ingest({tr.root()}, std::nullopt, ir);
    ASSERT_FALSE(h.episodes.empty());

    // The needs assessment, with its forecast section for some.
    analyse::Options ao;
    ao.la_code = c.la;
    ao.reference = &reference;
    if (!c.filter.empty()) {
      ASSERT_EQ(analyse::parse_filter(c.filter, ao.filter), "");
    }
    const auto a = analyse::assess(h, ao);
    report::ReportOptions on, off;
    off.suppression = false;
    if (c.forecast) {
      report::ForecastSectionOptions fo;
      fo.runs = 5;
      fo.backtest_runs = 5;
      fo.seed = c.seed;
      fo.suppression = false;
      off.extra.push_back(report::forecast_section(h, fo));
      fo.suppression = true;
      fo.stock_elsewhere = report::published_stock(report::publishable(a, true));
      on.extra.push_back(report::forecast_section(h, fo));
    }
    // Every relation declared is published (none dropped for naming a table not in the output).
    size_t declared = a.relations.size();
    for (const auto& t : a.tables) declared += relations_of(t.table, report::disclosure_spec(t)).size();
    PublishedArithmetic analyses;
    report::publishable(a, true, &analyses);
    EXPECT_EQ(analyses.relations.size(), declared);
    const auto published = report::published_report(a, on);
    const auto plain = report::published_report(a, off);
    expect_clean(Auditor(published.tables, published.arithmetic), "report");
    expect_clean(Auditor(plain.tables, plain.arithmetic).false_relations(), "report relations");
    audited_tables += published.tables.size();
    for (const auto& t : published.tables)
      for (const auto& row : t.rows)
        for (const auto& cell : row) withheld += std::holds_alternative<Suppressed>(cell);
    if (c.filter.empty() && i >= all.size() - 9) {  // the last nine but one filtered
      large.push_back(count_values(plain.tables, plain.arithmetic));
      large_equal.push_back(equalities(plain.tables, plain.arithmetic));
    }

    // benchmark --returns: the council's own figures beside the published ones.
    if (!c.la.empty() && c.filter.empty()) {
      const int la = pd->find_council(c.la);
      ASSERT_NE(la, 0);
      const auto own = benchmark::own_years(count(h));
      const auto need = benchmark::own_starters_by_need(h);
      const auto rep = report::build_benchmark_report(*pd, la, 2025, own, need, {}, true);
      expect_clean(Auditor(rep.tables, rep.arithmetic).run(), "benchmark");
      const auto raw = report::build_benchmark_report(*pd, la, 2025, own, need, {}, false);
      expect_clean(Auditor(raw.tables, raw.arithmetic).false_relations(), "benchmark relations");
      audited_tables += rep.tables.size();
    }

    // careflow forecast and careflow backtest.
    if (c.forecast) {
      forecast::ForecastSettings fs;
      fs.as_of = h.data_end();
      fs.runs = 5;
      fs.years = 2;
      fs.seed = c.seed;
      const auto run = forecast::run_models(h, fs, forecast::Scenario{});
      for (bool suppression : {true, false}) {
        auto tables = forecast::forecast_tables(fs, forecast::Scenario{}, run);
        const auto arithmetic =
            report::publish(tables, [](const OutputTable& t) { return forecast::disclosure_spec(t); }, {}, suppression);
        if (suppression) expect_clean(Auditor(tables, arithmetic).run(), "forecast");
        else expect_clean(Auditor(tables, arithmetic).false_relations(), "forecast relations");
      }
      forecast::BacktestSettings bs;
      bs.runs = 10;
      bs.seed = c.seed;
      const auto points = forecast::backtest(h, bs);
      for (bool suppression : {true, false}) {
        std::vector<OutputTable> tables{forecast::backtest_summary_table(forecast::summarise(points), ""),
                                        forecast::backtest_points_table(points)};
        const auto ba = forecast::backtest_arithmetic(tables[1], tables[0]);
        const auto arithmetic = report::publish(
            tables, [&](const OutputTable& t) { return t.id == "backtest_points" ? ba.points : ba.summary; }, ba.relations,
            suppression);
        if (suppression) expect_clean(Auditor(tables, arithmetic).run(), "backtest");
        else expect_clean(Auditor(tables, arithmetic).false_relations(), "backtest relations");
      }
    }
    if (::testing::Test::HasFailure()) break;  // one council's findings are enough to read
  }
  EXPECT_GT(withheld, 1000u);  // the audit had something to audit
  EXPECT_GT(audited_tables, 2000u);

  // Identities between tables: two count cells equal in every one of the largest councils (each
  // at least 6) hold by definition, and each such pair must be related by the published
  // relations of every one of those councils.
  ASSERT_EQ(large.size(), 8u);
  std::map<std::vector<double>, std::vector<std::string>> same_values;
  for (const auto& [key, v0] : large.front()) {
    std::vector<double> v;
    for (const auto& l : large) {
      const auto it = l.find(key);
      if (it == l.end() || it->second < 6) break;
      v.push_back(it->second);
    }
    if (v.size() == large.size()) same_values[v].push_back(key);
  }
  size_t identities = 0;
  for (const auto& [v, keys] : same_values)
    for (size_t k = 1; k < keys.size(); ++k) {
      ++identities;
      for (size_t l = 0; l < large.size(); ++l)
        EXPECT_EQ(large_equal[l].root(keys[0]), large_equal[l].root(keys[k]))
            << "undeclared: " << keys[0] << " = " << keys[k] << " in council " << l;
    }
  EXPECT_GT(identities, 50u);  // the stock totals alone give dozens

  // Sums over the years of a row (periods starting in the span = starters each year): a count
  // equal in every large council to the sum of a by-year row of another table must be declared so.
  // Per council, "table|label|" -> its year cells (the spans differ: four or five years).
  auto is_year = [](const std::string& col) {
    return col.size() == 5 && col[0] == 'y' && std::isdigit(static_cast<unsigned char>(col[1]));
  };
  std::vector<std::map<std::string, std::vector<std::string>>> rows(large.size());
  for (size_t l = 0; l < large.size(); ++l)
    for (const auto& [key, v] : large[l])
      if (const size_t bar = key.rfind('|'); is_year(key.substr(bar + 1))) rows[l][key.substr(0, bar + 1)].push_back(key);
  std::map<std::vector<double>, std::vector<std::string>> row_sums;
  for (const auto& [row, cells0] : rows.front()) {
    std::vector<double> v;
    for (size_t l = 0; l < large.size() && rows[l].count(row); ++l) {
      double total = 0;
      for (const auto& c : rows[l].at(row)) total += large[l].at(c);
      v.push_back(total);
    }
    if (v.size() == large.size()) row_sums[v].push_back(row);
  }
  size_t sums = 0;
  for (const auto& [v, keys] : same_values) {
    const auto it = row_sums.find(v);
    if (it == row_sums.end()) continue;
    for (const auto& key : keys)
      for (const auto& row : it->second) {
        if (key.substr(0, key.find('|')) == row.substr(0, row.find('|'))) continue;  // a table's own row
        ++sums;
        for (size_t l = 0; l < large.size(); ++l)
          EXPECT_TRUE(large_equal[l].has_sum(key, nonzero(large[l], rows[l].at(row))))
              << "undeclared: " << key << " = sum of " << row << " in council " << l;
      }
  }
  EXPECT_GT(sums, 0u);  // Kaplan-Meier periods = starters over the years, at least
}

// What an outside auditor has: the files. The report of a small council written to disk,
// tables.json and relations.json read back (cells by column name, "c" as null plus the row's
// "suppressed" list): the auditor finds nothing, and the files hold as many relations as the
// output made.
TEST(DisclosureAudit, PublishedFilesCarryTheRelations) {
  careflow::testing::TempReturns tr;
  synth::SynthOptions so;
  so.population = 40;
  so.seed = 3;
  so.first_year = 2022;
  so.threads = 1;
  so.postcodes = false;
  synth::generate(so, tr.root() + "/returns");
  IngestReport ir;
  const History h = ingest({tr.root() + "/returns"}, std::nullopt, ir);
  const auto a = analyse::assess(h, {});
  report::ReportFiles files;
  std::string err;
  ASSERT_TRUE(report::write_report(a, tr.root() + "/out", {}, files, &err)) << err;
  auto read = [](const std::string& path) {
    std::ifstream f(path);
    return nlohmann::json::parse(f);
  };
  const auto p = careflow::testing::read_published(read(files.json), read(files.relations));
  const auto in_memory = report::published_report(a, {});
  EXPECT_EQ(p.arithmetic.relations.size(), in_memory.arithmetic.relations.size());
  EXPECT_GT(p.arithmetic.relations.size(), 100u);
  EXPECT_TRUE(p.arithmetic.disclosure_control);
  size_t withheld = 0;
  for (const auto& t : p.tables)
    for (const auto& r : t.rows)
      for (const auto& c : r) withheld += std::holds_alternative<Suppressed>(c);
  EXPECT_GT(withheld, 20u);  // a council of 40: plenty withheld
  expect_clean(Auditor(p.tables, p.arithmetic).run(), "files");
}

// The auditor fails on what careflow published before (each table suppressed on its own, a
// percentage withheld only with its numerator, no relation between tables), for the council of
// the report in issue #11 (careflow synth --seed 7 --population 400 --la E06000044), and passes
// on what it publishes now. There, 24-month columns, legal status at return: returned home
// C1 = c, back in care 6, 17.1% gives 6 / 0.171 = 35.09, so C1 = 35, and then All 273 - 35 - V2
// 233 = 5, C2's withheld count.
TEST(DisclosureAudit, FindsTheLeaksOfThePerTableRules) {
  if (!shared_reference().file("postcodes/onspd_postcodes.csv.gz")) GTEST_SKIP() << "no postcode directory (synth --la needs it)";
  careflow::testing::TempReturns tr;
  synth::SynthOptions so;
  so.population = 400;
  so.seed = 7;
  so.la = "E06000044";
  synth::generate(so, tr.root());
  IngestReport ir;
  const History h = ingest({tr.root()}, std::nullopt, ir);
  const NeedsAssessmentReference reference = load_needs_assessment_reference(shared_reference());
  analyse::Options ao;
  ao.la_code = "E06000044";
  ao.reference = &reference;
  const auto a = analyse::assess(h, ao);

  // The old rules, table by table.
  std::vector<OutputTable> old;
  for (const auto& t : a.tables) {
    old.push_back(t.table);
    if (t.count_columns.empty()) continue;
    DisclosureSpec spec{.count_columns = t.count_columns, .total_row = t.total_row, .row_groups = t.row_groups,
                        .total_column = t.total_column, .derived = t.derived};
    for (const auto& r : t.ratios) spec.derived.push_back({r.column, r.numerator});
    for (const auto& r : t.row_relations) spec.derived.push_back({r.columns.back(), r.columns.front()});
    report::suppress(old.back(), spec);
  }
  PublishedArithmetic relations;
  report::publishable(a, true, &relations);
  const auto findings = Auditor(old, relations).run();
  std::set<std::string> where;
  for (const auto& f : findings) where.insert(f.table + " " + std::to_string(f.row) + " " + f.column);
  const auto& reentry = *std::find_if(a.tables.begin(), a.tables.end(),
                                      [](const analyse::Table& t) { return t.table.id == "reentry_after_return_home"; });
  size_t c1 = 0, c2 = 0;
  for (size_t r = 0; r < reentry.table.rows.size(); ++r) {
    const auto& g = std::get<std::string>(reentry.table.rows[r][1]);
    if (g.starts_with("C1 ")) c1 = r;
    if (g.starts_with("C2 ")) c2 = r;
  }
  ASSERT_GT(c1, 0u);
  ASSERT_GT(c2, 0u);
  EXPECT_EQ(std::get<double>(reentry.table.rows[c1][5]), 35);  // the figures of the issue
  EXPECT_EQ(std::get<double>(reentry.table.rows[c2][5]), 5);
  EXPECT_EQ(std::get<double>(reentry.table.rows[c1][6]), 6);
  EXPECT_TRUE(where.count("reentry_after_return_home " + std::to_string(c1) + " returned_24"));
  EXPECT_TRUE(where.count("reentry_after_return_home " + std::to_string(c2) + " returned_24"));
  EXPECT_GT(findings.size(), 2u) << "other tables leaked too";

  // Now: nothing to find, and C1's 24-month percentage is withheld with its denominator.
  report::ReportOptions on;
  const auto published = report::published_report(a, on);
  expect_clean(Auditor(published.tables, published.arithmetic), "report");
  const auto& now = *std::find_if(published.tables.begin(), published.tables.end(),
                                  [](const OutputTable& t) { return t.id == "reentry_after_return_home"; });
  EXPECT_TRUE(std::holds_alternative<Suppressed>(now.rows[c1][5]));
  EXPECT_TRUE(std::holds_alternative<Suppressed>(now.rows[c1][7]));
  EXPECT_TRUE(std::holds_alternative<Suppressed>(now.rows[c2][5]));
}
