// Bar charts with intervals and overlays of a hand-built comparison.
#include "reports/comparison_charts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace faultline::reports {
namespace {

using ::testing::SizeIs;

results::ComparisonResult twoStrategies() {
  results::ComparisonResult comparison;
  for (const char* metric : {"availability", "p99_ms"}) {
    auto& info = *comparison.add_metric_info();
    info.set_name(metric);
    info.set_unit(std::string(metric) == "p99_ms" ? "ms" : "");
    info.set_higher_is_better(std::string(metric) == "availability");
  }
  const double availability[] = {0.99, 0.97};
  const char* names[] = {"maglev", "round-robin"};
  for (int s = 0; s < 2; ++s) {
    auto& strategy = *comparison.add_strategies();
    strategy.set_strategy(names[s]);
    auto& a = *strategy.add_metrics()->mutable_value();
    a.set_mean(availability[s]);
    a.set_low(availability[s] - 0.005);
    a.set_high(availability[s] + 0.005);
    auto& p99 = *strategy.add_metrics()->mutable_value();
    p99.set_mean(40 + s);
    p99.set_low(39 + s);
    p99.set_high(41 + s);
    auto& run = *comparison.add_example_runs();
    run.mutable_run()->set_strategy(names[1 - s]);  // not in the strategies' order
    run.mutable_run()->set_duration_s(2);
    run.mutable_topology()->add_faults()->set_name("cut");
    auto& window = *run.add_windows();
    window.set_end_s(2);
    window.set_requests(10);
    window.set_ok(10 - s);
    window.set_failed(s);
  }
  return comparison;
}

TEST(ComparisonCharts, OneBarChartPerMetricWithIntervalsAsPercentagesForAvailability) {
  const auto charts = comparisonBarCharts(twoStrategies());
  ASSERT_THAT(charts, SizeIs(2));
  const auto& availability = std::get<BarChart>(charts[0]);
  EXPECT_EQ(availability.title, "availability (higher is better)");
  EXPECT_EQ(availability.y_label, "availability, %");
  ASSERT_THAT(availability.bars, SizeIs(2));
  EXPECT_EQ(availability.bars[1].label, "round-robin");
  EXPECT_DOUBLE_EQ(availability.bars[1].value, 97);
  EXPECT_DOUBLE_EQ(availability.bars[1].low, 96.5);
  EXPECT_DOUBLE_EQ(availability.bars[1].high, 97.5);
  EXPECT_EQ(availability.bars[1].color, 1);
  const auto& p99 = std::get<BarChart>(charts[1]);
  EXPECT_EQ(p99.y_label, "p99_ms, ms");
  EXPECT_DOUBLE_EQ(p99.bars[0].high, 41);
}

TEST(ComparisonCharts, OverlaysColourEachExampleRunAsItsStrategy) {
  const auto charts = comparisonOverlays(twoStrategies());
  ASSERT_THAT(charts, SizeIs(3));
  const auto& success = std::get<TimeChart>(charts[0]);
  ASSERT_THAT(success.series, SizeIs(2));
  EXPECT_EQ(success.series[0].name, "round-robin");
  EXPECT_EQ(success.series[0].color, 1);
  EXPECT_DOUBLE_EQ(success.series[0].y[0], 100);
  EXPECT_EQ(success.series[1].name, "maglev");
  EXPECT_DOUBLE_EQ(success.series[1].y[0], 90);
  ASSERT_THAT(success.faults, SizeIs(1));
  const auto& failed = std::get<TimeChart>(charts[1]);
  EXPECT_DOUBLE_EQ(failed.series[1].y[0], 0.5);  // 1 failure over 2 s
  EXPECT_TRUE(comparisonOverlays(results::ComparisonResult()).empty());
}

}  // namespace
}  // namespace faultline::reports
