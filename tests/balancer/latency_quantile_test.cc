// The recent-latency percentile adaptive hedging waits for: buckets 5% wide, two windows, a
// value reused for a hundredth of the window.
#include "balancer/latency_quantile.h"

#include <gtest/gtest.h>

#include <chrono>

namespace faultline::balancer {
namespace {

using namespace std::chrono_literals;

TimePoint at(Duration since_start) {
  return TimePoint{} + since_start;
}

TEST(LatencyQuantile, NothingBeforeTheMinimumSamples) {
  LatencyQuantile quantile;
  for (int i = 0; i < 19; ++i)
    quantile.record(10ms, at(1s));
  EXPECT_EQ(quantile.valueAt(95, at(1s)), Duration::zero());
  quantile.record(10ms, at(1s));
  EXPECT_GT(quantile.valueAt(95, at(1s)), Duration::zero());
}

TEST(LatencyQuantile, ThePercentileIsItsBucketsUpperBoundWithinFivePercent) {
  // 100 samples at 1, 2, ..., 100 ms: the p95 is 95 ms, reported as the upper bound of its bucket.
  LatencyQuantile quantile;
  for (int ms = 1; ms <= 100; ++ms)
    quantile.record(std::chrono::milliseconds(ms), at(1s));
  const Duration p95 = quantile.valueAt(95, at(1s));
  EXPECT_GE(p95, 95ms);
  EXPECT_LE(p95, 95ms * 1.05);
  const Duration p50 = quantile.valueAt(50, at(2s));
  EXPECT_GE(p50, 50ms);
  EXPECT_LE(p50, 50ms * 1.05);
}

TEST(LatencyQuantile, OldWindowsAgeOut) {
  LatencyQuantile quantile(10s);
  for (int i = 0; i < 100; ++i)
    quantile.record(100ms, at(1s));
  for (int i = 0; i < 100; ++i)
    quantile.record(10ms, at(11s));  // the first window is now the previous one: both count
  EXPECT_GE(quantile.valueAt(75, at(11s)), 100ms);
  EXPECT_LE(quantile.valueAt(40, at(12s)), 11ms);
  // Two windows on, only the 10 ms samples of the window before remain... then none.
  for (int i = 0; i < 20; ++i)
    quantile.record(10ms, at(21s));
  EXPECT_LE(quantile.valueAt(99, at(21s)), 11ms);
  EXPECT_EQ(quantile.valueAt(99, at(45s)), Duration::zero());
}

TEST(LatencyQuantile, AValueIsReusedForAHundredthOfTheWindow) {
  LatencyQuantile quantile(10s);
  for (int i = 0; i < 100; ++i)
    quantile.record(10ms, at(1s));
  const Duration before = quantile.valueAt(99, at(1s));
  for (int i = 0; i < 1000; ++i)
    quantile.record(200ms, at(1s + 50ms));
  EXPECT_EQ(quantile.valueAt(99, at(1s + 99ms)), before);  // within 100 ms: the value computed
  EXPECT_GE(quantile.valueAt(99, at(1s + 100ms)), 200ms);  // then computed again
  EXPECT_LE(quantile.valueAt(5, at(1s + 100ms)), 11ms);    // another percentile: its own value
}

}  // namespace
}  // namespace faultline::balancer
