#include "careflow/api/backtest.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "careflow/forecast/simulated_history.hpp"
#include "careflow/io/relations_json.hpp"
#include "careflow/io/table_writers.hpp"
#include "careflow/report/disclosure.hpp"

namespace careflow::api {

BacktestResult backtest(const Config& config, const BacktestRequest& q) {
  const auto t0 = std::chrono::steady_clock::now();
  BacktestResult r;
  forecast::BacktestSettings s;
  s.runs = q.runs;
  s.seed = q.seed;
  s.max_horizon_years = q.horizon;
  q.model.apply(s);
  std::vector<forecast::BacktestPoint> points;
  if (q.simulated > 0) {
    for (int i = 1; i <= q.simulated; ++i) {
      forecast::SimulatedHistorySettings ss;
      ss.seed = static_cast<uint64_t>(i);
      ss.annual_growth = q.growth;
      ss.entrants_per_year = q.entrants;
      const History h = forecast::simulate_history(ss);
      auto p = forecast::backtest(h, s);
      points.insert(points.end(), p.begin(), p.end());
    }
    r.notes = fmt::format("{} simulated histories (careflow's generator with known dynamics: {} entrants a year growing {:.0f}% a "
                          "year, duration-dependent leaving hazard), {} runs per forecast.",
                          q.simulated, q.entrants, 100 * q.growth, q.runs);
  } else {
    const History h = careflow::ingest(q.returns.inputs, q.returns.year, r.ingest);
    if (!r.ingest.usable()) {
      r.done = false;  // r.ingest.fatal says why
      return r;
    }
    points = forecast::backtest(h, s);
    r.notes = fmt::format("{} runs per forecast.", q.runs);
  }
  if (points.empty()) {
    r.stop(fmt::format("not enough history (need {} years before an origin and 1 after)", s.min_history_years));
    return r;
  }
  r.summary = forecast::summarise(points);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (q.out_dir.empty()) return r;
  const std::filesystem::path dir(q.out_dir);
  std::string err;
  std::vector<OutputTable> tables{forecast::backtest_summary_table(r.summary, r.notes), forecast::backtest_points_table(points)};
  // The actual numbers are counts of children (the no-change forecasts too): disclosure control.
  const auto ba = forecast::backtest_arithmetic(tables[1], tables[0]);
  const PublishedArithmetic arithmetic =
      report::publish({{&tables[0], ba.summary}, {&tables[1], ba.points}}, ba.relations, config.suppression);
  bool ok = write_relations_json(arithmetic, tables, (dir / "relations.json").string(), &err);
  if (!config.suppression) report::mark_not_for_publication(tables);
  for (const auto& t : tables) ok = ok && write_csv(t, (dir / (t.id + ".csv")).string(), &err);
  ok = ok && write_json(tables, (dir / "backtest.json").string(), &err) &&
       write_xlsx(tables, (dir / "backtest.xlsx").string(), &err, "careflow backtest");
  if (!ok) r.stop(err);
  r.tables = tables.size();
  return r;
}

}  // namespace careflow::api
