// The charts of a run built from hand-made windows with known answers.
#include "reports/run_charts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace faultline::reports {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

// Two regions, windows of 2 s from 0 to `windows` x 2, plus a drain window after the traffic.
results::RunResult twoRegions(int windows) {
  results::RunResult result;
  result.mutable_run()->set_duration_s(2.0 * windows);
  result.mutable_summary()->mutable_slo()->set_availability_target(0.999);
  for (const char* name : {"east", "west"})
    result.mutable_topology()->add_regions()->set_name(name);
  auto& fault = *result.mutable_topology()->add_faults();
  fault.set_name("east dark");
  fault.set_start_s(2);
  fault.set_end_s(4);
  for (int w = 0; w <= windows; ++w) {
    auto& window = *result.add_windows();
    window.set_start_s(2.0 * w);
    window.set_end_s(w < windows ? 2.0 * (w + 1) : 2.0 * w + 0.1);
    for (int r = 0; r < 2; ++r) {
      auto& region = *window.add_regions();
      region.set_hosts(10);
      region.set_hosts_up(10);
    }
  }
  return result;
}

TimeChart chartAt(const results::RunResult& result, std::size_t index) {
  return std::get<TimeChart>(runCharts(result).at(index));
}

TEST(RunCharts, RequestsPerSecondByServingRegionStackWithRefusalsOnTop) {
  auto result = twoRegions(2);
  auto& first = *result.mutable_windows(0);
  first.set_requests(300);
  first.mutable_regions(0)->set_requests_to(200);
  first.mutable_regions(1)->set_requests_to(100);
  auto& second = *result.mutable_windows(1);
  second.set_requests(260);
  second.mutable_regions(1)->set_requests_to(200);  // 60 refused by the balancers
  const TimeChart chart = chartAt(result, 0);
  EXPECT_TRUE(chart.stacked);
  ASSERT_THAT(chart.series, SizeIs(3));
  EXPECT_EQ(chart.series[0].name, "east");
  EXPECT_THAT(chart.series[0].x, ElementsAre(1, 3));  // middles; the drain window left out
  EXPECT_THAT(chart.series[0].y, ElementsAre(100, 0));
  EXPECT_THAT(chart.series[1].y, ElementsAre(50, 100));
  EXPECT_THAT(chart.series[2].y, ElementsAre(0, 30));
  EXPECT_EQ(chart.series[2].color, 2);
  EXPECT_EQ(chart.x_end_s, 4);
  ASSERT_THAT(chart.faults, SizeIs(1));
  EXPECT_EQ(chart.faults[0].name, "east dark");
  EXPECT_EQ(chart.faults[0].start_s, 2);
  EXPECT_EQ(chart.faults[0].end_s, 4);
}

TEST(RunCharts, NothingRefusedNoRefusalSeries) {
  auto result = twoRegions(1);
  result.mutable_windows(0)->set_requests(10);
  result.mutable_windows(0)->mutable_regions(0)->set_requests_to(10);
  EXPECT_THAT(chartAt(result, 0).series, SizeIs(2));
}

TEST(RunCharts, SuccessRateHasAGapWhereNothingCompletedAndTheSloAsReference) {
  auto result = twoRegions(2);
  result.mutable_windows(0)->set_requests(200);
  result.mutable_windows(0)->set_ok(150);
  const TimeChart chart = chartAt(result, 1);
  ASSERT_THAT(chart.series, SizeIs(1));
  EXPECT_DOUBLE_EQ(chart.series[0].y[0], 75);
  EXPECT_TRUE(std::isnan(chart.series[0].y[1]));
  ASSERT_THAT(chart.references, SizeIs(1));
  EXPECT_DOUBLE_EQ(chart.references[0].y, 99.9);
}

TEST(RunCharts, LatencyGoesLogarithmicWhenItSpansMoreThanFiftyFold) {
  auto result = twoRegions(2);
  for (int w = 0; w < 2; ++w) {
    auto& latency = *result.mutable_windows(w)->mutable_latency_ms();
    latency.set_count(10);
    latency.set_p50(2);
    latency.set_p99(w == 0 ? 90 : 101);
  }
  auto chart = chartAt(result, 2);
  EXPECT_THAT(chart.series[0].y, ElementsAre(2, 2));
  EXPECT_THAT(chart.series[1].y, ElementsAre(90, 101));
  EXPECT_TRUE(chart.log_y);  // 101 / 2 > 50
  result.mutable_windows(1)->mutable_latency_ms()->set_p99(100);
  EXPECT_FALSE(chartAt(result, 2).log_y);  // exactly 50-fold stays linear
  result.mutable_summary()->mutable_slo()->set_latency_target_ms(250);
  result.mutable_summary()->mutable_slo()->set_latency_percentile(99.9);
  const TimeChart with_slo = chartAt(result, 2);
  ASSERT_THAT(with_slo.references, SizeIs(1));
  EXPECT_EQ(with_slo.references[0].label, "SLO p99.9");
}

TEST(RunCharts, HostsUpAreTheTruthAndHealthyIsTheMostPessimisticBalancer) {
  auto result = twoRegions(1);
  auto& window = *result.mutable_windows(0);
  window.mutable_regions(0)->set_hosts_up(0);
  for (int healthy_east : {7, 4}) {
    auto& view = *window.add_balancers();
    view.add_healthy_hosts(healthy_east);
    view.add_healthy_hosts(10);
  }
  const TimeChart chart = chartAt(result, 3);
  ASSERT_THAT(chart.series, SizeIs(4));
  EXPECT_EQ(chart.series[0].name, "east healthy");
  EXPECT_THAT(chart.series[0].y, ElementsAre(4));
  EXPECT_EQ(chart.series[1].name, "east up");
  EXPECT_TRUE(chart.series[1].dashed);
  EXPECT_THAT(chart.series[1].y, ElementsAre(0));
  EXPECT_EQ(chart.series[0].color, chart.series[1].color);
  EXPECT_THAT(chart.series[2].y, ElementsAre(10));
}

TEST(RunCharts, CostRateIsDollarsPerHourWithAndWithoutDowntime) {
  auto result = twoRegions(2);
  auto& cost = *result.mutable_windows(0)->mutable_cost();
  cost.set_total_usd(2.0);  // over 2 s: 3600 USD/h
  cost.set_downtime_usd(1.5);
  result.mutable_windows(1)->mutable_cost()->set_total_usd(0.001);
  const TimeChart chart = chartAt(result, 4);
  ASSERT_THAT(chart.series, SizeIs(2));
  EXPECT_DOUBLE_EQ(chart.series[0].y[0], 900);
  EXPECT_DOUBLE_EQ(chart.series[1].y[0], 3600);
  EXPECT_DOUBLE_EQ(chart.series[1].y[1], 1.8);
  EXPECT_TRUE(chart.log_y);
}

TEST(RunCharts, CumulativeCostAddsUpTheWindows) {
  auto result = twoRegions(2);
  for (int w = 0; w < 2; ++w) {
    auto& cost = *result.mutable_windows(w)->mutable_cost();
    cost.set_total_usd(3.0 + w);
    cost.set_downtime_usd(w == 1 ? 2.0 : 0.0);
  }
  const TimeChart chart = chartAt(result, 5);
  EXPECT_EQ(chart.title, "Cumulative cost");
  EXPECT_THAT(chart.series[0].y, ElementsAre(3, 5));  // 3, then 3 + (4 - 2)
  EXPECT_THAT(chart.series[1].y, ElementsAre(0, 2));
}

TEST(RunCharts, EveryChartHasDataWhenThereAreWindowsAndNoneWithout) {
  for (const auto& chart : runCharts(twoRegions(3)))
    EXPECT_TRUE(hasData(chart)) << chartTitle(chart);
  results::RunResult empty;
  for (const auto& chart : runCharts(empty))
    EXPECT_FALSE(hasData(chart)) << chartTitle(chart);
}

}  // namespace
}  // namespace faultline::reports
