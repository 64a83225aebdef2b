#include "balancer/adaptive_concurrency.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/balancer/fake_runtime.h"

namespace faultline::balancer {
namespace {

using namespace std::chrono_literals;
using testing::FakeRuntime;

class AdaptiveConcurrencyTest : public ::testing::Test {
 protected:
  static AdaptiveConcurrencyConfig smallConfig() {
    AdaptiveConcurrencyConfig config;
    config.min_rtt_request_count = 5;
    return config;
  }

  // `count` requests, as many at once as the limit allows, each answered `latency` after it was
  // admitted.
  void serve(AdaptiveConcurrency& controller, int count, Duration latency) {
    while (count > 0) {
      int batch = 0;
      while (batch < count && controller.outstanding() < controller.concurrencyLimit()) {
        ASSERT_TRUE(controller.tryAcquire());
        ++batch;
      }
      ASSERT_GT(batch, 0);
      runtime_.advance(latency);
      for (int i = 0; i < batch; ++i)
        controller.onResult(latency);
      count -= batch;
    }
  }

  // Completes the first minRTT measurement at 10 ms (at t = 20 ms, with no jitter drawn).
  void measureMinRtt(AdaptiveConcurrency& controller) {
    runtime_.scriptRandom({0});
    serve(controller, 5, 10ms);
    ASSERT_FALSE(controller.measuringMinRtt());
    ASSERT_EQ(controller.minRtt(), 10ms);
  }

  // Lets the current sampleRTT window close: its timer is armed every 100 ms from `since`.
  void closeWindow(TimePoint since) { runtime_.advance(since + 100ms * windows_ - runtime_.now()); }

  FakeRuntime runtime_;
  int windows_ = 1;
};

TEST_F(AdaptiveConcurrencyTest, DefaultsAreEnvoys) {
  const AdaptiveConcurrencyConfig config;
  EXPECT_EQ(config.sample_aggregate_percentile, 0.50);
  EXPECT_EQ(config.concurrency_update_interval, 100ms);
  EXPECT_EQ(config.max_concurrency_limit, 1000u);
  EXPECT_EQ(config.min_rtt_calc_interval, 60s);
  EXPECT_EQ(config.min_rtt_jitter, 0.15);
  EXPECT_EQ(config.min_rtt_request_count, 50u);
  EXPECT_EQ(config.min_concurrency, 3u);
  EXPECT_EQ(config.min_rtt_buffer, 0.25);
}

TEST_F(AdaptiveConcurrencyTest, StartsByMeasuringMinRttAtMinConcurrency) {
  AdaptiveConcurrency controller(runtime_, smallConfig());
  EXPECT_TRUE(controller.measuringMinRtt());
  EXPECT_EQ(controller.concurrencyLimit(), 3u);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(controller.tryAcquire());
  EXPECT_FALSE(controller.tryAcquire());
  EXPECT_EQ(controller.blocked(), 1u);
  controller.onResult(0ms);
  EXPECT_TRUE(controller.tryAcquire());
  EXPECT_EQ(controller.outstanding(), 3u);
}

TEST_F(AdaptiveConcurrencyTest, MinRttIsThePercentileOfRequestCountSamples) {
  AdaptiveConcurrencyConfig config = smallConfig();
  config.min_rtt_request_count = 4;
  AdaptiveConcurrency controller(runtime_, config);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(controller.tryAcquire());
  runtime_.scriptRandom({0});
  for (int i = 1; i <= 3; ++i) {
    runtime_.advance(10ms);
    controller.onResult(10ms * i);
  }
  EXPECT_TRUE(controller.measuringMinRtt());
  ASSERT_TRUE(controller.tryAcquire());
  runtime_.advance(40ms);
  controller.onResult(40ms);
  EXPECT_FALSE(controller.measuringMinRtt());
  EXPECT_EQ(controller.minRtt(), 25ms);          // p50 of 10, 20, 30, 40 ms, interpolated
  EXPECT_EQ(controller.concurrencyLimit(), 3u);  // the limit from before: min_concurrency
}

TEST_F(AdaptiveConcurrencyTest, InterpolatesOtherPercentiles) {
  AdaptiveConcurrencyConfig config = smallConfig();
  config.min_rtt_request_count = 10;
  config.sample_aggregate_percentile = 0.9;
  AdaptiveConcurrency controller(runtime_, config);
  runtime_.scriptRandom({0});
  for (int i = 1; i <= 10; ++i)
    serve(controller, 1, 1ms * i);
  EXPECT_EQ(controller.minRtt(), 9100us);  // rank 8.1 between 9 and 10 ms
}

TEST_F(AdaptiveConcurrencyTest, TheLimitFollowsTheGradient) {
  AdaptiveConcurrency controller(runtime_, smallConfig());
  measureMinRtt(controller);
  const TimePoint measured = runtime_.now();

  serve(controller, 3, 10ms);
  closeWindow(measured);
  // gradient = (10 + 2.5) / 10 = 1.25; 3 x 1.25 = 3.75; + sqrt(3.75) = 5.69 -> 5
  EXPECT_EQ(controller.sampleRtt(), 10ms);
  EXPECT_DOUBLE_EQ(controller.gradient(), 1.25);
  EXPECT_EQ(controller.concurrencyLimit(), 5u);

  ++windows_;
  serve(controller, 5, 25ms);
  closeWindow(measured);
  // gradient = 12.5 / 25 = 0.5; 5 x 0.5 = 2.5; + sqrt(2.5) = 4.08 -> 4
  EXPECT_DOUBLE_EQ(controller.gradient(), 0.5);
  EXPECT_EQ(controller.concurrencyLimit(), 4u);
}

TEST_F(AdaptiveConcurrencyTest, TheGradientIsClampedToHalfAndTwice) {
  AdaptiveConcurrency controller(runtime_, smallConfig());
  measureMinRtt(controller);
  const TimePoint measured = runtime_.now();

  serve(controller, 1, 1ms);
  closeWindow(measured);
  EXPECT_DOUBLE_EQ(controller.gradient(), 2.0);  // 12.5 raw
  EXPECT_EQ(controller.concurrencyLimit(), 8u);  // 6 + 2.45

  ++windows_;
  serve(controller, 1, 80ms);
  closeWindow(measured);
  EXPECT_DOUBLE_EQ(controller.gradient(), 0.5);  // 0.156 raw
  EXPECT_EQ(controller.concurrencyLimit(), 6u);  // 4 + 2
}

TEST_F(AdaptiveConcurrencyTest, AWindowWithoutSamplesChangesNothing) {
  AdaptiveConcurrency controller(runtime_, smallConfig());
  measureMinRtt(controller);
  const TimePoint measured = runtime_.now();
  serve(controller, 3, 10ms);
  closeWindow(measured);
  ASSERT_EQ(controller.concurrencyLimit(), 5u);
  runtime_.advance(1s);
  EXPECT_EQ(controller.concurrencyLimit(), 5u);
}

TEST_F(AdaptiveConcurrencyTest, TheLimitStaysWithinItsBounds) {
  AdaptiveConcurrencyConfig config = smallConfig();
  config.max_concurrency_limit = 10;
  AdaptiveConcurrency controller(runtime_, config);
  measureMinRtt(controller);
  const TimePoint measured = runtime_.now();
  for (; windows_ <= 6; ++windows_) {
    serve(controller, 1, 10ms);
    closeWindow(measured);
  }
  EXPECT_EQ(controller.concurrencyLimit(), 10u);  // 3, 5, 8, 12 -> 10
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(controller.tryAcquire());
  EXPECT_FALSE(controller.tryAcquire());
}

TEST_F(AdaptiveConcurrencyTest, RemeasuresMinRttAfterTheJitteredInterval) {
  AdaptiveConcurrency controller(runtime_, smallConfig());
  runtime_.scriptRandom({9000 + 1234});  // jitter: random mod ceil(60000 ms x 0.15)
  serve(controller, 5, 10ms);
  ASSERT_FALSE(controller.measuringMinRtt());
  const TimePoint next = runtime_.now() + 61234ms;

  serve(controller, 3, 10ms);
  runtime_.advance(200ms);
  const std::uint32_t limit = controller.concurrencyLimit();
  ASSERT_GT(limit, 3u);
  runtime_.advance(next - runtime_.now() - 1ns);
  EXPECT_FALSE(controller.measuringMinRtt());
  runtime_.advance(1ns);
  EXPECT_TRUE(controller.measuringMinRtt());
  EXPECT_EQ(controller.concurrencyLimit(), 3u);
  // While measuring, the sampleRTT timer lapses; both timers come back with the measurement.
  runtime_.advance(150ms);
  EXPECT_EQ(runtime_.armedTimers(), 0u);
  runtime_.scriptRandom({0});
  serve(controller, 5, 20ms);
  EXPECT_FALSE(controller.measuringMinRtt());
  EXPECT_EQ(controller.minRtt(), 20ms);
  EXPECT_EQ(controller.concurrencyLimit(), limit);
  EXPECT_EQ(runtime_.armedTimers(), 2u);
}

TEST_F(AdaptiveConcurrencyTest, WithoutJitterRemeasuresAfterExactlyTheInterval) {
  AdaptiveConcurrencyConfig config = smallConfig();
  config.min_rtt_jitter = 0;
  AdaptiveConcurrency controller(runtime_, config);
  serve(controller, 5, 10ms);
  const TimePoint next = runtime_.now() + 60s;
  runtime_.advance(next - runtime_.now() - 1ns);
  EXPECT_FALSE(controller.measuringMinRtt());
  runtime_.advance(1ns);
  EXPECT_TRUE(controller.measuringMinRtt());
}

TEST_F(AdaptiveConcurrencyTest, DropsLatenciesOfRequestsAdmittedBeforeTheMeasurement) {
  AdaptiveConcurrencyConfig config = smallConfig();
  config.min_rtt_jitter = 0;
  AdaptiveConcurrency controller(runtime_, config);
  serve(controller, 5, 10ms);
  const TimePoint remeasure = runtime_.now() + 60s;
  runtime_.advance(remeasure - runtime_.now() - 10ms);
  ASSERT_TRUE(controller.tryAcquire());  // admitted 10 ms before the measurement starts
  runtime_.advance(10ms);
  ASSERT_TRUE(controller.measuringMinRtt());
  runtime_.advance(40ms);
  controller.onResult(50ms);
  EXPECT_EQ(controller.outstanding(), 0u);
  runtime_.scriptRandom({0});
  serve(controller, 4, 30ms);
  EXPECT_TRUE(controller.measuringMinRtt());  // the early request did not count
  serve(controller, 1, 30ms);
  EXPECT_FALSE(controller.measuringMinRtt());
  EXPECT_EQ(controller.minRtt(), 30ms);
}

// A minRTT measured too high keeps the limit at its floor: after five such windows in a row the
// controller measures again at once.
TEST_F(AdaptiveConcurrencyTest, FiveWindowsAtTheFloorStartAMeasurement) {
  AdaptiveConcurrency controller(runtime_, smallConfig());
  measureMinRtt(controller);
  const TimePoint measured = runtime_.now();
  for (; windows_ <= 4; ++windows_) {
    serve(controller, 1, 50ms);  // gradient 0.5: 1.5 + 1.22 -> 2, held at 3
    closeWindow(measured);
    EXPECT_EQ(controller.concurrencyLimit(), 3u);
    EXPECT_FALSE(controller.measuringMinRtt());
  }
  serve(controller, 1, 50ms);
  closeWindow(measured);
  EXPECT_TRUE(controller.measuringMinRtt());
}

TEST_F(AdaptiveConcurrencyTest, ACancelledRequestIsReleasedWithoutASample) {
  AdaptiveConcurrency controller(runtime_, smallConfig());
  ASSERT_TRUE(controller.tryAcquire());
  runtime_.advance(10ms);
  controller.onCancel();
  EXPECT_EQ(controller.outstanding(), 0u);
  runtime_.scriptRandom({0});
  serve(controller, 4, 10ms);
  EXPECT_TRUE(controller.measuringMinRtt());
}

// Past max_samples_per_window the window keeps every other sample, then every fourth, ... in
// arrival order: with room for 4, ten arrivals leave the 1st, 5th and 9th.
TEST_F(AdaptiveConcurrencyTest, ABoundedWindowKeepsAnEvenSubsample) {
  AdaptiveConcurrencyConfig config = smallConfig();
  config.min_rtt_request_count = 10;
  config.max_samples_per_window = 4;
  AdaptiveConcurrency controller(runtime_, config);
  runtime_.scriptRandom({0});
  for (int i = 1; i <= 9; ++i)
    serve(controller, 1, 1ms * i);
  EXPECT_TRUE(controller.measuringMinRtt());  // every sample counts toward request_count
  serve(controller, 1, 10ms);
  EXPECT_FALSE(controller.measuringMinRtt());
  EXPECT_EQ(controller.minRtt(), 5ms);  // p50 of 1, 5 and 9 ms
}

}  // namespace
}  // namespace faultline::balancer
