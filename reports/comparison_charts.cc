#include "reports/comparison_charts.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "reports/run_charts.h"

namespace faultline::reports {
namespace {

// How a bar chart names a metric's axis.
std::string axisLabel(const results::MetricInfo& info) {
  if (info.name() == "availability") return "availability, %";
  if (info.unit().empty()) return info.name();
  return info.name() + ", " + info.unit();
}

// Availability is stored as a share and read as a percentage.
double scale(const results::MetricInfo& info) {
  return info.name() == "availability" ? 100 : 1;
}

int strategyIndex(const results::ComparisonResult& comparison, const std::string& name) {
  for (int s = 0; s < comparison.strategies_size(); ++s) {
    if (comparison.strategies(s).strategy() == name) return s;
  }
  return -1;
}

TimeChart overlay(const results::ComparisonResult& comparison, std::string title,
                  std::string y_label,
                  const std::function<ChartSeries(const results::RunResult&, ColorIndex)>& series) {
  TimeChart chart;
  chart.title = std::move(title);
  chart.y_label = std::move(y_label);
  const auto& first = comparison.example_runs(0);
  chart.faults = faultBands(first);
  for (const auto& run : comparison.example_runs()) {
    const int index = strategyIndex(comparison, run.run().strategy());
    ChartSeries one = series(run, std::max(index, 0));
    one.name = run.run().strategy();
    chart.series.push_back(std::move(one));
    chart.x_end_s = std::max(chart.x_end_s, timeEnd(run));
  }
  return chart;
}

}  // namespace

std::vector<Chart> comparisonBarCharts(const results::ComparisonResult& comparison) {
  std::vector<Chart> charts;
  for (int m = 0; m < comparison.metric_info_size(); ++m) {
    const auto& info = comparison.metric_info(m);
    BarChart chart;
    chart.title = info.name() + (info.higher_is_better() ? " (higher is better)" : "");
    chart.y_label = axisLabel(info);
    const double k = scale(info);
    for (int s = 0; s < comparison.strategies_size(); ++s) {
      const auto& strategy = comparison.strategies(s);
      if (m >= strategy.metrics_size()) continue;
      const auto& value = strategy.metrics(m).value();
      chart.bars.push_back(
          {strategy.strategy(), value.mean() * k, value.low() * k, value.high() * k, s});
    }
    charts.push_back(std::move(chart));
  }
  return charts;
}

std::vector<Chart> comparisonOverlays(const results::ComparisonResult& comparison) {
  if (comparison.example_runs().empty()) return {};
  std::vector<Chart> charts;
  TimeChart success =
      overlay(comparison, "Success rate", "% of completed requests",
              [](const auto& run, ColorIndex c) { return successRateSeries(run, c); });
  const double target = comparison.example_runs(0).summary().slo().availability_target();
  if (target > 0) success.references.push_back({"SLO", target * 100});
  charts.push_back(std::move(success));
  charts.push_back(
      overlay(comparison, "Failed requests", "requests/s",
              [](const auto& run, ColorIndex c) { return failureRateSeries(run, c); }));
  TimeChart p99 = overlay(comparison, "Latency p99", "ms", [](const auto& run, ColorIndex c) {
    return latencySeries(run, &results::LatencyStats::p99, c);
  });
  useLogScaleWhenWide(p99);
  charts.push_back(std::move(p99));
  return charts;
}

}  // namespace faultline::reports
