// careflow report: the needs assessment from raw returns: an HTML report for a head of service,
// an XLSX workbook and CSV/JSON tables for an analyst. Disclosure control is on by default.
#include <fmt/format.h>

#include <filesystem>

#include "careflow/analyse/analyse.hpp"
#include "careflow/io/ingest.hpp"
#include "careflow/forecast/scenario.hpp"
#include "careflow/io/postcodes.hpp"
#include "postcode_index_place.hpp"
#include "careflow/io/reference_data.hpp"
#include "careflow/io/unit_costs.hpp"
#include "careflow/report/data_quality.hpp"
#include "careflow/report/needs_assessment.hpp"
#include "command.hpp"
#include "output.hpp"
#include "la_check.hpp"
#include "returns_check.hpp"

namespace careflow::cli {
namespace {

struct Options {
  std::vector<std::string> inputs;
  std::string out, la, year, reference_date, data, population, unit_costs, projection, area;
  int from = 0, to = 0, forecast_runs = -1, backtest_runs = -1;
  uint64_t seed = 1;
  bool no_suppression = false;
  std::vector<std::string> filters, scenarios;
  LaCheckOptions la_check;
};

int run(const Options& o, const std::vector<std::string>& command) {
  std::optional<CollectionYear> year;
  if (!o.year.empty()) {
    year = parse_collection_year(o.year);
    if (!year) {
      fmt::print(stderr, "careflow report: '{}' is not a collection year (e.g. 2025 or 2024/25)\n", o.year);
      return 2;
    }
  }
  if (o.from && o.to && o.from > o.to) {
    fmt::print(stderr, "careflow report: --from {} is after --to {}: no collection year is in that span\n", o.from, o.to);
    return 2;
  }
  if (!o.data.empty()) set_reference_data_dir(o.data);
  // The output folder first: an --out that cannot be written is said before any work.
  std::vector<std::string> inputs = o.inputs;
  for (const auto& f : {o.population, o.unit_costs, o.projection})
    if (!f.empty()) inputs.push_back(f);
  inputs.insert(inputs.end(), o.scenarios.begin(), o.scenarios.end());
  OutputFolder folder;
  if (!open_output(folder, "report", o.out, inputs)) return 2;
  // Scenarios are read before the returns, so that a mistake in one is reported at once.
  std::vector<forecast::Scenario> scenarios;
  for (const auto& path : o.scenarios) {
    forecast::Scenario sc;
    if (auto e = forecast::load_scenario_toml(path, sc)) {
      fmt::print(stderr, "careflow report: {}\n", *e);
      return 2;
    }
    if (sc.is_baseline()) {
      fmt::print(stderr, "careflow report: scenario '{}' ({}) changes no entries, exits, moves, legal status or population, so its chart would be the baseline's (to compare costs: careflow forecast)\n", sc.name, path);
      return 2;
    }
    scenarios.push_back(std::move(sc));
  }
  if (!scenarios.empty() && o.forecast_runs == 0) {
    fmt::print(stderr, "careflow report: --scenario needs the forecast (--forecast-runs is 0)\n");
    return 2;
  }
  analyse::Options ao;
  // Unit costs before the returns too: one table for the costs section and the forecast's spend.
  if (!o.unit_costs.empty()) {
    if (auto e = read_unit_costs(o.unit_costs, ao.unit_costs)) {
      fmt::print(stderr, "careflow report: {}\n", *e);
      return 2;
    }
    for (const auto& w : ao.unit_costs.warnings) fmt::print(stderr, "careflow report: warning: {}\n", w);
  }
  ao.la_code = o.la;
  ao.first_year = o.from;
  ao.last_year = o.to;
  ao.population_file = o.population;
  ao.projection_file = o.projection;
  if (!o.reference_date.empty()) {
    const auto d = parse_date(o.reference_date);
    if (!d) {
      fmt::print(stderr, "careflow report: reference date '{}': {}\n", o.reference_date, describe(d.error));
      return 2;
    }
    ao.reference_date = d.date;
  }
  for (const auto& f : o.filters)
    if (auto err = analyse::parse_filter(f, ao.filter); !err.empty()) {
      fmt::print(stderr, "careflow report: {}\n", err);
      return 2;
    }
  IngestReport ingest_report;
  const History h = ingest(o.inputs, year, ingest_report);
  if (stop_on_unusable_returns(ingest_report, "report")) return 2;
  if (h.episodes.empty()) {
    fmt::print(stderr, "careflow report: no episodes could be read from the inputs\n");
    return 2;
  }
  // The span analysed (--from, --to, and years starting after the reference date) must hold a
  // return, or the report would be empty tables under a heading.
  {
    const Date reference = ao.reference_date ? *ao.reference_date : h.data_end();
    if (reference > h.data_end()) {
      fmt::print(stderr, "careflow report: --reference-date {} is after the returns end ({}, the end of {}): nothing "
                         "is known of the children after that\n", o.reference_date, h.data_end().to_string(),
                 h.years.back().label());
      return 2;
    }
    bool any = false;
    for (const auto& y : h.years)
      any |= (!o.from || y.end_year >= o.from) && (!o.to || y.end_year <= o.to) && y.start() <= reference;
    if (!any) {
      fmt::print(stderr, "careflow report: the returns cover {} to {}, and {} selects none of those years\n",
                 h.years.front().label(), h.years.back().label(),
                 ao.reference_date && h.years.front().start() > reference
                     ? fmt::format("--reference-date {}", o.reference_date)
                     : fmt::format("--from {} --to {}", o.from ? std::to_string(o.from) : "(first)",
                                   o.to ? std::to_string(o.to) : "(last)"));
      return 2;
    }
  }
  print_data_quality(ingest_report, "report");
  fmt::print("careflow report: {} children, {} periods of care, {} to {}\n", h.children.size(), h.periods.size(),
             h.years.front().label(), h.years.back().label());
  // The postcode directory's rows for the returns' postcodes, loaded once: to check --la against
  // the children's homes, and for the placements' location and distance from home.
  PostcodeSelection wanted;
  for (const auto& e : h.episodes) {
    if (e.home_postcode) wanted.add(h.string(e.home_postcode));
    if (e.placement_postcode) wanted.add(h.string(e.placement_postcode));
  }
  ProblemLog postcode_problems;
  const auto postcodes = wanted.size() ? PostcodeDirectory::load_reference(postcode_problems, [&] { return &wanted; },
                                                                           postcode_index_options())
                                       : std::nullopt;
  print_postcode_index_notes(postcode_problems, "report");
  ao.postcodes = postcodes ? &*postcodes : nullptr;
  std::vector<std::string> la_notes;
  if (!o.la.empty()) {
    benchmark::LoadOptions lo;
    lo.lait = false;
    lo.direct = false;
    if (!check_la("report", o.la, benchmark::returns_evidence(h), benchmark::load_public_data(read_published_file, lo), ao.postcodes,
                  o.la_check, la_notes))
      return 2;
  }
  // The published tables the needs assessment compares the council with (absent ones are said).
  const NeedsAssessmentReference reference = load_needs_assessment_reference();
  ao.reference = &reference;
  auto a = analyse::assess(h, ao);
  a.limitations.insert(a.limitations.begin(), la_notes.begin(), la_notes.end());
  report::ReportOptions ro;
  ro.suppression = !o.no_suppression;
  ro.extra.push_back(report::data_quality_section(ingest_report, ro.suppression));
  ro.area_label = o.area;
  if (ro.area_label.empty() && !a.la_name.empty()) ro.area_label = a.la_name + " (" + o.la + ")";
  // How we compare (published data, when the council is known and the series is there) and the
  // forecast, each of which says plainly what is missing rather than disappearing.
  ro.extra.push_back(report::compare_section(o.la, a.years.empty() ? 0 : a.years.back().end_year));
  if (o.forecast_runs != 0) {
    report::ForecastSectionOptions fo;
    // The actual numbers beside the forecast are withheld wherever the profile withholds them.
    if (ro.suppression && a.filter.empty()) fo.stock_elsewhere = report::published_stock(report::publishable(a, true));
    fo.runs = o.forecast_runs;
    fo.backtest_runs = o.backtest_runs;
    fo.seed = o.seed;
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
  if (!report::write_report(a, folder.path().string(), ro, files, &err)) {
    fmt::print(stderr, "careflow report: {}\n", err);
    return 2;
  }
  Manifest m;
  m.command = command;
  m.suppression = ro.suppression;
  m.reference_data = reference_data_dir().value_or("");
  if (!commit_output(folder, "report", m)) return 2;
  // (The --la warnings, first, were printed by the check.)
  for (size_t i = la_notes.size(); i < a.limitations.size(); ++i) fmt::print("  note: {}\n", a.limitations[i]);
  for (const auto& sec : ro.extra)
    for (const auto& l : sec.limitations) fmt::print("  note: {}\n", l);
  if (!ro.suppression) fmt::print("  WARNING: disclosure control is off; do not publish these outputs\n");
  const std::filesystem::path out(o.out);
  fmt::print("Wrote {} tables (CSV in {}, {}, {})\n{}\n", files.csv.size(), (out / "csv").string(),
             (out / "needs_assessment.xlsx").string(), (out / "tables.json").string(), (out / "report.html").string());
  return ingest_report.problems.count(Severity::error) ? 1 : 0;
}

const Register reg{{"report", [](CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("report", "Needs assessment from SSDA903 returns: HTML report, XLSX workbook, CSV/JSON tables");
  cmd->add_option("inputs", opts->inputs, "Return folders or files (as for careflow ingest)")->required();
  cmd->add_option("--out", opts->out, "Folder to write report.html, needs_assessment.xlsx, tables.json and csv/")->required();
  cmd->add_option("--la", opts->la, "The council's ONS code (E08000025) or DfE number (330): population and name");
  cmd->add_option("--year", opts->year, "Collection year for inputs whose name does not say");
  cmd->add_option("--reference-date", opts->reference_date, "Date of 'today' (default: 31 March of the last return)");
  cmd->add_option("--from", opts->from, "First collection year analysed (e.g. 2021)");
  cmd->add_option("--to", opts->to, "Last collection year analysed (e.g. 2025)");
  cmd->add_option("--filter", opts->filters, "Restrict to sex=M|F, age=under1|1-4|5-9|10-15|16+, uasc=yes|no, ls=CODE (repeatable)");
  cmd->add_flag("--no-suppression", opts->no_suppression, "Show counts of 1 to 5 (internal use only: never publish)");
  cmd->add_option("--data", opts->data, "Reference data folder (default: CAREFLOW_DATA or ../shared/data/public)");
  cmd->add_option("--population", opts->population, "CSV year,population: the council's mid-year 0-17 population");
  cmd->add_option("--unit-costs", opts->unit_costs, "CSV placement_category,weekly_cost (docs/groupings.md)");
  cmd->add_option("--projection", opts->projection, "CSV year,age,population: projected children by single year of age");
  cmd->add_option("--area", opts->area, "Name of the area shown in the report");
  opts->la_check.add_to(cmd);
  cmd->add_option("--forecast-runs", opts->forecast_runs, "Microsimulation runs for the Forecast section (default: 200, or fewer (at least 50) for a history so large that 200 would not fit the report's time budget; 0: no forecast)")
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--scenario", opts->scenarios,
                  "Scenario file (TOML, as for careflow forecast) drawn against the baseline in the Forecast section; repeatable");
  cmd->add_option("--backtest-runs", opts->backtest_runs,
                  "Runs per forecast of the Forecast section's backtest (default: chosen to keep the report quick; 0: no backtest)")
      ->check(CLI::Range(-1, 100000));
  cmd->add_option("--seed", opts->seed, "Random seed of the forecast (default 1)");
  cmd->callback([opts, cmd, &exit_code] { exit_code = run(*opts, manifest_command(*cmd)); });
}}};

}  // namespace
}  // namespace careflow::cli
