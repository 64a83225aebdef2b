#include "balancer/peak_ewma.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "tests/balancer/fake_runtime.h"
#include "tests/balancer/pick_fixture.h"

namespace faultline::balancer {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeRuntime;

constexpr double kMs = 1e6;  // nanoseconds

PeakEwmaOptions options(milliseconds default_rtt = milliseconds(30)) {
  return PeakEwmaOptions{.decay = seconds(10), .default_rtt = default_rtt};
}

// The exact weight the old estimate keeps after `elapsed`, with the default 10 s decay.
double kept(Duration elapsed) {
  return std::exp(-static_cast<double>(elapsed.count()) / 1e10);
}

TEST(PeakEwma, AnUnmeasuredHostCostsTheDefaultRttTimesPendingPlusOne) {
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(), 3);
  EXPECT_DOUBLE_EQ(strategy.storedRttNanos(2), 30 * kMs);
  EXPECT_DOUBLE_EQ(strategy.cost(2, 0), 30 * kMs);
  EXPECT_DOUBLE_EQ(strategy.cost(2, 3), 4 * 30 * kMs);
}

TEST(PeakEwma, TheDefaultRttDecaysFromConstructionLikeAnyEstimate) {
  FakeRuntime runtime;
  runtime.advance(seconds(5));
  PeakEwma strategy(runtime, options(), 1);
  runtime.advance(seconds(1));  // tower's default_decay: an idle new host gets cheaper
  EXPECT_NEAR(strategy.cost(0, 0), 30 * kMs * kept(seconds(1)), 1e-6);
}

TEST(PeakEwma, ASampleAboveTheEstimateReplacesIt) {
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(), 2);
  runtime.advance(milliseconds(1));
  strategy.onResult(0, Outcome::kSuccess, milliseconds(250));
  EXPECT_DOUBLE_EQ(strategy.storedRttNanos(0), 250 * kMs);  // no blending with the 30 ms prior
  EXPECT_DOUBLE_EQ(strategy.storedRttNanos(1), 30 * kMs);
}

TEST(PeakEwma, ASampleBelowPullsTheEstimateDownWithTheWeightOfElapsedTime) {
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(), 1);
  strategy.onResult(0, Outcome::kSuccess, milliseconds(50));  // peak at t = 0
  runtime.advance(seconds(2));
  strategy.onResult(0, Outcome::kSuccess, milliseconds(10));
  const double alpha = 1 - std::exp(-0.2);  // 1 - exp(-elapsed / decay)
  EXPECT_NEAR(strategy.storedRttNanos(0), 50 * kMs * (1 - alpha) + 10 * kMs * alpha, 1e-6);

  // Samples at the same instant carry no weight: elapsed is zero.
  strategy.onResult(0, Outcome::kSuccess, milliseconds(1));
  EXPECT_NEAR(strategy.storedRttNanos(0), 50 * kMs * (1 - alpha) + 10 * kMs * alpha, 1e-6);
}

TEST(PeakEwma, ReadingACostDecaysTheEstimateAndRestartsItsClock) {
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(), 2);
  strategy.onResult(0, Outcome::kSuccess, milliseconds(100));
  strategy.onResult(1, Outcome::kSuccess, milliseconds(100));
  runtime.advance(seconds(5));
  EXPECT_NEAR(strategy.cost(0, 0), 100 * kMs * kept(seconds(5)), 1e-6);
  EXPECT_DOUBLE_EQ(strategy.storedRttNanos(0), 100 * kMs);  // cost() itself stores nothing

  auto fixture = testing::equalHosts(2);
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 2), FakeRuntime::bitsForIndex(0, 1)});
  strategy.pick(fixture.context());  // reads both hosts at t = 5 s
  const double read = 100 * kMs * kept(seconds(5));
  EXPECT_NEAR(strategy.storedRttNanos(0), read, 1e-6);
  EXPECT_NEAR(strategy.storedRttNanos(1), read, 1e-6);

  // The next sample is weighted by the 1 s since the read, not the 6 s since the last sample.
  runtime.advance(seconds(1));
  strategy.onResult(0, Outcome::kSuccess, milliseconds(10));
  EXPECT_NEAR(strategy.storedRttNanos(0),
              read * kept(seconds(1)) + 10 * kMs * (1 - kept(seconds(1))), 1e-6);
}

TEST(PeakEwma, TimeoutsAndErrorsFeedTheirLatencyLikeAnswers) {
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(), 2);
  strategy.onResult(0, Outcome::kTimeout, seconds(1));  // latency = the timeout
  EXPECT_DOUBLE_EQ(strategy.storedRttNanos(0), 1000 * kMs);
  runtime.advance(seconds(10));
  strategy.onResult(1, Outcome::kConnectFailure, milliseconds(1));  // a fast failure pulls down
  EXPECT_NEAR(strategy.storedRttNanos(1),
              30 * kMs * kept(seconds(10)) + kMs * (1 - kept(seconds(10))), 1e-6);
}

TEST(PeakEwma, PendingRequestsMultiplyTheCost) {
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(milliseconds(1)), 2);
  strategy.onResult(0, Outcome::kSuccess, milliseconds(10));
  strategy.onResult(1, Outcome::kSuccess, milliseconds(30));
  auto fixture = testing::equalHosts(2);
  fixture.load[0].active_requests = 3;  // 10 ms x 4 = 40 > 30 ms x 1
  for (const std::uint32_t first : {0u, 1u}) {
    runtime.scriptRandom({FakeRuntime::bitsForIndex(first, 2), FakeRuntime::bitsForIndex(0, 1)});
    EXPECT_EQ(strategy.pick(fixture.context()), 1u) << "first sample " << first;
  }
  fixture.load[0].active_requests = 1;  // 10 ms x 2 = 20 < 30
  for (const std::uint32_t first : {0u, 1u}) {
    runtime.scriptRandom({FakeRuntime::bitsForIndex(first, 2), FakeRuntime::bitsForIndex(0, 1)});
    EXPECT_EQ(strategy.pick(fixture.context()), 0u) << "first sample " << first;
  }
}

TEST(PeakEwma, SamplesTwoDistinctHostsTheSecondSteppingOverTheFirst) {
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(milliseconds(1)), 8);
  auto fixture = testing::equalHosts(8);
  fixture.candidates = {3, 4, 5, 6};
  // The first sample is always the dearer one here, so the pick names the second sample.
  strategy.onResult(3, Outcome::kSuccess, milliseconds(90));
  strategy.onResult(4, Outcome::kSuccess, milliseconds(50));
  strategy.onResult(5, Outcome::kSuccess, milliseconds(95));
  strategy.onResult(6, Outcome::kSuccess, milliseconds(60));

  // First at position 0, second drawn as 0 of 3: at or above the first, so it steps to 1.
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 4), FakeRuntime::bitsForIndex(0, 3)});
  EXPECT_EQ(strategy.pick(fixture.context()), 4u);
  // First at 2, second drawn as 1 of 3: below the first, kept.
  runtime.scriptRandom({FakeRuntime::bitsForIndex(2, 4), FakeRuntime::bitsForIndex(1, 3)});
  EXPECT_EQ(strategy.pick(fixture.context()), 4u);
  // First at 2, second drawn at the very top of 3: steps to 3, the last position, never beyond.
  runtime.scriptRandom({FakeRuntime::bitsForIndex(2, 4), ~std::uint64_t{0}});
  EXPECT_EQ(strategy.pick(fixture.context()), 6u);
}

TEST(PeakEwma, ATieGoesToTheFirstSample) {
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(), 4);
  const auto fixture = testing::equalHosts(4);  // every host at the default rtt
  runtime.scriptRandom({FakeRuntime::bitsForIndex(2, 4), FakeRuntime::bitsForIndex(0, 3)});
  EXPECT_EQ(strategy.pick(fixture.context()), 2u);
  runtime.scriptRandom({FakeRuntime::bitsForIndex(0, 4), FakeRuntime::bitsForIndex(1, 3)});
  EXPECT_EQ(strategy.pick(fixture.context()), 0u);
}

TEST(PeakEwma, ASingleCandidateDrawsNoRandomNumber) {
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(), 3);
  auto fixture = testing::equalHosts(3);
  fixture.candidates = {2};
  runtime.scriptRandom({42});
  EXPECT_EQ(strategy.pick(fixture.context()), 2u);
  EXPECT_EQ(runtime.random(), 42u);
}

TEST(PeakEwma, AfterASpikeTheEstimateRecoversWithTheDecayTimeConstant) {
  FakeRuntime runtime;
  PeakEwma strategy(runtime, options(milliseconds(1)), 1);
  strategy.onResult(0, Outcome::kSuccess, milliseconds(200));  // a spike at t = 0
  // Then one 10 ms answer a second: each keeps exp(-1 s / 10 s) of the estimate, so after t
  // seconds it is 10 + 190 exp(-t / 10) ms, still 80 ms after 10 s.
  for (int second = 1; second <= 10; ++second) {
    runtime.advance(seconds(1));
    strategy.onResult(0, Outcome::kSuccess, milliseconds(10));
    EXPECT_NEAR(strategy.storedRttNanos(0), kMs * (10 + 190 * kept(seconds(second))), 1e-3)
        << "after " << second << " s";
  }
}

}  // namespace
}  // namespace faultline::balancer
