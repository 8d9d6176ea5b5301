#include "careflow/report/sections.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "careflow/benchmark/analysis.hpp"
#include "careflow/benchmark/public_data.hpp"
#include "careflow/forecast/backtest.hpp"
#include "careflow/forecast/forecast.hpp"
#include "careflow/report/disclosure.hpp"
#include "careflow/report/forecast_chart.hpp"
#include "careflow/report/needs_assessment.hpp"
#include "careflow/report/svg_chart.hpp"

namespace careflow::report {
namespace {

std::string note(const std::string& text) { return "<p class=\"note\">" + xml_escape(text) + "</p>"; }

std::string year_label(int end_year) { return CollectionYear{end_year}.label(); }

Cell opt(const std::optional<double>& v) { return v ? Cell{*v} : Cell{}; }

// The table, its HTML and its note, added to the section.
void add_table(ExtraSection& s, OutputTable t) {
  s.html += fmt::format("<h3 id=\"t-{}\">{}</h3>", t.id, xml_escape(t.title));
  s.html += table_html(t);
  if (!t.notes.empty()) s.html += note(t.notes);
  s.tables.push_back(std::move(t));
}

// The backtest of the council's own past, within the report's time budget: each origin costs
// about runs x (children in care + entrants over the horizon) simulated children. Runs are capped
// at 100 (enough for the mean and rough 80%/95% intervals) and at the forecast's; when even 20
// runs per origin exceed the budget (national scale), only the latest origins are kept.
struct BacktestPlan {
  int runs = 0, origins = 0, all_origins = 0;
  double children_per_run = 0;  // per origin, estimated
};

BacktestPlan plan_backtest(const History& h, const ForecastSectionOptions& o, int forecast_runs,
                           const forecast::BacktestSettings& bs) {
  BacktestPlan p;
  p.all_origins = static_cast<int>(forecast::backtest_origins(h, bs).size());
  p.origins = p.all_origins;
  if (p.all_origins == 0) return p;
  if (o.backtest_runs > 0) {
    p.runs = o.backtest_runs;
    return p;
  }
  p.children_per_run = forecast::simulated_children_per_run(h, h.data_end(), bs.max_horizon_years);
  const int min_runs = 20, max_runs = std::max(min_runs, std::min(100, forecast_runs));
  const double per_origin = kBacktestBudget / (p.children_per_run * p.all_origins);
  p.runs = static_cast<int>(std::clamp(std::floor(per_origin), double(min_runs), double(max_runs)));
  if (per_origin < min_runs)
    p.origins = std::clamp(static_cast<int>(kBacktestBudget / (p.children_per_run * min_runs)), 1, p.all_origins);
  return p;
}

std::string percent(double v) { return fmt::format("{:.1f}%", v); }

ExtraSection compare_shell() {
  return {"compare", "How we compare",
          "The council's published rate of children looked after against every council (funnel plot), against its "
          "statistical neighbours, region and England over time, and against the rate expected from its "
          "deprivation. Published figures: DfE, ONS and DWP, read from the reference data folder.",
          "", {}, {}, {}};
}

}  // namespace

ExtraSection compare_section(const std::string& la, int year, const benchmark::PublicData* published,
                             const std::string& missing) {
  if (la.empty()) {
    ExtraSection s = compare_shell();
    s.html = note("Not available: the council is not known. Give --la (ONS code or DfE number) to compare it with "
                  "other councils.");
    s.limitations.push_back("How we compare: no council given (--la).");
    return s;
  }
  if (!published) {
    ExtraSection s = compare_shell();
    s.html = note("Not available: the published council-level series is missing. " + missing);
    s.limitations.push_back("How we compare: " + missing);
    return s;
  }
  return compare_section(*published, la, year);
}

ExtraSection compare_section(const benchmark::PublicData& d, const std::string& la, int year) {
  using namespace benchmark;
  ExtraSection s = compare_shell();
  const int n = la.empty() ? 0 : d.find_council(la);
  if (!n) {
    const std::string m = fmt::format("no council in the published series matches '{}'.", la);
    s.html = note("Not available: " + m);
    s.limitations.push_back("How we compare: " + m);
    return s;
  }
  // The latest published year up to `year` in which the council reports.
  int y = year;
  while (y > 2010 && !(d.council_year(n, y) && d.council_year(n, y)->reports() && d.council_year(n, y)->rate.has())) --y;
  const AreaYear* self = d.council_year(n, y);
  if (!self || !self->reports() || !self->rate.has()) {
    s.html = note(fmt::format("Not available: council {} has no published rate up to {}.", n, year_label(year)));
    s.limitations.push_back(fmt::format("How we compare: no published rate for council {}.", n));
    return s;
  }
  if (y != year)
    s.html += note(fmt::format("The latest published year is {}; the returns run to {}.", year_label(y), year_label(year)));

  // Funnel plot.
  const Funnel f = funnel(d, y);
  Series pts{"Councils", {}, {}, "#1f4e79"};
  std::vector<Label> hl;
  double pmin = 1e300, pmax = 0;
  int outside = 0;
  for (const auto& p : f.points) {
    pts.x.push_back(p.population);
    pts.y.push_back(p.rate);
    pmin = std::min(pmin, p.population);
    pmax = std::max(pmax, p.population);
    if (p.la_number == n) {
      hl.push_back({p.population, p.rate, p.name});
      outside = p.outside;
    }
  }
  if (!pts.x.empty()) {
    const auto c = funnel_curves(f.national_rate, pmin * 0.9, pmax * 1.1, 120, f.tau2);
    std::vector<Series> lim{{"95% limits", c.population, c.lo95, "#2e75b6", true},
                            {"", c.population, c.hi95, "#2e75b6", true},
                            {"99.8% limits", c.population, c.lo998, "#7030a0", false},
                            {"", c.population, c.hi998, "#7030a0", false}};
    ChartOptions o{fmt::format("Looked after per 10,000 children, every council, {}", year_label(y)),
                   "Children aged 0-17 (log scale)", "Looked after per 10,000", 760, 420, true};
    o.legend_right = true;  // room for the council's label at the right edge
    s.html += "<h3>Funnel plot</h3>" + funnel_chart(o, pts, f.national_rate, lim, hl);
    const char* where[] = {"below the 99.8% limit", "below the 95% limit", "within the 95% limits",
                           "above the 95% limit", "above the 99.8% limit"};
    s.html += note(fmt::format("Each dot is a council; the line is England's rate ({:.0f} per 10,000) and the curves the "
                               "exact Poisson limits within which a council's rate would fall by chance alone. {} ({:.0f} "
                               "per 10,000) is {}.",
                               f.national_rate, self->name, self->rate.value, where[std::clamp(outside, -2, 2) + 2]));
  }

  // Trend against neighbours, region and England.
  OutputTable trend;
  trend.id = "compare_trend";
  trend.title = "Looked after per 10,000 children: council, statistical neighbours, region and England";
  trend.notes = "Published rates (DfE). Neighbours: the mean of the council's DfE statistical neighbours reporting that "
                "year. Rank 1 = the highest rate.";
  trend.add_column("year", "Year").add_column("council", "Council", 0).add_column("neighbours", "Neighbours (mean)", 1)
      .add_column("region", "Region", 0).add_column("england", "England", 0).add_column("rank", "Rank", 0)
      .add_column("of", "Of", 0);
  std::vector<Series> lines{{self->name, {}, {}, palette(0)},
                            {"Statistical neighbours", {}, {}, palette(1), true},
                            {"Region", {}, {}, palette(2)},
                            {"England", {}, {}, "#000000", true}};
  ChartOptions to{"Looked after per 10,000 children over ten years", "", "Per 10,000", 760, 340};
  to.legend_right = true;
  for (int yy = std::max(2011, y - 9); yy <= y; ++yy) {
    const Comparison c = compare(d, n, yy, Measure::rate);
    trend.add_row({year_label(yy), opt(c.council), opt(c.neighbours_mean), opt(c.region), opt(c.england),
                   c.rank ? Cell{double(c.rank)} : Cell{}, c.of ? Cell{double(c.of)} : Cell{}});
    const double x = double(to.x_categories.size());
    to.x_categories.push_back(year_label(yy));
    const std::optional<double> v[] = {c.council, c.neighbours_mean, c.region, c.england};
    for (size_t i = 0; i < 4; ++i) {
      lines[i].x.push_back(x);
      lines[i].y.push_back(v[i].value_or(std::nan("")));
    }
  }
  s.html += "<h3>Trend against neighbours, region and England</h3>" + line_chart(to, lines);
  add_table(s, std::move(trend));

  // Need-adjusted expected rate.
  const NeedModel nm = need_model(d, y);
  const NeedRow* row = nullptr;
  for (const auto& r : nm.rows)
    if (r.la_number == n) row = &r;
  if (!row || !(row->population > 0)) {
    s.html += note("The need-adjusted expected rate is not available: the council has no deprivation figures in the "
                   "reference data for " + year_label(y) + ".");
  } else {
    OutputTable need;
    need.id = "compare_need";
    need.title = fmt::format("Observed and need-adjusted expected rate per 10,000, {}", year_label(y));
    need.notes = fmt::format(
        "Expected: the rate predicted for the council's IDACI 2019 score and share of children in low-income families by "
        "a Poisson model over every council (negative binomial: allowing for variation between councils). A ratio above "
        "1 means more children looked after than councils of similar need; the interval is 95%. Deprivation year: "
        "financial year ending {}.",
        nm.deprivation_fy);
    need.add_column("model", "Model").add_column("observed", "Observed rate", 1).add_column("expected", "Expected rate", 1)
        .add_column("ratio", "Observed / expected", 2).add_column("lo", "Lower 95%", 2).add_column("hi", "Upper 95%", 2);
    const double per = 1e4 / row->population;
    need.add_row({std::string("Poisson"), row->count * per, row->expected * per, row->ratio, row->ratio_lo, row->ratio_hi});
    if (std::isfinite(row->nb_ratio))
      need.add_row({std::string("Negative binomial"), row->count * per, row->nb_expected * per, row->nb_ratio, row->nb_lo,
                    row->nb_hi});
    ChartOptions bo{"Observed and need-adjusted expected rate", "Looked after per 10,000", "", 760, 0};
    std::vector<std::string> cats{self->name};
    std::vector<Series> bars{{"Observed", {0}, {row->count * per}, palette(0)},
                             {"Expected (Poisson)", {0}, {row->expected * per}, palette(1)}};
    if (std::isfinite(row->nb_expected)) bars.push_back({"Expected (neg. binomial)", {0}, {row->nb_expected * per}, palette(2)});
    s.html += "<h3>Need-adjusted expected rate</h3>" + grouped_bar_chart(bo, cats, bars);
    add_table(s, std::move(need));
  }
  s.html += note("Source: DfE 'Children looked after in England including adoptions' and statistical neighbours; MHCLG "
                 "English indices of deprivation 2019; DWP children in low-income families. Open Government Licence v3.0. "
                 "More comparisons: careflow benchmark.");
  return s;
}

int forecast_section_runs(const History& h, const ForecastSectionOptions& o) {
  if (o.runs > 0) return o.runs;
  return forecast::runs_within_budget(h, h.data_end(), o.years, 200, 50, kForecastBudget);
}

ExtraSection forecast_section(const History& h, const ForecastSectionOptions& o) {
  using namespace forecast;
  ExtraSection s{"forecast", "Forecast",
                 "Numbers in care and placement spend for the next years if entries, exits and moves continue as in "
                 "the last year (with the recent trend in entries): a microsimulation of each child, whose spread of runs "
                 "gives the range, beside the sector's deterministic stock-flow model.",
                 "", {}, {}, {}};
  if (h.periods.empty() || h.years.empty()) {
    s.html = note("Not available: no periods of care to forecast from.");
    return s;
  }
  ForecastSettings fs;
  fs.as_of = h.data_end();
  fs.years = o.years;
  const int runs = forecast_section_runs(h, o);
  fs.runs = runs;
  fs.seed = o.seed;
  Scenario baseline;
  baseline.costs = o.costs;
  // Fitted once: the baseline and every scenario run the same models (as careflow forecast does).
  const MicrosimModel fitted = fit_microsim(h, fs.microsim());
  const ModelRun run = run_models(h, fs, baseline, nullptr, &fitted);
  const ForecastSummary forecast = summarise_forecast(fs, run);
  if (forecast.total.empty()) {
    s.html = note("Not available: the models produced no forecast (too little history before the forecast date).");
    return s;
  }
  auto is_31_march = [](Date d) { const auto ymd = d.ymd(); return ymd.month == 3 && ymd.day == 31; };
  Band sf_band{"Stock-flow 95% band", {}, {}, {}, "#f4b183", 0.45};
  Series median{"Median (microsimulation)", {}, {}, "#1f4e79"}, sf{"Stock-flow model", {}, {}, "#c55a11", true};
  Series sf_alone{"Stock-flow model", {}, {}, "#c55a11"};
  OutputTable yearly;
  yearly.id = "forecast_31_march";
  yearly.title = "Children looked after at 31 March: recent years and forecast";
  yearly.notes = fmt::format(
      "Actual: looked after at the end of 31 March (children with a date of birth, as the models see them). Forecast from "
      "{}: microsimulation ({} runs, seed {}) median and percentiles, and the stock-flow model's expectation with its 95% "
      "band. A projection of current patterns, not a target.",
      fs.as_of.to_iso(), runs, o.seed);
  yearly.add_column("date", "31 March").add_column("actual", "Actual", 0).add_column("p5", "5th percentile", 0)
      .add_column("p50", "Median", 0).add_column("p95", "95th percentile", 0).add_column("stock_flow", "Stock-flow model", 0);
  Series actual{"Actual", {}, {}, "#000000"};
  const int yr = fs.as_of.ymd().year;
  const int last = fs.as_of >= Date::from_ymd(yr, 3, 31) ? yr : yr - 1;  // the last 31 March known
  for (int y = std::max(h.years.front().end_year, last - 4); y <= last; ++y) {
    const Date d = Date::from_ymd(y, 3, 31);
    if (d > fs.as_of) continue;
    double n = 0;
    for (double k : actual_by_kind(h, d)) n += k;
    actual.x.push_back((d - fs.as_of) / 365.25);
    actual.y.push_back(n);
    yearly.add_row({d.to_iso(), std::round(n), Cell{}, Cell{}, Cell{}, Cell{}});
  }
  for (const auto& m : forecast.total) {
    const double x = (m.month_end - fs.as_of) / 365.25;
    sf_band.x.push_back(x), sf_band.lo.push_back(m.stock_flow_low), sf_band.hi.push_back(m.stock_flow_high);
    median.x.push_back(x), median.y.push_back(m.microsim.p50);
    sf.x.push_back(x), sf.y.push_back(m.stock_flow);
    if (is_31_march(m.month_end))
      yearly.add_row({m.month_end.to_iso(), Cell{}, m.microsim.p5, m.microsim.p50, m.microsim.p95, m.stock_flow});
  }
  sf_alone.x = sf.x, sf_alone.y = sf.y;
  // The actual numbers are counts of children: disclosure control applies to them, and one that
  // is the figure the report's other tables publish for the same 31 March is withheld with it
  // (the relation is published). Then the charts draw what the table shows.
  {
    std::vector<Relation> same;
    size_t linked = 0;  // withheld because the other tables withhold the same figure
    for (size_t r = 0; r < yearly.rows.size(); ++r) {
      const double* cell = std::get_if<double>(&yearly.rows[r][1]);
      if (!cell) continue;
      const double n = *cell;
      const Date d = parse_date(std::get<std::string>(yearly.rows[r][0])).date;
      for (const auto& pc : o.stock_elsewhere)
        if (pc.date == d && pc.value == n) {
          same.push_back({Relation::Kind::equal, {CellRef{yearly.id, r, 1}, pc.cell}});
          if (o.suppression && pc.withheld && n > 5) ++linked, yearly.rows[r][1] = Suppressed{};
        }
    }
    auto r = suppress_output({{&yearly, {.count_columns = {1}}}}, {}, o.suppression);
    if (o.suppression)
      for (size_t i = 0; i < actual.y.size() && i < yearly.rows.size(); ++i)
        if (std::holds_alternative<Suppressed>(yearly.rows[i][1])) {
          actual.y[i] = std::nan("");
          actual.withheld.resize(actual.y.size(), false);
          actual.withheld[i] = true;
        }
    auto result = r.per_table[0];
    result.secondary += linked;
    yearly.notes += withheld_note(result);
    r.arithmetic.relations.insert(r.arithmetic.relations.end(), same.begin(), same.end());
    s.arithmetic.append(r.arithmetic);
  }
  // Where the sentence saying which forecast to plan on goes, once the backtest has chosen it.
  const size_t presented_at = s.html.size();
  std::string presented_sentence =
      "No backtest was run, so nothing here says how accurate these forecasts would have been here. The forecast shown "
      "is the average of the microsimulation's and of the number looked after staying as it is, with the "
      "microsimulation's range around it: on test councils that average was more accurate than either.";
  s.html += "<h3>Numbers in care</h3>" +
            forecast_fan_chart(forecast.total, fs.as_of, "Children looked after: forecast range (microsimulation)", &actual);
  const std::string x_label = fmt::format("Years from {}", fs.as_of.to_iso());
  ChartOptions so{"Children looked after: stock-flow projection", x_label, "Children looked after", 760, 340};
  so.legend_right = true;
  s.html += line_chart(so, {actual, sf_alone}, {sf_band});
  add_table(s, std::move(yearly));
  if (!forecast.by_legal_status.empty()) {
    // Forecast 31 Marches only: a month-by-month table by group would swamp the section.
    OutputTable by_ls;
    by_ls.id = "forecast_legal_status_31_march";
    by_ls.title = "Children looked after at 31 March by legal status: forecast (microsimulation)";
    by_ls.notes = kLegalStatusGroupsNote;
    by_ls.add_column("date", "31 March").add_column("legal_status", "Legal status").add_column("p5", "5th percentile", 0)
        .add_column("p50", "Median", 0).add_column("p95", "95th percentile", 0);
    for (const auto& m : forecast.by_legal_status)
      if (is_31_march(m.month_end))
        by_ls.add_row({m.month_end.to_iso(), std::string(legal_group_label(m.group)), m.microsim.p5, m.microsim.p50,
                       m.microsim.p95});
    if (!by_ls.rows.empty()) add_table(s, std::move(by_ls));
  }
  if (!forecast.spend.empty()) {
    std::vector<std::string> cats;
    Series a{"Microsimulation mean", {}, {}, palette(0)}, b{"Stock-flow model", {}, {}, palette(1)};
    for (const auto& y : forecast.spend) {
      cats.push_back(financial_year_label(y.financial_year));
      a.y.push_back(y.microsim_mean / 1e6);
      b.y.push_back(y.stock_flow / 1e6);
    }
    ChartOptions bo{"Placement spend by financial year (£ million)", "£ million", "", 760, 0};
    s.html += "<h3>Spend by financial year</h3>" + grouped_bar_chart(bo, cats, {a, b});
    add_table(s, spend_by_financial_year_table(baseline, forecast));
  }

  // Scenarios against the baseline: the same runs and seed, so the difference is paired.
  for (const auto& sc : o.scenarios) {
    const ModelRun scen = run_models(h, fs, sc, &run.stock_flow, &fitted);
    const ForecastSummary scen_forecast = summarise_forecast(fs, scen, &forecast);
    if (scen_forecast.total.empty()) continue;
    Band sc_band{"Scenario: 5th-95th", {}, {}, {}, "#a9d18e", 0.5};
    Series sc_median{"Scenario: median", {}, {}, "#375623"}, base_median{"Baseline: median", median.x, median.y, "#1f4e79", true};
    for (const auto& m : scen_forecast.total) {
      const double x = (m.month_end - fs.as_of) / 365.25;
      sc_band.x.push_back(x), sc_band.lo.push_back(m.microsim.p5), sc_band.hi.push_back(m.microsim.p95);
      sc_median.x.push_back(x), sc_median.y.push_back(m.microsim.p50);
    }
    ChartOptions co{fmt::format("Baseline and scenario '{}': children looked after", sc.name), x_label,
                    "Children looked after", 760, 340};
    co.legend_right = true;
    s.html += fmt::format("<h3>Scenario: {}</h3>", xml_escape(sc.name));
    if (!sc.description.empty()) s.html += "<p>" + xml_escape(sc.description) + "</p>";
    s.html += line_chart(co, {actual, base_median, sc_median}, {sc_band});
    add_table(s, scenario_difference_table(sc, run, scen));
  }

  // How well the same models would have forecast the council's own past (rolling origins).
  if (o.backtest_runs != 0) {
    BacktestSettings bs;
    bs.seed = o.seed;
    const BacktestPlan plan = plan_backtest(h, o, runs, bs);
    s.html += "<h3>How well these forecasts did on the council's own past</h3>";
    if (plan.all_origins == 0) {
      const std::string m = fmt::format(
          "Backtest not available: the returns cover {} year{} ({} to {}); a backtest needs an origin (31 March) with {} "
          "years of returns before it and 1 after, so at least {} years of returns.",
          h.years.size(), h.years.size() == 1 ? "" : "s", h.years.front().label(), h.years.back().label(),
          bs.min_history_years, bs.min_history_years + 1);
      s.html += note(m);
      s.limitations.push_back("Forecast: " + m);
      presented_sentence = "The returns are too short to check past forecasts here. The forecast shown is the average of "
                           "the microsimulation's and of the number looked after staying as it is, with the "
                           "microsimulation's range around it: on test councils that average was more accurate than either.";
    } else {
      bs.runs = plan.runs;
      bs.max_origins = plan.origins;
      const auto points = backtest(h, bs);
      std::vector<BacktestPoint> total;
      for (const auto& p : points)
        if (p.measure == "total") total.push_back(p);
      const auto summary = summarise(total);
      OutputTable t;
      t.id = "forecast_backtest";
      t.title = "Backtest: forecasts of the number looked after from past 31 Marches against what happened";
      t.add_column("model", "Model").add_column("horizon", "Horizon").add_column("origins", "Origins", 0)
          .add_column("forecasts", "Forecasts", 0).add_column("mape", "MAPE %", 1).add_column("bias", "Bias %", 1)
          .add_column("coverage_80", "80% coverage %", 0).add_column("coverage_95", "95% coverage %", 0);
      const std::pair<const char*, const char*> models[] = {{"presented", "Presented (average of microsimulation and no change)"},
                                                            {"microsim", "Microsimulation"},
                                                            {"stock_flow", "Stock-flow model"},
                                                            {"naive", "No change"}};
      // Percentages derived from a count of 1 to 5 (a tiny council's total at a 31 March) would
      // disclose it: such a row's figures are withheld, as derived cells are elsewhere.
      auto small = [&](const std::string& model, int horizon) {
        if (!o.suppression) return false;
        for (const auto& p : total)
          if (p.model == model && (horizon == 0 || p.horizon == horizon) && p.actual >= 1 && p.actual <= 5) return true;
        return false;
      };
      const BacktestSummary* ms1 = nullptr;
      const BacktestSummary* sf1 = nullptr;
      const BacktestSummary* nv1 = nullptr;
      bool withheld = false;
      for (const auto& [model, label] : models)
        for (int hz : {1, 2, 3, 0})
          for (const auto& x : summary) {
            if (x.model != model || x.horizon != hz) continue;
            std::vector<Date> origins;
            for (const auto& p : total)
              if (p.model == model && (hz == 0 || p.horizon == hz) && p.actual > 0 &&
                  std::find(origins.begin(), origins.end(), p.origin) == origins.end())
                origins.push_back(p.origin);
            const bool c = small(model, hz);
            withheld |= c;
            auto v = [&](double d, bool has = true) { return c ? Cell{Suppressed{}} : has ? Cell{d} : Cell{}; };
            t.add_row({std::string(label), hz == 0 ? std::string("All") : fmt::format("{} year{}", hz, hz == 1 ? "" : "s"),
                       double(origins.size()), double(x.n), v(x.mape), v(x.bias), v(x.cover80, x.cover80 >= 0),
                       v(x.cover95, x.cover95 >= 0)});
            if (hz == 1 && !c && model != std::string("presented"))
              (model == std::string("microsim") ? ms1 : model == std::string("stock_flow") ? sf1 : nv1) = &x;
          }
      const auto origins_used = backtest_origins(h, bs);
      const Date first = origins_used[origins_used.size() - static_cast<size_t>(plan.origins)], last = origins_used.back();
      t.notes = fmt::format(
          "For each 31 March with {} years of returns before it and at least 1 after ({} to {}), both models were fitted "
          "on what was known on that day only and their forecasts of the number looked after 1 to {} years later "
          "compared with the returns (children with a date of birth). MAPE: mean absolute percentage error; bias: mean "
          "signed percentage error (negative: too low); coverage: share of outcomes inside the 80% and 95% intervals "
          "(microsimulation: 10th-90th and 2.5th-97.5th percentiles of its runs; stock-flow: its normal band). No change: "
          "the number at the origin carried forward. {} runs per forecast (the forecast above uses {}), to keep the report "
          "quick: its intervals are rough.",
          bs.min_history_years, first.to_iso(), last.to_iso(), bs.max_horizon_years, plan.runs, runs);
      if (plan.origins < plan.all_origins)
        t.notes += plan.origins == 1
                       ? fmt::format(" Only the latest of the {} possible origins, to keep the report quick at this size.", plan.all_origins)
                       : fmt::format(" Only the latest {} of the {} possible origins, to keep the report quick at this size.",
                                     plan.origins, plan.all_origins);
      if (withheld) t.notes += " c = withheld: derived from a count of 1 to 5.";
      t.notes += " By placement category and legal status, and with more runs: careflow backtest.";
      t.notes += " Presented: the forecast shown above, the average of the microsimulation's forecast and no change's, "
                 "with the microsimulation's range moved to it.";
      // The forecast to plan on, and how it did on every past forecast whose outcome is known now.
      const auto choice = choose_presented(points, "total", h.data_end());
      auto name_of = [](const std::string& m) {
        return m == "microsim"     ? std::string("the microsimulation")
               : m == "stock_flow" ? std::string("the stock-flow model")
               : m == "combined"   ? std::string("the average of the microsimulation and no change")
                                   : std::string("no change");
      };
      // The backtest's rows name the presented forecast "presented".
      const std::string presented_model = choice.model == "combined" ? "presented" : choice.model;
      if (choice.evidence == 0) {
        presented_sentence = "No past forecast of this council can be checked yet. The forecast shown is the average of the "
                             "microsimulation's and of the number looked after staying as it is, with the microsimulation's "
                             "range around it: on test councils that average was more accurate than either.";
      } else if (small(presented_model, 0) || (!choice.next_model.empty() && small(choice.next_model, 0))) {
        presented_sentence = fmt::format("The forecast to plan on is {}'s, checked against {} past forecasts of the number "
                                         "looked after (figures withheld: they rest on counts of 1 to 5).",
                                         name_of(choice.model), choice.evidence);
      } else {
        presented_sentence = fmt::format(
            "The forecast to plan on is {}{}: over {} past forecasts of the number looked after (1 to {} years ahead) it "
            "was within {} of the actual number on average, against {} for {}, the best single model.",
            name_of(choice.model), choice.model == "combined" ? ", with the microsimulation's range around it" : "",
            choice.evidence, bs.max_horizon_years, percent(choice.mape), percent(choice.next_mape),
            name_of(choice.next_model));
        if (choice.next_mape < choice.mape)
          presented_sentence += fmt::format(
              " {} did better on this council's past, but a few past years cannot tell the models apart: on 40 test "
              "councils with 720 forecasts a year ahead, the average was the more accurate.",
              [](std::string x) { return x.empty() ? x : static_cast<char>(std::toupper(static_cast<unsigned char>(x[0]))) + x.substr(1); }(
                  name_of(choice.next_model)));
      }
      if (ms1) {
        std::string m = fmt::format(
            "Over {} past year{}, the microsimulation's 1-year forecast of the number looked after was within {} of the "
            "actual number on average",
            ms1->n, ms1->n == 1 ? "" : "s", percent(ms1->mape));
        if (sf1 && nv1) m += fmt::format(" (the stock-flow model's within {}, no change within {})", percent(sf1->mape), percent(nv1->mape));
        m += fmt::format("; on average it was {} too {}", percent(std::abs(ms1->bias)), ms1->bias < 0 ? "low" : "high");
        if (ms1->cover80 >= 0) m += fmt::format("; its 80% range held the actual number in {:.0f}% of them", ms1->cover80);
        m += ms1->n < 5 ? ". Few past years: read these figures as a rough guide." : ".";
        s.html += "<p>" + xml_escape(m) + "</p>";
      }
      add_table(s, std::move(t));
    }
  }
  s.html.insert(presented_at, "<p class=\"presented\"><strong>" + xml_escape(presented_sentence) + "</strong></p>");
  s.html += note(fmt::format(
      "Microsimulation: {} runs from {}; bands are the 5th-95th and 25th-75th percentiles of the "
      "runs at each month end{}. Scenarios and more runs: careflow forecast; the backtest in detail: careflow backtest.",
      runs, fs.as_of.to_iso(),
      o.runs <= 0 && runs < 200 ? " (fewer than the usual 200, to keep a report of this size within its time budget; "
                                  "--forecast-runs sets them)"
                                : ""));
  return s;
}

}  // namespace careflow::report
