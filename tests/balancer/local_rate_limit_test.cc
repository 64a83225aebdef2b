#include "balancer/local_rate_limit.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/balancer/fake_runtime.h"

namespace faultline::balancer {
namespace {

using namespace std::chrono_literals;
using testing::FakeRuntime;

LocalRateLimitConfig bucket(std::uint32_t max_tokens, std::uint32_t tokens_per_fill,
                            Duration fill_interval, bool timer_based = false) {
  LocalRateLimitConfig config;
  config.max_tokens = max_tokens;
  config.tokens_per_fill = tokens_per_fill;
  config.fill_interval = fill_interval;
  config.timer_based_fills = timer_based;
  return config;
}

int admitted(LocalRateLimit& limit, int requests) {
  int ok = 0;
  for (int i = 0; i < requests; ++i)
    ok += limit.admit() ? 1 : 0;
  return ok;
}

TEST(LocalRateLimitTest, DefaultsAllowOneThousandRequestsPerSecond) {
  const LocalRateLimitConfig config;
  EXPECT_EQ(config.max_tokens, 1000u);
  EXPECT_EQ(config.tokens_per_fill, 1000u);
  EXPECT_EQ(config.fill_interval, 1s);
  EXPECT_FALSE(config.timer_based_fills);
  EXPECT_EQ(LocalRateLimitConfig::kMinFillInterval, 50ms);
}

TEST(LocalRateLimitTest, StartsFullAndRefusesWhenEmpty) {
  FakeRuntime runtime;
  LocalRateLimit limit(runtime, bucket(3, 1, 1s));
  EXPECT_EQ(limit.tokens(), 3u);
  EXPECT_EQ(admitted(limit, 5), 3);
  EXPECT_EQ(limit.ok(), 3u);
  EXPECT_EQ(limit.rateLimited(), 2u);
  EXPECT_EQ(limit.tokens(), 0u);
}

// Envoy 1.31+: tokens accrue continuously at tokens_per_fill / fill_interval.
TEST(LocalRateLimitTest, RefillsContinuously) {
  FakeRuntime runtime;
  LocalRateLimit limit(runtime, bucket(10, 10, 1s));  // one token per 100 ms
  EXPECT_EQ(admitted(limit, 10), 10);
  runtime.advance(100ms - 1ns);
  EXPECT_FALSE(limit.admit());
  runtime.advance(1ns);
  EXPECT_TRUE(limit.admit());
  EXPECT_FALSE(limit.admit());
  runtime.advance(350ms);
  EXPECT_EQ(admitted(limit, 10), 3);
}

TEST(LocalRateLimitTest, KeepsFractionsOfATokenAcrossReads) {
  FakeRuntime runtime;
  LocalRateLimit limit(runtime, bucket(1, 1, 3s));  // a token every 3 s
  ASSERT_TRUE(limit.admit());
  for (int i = 0; i < 2; ++i) {
    runtime.advance(1s);
    EXPECT_FALSE(limit.admit());
  }
  runtime.advance(1s);
  EXPECT_TRUE(limit.admit());
}

TEST(LocalRateLimitTest, NeverHoldsMoreThanMaxTokens) {
  FakeRuntime runtime;
  LocalRateLimit limit(runtime, bucket(5, 100, 1s));
  EXPECT_EQ(admitted(limit, 5), 5);
  runtime.advance(std::chrono::hours(24));
  EXPECT_EQ(limit.tokens(), 5u);
  EXPECT_EQ(admitted(limit, 10), 5);
}

// Envoy's docs example: a burst of max_tokens, then tokens_per_fill per fill_interval.
TEST(LocalRateLimitTest, SustainsTheFillRateAfterTheBurst) {
  FakeRuntime runtime;
  LocalRateLimit limit(runtime, bucket(10000, 1000, 1s));
  EXPECT_EQ(admitted(limit, 20000), 10000);
  int ok = 0;
  for (int ms = 0; ms < 10000; ++ms) {  // 2000 requests a second for ten seconds
    runtime.advance(1ms);
    ok += admitted(limit, 2);
  }
  EXPECT_EQ(ok, 10000);
}

// Envoy before 1.31: a timer started with the limiter adds tokens_per_fill at each whole interval.
TEST(LocalRateLimitTest, TimerBasedFillsComeInWholeIntervalsFromTheStart) {
  FakeRuntime runtime;
  runtime.advance(400ms);  // the limiter's own start is the origin of its fills
  LocalRateLimit limit(runtime, bucket(5, 2, 1s, /*timer_based=*/true));
  EXPECT_EQ(admitted(limit, 5), 5);
  runtime.advance(1s - 1ns);
  EXPECT_FALSE(limit.admit());
  runtime.advance(1ns);
  EXPECT_EQ(limit.tokens(), 2u);
  runtime.advance(1500ms);  // a second fill at 2 s; 2.5 s in
  EXPECT_EQ(limit.tokens(), 4u);
  runtime.advance(10s);
  EXPECT_EQ(limit.tokens(), 5u);  // each fill is capped
  EXPECT_EQ(admitted(limit, 6), 5);
}

TEST(LocalRateLimitTest, TimerBasedFillsDoNotAccrueWithinAnInterval) {
  FakeRuntime runtime;
  LocalRateLimit continuous(runtime, bucket(10, 10, 1s));
  LocalRateLimit timed(runtime, bucket(10, 10, 1s, /*timer_based=*/true));
  EXPECT_EQ(admitted(continuous, 10), 10);
  EXPECT_EQ(admitted(timed, 10), 10);
  runtime.advance(500ms);
  EXPECT_EQ(continuous.tokens(), 5u);
  EXPECT_EQ(timed.tokens(), 0u);
  runtime.advance(500ms);
  EXPECT_EQ(continuous.tokens(), 10u);
  EXPECT_EQ(timed.tokens(), 10u);
}

}  // namespace
}  // namespace faultline::balancer
