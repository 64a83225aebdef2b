// Comparisons run end to end on a built-in scenario: the same figures whatever the number of
// threads, common random numbers at work, and the ways a comparison fails.
#include "reports/comparison_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "reports/results_io.h"
#include "reports/statistics.h"
#include "tests/support/builtin_runs.h"

namespace faultline::reports {
namespace {

using namespace std::chrono_literals;

scenario::Scenario bench() {
  return faultline::testing::builtInScenario("bench-3region");
}

ComparisonPlan plan(unsigned jobs, int seeds, balancer::Duration duration) {
  ComparisonPlan out;
  out.strategies = {"round-robin", "least-request"};
  for (int i = 0; i < seeds; ++i)
    out.seeds.push_back(static_cast<std::uint64_t>(100 + i));
  out.duration = duration;
  out.jobs = jobs;
  return out;
}

results::ComparisonResult comparisonWith(unsigned jobs) {
  auto input = runComparison(bench(), plan(jobs, 2, 6s), nullptr, {});
  EXPECT_TRUE(input.hasValue());
  return compare(std::move(*input));
}

// Counts what the first run tells it.
struct FirstRunWatcher final : metrics::Observer {
  void onRunStarted(const metrics::RunLayout& layout) override {
    ++started;
    strategy = layout.strategy;
    seed = layout.seed;
  }
  void onWindowClosed(const metrics::WindowStats&) override { ++windows; }
  void onRunFinished(const metrics::RunSummary&) override { ++finished; }
  int started = 0;
  int windows = 0;
  int finished = 0;
  std::string strategy;
  std::uint64_t seed = 0;
};

TEST(ComparisonRunner, TheFirstRunCanBeWatchedAsItGoes) {
  FirstRunWatcher watcher;
  ComparisonPlan watched = plan(2, 2, 6s);
  watched.watch_first = &watcher;
  auto input = runComparison(bench(), watched, nullptr, {});
  ASSERT_TRUE(input.hasValue());
  EXPECT_EQ(watcher.started, 1);  // one run of the four
  EXPECT_EQ(watcher.finished, 1);
  EXPECT_EQ(watcher.strategy, "round-robin");
  EXPECT_EQ(watcher.seed, 100u);
  const auto comparison = compare(std::move(*input));
  EXPECT_EQ(watcher.windows, comparison.example_runs(0).windows_size());
}

TEST(ComparisonRunner, EachStrategysExampleRunIsHandedOverAsItFinishes) {
  ComparisonPlan told = plan(2, 3, 6s);
  std::mutex mutex;  // two threads may finish at once
  std::vector<std::pair<std::size_t, std::string>> handed;
  told.on_example_run = [&](std::size_t strategy, const results::RunResult& run) {
    const std::lock_guard lock(mutex);
    handed.emplace_back(strategy, toJson(run));
  };
  auto input = runComparison(bench(), told, nullptr, {});
  ASSERT_TRUE(input.hasValue());
  const auto comparison = compare(std::move(*input));
  ASSERT_EQ(handed.size(), 2u);  // once per strategy, never for the other seeds
  std::sort(handed.begin(), handed.end());
  for (std::size_t s = 0; s < 2; ++s) {
    EXPECT_EQ(handed[s].first, s);
    EXPECT_EQ(handed[s].second, toJson(comparison.example_runs(static_cast<int>(s))));
  }
}

TEST(ComparisonRunner, TheFiguresDoNotDependOnTheNumberOfThreads) {
  const std::string one = toJson(comparisonWith(1));
  EXPECT_EQ(toJson(comparisonWith(3)), one);
  EXPECT_NE(one.find("\"exampleRuns\""), std::string::npos);
}

TEST(ComparisonRunner, KeepsOneFullRunPerStrategyWithTheFirstSeed) {
  const auto comparison = comparisonWith(2);
  ASSERT_EQ(comparison.example_runs_size(), 2);
  EXPECT_EQ(comparison.example_runs(1).run().strategy(), "least-request");
  EXPECT_EQ(comparison.example_runs(1).run().seed(), 100u);
  EXPECT_GE(comparison.example_runs(1).windows_size(), 6);  // and the drain's
  EXPECT_EQ(comparison.strategies(1).metrics(0).value().n(), 2);
}

// For each seed both strategies see the same arrivals and service demands, so their p50s move
// together from seed to seed: the paired interval of the difference is narrower than the
// unpaired (Welch) one computed from the very same runs.
TEST(ComparisonRunner, CommonRandomNumbersMakePairedIntervalsNarrower) {
  auto input = runComparison(bench(), plan(2, 6, 5s), nullptr, {});
  ASSERT_TRUE(input.hasValue());
  for (Metric metric : {Metric::kP50Ms, Metric::kP99Ms}) {
    std::vector<double> a;
    std::vector<double> b;
    for (const RunMetrics& run : input->runs[1])
      a.push_back(run[metric]);
    for (const RunMetrics& run : input->runs[0])
      b.push_back(run[metric]);
    const MeanInterval paired = pairedDifference(a, b, 0.95);
    const MeanInterval unpaired = welchDifference(a, b, 0.95);
    EXPECT_LT(paired.high - paired.low, unpaired.high - unpaired.low) << definitionOf(metric).name;
  }
}

TEST(ComparisonRunner, AnUnknownStrategyFailsBeforeAnyRun) {
  ComparisonPlan bad = plan(2, 2, 5s);
  bad.strategies.push_back("fastest");
  auto input = runComparison(bench(), bad, nullptr, {});
  ASSERT_FALSE(input.hasValue());
  EXPECT_EQ(input.error().kind, ComparisonError::Kind::kBadInput);
  EXPECT_EQ(input.error().path, "--strategy");
  EXPECT_NE(input.error().message.find("fastest"), std::string::npos);
}

TEST(ComparisonRunner, AStopRequestStopsEveryRun) {
  const std::atomic<bool> stop{true};
  std::size_t reported_runs = 0;
  auto input = runComparison(bench(), plan(2, 3, 5s), &stop,
                             [&](std::size_t, std::size_t runs, double) { reported_runs = runs; });
  ASSERT_FALSE(input.hasValue());
  EXPECT_EQ(input.error().kind, ComparisonError::Kind::kStopped);
  EXPECT_EQ(reported_runs, 6u);
}

}  // namespace
}  // namespace faultline::reports
