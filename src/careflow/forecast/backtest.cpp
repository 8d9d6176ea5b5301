#include "careflow/forecast/backtest.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <tbb/parallel_for.h>

#include "careflow/forecast/forecast.hpp"

namespace careflow::forecast {

std::vector<Date> backtest_origins(const History& h, const BacktestSettings& s) {
  std::vector<Date> out;
  if (h.years.empty()) return out;
  const Date data_start = h.data_start(), data_end = h.data_end();
  for (const auto& y : h.years) {
    const Date T = y.end();
    if (T - data_start < s.min_history_years * 365 || T + 365 > data_end) continue;
    out.push_back(T);
  }
  return out;
}

namespace {
std::vector<BacktestPoint> backtest_origin(const History& h, const BacktestSettings& s, Date T) {
  std::vector<BacktestPoint> out;
  const Date data_end = h.data_end();
  const CollectionYear y{T.ymd().year};  // origins are 31 Marches
  ForecastSettings fs;
  fs.as_of = T;
  fs.years = std::min(s.max_horizon_years, (data_end - T) / 365);
  fs.runs = s.runs;
  fs.seed = s.seed + static_cast<uint64_t>(y.end_year);
  fs.reference_days = s.reference_days;
  fs.arrivals_window_days = s.reference_days;
  fs.trend = s.trend;
  fs.trend_prior_sd = s.trend_prior_sd;
  fs.trend_change_sd = s.trend_change_sd;
  fs.reentry = s.reentry;
  fs.exits_by_legal_status = s.exits_by_legal_status;
  const ModelRun run = run_models(h, fs, Scenario{});
  const auto start_kinds = actual_by_kind(h, T);
  const auto start_legal = actual_by_legal_group(h, T);
  const auto& r = run.microsim;
  for (int hz = 1; hz <= fs.years; ++hz) {
    const Date target = CollectionYear{y.end_year + hz}.end();
    const auto it = std::find(r.month_ends.begin(), r.month_ends.end(), target);
    if (it == r.month_ends.end()) continue;
    const size_t mo = static_cast<size_t>(it - r.month_ends.begin());
    const size_t day = target - T;
    const auto actual = actual_by_kind(h, target);
    // Measures: the total and the four broad categories (index 0 = total, 1 + broad).
    for (int measure = 0; measure <= kBroadCount; ++measure) {
      auto in_measure = [&](int k) { return measure == 0 || static_cast<int>(broad_of(static_cast<Kind>(k))) == measure - 1; };
      const std::string name = measure == 0 ? "total" : std::string(broad_name(static_cast<Broad>(measure - 1)));
      double a = 0, naive = 0;
      for (int k = 0; k < kKindCount; ++k)
        if (in_measure(k)) a += actual[k], naive += start_kinds[k];
      std::vector<double> v(r.runs, 0.0);
      for (int run_i = 0; run_i < r.runs; ++run_i)
        for (int k = 0; k < kKindCount; ++k)
          if (in_measure(k)) v[run_i] += r.kind(run_i, mo, k);
      double mean = 0;
      for (double x : v) mean += x;
      mean /= r.runs;
      std::sort(v.begin(), v.end());
      out.push_back({"microsim", name, T, hz, a, mean, quantile(v, 0.10), quantile(v, 0.90), quantile(v, 0.025),
                     quantile(v, 0.975), true});
      double sf = 0, var = 0;
      const auto& sp = run.stock_flow.space;
      for (int st = 0; st < sp.in_care(); ++st)
        if (measure == 0 || static_cast<int>(sp.broad_of_state(st)) == measure - 1)
          sf += run.projection.mean[day - 1][st], var += run.projection.variance[day - 1][st];
      const double sd = std::sqrt(var);
      out.push_back({"stock_flow", name, T, hz, a, sf, sf - 1.2816 * sd, sf + 1.2816 * sd, sf - 1.96 * sd, sf + 1.96 * sd, true});
      out.push_back({"naive", name, T, hz, a, naive, 0, 0, 0, 0, false});
    }
    // Legal status groups (microsimulation and naive: the stock-flow model has no legal status).
    const auto actual_legal = actual_by_legal_group(h, target);
    for (int g = 0; g < kLegalGroupCount; ++g) {
      const std::string name = std::string(kLegalMeasurePrefix) + std::string(legal_group_name(static_cast<LegalGroup>(g)));
      std::vector<double> v(r.runs, 0.0);
      for (int run_i = 0; run_i < r.runs; ++run_i) v[run_i] = r.legal(run_i, mo, g);
      double mean = 0;
      for (double x : v) mean += x;
      mean /= r.runs;
      std::sort(v.begin(), v.end());
      out.push_back({"microsim", name, T, hz, actual_legal[g], mean, quantile(v, 0.10), quantile(v, 0.90), quantile(v, 0.025),
                     quantile(v, 0.975), true});
      out.push_back({"naive", name, T, hz, actual_legal[g], start_legal[g], 0, 0, 0, 0, false});
    }
  }
  return out;
}
}  // namespace

std::vector<BacktestPoint> backtest(const History& h, const BacktestSettings& s) {
  auto origins = backtest_origins(h, s);
  if (s.max_origins > 0 && origins.size() > static_cast<size_t>(s.max_origins))
    origins.erase(origins.begin(), origins.end() - s.max_origins);
  std::vector<std::vector<BacktestPoint>> per(origins.size());
  tbb::parallel_for(size_t{0}, origins.size(), [&](size_t i) { per[i] = backtest_origin(h, s, origins[i]); });
  std::vector<BacktestPoint> out;
  for (auto& p : per) out.insert(out.end(), p.begin(), p.end());
  auto presented = presented_points(out);
  out.insert(out.end(), presented.begin(), presented.end());
  return out;
}

BacktestPoint presented_point(const BacktestPoint& microsim, const BacktestPoint& naive) {
  BacktestPoint p = microsim;
  p.model = "presented";
  p.chosen = "combined";
  p.forecast = kPresentedMicrosimWeight * microsim.forecast + (1 - kPresentedMicrosimWeight) * naive.forecast;
  const double shift = p.forecast - microsim.forecast;
  p.lo80 = std::max(0.0, microsim.lo80 + shift), p.hi80 = microsim.hi80 + shift;
  p.lo95 = std::max(0.0, microsim.lo95 + shift), p.hi95 = microsim.hi95 + shift;
  return p;
}

namespace {
// Each (origin, measure, horizon)'s microsimulation and no change points, in the order met.
struct PointPair {
  const BacktestPoint* microsim = nullptr;
  const BacktestPoint* naive = nullptr;
};
std::vector<PointPair> pairs_of(const std::vector<BacktestPoint>& points, const std::string* measure) {
  std::map<std::tuple<Date, std::string, int>, size_t> index;
  std::vector<PointPair> out;
  for (const auto& p : points) {
    if ((measure && p.measure != *measure) || (p.model != "microsim" && p.model != "naive")) continue;
    const auto [it, fresh] = index.try_emplace({p.origin, p.measure, p.horizon}, out.size());
    if (fresh) out.emplace_back();
    (p.model == "microsim" ? out[it->second].microsim : out[it->second].naive) = &p;
  }
  return out;
}
}  // namespace

PresentedChoice choose_presented(const std::vector<BacktestPoint>& points, const std::string& measure, Date known_by) {
  static constexpr const char* kModels[] = {"microsim", "stock_flow", "naive"};
  double ape[3] = {0, 0, 0};
  size_t n[3] = {0, 0, 0};
  for (const auto& p : points) {
    if (p.measure != measure || p.actual <= 0 || p.target() > known_by) continue;
    for (int m = 0; m < 3; ++m)
      if (p.model == kModels[m]) ape[m] += std::abs(p.forecast - p.actual) / p.actual, ++n[m];
  }
  PresentedChoice c{"microsim"};
  double presented_ape = 0;
  for (const auto& pair : pairs_of(points, &measure)) {
    if (!pair.microsim || !pair.naive) continue;
    c.model = "combined";
    const BacktestPoint p = presented_point(*pair.microsim, *pair.naive);
    if (p.actual <= 0 || p.target() > known_by) continue;
    presented_ape += std::abs(p.forecast - p.actual) / p.actual, ++c.evidence;
  }
  if (c.model == "microsim") c.evidence = n[0], presented_ape = ape[0];
  if (c.evidence == 0) return c;
  c.mape = 100 * presented_ape / static_cast<double>(c.evidence);
  int next = -1;
  for (int m = 0; m < 3; ++m)
    if (n[m] > 0 && !(c.model == "microsim" && m == 0) && (next < 0 || ape[m] / n[m] < ape[next] / n[next])) next = m;
  if (next >= 0) c.next_model = kModels[next], c.next_mape = 100 * ape[next] / static_cast<double>(n[next]);
  return c;
}

std::vector<BacktestPoint> presented_points(const std::vector<BacktestPoint>& points) {
  std::vector<BacktestPoint> out;
  for (const auto& pair : pairs_of(points, nullptr)) {
    if (!pair.microsim) continue;
    if (pair.naive) {
      out.push_back(presented_point(*pair.microsim, *pair.naive));
    } else {
      BacktestPoint q = *pair.microsim;
      q.model = "presented";
      q.chosen = "microsim";
      out.push_back(std::move(q));
    }
  }
  return out;
}

std::vector<BacktestSummary> summarise(const std::vector<BacktestPoint>& points) {
  std::map<std::tuple<std::string, std::string, int>, std::vector<const BacktestPoint*>> groups;
  for (const auto& p : points) {
    groups[{p.model, p.measure, p.horizon}].push_back(&p);
    groups[{p.model, p.measure, 0}].push_back(&p);
  }
  std::vector<BacktestSummary> out;
  for (const auto& [key, ps] : groups) {
    BacktestSummary s{std::get<0>(key), std::get<1>(key), std::get<2>(key)};
    double ape = 0, pe = 0, c80 = 0, c95 = 0;
    size_t with_interval = 0;  // coverage is of the forecasts that have an interval (presented: not no change's)
    for (const auto* p : ps) {
      if (p->actual <= 0) continue;
      ++s.n;
      ape += std::abs(p->forecast - p->actual) / p->actual;
      pe += (p->forecast - p->actual) / p->actual;
      if (!p->has_interval) continue;
      ++with_interval;
      c80 += p->actual >= p->lo80 && p->actual <= p->hi80;
      c95 += p->actual >= p->lo95 && p->actual <= p->hi95;
    }
    if (s.n == 0) continue;
    const double n = static_cast<double>(s.n);
    s.mape = 100 * ape / n;
    s.bias = 100 * pe / n;
    if (with_interval) {
      s.cover80 = 100 * c80 / static_cast<double>(with_interval);
      s.cover95 = 100 * c95 / static_cast<double>(with_interval);
    }
    out.push_back(s);
  }
  return out;
}

OutputTable backtest_points_table(const std::vector<BacktestPoint>& points) {
  OutputTable t{"backtest_points", "Backtest: each forecast against what happened", "", {}, {}};
  t.add_column("model", "Model");
  t.add_column("measure", "Measure");
  t.add_column("origin", "Forecast origin");
  t.add_column("horizon_years", "Horizon (years)");
  t.add_column("actual", "Actual");
  t.add_column("forecast", "Forecast", 1);
  t.add_column("lo80", "80% lower", 1);
  t.add_column("hi80", "80% upper", 1);
  t.add_column("lo95", "95% lower", 1);
  t.add_column("hi95", "95% upper", 1);
  t.add_column("chosen", "Model presented");
  for (const auto& p : points) {
    std::vector<Cell> row;
    row.reserve(11);
    row.emplace_back(std::in_place_type<std::string>, p.model);
    row.emplace_back(std::in_place_type<std::string>, p.measure);
    row.emplace_back(std::in_place_type<std::string>, p.origin.to_iso());
    row.emplace_back(static_cast<double>(p.horizon));
    row.emplace_back(p.actual);
    row.emplace_back(p.forecast);
    for (double x : {p.lo80, p.hi80, p.lo95, p.hi95}) {
      if (p.has_interval) row.emplace_back(x);
      else row.emplace_back(std::monostate{});
    }
    if (p.chosen.empty()) row.emplace_back(std::monostate{});
    else row.emplace_back(std::in_place_type<std::string>, p.chosen);
    t.add_row(std::move(row));
  }
  return t;
}

OutputTable backtest_summary_table(const std::vector<BacktestSummary>& summary, const std::string& notes) {
  OutputTable t{"backtest_summary", "Backtest: accuracy and interval coverage by model, measure and horizon", notes, {}, {}};
  t.add_column("model", "Model");
  t.add_column("measure", "Measure");
  t.add_column("horizon", "Horizon");
  t.add_column("n", "Forecasts");
  t.add_column("mape", "MAPE %", 1);
  t.add_column("bias", "Bias %", 1);
  t.add_column("coverage_80", "80% coverage %", 1);
  t.add_column("coverage_95", "95% coverage %", 1);
  for (const auto& s : summary) {
    t.add_row({s.model, s.measure, s.horizon == 0 ? std::string("all") : std::to_string(s.horizon) + "y",
               static_cast<double>(s.n), s.mape, s.bias, s.cover80 < 0 ? Cell{} : Cell{s.cover80},
               s.cover95 < 0 ? Cell{} : Cell{s.cover95}});
  }
  return t;
}

BacktestArithmetic backtest_arithmetic(const OutputTable& points, const OutputTable& summary) {
  BacktestArithmetic a;
  a.points.count_columns = {4};
  auto text = [](const Cell& c) { return std::holds_alternative<std::string>(c) ? std::get<std::string>(c) : std::string(); };
  auto number = [](const Cell& c) { return std::holds_alternative<double>(c) ? std::get<double>(c) : std::nan(""); };
  // The number looked after in a measure on a date, wherever it appears: the actual number of
  // every forecast for that date, and every no-change forecast from it.
  std::map<std::pair<std::string, std::string>, std::vector<CellRef>> at;  // (measure, date) -> cells
  for (size_t r = 0; r < points.rows.size(); ++r) {
    const auto& row = points.rows[r];
    const std::string model = text(row[0]), measure = text(row[1]), origin = text(row[2]);
    const int hz = static_cast<int>(number(row[3]));
    if (origin.size() < 4) continue;
    const std::string target = std::to_string(std::stoi(origin.substr(0, 4)) + hz) + origin.substr(4);
    at[{measure, target}].push_back({points.id, r, 4});
    // No change's forecast is the count at the origin, and so is a presented forecast that copies it.
    if (model == "naive" || (model == "presented" && row.size() > 10 && text(row[10]) == "naive")) {
      a.points.count_cells.push_back({r, 5});
      at[{measure, origin}].push_back({points.id, r, 5});
    }
  }
  for (const auto& [key, cells] : at)
    for (size_t i = 1; i < cells.size(); ++i) a.relations.push_back({Relation::Kind::equal, {cells[0], cells[i]}});
  // The broad categories and the legal status groups each add up to the total on a date (the
  // groups are declared when they do: children with no legal status recorded are in "other").
  auto value = [&](const CellRef& c) { return number(points.rows[c.row][c.column]); };
  std::map<std::string, std::vector<std::string>> measures_on;  // date -> measures
  for (const auto& [key, cells] : at) measures_on[key.second].push_back(key.first);
  for (const auto& [date, measures] : measures_on) {
    if (!at.count({"total", date})) continue;
    const CellRef total = at.at({"total", date}).front();
    for (bool legal : {false, true}) {
      Relation sum{Relation::Kind::sum, {total}};
      double parts = 0;
      for (const auto& m : measures) {
        if (m == "total" || m.starts_with(kLegalMeasurePrefix) != legal) continue;
        sum.cells.push_back(at.at({m, date}).front());
        parts += value(sum.cells.back());
      }
      if (sum.cells.size() > 1 && parts == value(total)) a.relations.push_back(std::move(sum));
    }
  }
  // Each summary rests on the actual numbers of its forecasts.
  for (size_t r = 0; r < summary.rows.size(); ++r) {
    const auto& row = summary.rows[r];
    const std::string model = text(row[0]), measure = text(row[1]), horizon = text(row[2]);
    const int hz = horizon == "all" ? 0 : std::atoi(horizon.c_str());
    std::vector<CellRef> inputs;
    for (size_t p = 0; p < points.rows.size(); ++p)
      if (text(points.rows[p][0]) == model && text(points.rows[p][1]) == measure &&
          (hz == 0 || static_cast<int>(number(points.rows[p][3])) == hz))
        inputs.push_back({points.id, p, 4});
    for (size_t c = 4; c < summary.columns.size(); ++c) {
      if (!std::holds_alternative<double>(row[c])) continue;
      Relation d{Relation::Kind::depends, {{summary.id, r, c}}};
      d.cells.insert(d.cells.end(), inputs.begin(), inputs.end());
      a.relations.push_back(std::move(d));
    }
  }
  return a;
}

}  // namespace careflow::forecast
