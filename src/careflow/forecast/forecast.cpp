#include "careflow/forecast/forecast.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <optional>

namespace careflow::forecast {

MicrosimSettings ForecastSettings::microsim() const {
  MicrosimSettings m;
  m.as_of = as_of;
  m.years = years;
  m.runs = runs;
  m.seed = seed;
  m.arrivals_window_days = arrivals_window_days;
  m.trend = trend;
  m.trend_prior_sd = trend_prior_sd;
  m.trend_change_sd = trend_change_sd;
  m.reentry = reentry;
  m.exits_by_legal_status = exits_by_legal_status;
  m.bands = bands;
  return m;
}

ReentryShares stock_flow_reentry_shares(const History& h, const StockFlowModel& m, Date R0, Date R1) {
  const StateSpace& sp = m.space;
  ReentryShares out(sp.size(), {0.0, 0.0});
  for (ChildIndex c = 0; c < h.children.size(); ++c) {
    const Child& ch = h.children[c];
    if (!ch.dob_known) continue;
    const PeriodOfCare* previous = nullptr;
    for (const auto& p : h.periods_of(c)) {
      if (p.short_breaks || p.start > R1) continue;
      if (previous && p.start >= R0) {
        // The state the period enters: age band at its start and its first placement's category
        // (zero-length placements skipped, as the model's pieces skip them).
        Broad cat = Broad::other;
        for (uint32_t i = 0; i < p.placement_count; ++i) {
          const Placement& pl = h.placements[p.first_placement + i];
          if (pl.end == pl.start) continue;
          cat = broad_of(kind_of(pl.placement_type, pl.provider));
          break;
        }
        const auto g = cease_group(previous->reason_ceased);
        const bool home = g && (*g == CeaseGroup::returned_home || *g == CeaseGroup::lives_with_others);
        out[sp.state(sp.bands.band_of_age(age_on(ch.dob, p.start)), cat)][home ? 0 : 1] += 1;
      }
      previous = &p;
    }
  }
  const double window = (R1 - R0) + 1;
  for (size_t s = 0; s < out.size(); ++s) {
    const double entries = s < m.entries.size() ? m.entries[s] * window : 0.0;
    const double all = out[s][0] + out[s][1];
    const double scale = entries > 0 && all > 0 ? std::min(1.0, entries / all) / entries : 0.0;  // shares sum to <= 1
    out[s][0] *= scale;
    out[s][1] *= scale;
  }
  return out;
}

EntryMultiplier stock_flow_entry_multiplier(const Scenario& sc, const StateSpace& sp, Date start, const ReentryShares& reentry_share) {
  const bool entries = !sc.entry_changes.empty() || sc.population_growth != 0.0;
  const bool reentry = sc.reentry_factor != 1.0 && !reentry_share.empty();
  if (!entries && !reentry) return {};
  return [&sc, sp, start, reentry_share, entries, reentry](int state, Date d) {
    double m = 1.0;
    if (entries) {
      const int b = sp.band_of(state);
      const int lo = sp.bands.lower[b];
      const int hi = b + 1 < sp.bands.count() ? sp.bands.lower[b + 1] - 1 : 17;
      m = 0;
      for (int age = lo; age <= hi; ++age) m += sc.entry_multiplier(age, d, start);
      m /= hi - lo + 1;
    }
    if (reentry_share.empty()) return m;
    // New entrants take the entry levers, re-entrants the re-entry lever.
    const auto& r = reentry_share[static_cast<size_t>(state)];
    double out = (1.0 - r[0] - r[1]) * m;
    for (int how = 0; how < 2; ++how)
      out += r[how] * (reentry && sc.reentry_applies(how) && d >= sc.reentry_from ? sc.reentry_factor : 1.0);
    return out;
  };
}

std::array<double, kKindCount> actual_by_kind(const History& h, Date d) {
  std::array<double, kKindCount> out{};
  for (const auto& p : h.periods) {
    if (p.short_breaks || p.start > d || (!p.end.is_open() && p.end <= d)) continue;
    if (!h.children[p.child].dob_known) continue;
    Kind k = Kind::other;
    for (uint32_t i = 0; i < p.placement_count; ++i) {
      const Placement& pl = h.placements[p.first_placement + i];
      if (pl.start > d) break;
      k = kind_of(pl.placement_type, pl.provider);
    }
    out[static_cast<size_t>(k)] += 1;
  }
  return out;
}

std::array<double, kLegalGroupCount> actual_by_legal_group(const History& h, Date d) {
  std::array<double, kLegalGroupCount> out{};
  for (const auto& p : h.periods) {
    if (p.short_breaks || p.start > d || (!p.end.is_open() && p.end <= d)) continue;
    if (!h.children[p.child].dob_known) continue;
    LegalGroup g = LegalGroup::other;
    for (uint32_t i = 0; i < p.episode_count; ++i) {
      const Episode& e = h.episodes[p.first_episode + i];
      if (e.start > d) break;
      g = legal_group_of(e.legal_status);
    }
    out[static_cast<size_t>(g)] += 1;
  }
  return out;
}

ModelRun run_models(const History& h, const ForecastSettings& s, const Scenario& sc, const StockFlowModel* fitted_sf,
                    const MicrosimModel* fitted_ms) {
  ModelRun run;
  const auto ms = s.microsim();
  std::optional<MicrosimModel> own;  // fitted here only when the caller has not (no copy of theirs)
  if (!fitted_ms) own = fit_microsim(h, ms);
  const MicrosimModel& model = fitted_ms ? *fitted_ms : *own;
  run.microsim = simulate(model, ms, sc);
  for (double x : actual_by_kind(h, s.as_of)) run.looked_after_at_origin += x;
  run.stock_flow = fitted_sf ? *fitted_sf : fit_stock_flow(h, {s.as_of - (s.reference_days - 1), s.as_of, s.bands});
  // Only scenarios that act on entries need the re-entry shares (a scan of every child).
  if (!sc.entry_changes.empty() || sc.population_growth != 0.0 || sc.reentry_factor != 1.0)
    run.stock_flow_reentry_share = stock_flow_reentry_shares(h, run.stock_flow, s.as_of - (s.reference_days - 1), s.as_of);
  run.projection = project(run.stock_flow, run.microsim.days,
                           stock_flow_entry_multiplier(sc, run.stock_flow.space, s.as_of, run.stock_flow_reentry_share));
  // Spend: each category costed at its kinds' historic shares (as the regional model does),
  // with mix shifts moving children between kinds (and categories).
  const auto& sp = run.stock_flow.space;
  std::array<double, kBroadCount> unit{};
  for (int k = 0; k < kKindCount; ++k)
    unit[static_cast<size_t>(broad_of(static_cast<Kind>(k)))] += run.stock_flow.kind_share[k] * sc.costs.weekly[k] / 7.0;
  run.stock_flow_daily_spend.resize(run.microsim.days);
  for (int d = 1; d <= run.microsim.days; ++d) {
    const Date day = s.as_of + d;
    std::array<double, kBroadCount> n{};
    for (int st = 0; st < sp.in_care(); ++st) n[static_cast<size_t>(sp.broad_of_state(st))] += run.projection.mean[d - 1][st];
    double cost = 0;
    for (int b = 0; b < kBroadCount; ++b) cost += n[b] * unit[b];
    for (const auto& sh : sc.shifts) {
      const double moved = sc.shifted(sh, day);
      cost += moved * (sc.costs.weekly[static_cast<size_t>(sh.to_kind)] - sc.costs.weekly[static_cast<size_t>(sh.from_kind)]) / 7.0;
    }
    run.stock_flow_daily_spend[d - 1] = cost * sc.costs.inflation_factor(day, s.as_of);
  }
  return run;
}

std::string scenario_id(const std::string& name) {
  std::string id;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c >= 'A' && c <= 'Z') id += static_cast<char>(c - 'A' + 'a');
    else if (ok) id += c;
    else if (!id.empty() && id.back() != '_') id += '_';
  }
  return id.empty() ? "scenario" : id;
}

namespace {

const std::array<double, 5> kPercentiles{0.05, 0.25, 0.5, 0.75, 0.95};

void add_percentile_columns(OutputTable& t, int decimals) {
  for (double p : kPercentiles)
    t.add_column(fmt::format("p{}", static_cast<int>(p * 100)), fmt::format("{}th percentile", static_cast<int>(p * 100)), decimals);
}
Percentiles percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {quantile(v, kPercentiles[0]), quantile(v, kPercentiles[1]), quantile(v, kPercentiles[2]),
          quantile(v, kPercentiles[3]), quantile(v, kPercentiles[4])};
}
void add_percentiles(std::vector<Cell>& row, const Percentiles& p) {
  for (double x : {p.p5, p.p25, p.p50, p.p75, p.p95}) row.emplace_back(x);
}
void add_percentiles(std::vector<Cell>& row, std::vector<double> v) { add_percentiles(row, percentiles(std::move(v))); }

// Per run, per financial year: spend (sum of months in the year).
std::vector<std::vector<double>> spend_by_fy(const MicrosimResult& r) {
  std::vector<std::vector<double>> out(r.fy_count, std::vector<double>(r.runs, 0.0));
  for (int run = 0; run < r.runs; ++run)
    for (size_t mo = 0; mo < r.month_ends.size(); ++mo)
      out[financial_year_of(r.month_ends[mo]) - r.first_fy][run] += r.spend_in(run, mo);
  return out;
}

std::string costs_note(const Scenario& sc) {
  std::string note = sc.costs.illustrative
                         ? "Unit costs are ILLUSTRATIVE defaults (docs/forecast.md), not a source: give your own with --unit-costs."
                         : "Unit costs as given by the user.";
  for (const auto& w : sc.costs.warnings) note += " " + w;
  return note;
}

// A scenario's tables are named and titled after it; the baseline's are not.
std::string table_suffix(const Scenario& sc) {
  return sc.is_baseline() ? std::string() : fmt::format("_{}", scenario_id(sc.name));
}
std::string title_suffix(const Scenario& sc) {
  return sc.is_baseline() ? std::string() : fmt::format(" (scenario '{}')", sc.name);
}

}  // namespace

const char* const kLegalStatusGroupsNote =
    "Groups as DfE's tables: interim care order (C1); full care order (C2); placement order (E1, with freeing "
    "orders D1); section 20 (V2); detained for child protection (L1-L3); youth justice (J1-J3); other (missing, "
    "V3/V4 within a period). See docs/forecast.md.";

ForecastSummary summarise_forecast(const ForecastSettings& s, const ModelRun& run, const ForecastSummary* baseline) {
  ForecastSummary f;
  const auto& r = run.microsim;
  f.as_of = s.as_of;
  f.runs = r.runs;
  f.seed = s.seed;
  const size_t months = r.month_ends.size();
  for (size_t mo = 0; mo < months; ++mo) {
    MonthEndTotal t;
    t.month_end = r.month_ends[mo];
    std::vector<double> v(r.runs);
    double mean = 0;
    for (int run_i = 0; run_i < r.runs; ++run_i) mean += v[run_i] = r.total(run_i, mo);
    t.microsim = percentiles(std::move(v));
    t.microsim_mean = mean / r.runs;
    const size_t day = r.month_ends[mo] - s.as_of;
    const double m = run.projection.total(day), sd = std::sqrt(run.projection.total_variance(day));
    t.stock_flow = m;
    t.stock_flow_low = std::max(0.0, m - 1.96 * sd);
    t.stock_flow_high = m + 1.96 * sd;
    if (baseline && mo < baseline->total.size())
      t.presented = baseline->total[mo].presented + (t.microsim_mean - baseline->total[mo].microsim_mean);
    else
      t.presented = kPresentedMicrosimWeight * t.microsim_mean + (1 - kPresentedMicrosimWeight) * run.looked_after_at_origin;
    t.presented_low = std::max(0.0, t.microsim.p5 + (t.presented - t.microsim_mean));
    t.presented_high = t.microsim.p95 + (t.presented - t.microsim_mean);
    f.total.push_back(t);
  }
  for (size_t mo = 0; mo < months; ++mo)
    for (int g = 0; g < kLegalGroupCount; ++g) {
      std::vector<double> v(r.runs);
      for (int run_i = 0; run_i < r.runs; ++run_i) v[run_i] = r.legal(run_i, mo, g);
      f.by_legal_status.push_back({r.month_ends[mo], static_cast<LegalGroup>(g), percentiles(std::move(v))});
    }
  const auto fy = spend_by_fy(r);
  for (int y = 0; y < r.fy_count; ++y) {
    double sf = 0, days = 0, mean = 0;
    for (int d = 1; d <= r.days; ++d)
      if (financial_year_of(s.as_of + d) == r.first_fy + y && s.as_of + d <= r.month_ends.back())
        sf += run.stock_flow_daily_spend[d - 1], days += 1;
    if (days == 0) continue;
    for (double x : fy[y]) mean += x;
    f.spend.push_back({r.first_fy + y, days, percentiles(fy[y]), mean / r.runs, sf});
  }
  return f;
}

OutputTable forecast_total_table(const Scenario& sc, const ForecastSummary& f) {
  OutputTable t{"forecast_total" + table_suffix(sc),
                "Children looked after at each month end: microsimulation percentiles and the stock-flow model" + title_suffix(sc),
                fmt::format("Scenario '{}'. Forecast from {} over {} runs, seed {}. Stock-flow band: mean +/- 1.96 s.d. "
                            "(multinomial + Poisson variance, as the Social Finance regional model).",
                            sc.name, f.as_of.to_iso(), f.runs, f.seed), {}, {}};
  t.add_column("month_end", "Month end");
  t.add_column("presented", "Forecast (presented)", 1);
  t.add_column("presented_low", "Presented lower (5%)", 1);
  t.add_column("presented_high", "Presented upper (95%)", 1);
  add_percentile_columns(t, 1);
  t.add_column("microsim_mean", "Microsimulation mean", 1);
  t.add_column("stock_flow", "Stock-flow model", 1);
  t.add_column("stock_flow_low", "Stock-flow lower (95%)", 1);
  t.add_column("stock_flow_high", "Stock-flow upper (95%)", 1);
  for (const auto& m : f.total) {
    std::vector<Cell> row{m.month_end.to_iso(), m.presented, m.presented_low, m.presented_high};
    add_percentiles(row, m.microsim);
    row.emplace_back(m.microsim_mean);
    row.emplace_back(m.stock_flow);
    row.emplace_back(m.stock_flow_low);
    row.emplace_back(m.stock_flow_high);
    t.add_row(std::move(row));
  }
  return t;
}

OutputTable spend_by_financial_year_table(const Scenario& sc, const ForecastSummary& f) {
  OutputTable t{"spend_by_financial_year" + table_suffix(sc), "Placement spend by financial year" + title_suffix(sc),
                costs_note(sc), {}, {}};
  t.add_column("financial_year", "Financial year");
  t.add_column("days_in_forecast", "Days forecast");
  add_percentile_columns(t, 0);
  t.add_column("microsim_mean", "Microsimulation mean", 0);
  t.add_column("stock_flow", "Stock-flow model", 0);
  for (const auto& y : f.spend) {
    std::vector<Cell> row{financial_year_label(y.financial_year), y.days_in_forecast};
    add_percentiles(row, y.microsim);
    row.emplace_back(y.microsim_mean);
    row.emplace_back(y.stock_flow);
    t.add_row(std::move(row));
  }
  return t;
}

std::vector<OutputTable> forecast_tables(const ForecastSettings& s, const Scenario& sc, const ModelRun& run,
                                         const ForecastSummary* baseline) {
  std::vector<OutputTable> out;
  const auto& r = run.microsim;
  const size_t months = r.month_ends.size();
  const std::string suffix = table_suffix(sc);
  const ForecastSummary f = summarise_forecast(s, run, baseline);
  // A scenario's tables say so in their titles (forecast_total's and spend's builders do it themselves).
  auto titled = [&](OutputTable t) {
    t.title += title_suffix(sc);
    return t;
  };
  out.push_back(forecast_total_table(sc, f));
  {
    OutputTable t{"forecast_by_placement" + suffix, "Children looked after at each month end by placement (microsimulation)",
                  "Placement kinds: PLACE x PLACE_PROVIDER as in docs/forecast.md.", {}, {}};
    t.add_column("month_end", "Month end");
    t.add_column("placement", "Placement");
    add_percentile_columns(t, 1);
    for (size_t mo = 0; mo < months; ++mo)
      for (int k = 0; k < kKindCount; ++k) {
        std::vector<double> v(r.runs);
        for (int run_i = 0; run_i < r.runs; ++run_i) v[run_i] = r.kind(run_i, mo, k);
        std::vector<Cell> row{r.month_ends[mo].to_iso(), std::string(kind_label(static_cast<Kind>(k)))};
        add_percentiles(row, v);
        t.add_row(std::move(row));
      }
    out.push_back(titled(std::move(t)));
  }
  {
    OutputTable t{"forecast_by_age_band" + suffix, "Children looked after at each month end by age band (microsimulation)", "", {}, {}};
    t.add_column("month_end", "Month end");
    t.add_column("age_band", "Age band");
    add_percentile_columns(t, 1);
    for (size_t mo = 0; mo < months; ++mo)
      for (int b = 0; b < r.bands; ++b) {
        std::vector<double> v(r.runs);
        for (int run_i = 0; run_i < r.runs; ++run_i) v[run_i] = r.band(run_i, mo, b);
        std::vector<Cell> row{r.month_ends[mo].to_iso(), s.bands.label(b)};
        add_percentiles(row, v);
        t.add_row(std::move(row));
      }
    out.push_back(titled(std::move(t)));
  }
  {
    OutputTable t{"forecast_by_legal_status" + suffix, "Children looked after at each month end by legal status (microsimulation)",
                  kLegalStatusGroupsNote, {}, {}};
    t.add_column("month_end", "Month end");
    t.add_column("legal_status", "Legal status");
    add_percentile_columns(t, 1);
    for (const auto& m : f.by_legal_status) {
      std::vector<Cell> row{m.month_end.to_iso(), std::string(legal_group_label(m.group))};
      add_percentiles(row, m.microsim);
      t.add_row(std::move(row));
    }
    out.push_back(titled(std::move(t)));
  }
  {
    OutputTable t{"stock_flow_by_state" + suffix, "Stock-flow model: expected children at each month end by age band and category", "", {}, {}};
    t.add_column("month_end", "Month end");
    t.add_column("state", "Age band - category");
    t.add_column("expected", "Expected", 2);
    const auto& sp = run.stock_flow.space;
    for (size_t mo = 0; mo < months; ++mo) {
      const size_t day = r.month_ends[mo] - s.as_of;
      for (int st = 0; st < sp.in_care(); ++st)
        t.add_row({r.month_ends[mo].to_iso(), sp.label(st), run.projection.mean[day - 1][st]});
    }
    out.push_back(titled(std::move(t)));
  }
  out.push_back(spend_by_financial_year_table(sc, f));
  {
    OutputTable t{"spend_by_quarter" + suffix, "Placement spend by financial quarter (microsimulation)", costs_note(sc), {}, {}};
    t.add_column("financial_year", "Financial year");
    t.add_column("quarter", "Quarter");
    add_percentile_columns(t, 0);
    std::map<std::pair<int, int>, std::vector<double>> q;
    for (size_t mo = 0; mo < months; ++mo) {
      auto& v = q[{financial_year_of(r.month_ends[mo]), financial_quarter_of(r.month_ends[mo])}];
      v.resize(r.runs, 0.0);
      for (int run_i = 0; run_i < r.runs; ++run_i) v[run_i] += r.spend_in(run_i, mo);
    }
    for (const auto& [key, v] : q) {
      std::vector<Cell> row{financial_year_label(key.first), fmt::format("Q{}", key.second)};
      add_percentiles(row, v);
      t.add_row(std::move(row));
    }
    out.push_back(titled(std::move(t)));
  }
  {
    OutputTable t{"exits_by_route" + suffix, "Children leaving care by route and financial year (microsimulation)",
                  "Routes: home (E4A, E4B, E13), adoption (E11, E12), SGO/CAO (E41, E45-E48), other, and the 18th birthday.", {}, {}};
    t.add_column("financial_year", "Financial year");
    t.add_column("route", "Route");
    add_percentile_columns(t, 0);
    for (int y = 0; y < r.fy_count; ++y)
      for (int ro = 0; ro < kRouteCount; ++ro) {
        std::vector<double> v(r.runs);
        for (int run_i = 0; run_i < r.runs; ++run_i) v[run_i] = r.exits[(run_i * r.fy_count + y) * kRouteCount + ro];
        std::vector<Cell> row{financial_year_label(r.first_fy + y), std::string(route_name(static_cast<Route>(ro)))};
        add_percentiles(row, v);
        t.add_row(std::move(row));
      }
    out.push_back(titled(std::move(t)));
  }
  if (s.reentry) {
    OutputTable t{"reentries_by_year" + suffix, "Children coming back into care by financial year (microsimulation)",
                  "New periods of care of children who had left (in the data before the forecast date, or during the forecast); "
                  "not counted among entrants.",
                  {}, {}};
    t.add_column("financial_year", "Financial year");
    add_percentile_columns(t, 0);
    for (int y = 0; y < r.fy_count; ++y) {
      std::vector<double> v(r.runs);
      for (int run_i = 0; run_i < r.runs; ++run_i) v[run_i] = r.reentries[static_cast<size_t>(run_i) * r.fy_count + y];
      std::vector<Cell> row{financial_year_label(r.first_fy + y)};
      add_percentiles(row, v);
      t.add_row(std::move(row));
    }
    out.push_back(titled(std::move(t)));
  }
  if (sc.is_baseline()) {
    const auto& m = run.stock_flow;
    OutputTable t{"stock_flow_rates", "Stock-flow model: daily transition rates and entries",
                  "Mean over the reference window of transitions on a day / stock the day before, days with no stock "
                  "skipped; entries: entrants in the window / its days. Events: the transitions or entries in the "
                  "window the rate rests on (children's moves: disclosure control applies to them and to their rates).",
                  {}, {}};
    t.add_column("from", "From");
    t.add_column("to", "To");
    t.add_column("daily_rate", "Daily rate", 8);
    t.add_column("events", "Events in the window");
    for (int a = 0; a < m.space.size(); ++a) {
      if (m.entries[a] > 0) t.add_row({std::string("Entry"), m.space.label(a), m.entries[a], m.entry_count[a]});
      for (int b = 0; b < m.space.size(); ++b)
        if (m.rate[a][b] > 0) t.add_row({m.space.label(a), m.space.label(b), m.rate[a][b], m.transition_count[a][b]});
    }
    out.push_back(titled(std::move(t)));
  }
  return out;
}

DisclosureSpec disclosure_spec(const OutputTable& t) {
  if (t.id != "stock_flow_rates" || t.columns.size() < 4) return {};
  // Each rate rests on its events: an entry rate is events / the window's days, a transition rate
  // a mean of daily shares -- withheld whenever its count is.
  return {.count_columns = {3}, .derived = {{2, 3}}};
}

OutputTable scenario_difference_table(const Scenario& sc, const ModelRun& base, const ModelRun& scen) {
  OutputTable t{"scenario_difference_" + scenario_id(sc.name), fmt::format("Scenario '{}' minus baseline, by financial year", sc.name),
                "Paired runs (same seeds): intervals are percentiles of the run-by-run difference. Negative spend = cost avoided. " +
                    costs_note(sc),
                {}, {}};
  t.add_column("financial_year", "Financial year");
  t.add_column("measure", "Measure");
  add_percentile_columns(t, 1);
  t.add_column("microsim_mean", "Microsimulation mean", 1);
  t.add_column("stock_flow", "Stock-flow model", 1);
  const auto& a = base.microsim;
  const auto& b = scen.microsim;
  const auto fa = spend_by_fy(a), fb = spend_by_fy(b);
  for (int y = 0; y < a.fy_count; ++y) {
    // Children at the last month end within the year.
    int last = -1;
    for (size_t mo = 0; mo < a.month_ends.size(); ++mo)
      if (financial_year_of(a.month_ends[mo]) == a.first_fy + y) last = static_cast<int>(mo);
    if (last < 0) continue;
    std::vector<double> dn(a.runs), ds(a.runs);
    double mn = 0, msp = 0;
    for (int run = 0; run < a.runs; ++run) {
      mn += dn[run] = b.total(run, last) - a.total(run, last);
      msp += ds[run] = fb[y][run] - fa[y][run];
    }
    const size_t day = a.month_ends[last] - a.start;
    double sf_spend = 0;
    for (size_t d = 1; d <= day; ++d)
      if (financial_year_of(a.start + static_cast<int32_t>(d)) == a.first_fy + y)
        sf_spend += scen.stock_flow_daily_spend[d - 1] - base.stock_flow_daily_spend[d - 1];
    std::vector<Cell> row{financial_year_label(a.first_fy + y), fmt::format("children at {}", a.month_ends[last].to_iso())};
    add_percentiles(row, dn);
    row.emplace_back(mn / a.runs);
    row.emplace_back(scen.projection.total(day) - base.projection.total(day));
    t.add_row(std::move(row));
    std::vector<Cell> row2{financial_year_label(a.first_fy + y), std::string("spend")};
    add_percentiles(row2, ds);
    row2.emplace_back(msp / a.runs);
    row2.emplace_back(sf_spend);
    t.add_row(std::move(row2));
    // Levers the stock-flow model does not have: their own measures, microsimulation only.
    if (sc.legal_change && sc.legal_change->factor != 1.0)
      for (int g = 0; g < kLegalGroupCount; ++g) {
        std::vector<double> dl(a.runs);
        double ml = 0;
        for (int run = 0; run < a.runs; ++run) ml += dl[run] = b.legal(run, last, g) - a.legal(run, last, g);
        std::vector<Cell> r{financial_year_label(a.first_fy + y),
                            fmt::format("children at {}: {}", a.month_ends[last].to_iso(), legal_group_label(static_cast<LegalGroup>(g)))};
        add_percentiles(r, dl);
        r.emplace_back(ml / a.runs);
        r.emplace_back(std::monostate{});
        t.add_row(std::move(r));
      }
    if (sc.reentry_factor != 1.0 && !a.reentries.empty()) {
      std::vector<double> dr(a.runs);
      double mr = 0;
      for (int run = 0; run < a.runs; ++run)
        mr += dr[run] = b.reentries[static_cast<size_t>(run) * b.fy_count + y] - a.reentries[static_cast<size_t>(run) * a.fy_count + y];
      std::vector<Cell> r{financial_year_label(a.first_fy + y), std::string("re-entries in the year")};
      add_percentiles(r, dr);
      r.emplace_back(mr / a.runs);
      r.emplace_back(std::monostate{});
      t.add_row(std::move(r));
    }
  }
  return t;
}

double simulated_children_per_run(const History& h, Date as_of, int years) {
  double entrants = 0;
  for (const auto& per : h.periods)
    if (!per.short_breaks && per.start > as_of - 365 && per.start <= as_of) entrants += 1;
  return std::max(1.0, static_cast<double>(h.count_looked_after_on(as_of)) + entrants * years);
}

int runs_within_budget(const History& h, Date as_of, int years, int most, int fewest, double budget) {
  const double affordable = std::floor(budget / simulated_children_per_run(h, as_of, years));
  return static_cast<int>(std::clamp(affordable, static_cast<double>(fewest), static_cast<double>(most)));
}

}  // namespace careflow::forecast
