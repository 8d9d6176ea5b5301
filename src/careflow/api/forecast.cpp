#include "careflow/api/forecast.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "careflow/forecast/forecast.hpp"
#include "careflow/forecast/simulated_history.hpp"
#include "careflow/io/output_folder.hpp"
#include "careflow/io/relations_json.hpp"
#include "careflow/io/table_writers.hpp"
#include "careflow/io/unit_costs.hpp"
#include "careflow/report/disclosure.hpp"
#include "careflow/report/forecast_chart.hpp"

namespace careflow::api {

namespace {
using forecast::Scenario;

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

// A lever's FROM date; `what` is the scenario file's key, whose message a bad date gets.
std::optional<std::string> lever_date(const std::string& text, const char* what, Date& out) {
  const auto p = parse_date(text);
  if (!p) return fmt::format("scenario: {} is not a date (YYYY-MM-DD)", what);
  out = p.date;
  return std::nullopt;
}

// "10-15:-20%:2025-04-01" -> ages 10..15, factor 0.8, from 1 April 2025 (default: the day after
// the origin).
std::optional<std::string> parse_entry_flag(const std::string& text, Date origin, Scenario& sc) {
  const auto c1 = text.find(':');
  if (c1 == std::string::npos) return "expected AGES:CHANGE[:FROM], e.g. 10-15:-20%:2025-04-01";
  const std::string ages = text.substr(0, c1);
  std::string rest = text.substr(c1 + 1), from;
  if (const auto c2 = rest.find(':'); c2 != std::string::npos) from = rest.substr(c2 + 1), rest = rest.substr(0, c2);
  forecast::EntryChange e;
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
  e.from = origin + 1;
  if (!from.empty()) {
    const auto p = parse_date(from);
    if (!p) return fmt::format("cannot read date '{}'", from);
    e.from = p.date;
  }
  sc.entry_changes.push_back(e);
  return std::nullopt;
}

// "foster_ifa:foster_in_house:21:3" -> 21 children over 3 years from the day after the origin.
std::optional<std::string> parse_shift_flag(const std::string& text, Date origin, Scenario& sc) {
  const auto parts = split_colons(text);
  if (parts.size() != 4) return "expected FROM_KIND:TO_KIND:CHILDREN:YEARS, e.g. foster_ifa:foster_in_house:21:3";
  const auto children = parse_factor(parts[2]), years = parse_factor(parts[3]);
  if (!children || !years || parts[2].back() == '%' || parts[3].back() == '%' || !(*years > 0 && *years <= 50))
    return fmt::format("cannot read '{}': CHILDREN and YEARS must be numbers (YEARS from 0 to 50), e.g. "
                       "foster_ifa:foster_in_house:21:3", text);
  forecast::MixShift m;
  if (auto e = forecast::make_shift(parts[0], parts[1], *children, m)) return e;
  m.from = origin + 1;
  m.to = origin + 1 + static_cast<int32_t>(std::lround(*years * 365.25));
  sc.shifts.push_back(m);
  return std::nullopt;
}

// "0.5:home:2025-04-01" -> re-entry x 0.5 after a return home, from 1 April 2025 (default: after
// any way of leaving, from the day after the origin).
std::optional<std::string> parse_reentry_flag(const std::string& text, Date origin, Scenario& sc) {
  const auto parts = split_colons(text);
  const auto f = parse_factor(parts[0]);
  if (!f || parts.size() > 3) return "expected FACTOR[:home|other|any][:FROM], e.g. 0.5:home:2025-04-01";
  if (auto e = forecast::set_reentry(*f, parts.size() > 1 && !parts[1].empty() ? parts[1] : "any", sc)) return e;
  sc.reentry_from = origin + 1;
  return parts.size() > 2 ? lever_date(parts[2], "reentry.from", sc.reentry_from) : std::nullopt;
}

// "interim_care_order:full_care_order:1.5[:FROM]" -> a legal status lever (TO may be "any").
std::optional<std::string> parse_legal_flag(const std::string& text, Date origin, Scenario& sc) {
  const auto parts = split_colons(text);
  const auto f = parts.size() >= 3 ? parse_factor(parts[2]) : std::nullopt;
  if (!f || parts.size() > 4) return "expected FROM_GROUP:TO_GROUP:FACTOR[:FROM], e.g. interim_care_order:full_care_order:1.5";
  forecast::LegalChangeLever l;
  if (auto e = forecast::make_legal_change(parts[0], parts[1], *f, l)) return e;
  l.from = origin + 1;
  if (parts.size() > 3)
    if (auto e = lever_date(parts[3], "legal_status.from", l.from)) return e;
  sc.legal_change = l;
  return std::nullopt;
}

// The scenario the flags make ("flags"), costed as the baseline.
std::optional<std::string> flags_scenario(const LeverFlags& f, Date origin, const forecast::CostSettings& costs, Scenario& sc) {
  sc.name = "flags";
  sc.costs = costs;
  for (const auto& e : f.entries)
    if (auto err = parse_entry_flag(e, origin, sc)) return "--entries: " + *err;
  for (const auto& e : f.shifts)
    if (auto err = parse_shift_flag(e, origin, sc)) return "--shift: " + *err;
  if (!f.reentry_change.empty())
    if (auto err = parse_reentry_flag(f.reentry_change, origin, sc)) return "--reentry-change: " + *err;
  if (!f.legal_change.empty())
    if (auto err = parse_legal_flag(f.legal_change, origin, sc)) return "--legal-change: " + *err;
  sc.return_home_factor = f.return_home;
  sc.return_home_from = origin + 1;
  sc.population_growth = f.population_growth;
  return std::nullopt;
}

// Each forecast's headline figures, typed: the terminal's tables and the fan charts are drawn
// from them (model outputs, which disclosure control leaves as they are).
struct Run {
  const Scenario* scenario;
  forecast::ForecastSummary summary;
  std::optional<OutputTable> difference;  // from the baseline (scenarios only)
};

// The tables, relations.json, the fan charts and the scenario files, into `dir`.
bool write_outputs(const Config& config, const ForecastRequest& q, const forecast::ForecastSettings& s,
                   std::vector<OutputTable>& tables, const PublishedArithmetic& arithmetic, const std::vector<Run>& runs,
                   std::string& err) {
  namespace fs = std::filesystem;
  const fs::path dir(q.out_dir);
  if (!write_relations_json(arithmetic, tables, (dir / "relations.json").string(), &err)) return false;
  if (!config.suppression) report::mark_not_for_publication(tables);
  for (const auto& t : tables)
    if (!write_csv(t, (dir / (t.id + ".csv")).string(), &err)) return false;
  if (!write_json(tables, (dir / "forecast.json").string(), &err) ||
      !write_xlsx(tables, (dir / "forecast.xlsx").string(), &err, "careflow forecast"))
    return false;
  for (const auto& f : runs) {
    // Named as its forecast_total table; the table's title is too long for the chart: the scenario's id is enough.
    const bool base_run = f.scenario->is_baseline();
    const std::string id = base_run ? std::string() : forecast::scenario_id(f.scenario->name);
    const std::string suffix = base_run ? "" : " (scenario " + id + ")";
    const std::string file = base_run ? "forecast_total.svg" : "forecast_total_" + id + ".svg";
    if (!write_text_file((dir / file).string(),
                         report::forecast_fan_chart(f.summary.total, s.as_of, "Children looked after: forecast" + suffix), &err))
      return false;
  }
  // Scenarios are saved with their results so they can be re-run and compared later.
  for (const auto& path : q.scenario_files) {
    const fs::path copy = dir / "scenarios" / fs::path(path).filename();
    std::error_code ec;
    fs::create_directories(copy.parent_path(), ec);
    if (!ec) fs::copy_file(path, copy, ec);
    if (ec) {
      err = fmt::format("cannot copy {} to the outputs: {}", path, ec.message());
      return false;
    }
  }
  return true;
}

}  // namespace

ForecastResult forecast(const Config& config, const ForecastRequest& q) {
  using namespace careflow::forecast;
  const auto t0 = std::chrono::steady_clock::now();
  ForecastResult r;
  // Scenario files are kept with the results, by name: two of one name would be one file.
  for (size_t i = 0; !q.out_dir.empty() && i < q.scenario_files.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (std::filesystem::path(q.scenario_files[i]).filename() == std::filesystem::path(q.scenario_files[j]).filename()) {
        r.stop(fmt::format("two scenario files are called {} ({} and {}): rename one, so that both can be kept with the results",
                           std::filesystem::path(q.scenario_files[i]).filename().string(), q.scenario_files[j],
                           q.scenario_files[i]));
        return r;
      }
  History h;
  if (q.simulated > 0) {
    SimulatedHistorySettings ss;
    ss.seed = static_cast<uint64_t>(q.simulated);
    ss.annual_growth = 0.04;
    h = simulate_history(ss);
  } else {
    h = careflow::ingest(q.returns.inputs, q.returns.year, r.ingest);
    if (!r.ingest.usable()) {
      r.done = false;  // r.ingest.fatal says why
      return r;
    }
  }
  if (h.periods.empty() || h.years.empty()) {
    r.stop("no periods of care found in the input");
    return r;
  }
  ForecastSettings s;
  s.as_of = q.as_of.value_or(h.data_end());
  // Outside the returns nothing is known: a forecast from there would start from nothing (before)
  // or from the last return's children as if nothing had happened since (after).
  if (s.as_of < h.data_start() || s.as_of > h.data_end()) {
    r.stop(fmt::format("--as-of {} is outside the returns, which cover {} to {} ({} to {})", s.as_of.to_iso(),
                       h.data_start().to_string(), h.data_end().to_string(), h.years.front().label(), h.years.back().label()));
    return r;
  }
  s.years = q.years;
  s.runs = q.runs > 0 ? q.runs : runs_within_budget(h, s.as_of, s.years, 1000, 200, kForecastRunBudget);
  s.seed = q.seed;
  q.model.apply(s);
  s.arrivals_window_days = q.model.reference_days;
  // Base costs (shared by the baseline and every scenario unless a scenario overrides them).
  Scenario baseline;
  if (!q.unit_costs_file.empty()) {
    UnitCosts costs;
    if (auto e = read_unit_costs(q.unit_costs_file, costs)) {
      r.stop(*e);
      return r;
    }
    for (const auto& w : costs.warnings) r.warn(w);
    baseline.costs.use(costs);
  }
  baseline.costs.inflation = q.inflation;
  std::vector<Scenario> scenarios;
  for (const auto& path : q.scenario_files) {
    Scenario sc;
    sc.costs = baseline.costs;
    if (auto e = load_scenario_toml(path, sc)) {
      r.stop(*e);
      return r;
    }
    scenarios.push_back(std::move(sc));
  }
  scenarios.insert(scenarios.end(), q.scenarios.begin(), q.scenarios.end());
  if (q.levers.any()) {
    Scenario sc;
    if (auto e = flags_scenario(q.levers, s.as_of, baseline.costs, sc)) {
      r.stop(*e);
      return r;
    }
    scenarios.push_back(std::move(sc));
  }
  for (const auto& sc : scenarios)
    if (sc.reentry_factor != 1.0 && !s.reentry)
      r.warn(fmt::format("scenario '{}' changes re-entry, which --no-reentry leaves out: it has no effect", sc.name));
  const auto ms = s.microsim();
  const MicrosimModel model = fit_microsim(h, ms);
  const StockFlowModel sf = fit_stock_flow(h, {s.as_of - (s.reference_days - 1), s.as_of, s.bands});
  r.as_of = s.as_of;
  r.children_in_care = model.in_care.size();
  for (double x : model.arrivals_per_day) r.entrants_per_year += x;
  r.entrants_per_year *= 365.25;
  r.trend_growth = std::exp(model.trend) - 1;
  r.trend_se = model.trend_se;
  r.runs = s.runs;
  r.runs_chosen = q.runs <= 0 && s.runs < 1000;
  r.years = s.years;
  r.seed = s.seed;
  const ModelRun base = run_models(h, s, baseline, &sf, &model);
  std::vector<OutputTable> tables = forecast_tables(s, baseline, base);
  std::vector<Run> runs{{&baseline, summarise_forecast(s, base), std::nullopt}};
  const ForecastSummary base_summary = runs.front().summary;
  for (const auto& sc : scenarios) {
    const ModelRun run = run_models(h, s, sc, &sf, &model);
    auto more = forecast_tables(s, sc, run, &base_summary);
    tables.insert(tables.end(), more.begin(), more.end());
    tables.push_back(scenario_difference_table(sc, base, run));
    runs.push_back({&sc, summarise_forecast(s, run, &base_summary), tables.back()});
  }
  // The counts of children's moves under the stock-flow model's rates are the council's own:
  // disclosure control applies (the forecasts are model outputs).
  const PublishedArithmetic arithmetic = report::publish(
      tables, [](const OutputTable& t) { return forecast::disclosure_spec(t); }, {}, config.suppression);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const auto& f : runs) {
    r.shown.push_back(spend_by_financial_year_table(*f.scenario, f.summary));
    if (f.difference) r.shown.push_back(*f.difference);
  }
  // Yearly view of the baseline's totals (and of a scenario's that changes only costs: its tables
  // are named as the baseline's).
  for (const auto& f : runs)
    if (f.scenario->is_baseline()) {
      ForecastSummary yearly = f.summary;
      std::erase_if(yearly.total, [](const MonthEndTotal& m) { const auto d = m.month_end.ymd(); return !(d.month == 3 && d.day == 31); });
      r.shown.push_back(forecast_total_table(*f.scenario, yearly));
    }
  if (q.out_dir.empty()) return r;
  std::string err;
  if (!write_outputs(config, q, s, tables, arithmetic, runs, err)) {
    r.stop(err);
    return r;
  }
  r.tables = tables.size();
  return r;
}

}  // namespace careflow::api
