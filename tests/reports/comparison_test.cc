// reports::compare on hand-built run figures: intervals, paired differences, significance and the
// ranking with its ties.
#include "reports/comparison.h"

#include <gtest/gtest.h>

namespace faultline::reports {
namespace {

RunMetrics run(double availability, double lost, double p99) {
  RunMetrics metrics;
  metrics.values[static_cast<std::size_t>(Metric::kAvailability)] = availability;
  metrics.values[static_cast<std::size_t>(Metric::kRequestsLost)] = lost;
  metrics.values[static_cast<std::size_t>(Metric::kP99Ms)] = p99;
  return metrics;
}

ComparisonInput threeStrategies() {
  ComparisonInput input;
  input.scenario = std::string("s");  // a bare literal here trips g++ 12's false -Wrestrict
  input.seeds = {1, 2, 3};
  input.strategies = {"base", "better", "same"};
  // Per seed the workload differs (lost 100, 200, 300 for the baseline); "better" loses 10 fewer
  // every time; "same" loses +1, -1, 0 against the baseline.
  input.runs = {
      {run(0.990, 100, 50), run(0.980, 200, 60), run(0.970, 300, 70)},
      {run(0.991, 90, 50), run(0.981, 190, 60), run(0.971, 290, 70)},
      {run(0.990, 101, 50), run(0.980, 199, 60), run(0.970, 300, 70)},
  };
  return input;
}

const results::MetricComparison& metric(const results::ComparisonResult& comparison, int strategy,
                                        Metric which) {
  return comparison.strategies(strategy).metrics(static_cast<int>(which));
}

TEST(Comparison, PairedDifferencesSeeThroughTheSpreadBetweenSeeds) {
  const auto comparison = compare(threeStrategies());
  ASSERT_EQ(comparison.strategies_size(), 3);
  const auto& base_lost = metric(comparison, 0, Metric::kRequestsLost);
  EXPECT_DOUBLE_EQ(base_lost.value().mean(), 200);
  EXPECT_FALSE(base_lost.has_difference());
  // The seeds spread the baseline over 100-300, yet "better" is 10 fewer every time: the paired
  // interval is exactly -10 and significant.
  const auto& better_lost = metric(comparison, 1, Metric::kRequestsLost);
  EXPECT_DOUBLE_EQ(better_lost.difference().mean(), -10);
  EXPECT_DOUBLE_EQ(better_lost.difference().low(), -10);
  EXPECT_TRUE(better_lost.significant());
  const auto& same_lost = metric(comparison, 2, Metric::kRequestsLost);
  EXPECT_DOUBLE_EQ(same_lost.difference().mean(), 0);
  EXPECT_FALSE(same_lost.significant());
  EXPECT_EQ(same_lost.samples_size(), 3);
  EXPECT_DOUBLE_EQ(same_lost.samples(1), 199);
}

TEST(Comparison, TheRankingPutsTheBestFirstAndMarksWhatTheSeedsCannotSeparate) {
  const auto comparison = compare(threeStrategies());
  ASSERT_EQ(comparison.ranking_size(), 3);
  EXPECT_EQ(comparison.ranking(0).strategy(), "better");
  EXPECT_FALSE(comparison.ranking(0).tied_with_previous());
  // "same" and "base" have equal mean availability; "same" loses 0 on average too, so the order
  // between them falls to p99 (equal) and then the order given, and they are tied.
  EXPECT_EQ(comparison.ranking(1).strategy(), "base");
  EXPECT_EQ(comparison.ranking(2).strategy(), "same");
  EXPECT_TRUE(comparison.ranking(2).tied_with_previous());
  EXPECT_EQ(comparison.ranking(2).rank(), 3);
}

TEST(Comparison, OneSeedEstablishesNothing) {
  ComparisonInput input;
  input.seeds = {1};
  input.strategies = {"base", "worse"};
  input.runs = {{run(0.999, 10, 50)}, {run(0.9, 1000, 90)}};
  const auto comparison = compare(std::move(input));
  EXPECT_FALSE(comparison.strategies(1).metrics(0).significant());
  EXPECT_FALSE(comparison.strategies(1).metrics(1).significant());
  EXPECT_EQ(comparison.ranking(1).strategy(), "worse");
  EXPECT_TRUE(comparison.ranking(1).tied_with_previous());
}

TEST(Comparison, UnrecoveredFaultsCountToTheEndOfTheirHorizon) {
  results::RunResult result;
  result.mutable_run()->set_duration_s(300);
  auto* recovered = result.mutable_summary()->add_faults();
  recovered->set_start_s(50);
  recovered->set_recovered(true);
  recovered->set_time_to_recover_s(12);
  auto* stuck = result.mutable_summary()->add_faults();
  stuck->set_start_s(100);
  RunMetrics metrics = metricsOf(result);  // no horizon (an older file): to the end of traffic
  EXPECT_EQ(metrics.unrecovered_faults, 1);
  EXPECT_DOUBLE_EQ(metrics[Metric::kTimeToRecoverS], 200);
  stuck->set_horizon_end_s(250);  // the next fault began at 250 s
  metrics = metricsOf(result);
  EXPECT_DOUBLE_EQ(metrics[Metric::kTimeToRecoverS], 150);
}

TEST(Comparison, MetricsAreDescribedInOrder) {
  const auto comparison = compare(threeStrategies());
  ASSERT_EQ(comparison.metric_info_size(), static_cast<int>(kMetricCount));
  EXPECT_EQ(comparison.metric_info(0).name(), "availability");
  EXPECT_TRUE(comparison.metric_info(0).higher_is_better());
  EXPECT_EQ(comparison.metric_info(1).name(), "requests_lost");
  EXPECT_FALSE(comparison.metric_info(1).higher_is_better());
  EXPECT_EQ(comparison.strategies(0).metrics(4).metric(), "time_to_recover_s");
}

}  // namespace
}  // namespace faultline::reports
