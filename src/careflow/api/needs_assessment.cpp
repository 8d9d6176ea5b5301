#include "careflow/api/needs_assessment.hpp"

#include <fmt/format.h>

#include "careflow/analyse/analyse.hpp"
#include "careflow/api/council_check.hpp"
#include "careflow/api/ingest.hpp"
#include "careflow/benchmark/public_data.hpp"
#include "careflow/forecast/scenario.hpp"
#include "careflow/io/population_files.hpp"
#include "careflow/io/postcodes.hpp"
#include "careflow/io/reference_tables.hpp"
#include "careflow/io/unit_costs.hpp"
#include "careflow/report/data_quality.hpp"
#include "careflow/report/needs_assessment.hpp"
#include "careflow/report/sections.hpp"

namespace careflow::api {

namespace {

// The span analysed (first/last year, and years starting after the reference date) must hold a
// return, or the report would be empty tables under a heading.
bool check_span(NeedsAssessmentResult& r, const History& h, const NeedsAssessmentRequest& q, Date reference) {
  if (reference > h.data_end())
    return r.stop(fmt::format("--reference-date {} is after the returns end ({}, the end of {}): nothing is known of "
                              "the children after that", reference.to_iso(), h.data_end().to_string(),
                              h.years.back().label()));
  for (const auto& y : h.years)
    if ((!q.first_year || y.end_year >= q.first_year) && (!q.last_year || y.end_year <= q.last_year) &&
        y.start() <= reference)
      return true;
  return r.stop(fmt::format("the returns cover {} to {}, and {} selects none of those years", h.years.front().label(),
                            h.years.back().label(),
                            q.reference_date && h.years.front().start() > reference
                                ? fmt::format("--reference-date {}", reference.to_iso())
                                : fmt::format("--from {} --to {}", q.first_year ? std::to_string(q.first_year) : "(first)",
                                              q.last_year ? std::to_string(q.last_year) : "(last)")));
}

}  // namespace

NeedsAssessmentResult needs_assessment(const Config& config, const NeedsAssessmentRequest& q) {
  NeedsAssessmentResult r;
  if (q.first_year && q.last_year && q.first_year > q.last_year) {
    r.stop(fmt::format("--from {} is after --to {}: no collection year is in that span", q.first_year, q.last_year));
    return r;
  }
  // Scenarios and unit costs before the returns, so that a mistake in one is reported at once.
  std::vector<forecast::Scenario> scenarios;
  for (const auto& path : q.scenario_files) {
    forecast::Scenario sc;
    if (auto e = forecast::load_scenario_toml(path, sc)) {
      r.stop(*e);
      return r;
    }
    if (sc.is_baseline()) {
      r.stop(fmt::format("scenario '{}' ({}) changes no entries, exits, moves, legal status or population, so its chart "
                         "would be the baseline's (to compare costs: careflow forecast)", sc.name, path));
      return r;
    }
    scenarios.push_back(std::move(sc));
  }
  for (const auto& sc : q.scenarios) {
    if (sc.is_baseline()) {
      r.stop(fmt::format("scenario '{}' changes no entries, exits, moves, legal status or population, so its chart "
                         "would be the baseline's (to compare costs: careflow forecast)", sc.name));
      return r;
    }
    scenarios.push_back(sc);
  }
  if (!scenarios.empty() && q.forecast_runs == 0) {
    r.stop("--scenario needs the forecast (--forecast-runs is 0)");
    return r;
  }
  analyse::Options ao;
  // One table of unit costs for the costs section and the forecast's spend.
  if (!q.unit_costs_file.empty()) {
    if (auto e = read_unit_costs(q.unit_costs_file, ao.unit_costs)) {
      r.stop(*e);
      return r;
    }
    for (const auto& w : ao.unit_costs.warnings) r.warn(w);
  }
  ao.la_code = q.la;
  ao.first_year = q.first_year;
  ao.last_year = q.last_year;
  ao.reference_date = q.reference_date;
  for (const auto& f : q.filters)
    if (auto err = analyse::parse_filter(f, ao.filter); !err.empty()) {
      r.stop(err);
      return r;
    }
  History h = careflow::ingest(q.returns.inputs, q.returns.year, r.ingest);
  if (!r.ingest.usable()) {
    r.done = false;  // r.ingest.fatal says why
    return r;
  }
  if (h.episodes.empty()) {
    r.stop("no episodes could be read from the inputs");
    return r;
  }
  if (!check_span(r, h, q, q.reference_date ? *q.reference_date : h.data_end())) return r;
  r.children = h.children.size();
  r.periods_of_care = h.periods.size();
  r.first_year = h.years.front().label();
  r.last_year = h.years.back().label();

  // The postcode directory's rows for the returns' postcodes, loaded once: to check --la against
  // the children's homes, and for the placements' location and distance from home.
  PostcodeSelection wanted;
  for (const auto& e : h.episodes) {
    if (e.home_postcode) wanted.add(h.string(e.home_postcode));
    if (e.placement_postcode) wanted.add(h.string(e.placement_postcode));
  }
  const auto postcodes = load_postcodes(r, config, wanted);
  ao.postcodes = postcodes ? &*postcodes : nullptr;
  // The published council-level tables (not the largest, LAIT and the direct measures, which
  // nothing here draws): for the --la check and "How we compare".
  const bool have_series = config.reference.file(benchmark::kClaSeries).has_value();
  std::optional<benchmark::PublicData> published;
  if (!q.la.empty()) published = load_council_tables(config);
  std::vector<std::string> la_notes;
  if (published && !check_council(r, config, q.la, benchmark::returns_evidence(h), *published, ao.postcodes,
                                   q.la_mismatch_ok, la_notes))
    return r;
  // The published tables the needs assessment compares the council with (absent ones are said).
  const NeedsAssessmentReference reference = load_needs_assessment_reference(config.reference);
  ao.reference = &reference;
  // The council's own population files: one that cannot be read, or lacks a column, is a
  // limitation the analyses state in their place (no rates, no projection), not a stop.
  if (!q.population_file.empty()) ao.population = read_population_file(q.population_file);
  if (!q.projection_file.empty()) ao.projection = read_projection_file(q.projection_file);
  // The Children in Need census returns beside the 903's, when there are any: the section "The
  // front door and child protection", with DfE's published CIN tables beside the council's.
  cin::Timeline census;
  cin::TimelineReport census_report;
  EnglandCinTables england_cin;
  if (!r.ingest.cin_files.empty()) {
    census = read_cin_returns(r.ingest, census_report);
    england_cin = load_england_cin(config.reference);
    ao.cin = &census;
    ao.england_cin = &england_cin;
    if (const size_t e = census_report.problems.count(Severity::error))
      r.warn(fmt::format("the Children in Need census returns have {} error(s) (careflow ingest lists them): the rows "
                         "concerned are not counted in the front door and child protection",
                         e));
  }
  auto a = analyse::assess(h, ao);
  a.limitations.insert(a.limitations.begin(), la_notes.begin(), la_notes.end());
  report::ReportOptions ro;
  ro.suppression = config.suppression;
  ro.extra.push_back(report::data_quality_section(r.ingest, ro.suppression));
  ro.area_label = q.area;
  if (ro.area_label.empty() && !a.la_name.empty()) ro.area_label = a.la_name + " (" + q.la + ")";
  // How we compare (published data, when the council is known and the series is there) and the
  // forecast, each of which says plainly what is missing rather than disappearing.
  ro.extra.push_back(report::compare_section(q.la, a.years.empty() ? 0 : a.years.back().end_year,
                                             have_series && published ? &*published : nullptr,
                                             config.reference.missing_message(benchmark::kClaSeries)));
  if (q.forecast_runs != 0) {
    report::ForecastSectionOptions fo;
    // The actual numbers beside the forecast are withheld wherever the profile withholds them.
    if (ro.suppression && a.filter.empty()) fo.stock_elsewhere = report::published_stock(report::publishable(a, true));
    fo.runs = q.forecast_runs;
    fo.backtest_runs = q.backtest_runs;
    fo.seed = q.seed;
    fo.suppression = ro.suppression;
    fo.scenarios = scenarios;
    fo.costs.use(ao.unit_costs);
    auto fs = report::forecast_section(h, fo);
    if (!a.filter.empty())
      fs.limitations.push_back("The forecast covers every child in the returns: --filter does not apply to it.");
    ro.extra.push_back(std::move(fs));
  }
  report::ReportFiles files;
  std::string err;
  if (!report::write_report(a, q.out_dir, ro, files, &err)) {
    r.stop(err);
    return r;
  }
  // (The --la warnings, first, were said by the check.)
  for (size_t i = la_notes.size(); i < a.limitations.size(); ++i) r.notes.push_back(a.limitations[i]);
  for (const auto& sec : ro.extra)
    for (const auto& l : sec.limitations) r.notes.push_back(l);
  r.tables = files.csv.size();
  return r;
}

}  // namespace careflow::api
