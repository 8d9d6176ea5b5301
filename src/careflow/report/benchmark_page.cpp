#include "careflow/report/benchmark_page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include "careflow/benchmark/direct_measures.hpp"
#include "careflow/report/disclosure.hpp"
#include "careflow/report/svg_chart.hpp"

namespace careflow::report {
// The page presents benchmark's results: its types and functions are named as benchmark names them.
using namespace careflow::benchmark;

namespace {

Cell num(std::optional<double> v) { return v && std::isfinite(*v) ? Cell(*v) : Cell(std::monostate{}); }
Cell num(double v) { return std::isfinite(v) ? Cell(v) : Cell(std::monostate{}); }
// A published value as a cell: suppressed stays "suppressed", other markers become missing with
// their meaning kept in a neighbouring text column by the caller.
Cell pub(const Published& p) {
  if (p.has()) return p.value;
  if (p.marker == Marker::suppressed) return Suppressed{};
  return std::monostate{};
}

std::string html_table(const OutputTable& t) {
  using report::xml_escape;
  std::string h = fmt::format("<h2 id=\"{}\">{}</h2>\n", xml_escape(t.id), xml_escape(t.title));
  if (!t.notes.empty()) h += fmt::format("<p class=\"notes\">{}</p>\n", xml_escape(t.notes));
  h += "<table><thead><tr>";
  for (auto& c : t.columns) h += "<th>" + xml_escape(c.label) + "</th>";
  h += "</tr></thead><tbody>\n";
  for (auto& r : t.rows) {
    h += "<tr>";
    for (size_t i = 0; i < r.size(); ++i)
      h += "<td>" + xml_escape(format_cell(r[i], t.columns[i].decimals)) + "</td>";
    h += "</tr>\n";
  }
  return h + "</tbody></table>\n";
}

std::string lower_first(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

const BoundaryChange* change_creating(int la) {
  for (auto& c : boundary_changes())
    if (std::find(c.successors.begin(), c.successors.end(), la) != c.successors.end()) return &c;
  return nullptr;
}

}  // namespace

BenchmarkReport build_benchmark_report(const PublicData& d, int la, int year, const std::vector<OwnYear>& own,
                                       const std::vector<OwnBreakdown>& own_need,
                                       const std::vector<std::string>& council_check, bool suppression,
                                       const std::vector<OwnCinYear>& own_cin) {
  BenchmarkReport rep;
  rep.la_number = la;
  rep.year = year;
  const AreaYear* self = d.council_year(la, year);
  rep.council_name = self ? self->name : fmt::format("LA {}", la);
  const std::string region = d.region_of.count(la) ? d.region_of.at(la) : "";
  const std::string sources =
      "Source: DfE Children looked after in England including adoption (combined series 2010-2025). "
      "Contains public sector information licensed under the Open Government Licence v3.0.";

  // 1. Comparison with neighbours, region and England.
  OutputTable cmp;
  cmp.id = "comparison";
  cmp.title = fmt::format("{} compared with statistical neighbours, region and England, {}", rep.council_name, year);
  cmp.notes = "Rank 1 is the highest value among councils reporting it. Quartile 1 is the lowest quarter. "
              "Starters and ceasers are per 10,000 children aged 0-17. Neighbours: DfE 2025 model from 2024, "
              "2021 model before. " + sources;
  cmp.add_column("measure", "Measure").add_column("council", "Council", 1)
      .add_column("neighbours_mean", "Neighbours mean", 1).add_column("neighbours_median", "Neighbours median", 1)
      .add_column("neighbours_n", "Neighbours with data").add_column("region", "Region: " + region, 1)
      .add_column("england", "England", 1).add_column("rank", "Rank").add_column("of", "Of")
      .add_column("quartile", "Quartile");
  for (auto m : {Measure::rate, Measure::starters, Measure::ceasers, Measure::stock}) {
    auto c = compare(d, la, year, m);
    cmp.add_row({measure_label(m), num(c.council), num(c.neighbours_mean), num(c.neighbours_median),
                 double(c.neighbours_found), num(c.region), num(c.england),
                 c.rank ? Cell(double(c.rank)) : Cell{}, c.of ? Cell(double(c.of)) : Cell{},
                 c.quartile ? Cell(double(c.quartile)) : Cell{}});
  }
  rep.tables.push_back(std::move(cmp));

  // 1b. Other published measures (LAIT).
  OutputTable oth;
  oth.id = "other_measures";
  oth.title = fmt::format("{}: placement stability, children in need, child protection, unit costs, {}", rep.council_name, year);
  oth.notes = "Source: DfE Local Authority Interactive Tool (LAIT); region and England as published there. Financial years are shown by their end year "
              "(2025 = 2024-25 outturn). Rank 1 is the highest value; quartile 1 the lowest quarter. "
              "Contains public sector information licensed under the Open Government Licence v3.0.";
  oth.add_column("measure", "Measure").add_column("council", "Council", 1).add_column("council_note", "Note")
      .add_column("neighbours_mean", "Neighbours mean", 1).add_column("neighbours_median", "Neighbours median", 1)
      .add_column("region", "Region", 1).add_column("england", "England", 1)
      .add_column("rank", "Rank").add_column("of", "Of").add_column("quartile", "Quartile");
  for (auto& m : lait_measures()) {
    auto c = compare_lait(d, la, year, m);
    oth.add_row({c.label, num(c.council), c.council_marker, num(c.neighbours_mean), num(c.neighbours_median),
                 num(c.region), num(c.england), c.rank ? Cell(double(c.rank)) : Cell{},
                 c.of ? Cell(double(c.of)) : Cell{}, c.quartile ? Cell(double(c.quartile)) : Cell{}});
  }
  rep.tables.push_back(std::move(oth));

  // 1c. CIN census and S251 read directly, latest year at or before the report's year.
  std::vector<std::pair<std::string, Funnel>> cin_funnels;  // drawn on the page
  if (!d.direct.empty()) {
    OutputTable dt;
    dt.id = "cin_cp_finance";
    dt.title = fmt::format("{}: children in need, child protection and S251 spend (read from the CIN census and S251 files)",
                           rep.council_name);
    dt.notes = "Source: DfE Characteristics of children in need (tables b1, c1, d3, d5; year to 31 March) and DfE "
               "S251 outturn table A1 (financial year shown by its end year; net current expenditure summed over "
               "detail lines: subtotal lines 'Total ...', the grand totals, memorandum lines '(included in ... "
               "above)' and CERA are left out; region and England are sums of councils). Rates per 10,000 use the "
               "CLA series' population aged 0-17; S251 per child looked after uses the count at 31 March. The year "
               "is the latest at or before the report's year with an England value. Rank 1 is the highest. "
               "Contains public sector information licensed under the Open Government Licence v3.0.";
    dt.add_column("measure", "Measure").add_column("year", "Year").add_column("council", "Council", 1)
        .add_column("council_note", "Note").add_column("neighbours_mean", "Neighbours mean", 1)
        .add_column("neighbours_median", "Neighbours median", 1).add_column("neighbours_n", "Neighbours with data")
        .add_column("region", "Region", 1).add_column("england", "England", 1).add_column("rank", "Rank")
        .add_column("of", "Of").add_column("quartile", "Quartile");
    for (auto& m : direct_measures()) {
      const int y = direct_latest_year(d, m, year);
      if (!y) {
        const bool loaded = d.direct.count(m.code) && (!m.denominator || d.direct.count(m.denominator));
        dt.add_row({std::string(m.label), Cell{}, Cell{},
                    std::string(loaded ? "no published value" : "file not in the reference data (data_notes)"), Cell{}, Cell{}, 0.0,
                    Cell{}, Cell{}, Cell{}, Cell{}, Cell{}});
        continue;
      }
      auto c = compare_direct(d, la, y, m);
      dt.add_row({c.label, double(y), num(c.council), c.council_marker, num(c.neighbours_mean), num(c.neighbours_median),
                  double(c.neighbours_found), num(c.region), num(c.england), c.rank ? Cell(double(c.rank)) : Cell{},
                  c.of ? Cell(double(c.of)) : Cell{}, c.quartile ? Cell(double(c.quartile)) : Cell{}});
    }
    rep.tables.push_back(std::move(dt));

    // The CIN and child protection measures year by year (trend), from the first published year.
    OutputTable ct;
    ct.id = "cin_cp_trend";
    ct.title = fmt::format("{}: children in need and child protection, year by year to {}", rep.council_name, year);
    ct.notes = "Source: DfE Characteristics of children in need (tables b1, c1, c2, c4, d3, d5; year to 31 March). "
               "Rates per 10,000 children aged 0-17 use the CLA series' population 0-17 (ONS mid-year estimates as "
               "DfE publishes them with the CLA statistics); percentages are DfE's, or computed from its published "
               "counts (assessments within 45 working days: the bands up to 41-45 days over assessments completed; "
               "ICPCs within 15 working days: the 0-10 and 11-15 day bands over the four bands). Neighbours: DfE "
               "2025 model from 2024, 2021 model before. Contains public sector information licensed under the "
               "Open Government Licence v3.0.";
    ct.add_column("measure", "Measure").add_column("code", "Code").add_column("year", "Year")
        .add_column("council", "Council", 1).add_column("council_note", "Note")
        .add_column("neighbours_mean", "Neighbours mean", 1).add_column("neighbours_n", "Neighbours with data")
        .add_column("region", "Region", 1).add_column("england", "England", 1).add_column("rank", "Rank")
        .add_column("of", "Of");
    for (auto& m : direct_measures()) {
      if (!m.cin()) continue;
      const auto it = d.direct.find(m.code);
      if (it == d.direct.end()) continue;
      for (const auto& [y, v] : it->second.england) {
        if (y > year) continue;
        const auto c = compare_direct(d, la, y, m);
        ct.add_row({c.label, std::string(m.code), double(y), num(c.council), c.council_marker, num(c.neighbours_mean),
                    double(c.neighbours_found), num(c.region), num(c.england), c.rank ? Cell(double(c.rank)) : Cell{},
                    c.of ? Cell(double(c.of)) : Cell{}});
      }
    }
    rep.tables.push_back(std::move(ct));

    // Funnel plots of the CIN and child protection rates, latest year of each.
    OutputTable cf;
    cf.id = "cin_cp_funnel";
    cf.title = fmt::format("Funnel plot data: children in need and child protection rates per 10,000, latest year at or before {}", year);
    cf.notes = "Each rate: the council's published count over its population aged 0-17 (CLA series) x 10,000. Centre: "
               "the sum of councils' counts over the sum of their populations. Exact Poisson limits at 95% and 99.8% "
               "(Garwood), and 99.8% limits allowing for overdispersion (Spiegelhalter 2005), as for the looked-after "
               "rate (table funnel). Outside: +2/-2 beyond 99.8%, +1/-1 beyond 95%.";
    cf.add_column("measure", "Measure").add_column("code", "Code").add_column("year", "Year")
        .add_column("la_number", "LA number").add_column("council", "Council").add_column("population", "Population 0-17")
        .add_column("count", "Count").add_column("rate", "Rate per 10,000", 1)
        .add_column("lower_998", "Lower 99.8%", 1).add_column("lower_95", "Lower 95%", 1)
        .add_column("upper_95", "Upper 95%", 1).add_column("upper_998", "Upper 99.8%", 1).add_column("outside", "Outside")
        .add_column("od_lower_998", "Overdispersed lower 99.8%", 1).add_column("od_upper_998", "Overdispersed upper 99.8%", 1)
        .add_column("od_outside", "Outside overdispersed 99.8%");
    for (auto& m : direct_measures()) {
      if (std::string_view(m.kind) != "rate") continue;
      const int y = direct_latest_year(d, m, year);
      if (!y) continue;
      auto fn = direct_funnel(d, y, m);
      int above = 0, below = 0;
      for (const auto& p : fn.points) {
        cf.add_row({std::string(m.label), std::string(m.code), double(y), double(p.la_number), p.name, p.population,
                    p.count, p.rate, p.lo998, p.lo95, p.hi95, p.hi998, double(p.outside), p.od_lo998, p.od_hi998,
                    double(p.od_outside)});
        above += p.od_outside > 0;
        below += p.od_outside < 0;
      }
      cf.notes += fmt::format(" {} ({}): centre {:.1f}, phi {:.1f}, {} above and {} below the overdispersed 99.8% "
                              "limits; excluded {}.", m.code, y, fn.national_rate, fn.phi, above, below,
                              fn.excluded.empty() ? "none" : fmt::format("{}", fmt::join(fn.excluded, "; ")));
      cin_funnels.push_back({m.label, std::move(fn)});
    }
    rep.tables.push_back(std::move(cf));
  }
  // 1d. Starters by category of need and legal status, ceasers by reason: shares.
  int own_need_year = 0;       // the year of the own starters by need, when shown
  double own_need_total = 0;   // and their total
  std::optional<size_t> need_at;  // where that table is in rep.tables
  // (table id, published table, its grouping, whether the council's own starters by need go beside
  // it, who is counted, the source)
  const char* cla_source = "DfE Children looked after in England, {} characteristics table";
  for (auto [id, table, group, with_own_need, who, source] :
       {std::tuple{"starters_by_need", "starters", "Category of need", true, "children who started to be looked after", cla_source},
        {"starters_by_legal_status", "starters", "Legal status", false, "children who started to be looked after", cla_source},
        {"ceasers_by_reason", "ceasers", "Reason episode ceased", false, "children who ceased to be looked after", cla_source},
        {"cpp_starts_by_category", "cpp_starts_by_category", "Initial category of abuse", false,
         "child protection plans started", "DfE Characteristics of children in need, table d2"},
        {"cpp_at31_by_category", "cpp_at31_by_category", "Latest category of abuse", false,
         "child protection plans at 31 March", "DfE Characteristics of children in need, table d4"},
        {"assessment_factors", "assessment_factors", "Factor identified at the end of assessment", false,
         "episodes with factors identified at the end of assessment (an episode may have several)",
         "DfE Characteristics of children in need, table c3"},
        {"referral_sources", "referral_sources", "Source of referral", false, "referrals",
         "DfE Characteristics of children in need, table c5"}}) {
    const int y = breakdown_year(d, table, year);
    if (!y) continue;
    OutputTable bt;
    bt.id = id;
    bt.title = fmt::format("{}: {} by {}, {} (share of all, %)", rep.council_name, who, lower_first(group), y);
    bt.notes = fmt::format("Source: {} (latest year in the reference data at or before {}). Share = number / the "
                           "group's total x 100. A suppressed number ('c') is a missing share, never zero; neighbours' "
                           "mean is over those with a share.",
                           fmt::format(fmt::runtime(source), table), year);
    const bool cin_table = std::string_view(source) != cla_source;
    if (cin_table) bt.notes += " Rows in order of England's share, largest first.";
    bt.add_column("characteristic", "Characteristic").add_column("council_number", "Council number")
        .add_column("council_share", "Council %", 1).add_column("council_note", "Note")
        .add_column("neighbours_mean", "Neighbours mean %", 1).add_column("neighbours_n", "Neighbours with data")
        .add_column("neighbours_missing", "Neighbours suppressed or missing")
        .add_column("region", "Region %", 1).add_column("england", "England %", 1);
    const OwnBreakdown* mine = nullptr;
    if (with_own_need)
      for (auto& o : own_need)
        if (o.year == y && o.total > 0) mine = &o;
    if (mine) {
      bt.add_column("own_number", "Own returns number").add_column("own_share", "Own returns %", 1);
      // (The numbers are in the table, where disclosure control applies, not in this note.)
      bt.notes += " Own returns: category of need of the first episode of each period of care starting in the year; "
                  "blank codes in the row 'Not recorded (own returns)'.";
      own_need_year = y;
      own_need_total = static_cast<double>(mine->total);
    }
    auto rows = compare_breakdown(d, la, y, table, group);
    if (cin_table)
      std::stable_sort(rows.begin(), rows.end(), [](const BreakdownComparison& a, const BreakdownComparison& b) {
        return a.england.value_or(-1) > b.england.value_or(-1);
      });
    for (auto& b : rows) {
      const Published* n = nullptr;
      if (auto it = d.breakdowns.find({table, group, b.characteristic}); it != d.breakdowns.end())
        n = it->second.at_council(la, y);
      std::vector<Cell> row{b.characteristic, n ? pub(*n) : Cell{}, num(b.council_share), b.council_marker,
                            num(b.neighbours_mean), double(b.neighbours_found), double(b.neighbours_missing),
                            num(b.region), num(b.england)};
      if (mine) {
        // "N1. Abuse or neglect" -> "N1".
        const std::string code = b.characteristic.substr(0, b.characteristic.find('.'));
        const auto it = mine->counts.find(code);
        const double k = it == mine->counts.end() ? 0.0 : double(it->second);
        row.push_back(k);
        row.push_back(k / double(mine->total) * 100.0);
      }
      bt.add_row(std::move(row));
    }
    // Codes the published table has no row for (blank ones): a row of the council's own, so that
    // the own numbers add up to the starters of the year.
    if (mine) {
      double other = 0;
      for (const auto& [code, n] : mine->counts) {
        bool listed = false;
        for (const auto& r : bt.rows) listed |= std::get<std::string>(r[0]).substr(0, std::get<std::string>(r[0]).find('.')) == code;
        if (!listed) other += static_cast<double>(n);
      }
      if (other > 0) {
        std::vector<Cell> row(bt.columns.size());
        row[0] = std::string("Not recorded (own returns)");
        row[bt.columns.size() - 2] = other;
        row[bt.columns.size() - 1] = other / double(mine->total) * 100.0;
        bt.add_row(std::move(row));
      }
      need_at = rep.tables.size();
    }
    rep.tables.push_back(std::move(bt));
  }

  // 2. Trend.
  OutputTable tr;
  tr.id = "trend";
  tr.title = fmt::format("{}: children looked after per 10,000, 2010-{}", rep.council_name, year);
  tr.notes = "Rates are blank where DfE published no population (2010-2013). " + sources;
  tr.add_column("year", "Year").add_column("council_count", "Council count").add_column("council_rate", "Council rate", 1)
      .add_column("neighbours_mean_rate", "Neighbours mean rate", 1).add_column("region_rate", "Region rate", 1)
      .add_column("england_rate", "England rate", 1).add_column("note", "Note");
  report::Series s_c{rep.council_name, {}, {}, "#c00000"}, s_sn{"Neighbours (mean)", {}, {}, "#1f4e79"},
      s_r{"Region", {}, {}, "#7f7f7f", true}, s_e{"England", {}, {}, "#000000", true};
  const BoundaryChange* created = change_creating(la);
  for (int y = 2010; y <= year; ++y) {
    const AreaYear* a = d.council_year(la, y);
    std::string note;
    if (!a || !a->reports())
      note = created && y < created->first_year ? "did not exist: " + created->description : "no published row";
    else if (!a->stock.has()) note = std::string("count ") + std::string(marker_meaning(a->stock.marker));
    auto c = compare(d, la, y, Measure::rate);
    tr.add_row({double(y), a ? pub(a->stock) : Cell{}, num(c.council), num(c.neighbours_mean), num(c.region),
                num(c.england), note});
    for (auto [s, v] : {std::pair{&s_c, c.council}, {&s_sn, c.neighbours_mean}, {&s_r, c.region}, {&s_e, c.england}}) {
      s->x.push_back(y);
      s->y.push_back(v.value_or(std::nan("")));
    }
  }
  rep.tables.push_back(std::move(tr));

  // 3. Funnel plot.
  const Funnel f = funnel(d, year);
  OutputTable ft;
  ft.id = "funnel";
  ft.title = fmt::format("Funnel plot data: rate per 10,000 against child population, {}", year);
  ft.notes = fmt::format("Centre: {:.2f} per 10,000 (sum of councils' counts over sum of populations). Exact Poisson "
                         "limits at 95% and 99.8% (Garwood chi-square form). Outside: +2/-2 beyond 99.8%, +1/-1 beyond 95%. "
                         "Overdispersion (Spiegelhalter 2005, z winsorised at 10%): phi = {:.1f}, tau = {:.1f} per 10,000; "
                         "adjusted 99.8% limits allow for that between-council variation. Excluded: {}. ",
                         f.national_rate, f.phi, std::sqrt(f.tau2) * 1e4, f.excluded.empty() ? "none" : fmt::format("{}", fmt::join(f.excluded, "; "))) + sources;
  ft.add_column("la_number", "LA number").add_column("council", "Council").add_column("population", "Population 0-17")
      .add_column("count", "Looked after").add_column("rate", "Rate per 10,000", 1)
      .add_column("lower_998", "Lower 99.8%", 1).add_column("lower_95", "Lower 95%", 1)
      .add_column("upper_95", "Upper 95%", 1).add_column("upper_998", "Upper 99.8%", 1).add_column("outside", "Outside")
      .add_column("od_lower_998", "Overdispersed lower 99.8%", 1).add_column("od_upper_998", "Overdispersed upper 99.8%", 1)
      .add_column("od_outside", "Outside overdispersed 99.8%");
  report::Series pts{"Councils", {}, {}, "#1f4e79"};
  std::vector<report::Label> hl;
  double pmin = 1e300, pmax = 0;
  for (auto& p : f.points) {
    ft.add_row({double(p.la_number), p.name, p.population, p.count, p.rate, p.lo998, p.lo95, p.hi95, p.hi998,
                double(p.outside), p.od_lo998, p.od_hi998, double(p.od_outside)});
    pts.x.push_back(p.population);
    pts.y.push_back(p.rate);
    pmin = std::min(pmin, p.population);
    pmax = std::max(pmax, p.population);
    if (p.la_number == la) hl.push_back({p.population, p.rate, p.name});
  }
  OutputTable fo;
  fo.id = "funnel_outside";
  fo.title = fmt::format("Councils outside the funnel limits, {}", year);
  fo.notes = "Councils whose count lies outside the 95% or 99.8% exact Poisson limits around the England rate.";
  fo.add_column("council", "Council").add_column("rate", "Rate per 10,000", 1).add_column("where", "Where")
      .add_column("overdispersed", "Outside overdispersed 99.8%");
  for (auto& p : f.points)
    if (p.outside)
      fo.add_row({p.name, p.rate, std::string(p.outside > 0 ? "above " : "below ") + (std::abs(p.outside) == 2 ? "99.8%" : "95%"),
                  std::string(p.od_outside > 0 ? "above" : p.od_outside < 0 ? "below" : "no")});
  rep.tables.push_back(std::move(ft));
  rep.tables.push_back(std::move(fo));

  // 4-5. Need-adjusted comparison.
  const NeedModel nm = need_model(d, year);
  OutputTable co;
  co.id = "need_model";
  co.title = fmt::format("Poisson model of children looked after on need, {} (log population offset)", year);
  co.notes = fmt::format("n = {} councils; deviance {:.1f}; Pearson dispersion {:.2f} (intervals scaled by its square root "
                         "when above 1, quasi-Poisson). Need: IDACI 2019 average score; children in relative low income "
                         "(DWP, ages 0-19, FY ending {}) per child aged 0-17. Population density is not in the reference "
                         "data. IDACI-only gradient (inverse intervention law check): rate ratio {:.3f} per 0.1 IDACI "
                         "score (95% {:.3f} to {:.3f}). Excluded: {}.",
                         nm.fit.n, nm.fit.deviance, nm.fit.dispersion, nm.deprivation_fy, nm.idaci_gradient_rr,
                         nm.idaci_gradient_lo, nm.idaci_gradient_hi,
                         nm.excluded.empty() ? "none" : fmt::format("{}", fmt::join(nm.excluded, "; ")));
  co.add_column("term", "Term").add_column("coefficient", "Coefficient (log)", 4).add_column("se", "Std. error", 4)
      .add_column("rate_ratio", "Rate ratio", 3).add_column("rr_lower", "95% lower", 3).add_column("rr_upper", "95% upper", 3);
  co.add_column("model", "Model");
  for (size_t j = 0; j < nm.fit.beta.size(); ++j)
    co.add_row({nm.fit.names[j], nm.fit.beta[j], nm.fit.se[j], std::exp(nm.fit.beta[j]), std::exp(nm.fit.lo[j]),
                std::exp(nm.fit.hi[j]), std::string("Poisson (quasi-Poisson intervals)")});
  if (nm.nb_fit.converged) {
    for (size_t j = 0; j < nm.nb_fit.beta.size(); ++j)
      co.add_row({nm.nb_fit.names[j], nm.nb_fit.beta[j], nm.nb_fit.se[j], std::exp(nm.nb_fit.beta[j]),
                  std::exp(nm.nb_fit.lo[j]), std::exp(nm.nb_fit.hi[j]), std::string("Negative binomial")});
    co.notes += fmt::format(" Negative binomial: alpha = {:.4f} (variance = mu + alpha mu^2), deviance {:.1f}.",
                            nm.nb_fit.alpha, nm.nb_fit.deviance);
  }
  rep.tables.push_back(std::move(co));
  OutputTable oe;
  oe.id = "need_adjusted";
  oe.title = fmt::format("Observed and need-expected children looked after, {}", year);
  oe.notes = fmt::format("Poisson: expected from the Poisson need model; interval = exact Poisson interval of the "
                         "observed count over expected (chance alone, for reference: with dispersion {:.1f} most "
                         "councils' intervals exclude 1). Negative binomial: expected from the NB2 fit; interval allows "
                         "for between-council variation (alpha = {:.4f}): the ratios theta for which the observed count "
                         "is within the central 95% of NB(theta x expected, alpha); about 95% of councils whose need "
                         "explains their count have 1 inside it. Councils whose NB interval excludes 1 are unusual "
                         "among councils of similar need.", nm.fit.dispersion, nm.nb_fit.alpha);
  oe.add_column("la_number", "LA number").add_column("council", "Council").add_column("idaci", "IDACI score", 3)
      .add_column("low_income_share", "Low-income share", 3).add_column("observed", "Observed")
      .add_column("expected", "Expected (Poisson)", 1).add_column("ratio", "Observed / expected (Poisson)", 2)
      .add_column("ratio_lower", "Poisson 95% lower", 2).add_column("ratio_upper", "Poisson 95% upper", 2)
      .add_column("nb_expected", "Expected (NB)", 1).add_column("nb_ratio", "Observed / expected (NB)", 2)
      .add_column("nb_lower", "NB 95% lower", 2).add_column("nb_upper", "NB 95% upper", 2)
      .add_column("nb_outside", "NB interval excludes 1");
  report::Series dep{"Councils", {}, {}, "#1f4e79"};
  std::vector<report::Label> dep_hl;
  for (auto& r : nm.rows) {
    oe.add_row({double(r.la_number), r.name, r.idaci, r.low_income_share, r.count, r.expected, r.ratio, r.ratio_lo, r.ratio_hi,
                num(r.nb_expected), num(r.nb_ratio), num(r.nb_lo), num(r.nb_hi),
                std::isfinite(r.nb_lo) ? Cell(std::string(r.nb_lo > 1 ? "above" : r.nb_hi < 1 ? "below" : "no")) : Cell{}});
    dep.x.push_back(r.idaci);
    dep.y.push_back(r.count / r.population * 1e4);
    if (r.la_number == la) dep_hl.push_back({r.idaci, r.count / r.population * 1e4, r.name});
  }
  rep.tables.push_back(std::move(oe));

  // 6. Change over five years.
  std::vector<std::string> ch_ex;
  const auto ch = change(d, year - 5, year, &ch_ex);
  OutputTable ct;
  ct.id = "reduced_over_five_years";
  ct.title = fmt::format("Councils whose number looked after fell by more than 10%, {} to {}", year - 5, year);
  ct.notes = fmt::format("Ofsted: latest overall effectiveness judgement as at 31 March 2025. Not comparable "
                         "(boundary changes or missing counts): {}.", ch_ex.empty() ? "none" : fmt::format("{}", fmt::join(ch_ex, "; ")));
  ct.add_column("la_number", "LA number").add_column("council", "Council").add_column("from", fmt::format("{}", year - 5))
      .add_column("to", fmt::format("{}", year)).add_column("pct_change", "Change %", 1)
      .add_column("rate_from", "Rate from", 1).add_column("rate_to", "Rate to", 1).add_column("ofsted", "Ofsted overall");
  report::Series chs{"Councils", {}, {}, "#1f4e79"};
  for (auto& r : ch) {
    if (r.pct_change < -10)
      ct.add_row({double(r.la_number), r.name, r.stock_from, r.stock_to, r.pct_change, num(r.rate_from), num(r.rate_to), r.ofsted});
    if (r.low_income_change && std::isfinite(r.rate_to - r.rate_from)) {
      chs.x.push_back(*r.low_income_change);
      chs.y.push_back(r.rate_to - r.rate_from);
    }
  }
  if (chs.x.size() > 2) {
    // Ordinary least squares slope and correlation of change in rate on change in low-income share.
    const double n = chs.x.size();
    double mx = 0, my = 0;
    for (size_t i = 0; i < chs.x.size(); ++i) { mx += chs.x[i] / n; my += chs.y[i] / n; }
    double sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < chs.x.size(); ++i) {
      sxx += (chs.x[i] - mx) * (chs.x[i] - mx);
      syy += (chs.y[i] - my) * (chs.y[i] - my);
      sxy += (chs.x[i] - mx) * (chs.y[i] - my);
    }
    if (sxx > 0 && syy > 0)
      ct.notes += fmt::format(" Across {} councils, change in rate against change in low-income share (percentage "
                              "points, DWP FY ending {} to FY ending {}: the DWP series ends in 2022): slope {:.2f} per "
                              "10,000 per point, correlation {:.2f}.",
                              chs.x.size(), std::clamp(year - 5, 2015, 2022), std::clamp(year, 2015, 2022), sxy / sxx,
                              sxy / std::sqrt(sxx * syy));
  }
  rep.tables.push_back(std::move(ct));

  // 7. Own figures beside published.
  std::optional<size_t> own_at;  // where own_vs_published is in rep.tables
  if (!own.empty()) {
    const auto oc = compare_own(d, la, own);
    OutputTable ot;
    ot.id = "own_vs_published";
    ot.title = fmt::format("{}: own figures (from its returns) beside published figures", rep.council_name);
    ot.notes = "Own: from the council's SSDA903 returns (looked after at 31 March; periods of care started and "
               "ceased in the collection year). Own rate = own count at 31 March / published population aged 0-17 "
               "x 10,000. Beyond rounding: a published value P rounded half up to unit R agrees with the own "
               "figure x when P - R/2 <= x < P + R/2 (x would be published as P); R = 1 for council counts "
               "published unrounded (x must equal P), 10 where a release rounds council counts to 10, 1 for "
               "rates (whole numbers). A published marker (suppressed, not applicable) is never a disagreement.";
    ot.add_column("year", "Year").add_column("measure", "Measure").add_column("own", "Own", 1)
        .add_column("published", "Published").add_column("published_note", "Published note")
        .add_column("rounding_unit", "Rounding unit").add_column("difference", "Own - published", 1)
        .add_column("disagrees", "Beyond rounding");
    for (auto& c : oc)
      ot.add_row({double(c.year), c.measure, num(c.own), num(c.published), c.published_marker, c.rounding_unit,
                  num(c.difference), std::string(c.disagrees ? "yes" : "no")});
    own_at = rep.tables.size();
    rep.tables.push_back(std::move(ot));
  }

  // 7b. Own CIN census figures beside published.
  std::optional<size_t> own_cin_at;  // where own_cin_vs_published is in rep.tables
  if (!own_cin.empty()) {
    OutputTable oc;
    oc.id = "own_cin_vs_published";
    oc.title = fmt::format("{}: own children in need and child protection figures (from its CIN census returns) "
                           "beside published figures", rep.council_name);
    oc.notes = "Own: from the council's CIN census returns, DfE's definitions (referrals: episodes referred in the "
               "year, no further action included; re-referrals: within 12 months of an earlier referral of the "
               "child, the same day a year before counting, shown only when the previous year's return was read; "
               "section 47 enquiries started; initial conferences held, from the section 47s and, for a child "
               "transferred in, the episode; plans started, and of them with NumberOfPreviousCPP 1 or more; "
               "children on a plan at 31 March). Rates per 10,000: the count over the CLA series' population 0-17 "
               "of the council and year, own and published alike. Source of the published: DfE Characteristics of "
               "children in need, tables c1, c4, d3, d5. Council counts are published unrounded: an own count "
               "agrees only when equal. A percentage agrees when it rounds half up to the published one (one "
               "decimal). A published marker (suppressed, not applicable) is never a disagreement.";
    oc.add_column("year", "Year").add_column("measure", "Measure").add_column("code", "Code")
        .add_column("own", "Own", 1).add_column("own_per_10000", "Own per 10,000", 1)
        .add_column("published", "Published", 1).add_column("published_per_10000", "Published per 10,000", 1)
        .add_column("published_note", "Published note").add_column("rounding_unit", "Rounding unit")
        .add_column("difference", "Own - published", 1).add_column("disagrees", "Beyond rounding");
    for (const auto& c : compare_own_cin(d, la, own_cin))
      oc.add_row({double(c.year), c.label, c.measure, num(c.own), num(c.own_rate), num(c.published),
                  num(c.published_rate), c.published_marker, c.rounding_unit, num(c.difference),
                  std::string(c.published ? (c.disagrees ? "yes" : "no") : "")});
    own_cin_at = rep.tables.size();
    rep.tables.push_back(std::move(oc));
  }

  // Disclosure control on the council's own figures (the published ones are public already):
  // its counts from 1 to 5 are withheld, and whatever would reveal them -- the difference from
  // the published figure, whether they agree, the own rate, the stock-flow identity between
  // years, the starters by need beside their total.
  if (!own.empty() || own_need_year || own_cin_at) {
    OutputTable* ot = own_at ? &rep.tables[*own_at] : nullptr;
    OutputTable* need = need_at ? &rep.tables[*need_at] : nullptr;
    std::vector<report::TableToPublish> in;
    std::vector<Relation> links;
    std::map<std::pair<int, std::string>, size_t> at;  // (year, measure) -> row of own_vs_published
    if (ot) {
      DisclosureSpec spec;
      const size_t own_col = 2, diff = 6, agrees = 7;
      for (size_t r = 0; r < ot->rows.size(); ++r) {
        const int y = static_cast<int>(std::get<double>(ot->rows[r][0]));
        const std::string m = std::get<std::string>(ot->rows[r][1]);
        at[{y, m}] = r;
        if (m != "rate_per_10000") spec.count_cells.push_back({r, own_col});
        links.push_back({Relation::Kind::depends, {{ot->id, r, diff}, {ot->id, r, own_col}}});
        links.push_back({Relation::Kind::depends, {{ot->id, r, agrees}, {ot->id, r, own_col}}});
      }
      for (const auto& [key, r] : at) {
        const auto [y, m] = key;
        if (m == "rate_per_10000" && at.count({y, "stock"}))  // over the published population
          links.push_back({Relation::Kind::ratio, {{ot->id, r, own_col}, {ot->id, at.at({y, "stock"}), own_col}}, {}, 1e4});
        // Stock = last year's stock + starters - ceasers (periods of care), when it holds.
        if (m == "stock" && at.count({y - 1, "stock"}) && at.count({y, "starters"}) && at.count({y, "ceasers"})) {
          const CellRef s{ot->id, r, own_col}, p{ot->id, at.at({y - 1, "stock"}), own_col},
              st{ot->id, at.at({y, "starters"}), own_col}, ce{ot->id, at.at({y, "ceasers"}), own_col};
          auto v = [&](const CellRef& c) { return std::get<double>(ot->rows[c.row][c.column]); };
          if (v(p) + v(st) - v(ce) == v(s)) links.push_back({Relation::Kind::linear, {p, st, ce, s}, {1, 1, -1, -1}});
        }
      }
      in.push_back({ot, spec});
    }
    if (need) {
      DisclosureSpec spec;
      const size_t n = need->columns.size() - 2, share = need->columns.size() - 1;
      spec.count_columns = {n};
      Relation total{Relation::Kind::sum, {}};
      const auto starters = at.find({own_need_year, "starters"});
      const bool same_total = ot && starters != at.end() &&
                              std::get<double>(ot->rows[starters->second][2]) == own_need_total;
      if (same_total) total.cells.push_back({ot->id, starters->second, 2});
      for (size_t r = 0; r < need->rows.size(); ++r) {
        total.cells.push_back({need->id, r, n});
        Relation ratio{Relation::Kind::ratio, {{need->id, r, share}, {need->id, r, n}}, {}, 100};
        if (same_total) ratio.cells.push_back({ot->id, starters->second, 2});
        links.push_back(std::move(ratio));
      }
      if (same_total) links.push_back(std::move(total));
      in.push_back({need, spec});
    }
    if (own_cin_at) {
      // Own counts are counts of children's episodes, plans and conferences: 1 to 5 withheld, with
      // their rates, percentages, differences and agreement.
      OutputTable* oc = &rep.tables[*own_cin_at];
      DisclosureSpec spec;
      const size_t own_col = 3, rate = 4, diff = 9, agrees = 10;
      std::map<std::pair<int, std::string>, size_t> row_of;  // (year, code) -> row
      for (size_t r = 0; r < oc->rows.size(); ++r)
        row_of[{static_cast<int>(std::get<double>(oc->rows[r][0])), std::get<std::string>(oc->rows[r][2])}] = r;
      for (const auto& [key, r] : row_of) {
        const auto& [y, code] = key;
        const bool pct = code.size() > 4 && code.compare(code.size() - 4, 4, "_pct") == 0;
        if (!pct) {
          spec.count_cells.push_back({r, own_col});
          if (std::holds_alternative<double>(oc->rows[r][rate]))
            links.push_back({Relation::Kind::ratio, {{oc->id, r, rate}, {oc->id, r, own_col}}, {}, 1e4});
        } else {
          const std::string num = code == "rereferral_pct" ? "rereferrals" : "cpp_subsequent";
          const std::string den = code == "rereferral_pct" ? "referrals" : "cpp_starts";
          if (row_of.count({y, num}) && row_of.count({y, den}))
            links.push_back({Relation::Kind::ratio,
                             {{oc->id, r, own_col}, {oc->id, row_of.at({y, num}), own_col}, {oc->id, row_of.at({y, den}), own_col}},
                             {}, 100});
        }
        links.push_back({Relation::Kind::depends, {{oc->id, r, diff}, {oc->id, r, own_col}}});
        links.push_back({Relation::Kind::depends, {{oc->id, r, agrees}, {oc->id, r, own_col}}});
      }
      in.push_back({oc, spec});
    }
    const auto r = report::suppress_output(in, links, suppression);
    for (size_t i = 0; i < in.size(); ++i) in[i].table->notes += report::withheld_note(r.per_table[i]);
    rep.arithmetic = r.arithmetic;
  }

  // One line on own figures against published, from the table as published: comparisons whose
  // own figure is withheld are neither counted nor listed (whether they agree would reveal it).
  std::string own_line;
  if (own_at) {
    const OutputTable& t = rep.tables[*own_at];
    int compared = 0, disagree = 0, withheld = 0;
    std::vector<std::string> which;
    for (const auto& row : t.rows) {
      if (std::holds_alternative<Suppressed>(row[2])) {
        withheld += std::holds_alternative<double>(row[3]);
        continue;
      }
      if (!std::holds_alternative<double>(row[3])) continue;
      ++compared;
      if (std::get<std::string>(row[7]) == "yes") {
        ++disagree;
        const std::string m = std::get<std::string>(row[1]);
        which.push_back(fmt::format("{:.0f} {} (own {:.{}f}, published {:g})", std::get<double>(row[0]), m,
                                    std::get<double>(row[2]), m == "rate_per_10000" ? 1 : 0, std::get<double>(row[3])));
      }
    }
    const size_t shown = std::min<size_t>(which.size(), 6);
    std::string listed = fmt::format("{}", fmt::join(which.begin(), which.begin() + static_cast<long>(shown), "; "));
    if (which.size() > shown) listed += fmt::format("; and {} more (table own_vs_published)", which.size() - shown);
    own_line = fmt::format("Own returns against published figures: {} of {} comparisons agree within published "
                           "rounding{}{}.", compared - disagree, compared, disagree ? "; beyond rounding: " : "", listed);
    if (withheld)
      own_line += fmt::format(" {} more {} an own count of 1 to 5 (or a figure that would reveal one), withheld.",
                              withheld, withheld == 1 ? "rests on" : "rest on");
  }
  if (own_at) rep.tables[*own_at].notes = own_line + " " + rep.tables[*own_at].notes;
  // The same for the CIN census returns.
  if (own_cin_at) {
    OutputTable& t = rep.tables[*own_cin_at];
    int compared = 0, disagree = 0, withheld = 0;
    std::vector<std::string> which;
    for (const auto& row : t.rows) {
      const bool published = std::holds_alternative<double>(row[5]);
      if (std::holds_alternative<Suppressed>(row[3])) {
        withheld += published;
        continue;
      }
      if (!published) continue;
      ++compared;
      if (std::holds_alternative<std::string>(row[10]) && std::get<std::string>(row[10]) == "yes") {
        ++disagree;
        which.push_back(fmt::format("{:.0f} {} (own {:.{}f}, published {:g})", std::get<double>(row[0]),
                                    std::get<std::string>(row[2]), std::get<double>(row[3]),
                                    std::get<double>(row[8]) < 1 ? 1 : 0, std::get<double>(row[5])));
      }
    }
    const size_t shown = std::min<size_t>(which.size(), 6);
    std::string listed = fmt::format("{}", fmt::join(which.begin(), which.begin() + static_cast<long>(shown), "; "));
    if (which.size() > shown) listed += fmt::format("; and {} more (table own_cin_vs_published)", which.size() - shown);
    std::string line = compared || withheld
                           ? fmt::format("Own CIN census returns against published figures: {} of {} comparisons agree "
                                         "within published rounding{}{}.", compared - disagree, compared,
                                         disagree ? "; beyond rounding: " : "", listed)
                           : std::string("Own CIN census returns: no published figure to set them beside "
                                         "(table own_cin_vs_published says why).");
    if (withheld)
      line += fmt::format(" {} more {} an own count of 1 to 5 (or a figure that would reveal one), withheld.",
                          withheld, withheld == 1 ? "rests on" : "rest on");
    t.notes = line + " " + t.notes;
    own_line += (own_line.empty() ? "" : " ") + line;
  }
  rep.own_summary = own_line;

  // The own returns checked against the council (--la).
  if (!council_check.empty()) {
    OutputTable ct;
    ct.id = "council_check";
    ct.title = "The own returns checked against the council (--la)";
    ct.notes = "Where the children's homes are (HOME_POST in the ONS postcode directory) and how many were looked "
               "after at 31 March, against the council's published figure: see docs/benchmark.md.";
    ct.add_column("note", "Note");
    for (const auto& n : council_check) ct.add_row({n});
    rep.tables.push_back(std::move(ct));
  }

  // 8. Boundary changes and data notes.
  OutputTable bt;
  bt.id = "boundary_changes";
  bt.title = "Council boundary changes mapped in the series";
  bt.add_column("change", "Change").add_column("first_year", "First year of successors")
      .add_column("predecessors", "Predecessors (LA numbers)").add_column("successors", "Successors (LA numbers)");
  for (auto& c : boundary_changes())
    bt.add_row({c.description, double(c.first_year), fmt::format("{}", fmt::join(c.predecessors, ", ")),
                fmt::format("{}", fmt::join(c.successors, ", "))});
  rep.tables.push_back(std::move(bt));
  if (!d.missing.empty() || !d.problems.empty()) {
    OutputTable mt;
    mt.id = "data_notes";
    mt.title = "Reference data not available or not readable";
    mt.add_column("note", "Note");
    for (auto& m : d.missing) mt.add_row({m});
    for (auto& m : d.problems) mt.add_row({m});
    rep.tables.push_back(std::move(mt));
  }

  // HTML with charts.
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                  report::xml_escape(fmt::format("careflow benchmark: {} {}", rep.council_name, year)) +
                  "</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
                  "table{border-collapse:collapse;font-size:13px;margin-bottom:1.5em}td,th{border:1px solid #ccc;"
                  "padding:3px 6px;text-align:right}th{background:#eef}.notes{font-size:13px;color:#555}</style>"
                  "</head><body>\n";
  h += fmt::format("<h1>{}: benchmark, {}</h1>\n", report::xml_escape(rep.council_name), year);
  if (!suppression && (!own.empty() || own_need_year || own_cin_at))
    h += std::string("<p class=\"own\"><strong>") + report::kNotForPublication + "</strong></p>\n";
  if (!own_line.empty()) h += "<p class=\"own\">" + report::xml_escape(own_line) + "</p>\n";
  for (const auto& n : council_check) h += "<p class=\"own\">" + report::xml_escape("Own returns against --la: " + n) + "</p>\n";
  {
    report::ChartOptions o{fmt::format("Funnel plot, {}", year), "Children aged 0-17 (log scale)", "Looked after per 10,000", 900, 480, true};
    const auto c = funnel_curves(f.national_rate, pmin * 0.9, pmax * 1.1, 120, f.tau2);
    std::vector<report::Series> lim{{"95% limits", c.population, c.lo95, "#2e75b6", true},
                                    {"", c.population, c.hi95, "#2e75b6", true},
                                    {"99.8% limits", c.population, c.lo998, "#7030a0", false},
                                    {"", c.population, c.hi998, "#7030a0", false},
                                    {"99.8% overdispersed", c.population, c.od_lo998, "#c55a11", true},
                                    {"", c.population, c.od_hi998, "#c55a11", true}};
    if (!pts.x.empty()) h += report::funnel_chart(o, pts, f.national_rate, lim, hl);
  }
  for (const auto& [label, cf] : cin_funnels) {
    report::ChartOptions o{fmt::format("Funnel plot, {}: {}", cf.year, label), "Children aged 0-17 (log scale)",
                           "Per 10,000", 900, 420, true};
    report::Series cp{"Councils", {}, {}, "#1f4e79"};
    std::vector<report::Label> chl;
    double lo = 1e300, hi = 0;
    for (const auto& p : cf.points) {
      cp.x.push_back(p.population);
      cp.y.push_back(p.rate);
      lo = std::min(lo, p.population);
      hi = std::max(hi, p.population);
      if (p.la_number == la) chl.push_back({p.population, p.rate, p.name});
    }
    if (cp.x.empty()) continue;
    const auto c = funnel_curves(cf.national_rate, lo * 0.9, hi * 1.1, 120, cf.tau2);
    std::vector<report::Series> lim{{"95% limits", c.population, c.lo95, "#2e75b6", true},
                                    {"", c.population, c.hi95, "#2e75b6", true},
                                    {"99.8% limits", c.population, c.lo998, "#7030a0", false},
                                    {"", c.population, c.hi998, "#7030a0", false},
                                    {"99.8% overdispersed", c.population, c.od_lo998, "#c55a11", true},
                                    {"", c.population, c.od_hi998, "#c55a11", true}};
    h += report::funnel_chart(o, cp, cf.national_rate, lim, chl);
  }
  {
    report::ChartOptions o{"Trend: looked after per 10,000", "Year", "Per 10,000", 900, 400, false};
    h += report::line_chart(o, {s_c, s_sn, s_r, s_e});
  }
  if (!dep.x.empty()) {
    const auto g = poisson_glm([&] { std::vector<double> v; for (auto& r : nm.rows) v.push_back(r.count); return v; }(),
                               [&] { std::vector<std::vector<double>> v; for (auto& r : nm.rows) v.push_back({r.idaci * 10}); return v; }(),
                               [&] { std::vector<double> v; for (auto& r : nm.rows) v.push_back(std::log(r.population)); return v; }(),
                               {"idaci"});
    report::Series fit{"Poisson fit", {}, {}, "#c55a11"};
    const double lo = *std::min_element(dep.x.begin(), dep.x.end()), hi = *std::max_element(dep.x.begin(), dep.x.end());
    for (int i = 0; i <= 40 && g.converged; ++i) {
      const double x = lo + (hi - lo) * i / 40;
      fit.x.push_back(x);
      fit.y.push_back(std::exp(g.beta[0] + g.beta[1] * x * 10) * 1e4);
    }
    report::ChartOptions o{fmt::format("Rate against deprivation (IDACI 2019), {}", year), "IDACI average score", "Looked after per 10,000", 900, 420, false};
    h += report::scatter_chart(o, dep, g.converged ? &fit : nullptr, dep_hl);
  }
  if (!chs.x.empty()) {
    report::ChartOptions o{fmt::format("Change in rate against change in low-income share, {}-{}", year - 5, year),
                           "Change in low-income share (percentage points)", "Change in rate per 10,000", 900, 420, false};
    h += report::scatter_chart(o, chs);
  }
  {
    std::vector<std::string> cats{rep.council_name};
    std::vector<double> vals;
    vals.push_back(self ? measure_value(*self, Measure::rate).value_or(std::nan("")) : std::nan(""));
    for (int n : neighbours_for(d, la, year))
      if (auto* a = d.council_year(n, year); a && a->reports()) {
        cats.push_back(a->name);
        vals.push_back(measure_value(*a, Measure::rate).value_or(std::nan("")));
      }
    report::ChartOptions o{fmt::format("Rate per 10,000: council and statistical neighbours, {}", year), "", "Per 10,000", 900, 420, false};
    h += report::bar_chart(o, cats, vals, 0);
  }
  for (auto& t : rep.tables) h += html_table(t);
  h += "<p class=\"notes\">" + report::xml_escape(sources) + "</p>\n</body></html>\n";
  rep.html = std::move(h);
  return rep;
}

}  // namespace careflow::report
