// careflow forecast: numbers and spend, by the sector's stock-flow model and by microsimulation,
// for a baseline and any number of named scenarios compared with it.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <vector>

#include "careflow/io/ingest.hpp"
#include "careflow/forecast/forecast.hpp"
#include "careflow/forecast/simulated_history.hpp"
#include "careflow/io/relations_json.hpp"
#include "careflow/io/table_writers.hpp"
#include "careflow/io/unit_costs.hpp"
#include "careflow/report/disclosure.hpp"
#include "careflow/report/forecast_chart.hpp"
#include "command.hpp"
#include "returns_check.hpp"
#include "model_options.hpp"
#include "output.hpp"

namespace careflow::cli {
namespace {
using namespace careflow::forecast;

struct Options {
  std::vector<std::string> inputs;
  std::string year, as_of, out, unit_costs;
  std::vector<std::string> scenarios, entries, shifts;
  std::string reentry_change, legal_change;
  int years = 5, runs = 1000;
  uint64_t seed = 1;
  ModelOptions model;
  double return_home = 1.0, population_growth = 0.0, inflation = 0.0;
  int simulated = 0;
  bool no_suppression = false;
};

void print_table(const OutputTable& t, size_t max_rows = 40) {
  fmt::print("\n{}\n", t.title);
  std::vector<size_t> width(t.columns.size());
  for (size_t c = 0; c < t.columns.size(); ++c) width[c] = t.columns[c].label.size();
  for (size_t i = 0; i < t.rows.size() && i < max_rows; ++i)
    for (size_t c = 0; c < t.rows[i].size(); ++c)
      width[c] = std::max(width[c], format_cell(t.rows[i][c], t.columns[c].decimals).size());
  for (size_t c = 0; c < t.columns.size(); ++c) fmt::print("  {:>{}}", t.columns[c].label, width[c]);
  fmt::print("\n");
  for (size_t i = 0; i < t.rows.size() && i < max_rows; ++i) {
    for (size_t c = 0; c < t.rows[i].size(); ++c) fmt::print("  {:>{}}", format_cell(t.rows[i][c], t.columns[c].decimals), width[c]);
    fmt::print("\n");
  }
  if (t.rows.size() > max_rows) fmt::print("  ... {} more rows\n", t.rows.size() - max_rows);
}

// "10-15:-20%:2025-04-01" -> ages 10..15, factor 0.8, from 1 April 2025 (default: forecast start).
std::optional<std::string> parse_entry_flag(const std::string& text, Date start, Scenario& sc) {
  const auto c1 = text.find(':');
  if (c1 == std::string::npos) return "expected AGES:CHANGE[:FROM], e.g. 10-15:-20%:2025-04-01";
  const std::string ages = text.substr(0, c1);
  std::string rest = text.substr(c1 + 1), from;
  if (const auto c2 = rest.find(':'); c2 != std::string::npos) from = rest.substr(c2 + 1), rest = rest.substr(0, c2);
  EntryChange e;
  const auto dash = ages.find('-');
  try {
    e.age_from = std::stoi(ages.substr(0, dash));
    e.age_to = dash == std::string::npos ? e.age_from : std::stoi(ages.substr(dash + 1));
    const bool pct = !rest.empty() && rest.back() == '%';
    const double v = std::stod(pct ? rest.substr(0, rest.size() - 1) : rest);
    e.factor = 1.0 + (pct ? v / 100 : v);
  } catch (...) {
    return fmt::format("cannot read entry change '{}'", text);
  }
  e.from = start + 1;
  if (!from.empty()) {
    const auto p = parse_date(from);
    if (!p) return fmt::format("cannot read date '{}'", from);
    e.from = p.date;
  }
  sc.entry_changes.push_back(e);
  return std::nullopt;
}

std::optional<double> parse_factor(const std::string& t);

// "foster_ifa:foster_in_house:21:3" -> 21 children over 3 years from the forecast start.
std::optional<std::string> parse_shift_flag(const std::string& text, Date start, Scenario& sc) {
  std::string toml = "";
  std::vector<std::string> parts;
  size_t pos = 0;
  for (size_t c; (c = text.find(':', pos)) != std::string::npos; pos = c + 1) parts.push_back(text.substr(pos, c - pos));
  parts.push_back(text.substr(pos));
  if (parts.size() != 4) return "expected FROM_KIND:TO_KIND:CHILDREN:YEARS, e.g. foster_ifa:foster_in_house:21:3";
  const auto children = parse_factor(parts[2]), years = parse_factor(parts[3]);
  if (!children || !years || parts[2].back() == '%' || parts[3].back() == '%' || !(*years > 0 && *years <= 50))
    return fmt::format("cannot read '{}': CHILDREN and YEARS must be numbers (YEARS from 0 to 50), e.g. "
                       "foster_ifa:foster_in_house:21:3", text);
  const Date end = start + 1 + static_cast<int32_t>(std::lround(*years * 365.25));
  toml = fmt::format("[[shift]]\nfrom_kind = \"{}\"\nto_kind = \"{}\"\nchildren = {}\nstart = \"{}\"\nend = \"{}\"\n", parts[0],
                     parts[1], *children, (start + 1).to_iso(), end.to_iso());
  Scenario tmp;
  if (auto e = parse_scenario_toml(toml, tmp)) return e;
  sc.shifts.insert(sc.shifts.end(), tmp.shifts.begin(), tmp.shifts.end());
  return std::nullopt;
}

std::vector<std::string> split_colons(const std::string& text) {
  std::vector<std::string> parts;
  size_t pos = 0;
  for (size_t c; (c = text.find(':', pos)) != std::string::npos; pos = c + 1) parts.push_back(text.substr(pos, c - pos));
  parts.push_back(text.substr(pos));
  return parts;
}

// A factor written as 0.5, or as a change: -50%.
std::optional<double> parse_factor(const std::string& t) {
  try {
    if (!t.empty() && t.back() == '%') return 1.0 + std::stod(t.substr(0, t.size() - 1)) / 100;
    return std::stod(t);
  } catch (...) {
    return std::nullopt;
  }
}

// "0.5:home:2025-04-01" -> [reentry] factor 0.5 after home from 1 April 2025 (default: any, the
// forecast start); read through the TOML parser so that flags and files mean the same.
std::optional<std::string> parse_reentry_flag(const std::string& text, Date start, Scenario& sc) {
  const auto parts = split_colons(text);
  const auto f = parse_factor(parts[0]);
  if (!f || parts.size() > 3) return "expected FACTOR[:home|other|any][:FROM], e.g. 0.5:home:2025-04-01";
  const std::string toml = fmt::format("[reentry]\nfactor = {}\nafter = \"{}\"\nfrom = \"{}\"\n", *f,
                                       parts.size() > 1 && !parts[1].empty() ? parts[1] : "any",
                                       parts.size() > 2 ? parts[2] : (start + 1).to_iso());
  return parse_scenario_toml(toml, sc);
}

// "interim_care_order:full_care_order:1.5[:FROM]" -> [legal_status] (TO may be "any").
std::optional<std::string> parse_legal_flag(const std::string& text, Date start, Scenario& sc) {
  const auto parts = split_colons(text);
  const auto f = parts.size() >= 3 ? parse_factor(parts[2]) : std::nullopt;
  if (!f || parts.size() > 4) return "expected FROM_GROUP:TO_GROUP:FACTOR[:FROM], e.g. interim_care_order:full_care_order:1.5";
  const std::string toml = fmt::format("[legal_status]\nfrom_group = \"{}\"\nto_group = \"{}\"\nfactor = {}\nfrom = \"{}\"\n",
                                       parts[0], parts[1], *f, parts.size() > 3 ? parts[3] : (start + 1).to_iso());
  return parse_scenario_toml(toml, sc);
}

int run(const Options& o, const std::vector<std::string>& command) {
  const auto t0 = std::chrono::steady_clock::now();
  // The output folder first: an --out that cannot be written is said before any work.
  std::vector<std::string> inputs = o.inputs;
  if (!o.unit_costs.empty()) inputs.push_back(o.unit_costs);
  inputs.insert(inputs.end(), o.scenarios.begin(), o.scenarios.end());
  // Scenario files are kept with the results, by name: two of one name would be one file.
  for (size_t i = 0; !o.out.empty() && i < o.scenarios.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (std::filesystem::path(o.scenarios[i]).filename() == std::filesystem::path(o.scenarios[j]).filename()) {
        fmt::print(stderr, "careflow forecast: two scenario files are called {} ({} and {}): rename one, so that both "
                           "can be kept with the results\n",
                   std::filesystem::path(o.scenarios[i]).filename().string(), o.scenarios[j], o.scenarios[i]);
        return 2;
      }
  OutputFolder folder;
  if (!o.out.empty() && !open_output(folder, "forecast", o.out, inputs)) return 2;
  History h;
  if (o.simulated > 0) {
    SimulatedHistorySettings ss;
    ss.seed = static_cast<uint64_t>(o.simulated);
    ss.annual_growth = 0.04;
    h = simulate_history(ss);
  } else {
    std::optional<CollectionYear> year;
    if (!o.year.empty()) year = parse_collection_year(o.year);
    IngestReport report;
    h = ingest(o.inputs, year, report);
    if (stop_on_unusable_returns(report, "forecast")) return 2;
    print_data_quality(report, "forecast");
  }
  if (h.periods.empty() || h.years.empty()) {
    fmt::print(stderr, "careflow forecast: no periods of care found in the input\n");
    return 2;
  }
  ForecastSettings s;
  s.as_of = h.data_end();
  if (!o.as_of.empty()) {
    const auto p = parse_date(o.as_of);
    if (!p) {
      fmt::print(stderr, "careflow forecast: cannot read --as-of '{}'\n", o.as_of);
      return 2;
    }
    s.as_of = p.date;
    // Outside the returns nothing is known: a forecast from there would start from nothing (before)
    // or from the last return's children as if nothing had happened since (after).
    if (s.as_of < h.data_start() || s.as_of > h.data_end()) {
      fmt::print(stderr, "careflow forecast: --as-of {} is outside the returns, which cover {} to {} ({} to {})\n",
                 o.as_of, h.data_start().to_string(), h.data_end().to_string(), h.years.front().label(),
                 h.years.back().label());
      return 2;
    }
  }
  s.years = o.years;
  s.runs = o.runs;
  s.seed = o.seed;
  o.model.apply(s);
  s.arrivals_window_days = o.model.reference_days;
  // Base costs (shared by the baseline and every scenario unless a scenario overrides them).
  Scenario baseline;
  if (!o.unit_costs.empty()) {
    UnitCosts costs;
    if (auto e = read_unit_costs(o.unit_costs, costs)) {
      fmt::print(stderr, "careflow forecast: {}\n", *e);
      return 2;
    }
    for (const auto& w : costs.warnings) fmt::print(stderr, "careflow forecast: warning: {}\n", w);
    baseline.costs.use(costs);
  }
  baseline.costs.inflation = o.inflation;
  std::vector<Scenario> scenarios;
  for (const auto& path : o.scenarios) {
    Scenario sc;
    sc.costs = baseline.costs;
    if (auto e = load_scenario_toml(path, sc)) {
      fmt::print(stderr, "careflow forecast: {}\n", *e);
      return 2;
    }
    scenarios.push_back(std::move(sc));
  }
  if (!o.entries.empty() || !o.shifts.empty() || o.return_home != 1.0 || o.population_growth != 0.0 || !o.reentry_change.empty() ||
      !o.legal_change.empty()) {
    Scenario sc;
    sc.name = "flags";
    sc.costs = baseline.costs;
    for (const auto& e : o.entries)
      if (auto err = parse_entry_flag(e, s.as_of, sc)) {
        fmt::print(stderr, "careflow forecast: --entries: {}\n", *err);
        return 2;
      }
    for (const auto& e : o.shifts)
      if (auto err = parse_shift_flag(e, s.as_of, sc)) {
        fmt::print(stderr, "careflow forecast: --shift: {}\n", *err);
        return 2;
      }
    if (!o.reentry_change.empty())
      if (auto err = parse_reentry_flag(o.reentry_change, s.as_of, sc)) {
        fmt::print(stderr, "careflow forecast: --reentry-change: {}\n", *err);
        return 2;
      }
    if (!o.legal_change.empty())
      if (auto err = parse_legal_flag(o.legal_change, s.as_of, sc)) {
        fmt::print(stderr, "careflow forecast: --legal-change: {}\n", *err);
        return 2;
      }
    sc.return_home_factor = o.return_home;
    sc.return_home_from = s.as_of + 1;
    sc.population_growth = o.population_growth;
    scenarios.push_back(std::move(sc));
  }
  for (const auto& sc : scenarios)
    if (sc.reentry_factor != 1.0 && !s.reentry)
      fmt::print(stderr, "careflow forecast: warning: scenario '{}' changes re-entry, which --no-reentry leaves out: it has no effect\n",
                 sc.name);
  const auto ms = s.microsim();
  const MicrosimModel model = fit_microsim(h, ms);
  const StockFlowModel sf = fit_stock_flow(h, {s.as_of - (s.reference_days - 1), s.as_of, s.bands});
  fmt::print("careflow forecast: {} children in care at {}; entrants {:.1f} a year (trend {:+.1f}% a year after the prior, s.d. {:.1f}); "
             "{} runs x {} years, seed {}\n",
             model.in_care.size(), s.as_of.to_iso(), [&] { double t = 0; for (double x : model.arrivals_per_day) t += x; return t * 365.25; }(),
             100 * (std::exp(model.trend) - 1), 100 * model.trend_se, s.runs, s.years, s.seed);
  const ModelRun base = run_models(h, s, baseline, &sf, &model);
  std::vector<OutputTable> tables = forecast_tables(s, baseline, base);
  // Each forecast's headline figures, typed: the terminal's tables and the fan charts are drawn
  // from them (model outputs, which disclosure control leaves as they are).
  struct Forecast {
    const Scenario* scenario;
    ForecastSummary summary;
    std::optional<OutputTable> difference;  // from the baseline (scenarios only)
  };
  std::vector<Forecast> forecasts{{&baseline, summarise_forecast(s, base), std::nullopt}};
  for (const auto& sc : scenarios) {
    const ModelRun r = run_models(h, s, sc, &sf, &model);
    auto more = forecast_tables(s, sc, r);
    tables.insert(tables.end(), more.begin(), more.end());
    tables.push_back(scenario_difference_table(sc, base, r));
    forecasts.push_back({&sc, summarise_forecast(s, r), tables.back()});
  }
  // The counts of children's moves under the stock-flow model's rates are the council's own:
  // disclosure control applies (the forecasts are model outputs).
  const PublishedArithmetic arithmetic = report::publish(
      tables, [](const OutputTable& t) { return forecast::disclosure_spec(t); }, {}, !o.no_suppression);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const auto& f : forecasts) {
    print_table(spend_by_financial_year_table(*f.scenario, f.summary));
    if (f.difference) print_table(*f.difference);
  }
  // Yearly view of the baseline's totals (and of a scenario's that changes only costs: its tables
  // are named as the baseline's).
  for (const auto& f : forecasts)
    if (f.scenario->is_baseline()) {
      ForecastSummary yearly = f.summary;
      std::erase_if(yearly.total, [](const MonthEndTotal& m) { const auto d = m.month_end.ymd(); return !(d.month == 3 && d.day == 31); });
      print_table(forecast_total_table(*f.scenario, yearly));
    }
  fmt::print("\nForecast took {:.1f} s\n", secs);
  if (!o.out.empty()) {
    namespace fs = std::filesystem;
    const fs::path dir = folder.path();
    std::string err;
    auto failed = [&] {
      fmt::print(stderr, "careflow forecast: {}\n", err);
      return 2;
    };
    if (!write_relations_json(arithmetic, tables, (dir / "relations.json").string(), &err)) return failed();
    if (o.no_suppression) report::mark_not_for_publication(tables);
    for (const auto& t : tables)
      if (!write_csv(t, (dir / (t.id + ".csv")).string(), &err)) return failed();
    if (!write_json(tables, (dir / "forecast.json").string(), &err) ||
        !write_xlsx(tables, (dir / "forecast.xlsx").string(), &err, "careflow forecast"))
      return failed();
    for (const auto& f : forecasts) {
      // Named as its forecast_total table; the table's title is too long for the chart: the scenario's id is enough.
      const bool base_run = f.scenario->is_baseline();
      const std::string id = base_run ? std::string() : scenario_id(f.scenario->name);
      const std::string suffix = base_run ? "" : " (scenario " + id + ")";
      const std::string file = base_run ? "forecast_total.svg" : "forecast_total_" + id + ".svg";
      if (!write_text_file((dir / file).string(), report::forecast_fan_chart(f.summary.total, s.as_of, "Children looked after: forecast" + suffix), &err))
        return failed();
    }
    // Scenarios are saved with their results so they can be re-run and compared later.
    for (const auto& path : o.scenarios) {
      const fs::path copy = dir / "scenarios" / fs::path(path).filename();
      std::error_code ec;
      fs::create_directories(copy.parent_path(), ec);
      if (!ec) fs::copy_file(path, copy, ec);
      if (ec) {
        err = fmt::format("cannot copy {} to the outputs: {}", path, ec.message());
        return failed();
      }
    }
    Manifest m;
    m.command = command;
    m.suppression = !o.no_suppression;
    if (!commit_output(folder, "forecast", m)) return 2;
    fmt::print("Wrote {} tables to {} (CSV, forecast.json, forecast.xlsx, relations.json, fan charts forecast_total*.svg)\n",
               tables.size(), o.out);
    if (o.no_suppression) fmt::print("  WARNING: disclosure control is off; do not publish these outputs\n");
  }
  return 0;
}

const Register reg{{"forecast", [](CLI::App& app, int& exit_code) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("forecast", "Forecast numbers in care and placement spend, with scenarios");
  cmd->add_option("inputs", o->inputs, "Return folders or files (as for careflow ingest)");
  cmd->add_option("--year", o->year, "Collection year for inputs whose name does not say");
  cmd->add_option("--years", o->years, "Years to forecast (default 5)")->check(CLI::Range(1, 20));
  cmd->add_option("--runs", o->runs, "Microsimulation runs (default 1000)")->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", o->seed, "Random seed (default 1)");
  cmd->add_option("--as-of", o->as_of, "Forecast origin (default: end of the latest return)");
  o->model.add_to(cmd);
  cmd->add_option("--scenario", o->scenarios, "Scenario file (TOML; see docs/forecast.md); repeatable");
  cmd->add_option("--entries", o->entries, "Change entries: AGES:CHANGE[:FROM], e.g. 10-15:-20%:2025-04-01; repeatable");
  cmd->add_option("--return-home", o->return_home, "Multiply returns home within 6 months by this factor (e.g. 1.2)");
  cmd->add_option("--shift", o->shifts, "Move children: FROM_KIND:TO_KIND:CHILDREN:YEARS, e.g. foster_ifa:foster_in_house:21:3");
  cmd->add_option("--reentry-change", o->reentry_change,
                  "Multiply the hazard of coming back into care: FACTOR[:home|other|any][:FROM], e.g. 0.5:home (support after a return home)");
  cmd->add_option("--legal-change", o->legal_change,
                  "Multiply the hazard of a legal status change: FROM_GROUP:TO_GROUP:FACTOR[:FROM], e.g. interim_care_order:full_care_order:1.5");
  cmd->add_option("--population-growth", o->population_growth, "Yearly growth applied to entries (e.g. 0.01)");
  cmd->add_option("--unit-costs", o->unit_costs, "CSV of placement_category,weekly_cost (default: illustrative costs; docs/groupings.md)");
  cmd->add_option("--inflation", o->inflation, "Yearly cost inflation applied each April (e.g. 0.03)");
  cmd->add_option("--simulated", o->simulated, "Forecast a simulated history with this seed instead of returns (demo)");
  cmd->add_option("--out", o->out, "Folder for the tables (CSV, JSON, XLSX)");
  cmd->add_flag("--no-suppression", o->no_suppression,
                "Show counts of 1 to 5 under the stock-flow rates (internal use only: never publish)");
  cmd->callback([o, cmd, &exit_code] {
    if (o->inputs.empty() && o->simulated == 0) throw CLI::ValidationError("inputs", "give returns or --simulated SEED");
    exit_code = run(*o, manifest_command(*cmd));
  });
}}};

}  // namespace
}  // namespace careflow::cli
