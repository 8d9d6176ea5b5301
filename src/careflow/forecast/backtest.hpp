// The built-in backtest: for each 31 March origin in the history with enough data before it,
// fit both models on what was known then, forecast 1-3 years, and compare with what happened:
// absolute percentage error and bias of the total and of each placement category, and whether
// the 80% and 95% intervals covered the outcome; a naive "no change" forecast is the yardstick.
// Legal status groups are scored too (microsimulation and naive), the count of children in each
// group at the target 31 March from the status of their latest episode.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/history.hpp"
#include "careflow/core/output_table.hpp"
#include "careflow/core/table_arithmetic.hpp"
#include "careflow/forecast/forecast.hpp"

namespace careflow::forecast {

struct BacktestSettings {
  int runs = 200;
  uint64_t seed = 1;
  int max_horizon_years = 3;
  int min_history_years = 3;  // data needed before an origin
  int reference_days = 365;
  bool trend = true;
  double trend_prior_sd = 0.05;
  double trend_change_sd = 0.065;  // MicrosimSettings::trend_change_sd
  bool reentry = true;  // MicrosimSettings::reentry
  bool exits_by_legal_status = true;  // MicrosimSettings::exits_by_legal_status
  // 0: every origin; n > 0: only the latest n (the report keeps its backtest within a time
  // budget at national scale this way).
  int max_origins = 0;
};

// Measures by legal status are named with this prefix and the group's name (ls_section20, ...).
inline constexpr std::string_view kLegalMeasurePrefix = "ls_";

struct BacktestPoint {
  // microsim, stock_flow, naive; or presented: the forecast careflow presents, a copy of the
  // point of the model chosen for the measure by the evidence known at the origin (chosen).
  std::string model;
  // total; a category (fostering, residential, supported, other); or a legal status group,
  // kLegalMeasurePrefix + legal_group_name (microsim and naive only)
  std::string measure;
  Date origin;
  int horizon = 0;      // years
  double actual = 0, forecast = 0;
  double lo80 = 0, hi80 = 0, lo95 = 0, hi95 = 0;
  bool has_interval = false;
  std::string chosen = {};  // presented points: the model copied
  Date target() const { return CollectionYear{origin.ymd().year + horizon}.end(); }
};

struct BacktestSummary {
  std::string model, measure;
  int horizon = 0;  // 0 = all horizons
  size_t n = 0;
  double mape = 0, bias = 0;           // percent
  double cover80 = -1, cover95 = -1;   // percent; -1 when the model has no interval
};

// The 31 March origins the backtest uses: at least `min_history_years` x 365 days of data before
// and a year after (all of them, whatever max_origins says), oldest first.
std::vector<Date> backtest_origins(const History& h, const BacktestSettings& s);
// Origins are forecast in parallel (each has its own seed, so the points do not depend on the
// number of threads) and returned oldest first, then the presented points (below).
std::vector<BacktestPoint> backtest(const History& h, const BacktestSettings& s);

// The forecast careflow presents: kPresentedMicrosimWeight (forecast.hpp) and presented_point.
// The presented point from the microsimulation's and no change's for the same measure, origin and
// horizon: the weighted average, and the microsimulation's intervals moved by as much as its mean.
BacktestPoint presented_point(const BacktestPoint& microsim, const BacktestPoint& naive);

// The presented forecast of a measure and its evidence known by `known_by`: `model` is
// "combined" (presented_point) where the measure has both the microsimulation's and no change's
// forecasts, else "microsim". `evidence` counts its forecasts with an outcome known by then, and
// `mape` is their mean absolute percentage error; `next_model` is the most accurate of the
// models on their own (microsim, stock_flow, naive; the earlier on a tie), with `next_mape`.
// `points` are the models' own (presented points are ignored).
struct PresentedChoice {
  std::string model;      // combined or microsim
  size_t evidence = 0;    // forecasts of the measure with a known outcome
  double mape = 0;        // the presented forecast's on them (percent)
  double next_mape = 0;   // the best single model's (percent; 0 without evidence)
  std::string next_model = {};
};
PresentedChoice choose_presented(const std::vector<BacktestPoint>& points, const std::string& measure, Date known_by);

// The presented forecast's own backtest: for each origin, measure and horizon, presented_point()
// of the microsimulation's and no change's points, named "presented" with `chosen` "combined"
// (a copy of the microsimulation's, `chosen` "microsim", where no change has none).
std::vector<BacktestPoint> presented_points(const std::vector<BacktestPoint>& points);
std::vector<BacktestSummary> summarise(const std::vector<BacktestPoint>& points);
OutputTable backtest_points_table(const std::vector<BacktestPoint>& points);
OutputTable backtest_summary_table(const std::vector<BacktestSummary>& summary, const std::string& notes);

// The backtest tables' arithmetic for disclosure control (core/table_arithmetic.hpp): the actual
// numbers are counts of children, and so is each no-change forecast (the number at its origin);
// the same number appears for each model, the categories and legal status groups add up to the
// total, and each summary's MAPE, bias and coverage rest on the actual numbers of its group.
struct BacktestArithmetic {
  DisclosureSpec points, summary;
  std::vector<Relation> relations;
};
BacktestArithmetic backtest_arithmetic(const OutputTable& points, const OutputTable& summary);

}  // namespace careflow::forecast
