// A client's own retries: the backoffs of the AWS study, Finagle's retry budget, gRPC's retry
// throttling, and the policy composing them.
#include "balancer/client_retry.h"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>

namespace faultline::balancer {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::uint64_t kLowest = 0;
constexpr std::uint64_t kHighest = std::numeric_limits<std::uint64_t>::max();

ClientBackoffConfig backoff(BackoffKind kind) {
  return ClientBackoffConfig{.kind = kind, .base = milliseconds(100), .cap = seconds(1)};
}

TEST(ClientBackoff, ExponentialDoublesUpToTheCap) {
  const auto config = backoff(BackoffKind::kExponential);
  EXPECT_EQ(clientBackoff(config, 0, {}, kLowest), milliseconds(100));
  EXPECT_EQ(clientBackoff(config, 1, {}, kLowest), milliseconds(200));
  EXPECT_EQ(clientBackoff(config, 3, {}, kLowest), milliseconds(800));
  EXPECT_EQ(clientBackoff(config, 4, {}, kLowest), seconds(1));
  EXPECT_EQ(clientBackoff(config, 1000, {}, kLowest), seconds(1));  // no overflow
}

// Random bits pick an offset modulo the span, in nanoseconds: span - 1 gives the top.
TEST(ClientBackoff, FullJitterSpansZeroToTheExponentialSleep) {
  const auto config = backoff(BackoffKind::kFullJitter);
  EXPECT_EQ(clientBackoff(config, 2, {}, kLowest), Duration::zero());
  EXPECT_EQ(clientBackoff(config, 2, {}, 400'000'000 - 1), milliseconds(400) - Duration(1));
  EXPECT_EQ(clientBackoff(config, 2, {}, 400'000'000), Duration::zero());
}

TEST(ClientBackoff, EqualJitterKeepsHalfAndJittersTheRest) {
  const auto config = backoff(BackoffKind::kEqualJitter);
  EXPECT_EQ(clientBackoff(config, 2, {}, kLowest), milliseconds(200));
  EXPECT_EQ(clientBackoff(config, 2, {}, 200'000'000 - 1), milliseconds(400) - Duration(1));
}

TEST(ClientBackoff, DecorrelatedJitterGrowsFromThePreviousSleep) {
  const auto config = backoff(BackoffKind::kDecorrelatedJitter);
  // The first: uniform in [base, 3 base).
  EXPECT_EQ(clientBackoff(config, 0, {}, kLowest), milliseconds(100));
  EXPECT_EQ(clientBackoff(config, 0, {}, 200'000'000 - 1), milliseconds(300) - Duration(1));
  // Later: uniform in [base, 3 previous), capped.
  EXPECT_EQ(clientBackoff(config, 5, milliseconds(250), 650'000'000 - 1),
            milliseconds(750) - Duration(1));
  EXPECT_EQ(clientBackoff(config, 5, milliseconds(900), 2'600'000'000 - 1), seconds(1));
}

TEST(ClientBackoff, FixedAndNone) {
  EXPECT_EQ(clientBackoff(backoff(BackoffKind::kFixed), 7, {}, kHighest), milliseconds(100));
  EXPECT_EQ(clientBackoff(backoff(BackoffKind::kNone), 7, {}, kHighest), Duration::zero());
}

TimePoint at(Duration d) {
  return TimePoint{} + d;
}

TEST(TtlRetryBudget, RetriesStayWithinTheirShareOfRequestsPlusTheReserve) {
  // 20% of requests, no reserve: 100 requests allow 20 retries.
  TtlRetryBudget budget({.ttl = seconds(10), .min_retries_per_s = 0, .percent_can_retry = 20});
  for (int i = 0; i < 100; ++i)
    budget.deposit(at(seconds(1)));
  int retries = 0;
  while (budget.tryWithdraw(at(seconds(2))))
    ++retries;
  EXPECT_EQ(retries, 20);
}

TEST(TtlRetryBudget, TheReserveAllowsRetriesWithoutRequests) {
  // Finagle's default reserve: 10 retries a second over 10 s.
  TtlRetryBudget budget({});
  EXPECT_DOUBLE_EQ(budget.balance(at(seconds(0))), 100);
  int retries = 0;
  while (budget.tryWithdraw(at(seconds(1))))
    ++retries;
  EXPECT_EQ(retries, 100);
}

TEST(TtlRetryBudget, DepositsAndWithdrawalsExpireAfterTheTtl) {
  TtlRetryBudget budget({.ttl = seconds(10), .min_retries_per_s = 0, .percent_can_retry = 50});
  for (int i = 0; i < 10; ++i)
    budget.deposit(at(seconds(1)));
  EXPECT_DOUBLE_EQ(budget.balance(at(seconds(5))), 5);
  EXPECT_TRUE(budget.tryWithdraw(at(seconds(5))));
  EXPECT_DOUBLE_EQ(budget.balance(at(seconds(5))), 4);
  // At 11 s the deposits of the slice [1, 2) have expired; the withdrawal at 5 s has not.
  EXPECT_DOUBLE_EQ(budget.balance(at(seconds(11))), -1);
  EXPECT_FALSE(budget.tryWithdraw(at(seconds(11))));
  EXPECT_DOUBLE_EQ(budget.balance(at(seconds(16))), 0);
  // A long silence expires everything at once.
  EXPECT_DOUBLE_EQ(budget.balance(at(seconds(1000))), 0);
}

TEST(TtlRetryBudget, WithoutAShareOnlyTheReserveRetries) {
  TtlRetryBudget budget({.ttl = seconds(10), .min_retries_per_s = 1, .percent_can_retry = 0});
  for (int i = 0; i < 1000; ++i)
    budget.deposit(at(seconds(1)));
  EXPECT_DOUBLE_EQ(budget.balance(at(seconds(1))), 10);
}

TEST(RetryThrottling, StopsRetryingAtHalfTheTokensAndRecoversWithSuccesses) {
  RetryThrottling throttling({.max_tokens = 10, .token_ratio = 0.5});
  EXPECT_TRUE(throttling.allowsRetry());
  for (int i = 0; i < 4; ++i)
    throttling.onAttempt(false);
  EXPECT_TRUE(throttling.allowsRetry());  // 6 > 5
  throttling.onAttempt(false);
  EXPECT_FALSE(throttling.allowsRetry());  // 5 is not above 5
  throttling.onAttempt(true);
  EXPECT_TRUE(throttling.allowsRetry());  // 5.5
  for (int i = 0; i < 100; ++i)
    throttling.onAttempt(true);
  EXPECT_DOUBLE_EQ(throttling.tokens(), 10);  // never above the maximum
  for (int i = 0; i < 100; ++i)
    throttling.onAttempt(false);
  EXPECT_DOUBLE_EQ(throttling.tokens(), 0);  // nor below zero
}

TEST(ClientRetry, RetriesUpToItsMaximumAfterItsBackoff) {
  ClientRetry retry({.max_retries = 2,
                     .backoff = backoff(BackoffKind::kExponential),
                     .only_timeouts = false,
                     .budget = std::nullopt,
                     .throttling = std::nullopt});
  EXPECT_EQ(retry.retryAfter(0, false, {}, at(seconds(1)), 0), milliseconds(100));
  EXPECT_EQ(retry.retryAfter(1, true, {}, at(seconds(1)), 0), milliseconds(200));
  EXPECT_EQ(retry.retryAfter(2, true, {}, at(seconds(1)), 0), std::nullopt);
  EXPECT_EQ(retry.limited(), 0u);
}

TEST(ClientRetry, OnlyTimeoutsLeavesErrorsAlone) {
  ClientRetry retry({.max_retries = 2,
                     .backoff = backoff(BackoffKind::kNone),
                     .only_timeouts = true,
                     .budget = std::nullopt,
                     .throttling = std::nullopt});
  EXPECT_EQ(retry.retryAfter(0, false, {}, at(seconds(1)), 0), std::nullopt);
  EXPECT_EQ(retry.retryAfter(0, true, {}, at(seconds(1)), 0), Duration::zero());
}

TEST(ClientRetry, ALimitRefusesRetriesAndCountsThem) {
  ClientRetry retry({.max_retries = 3,
                     .backoff = backoff(BackoffKind::kNone),
                     .only_timeouts = false,
                     .budget =
                         TtlRetryBudgetConfig{
                             .ttl = seconds(10), .min_retries_per_s = 0, .percent_can_retry = 50},
                     .throttling = std::nullopt});
  retry.onRequest(at(seconds(1)));
  retry.onRequest(at(seconds(1)));
  EXPECT_TRUE(retry.retryAfter(0, true, {}, at(seconds(1)), 0));
  EXPECT_FALSE(retry.retryAfter(0, true, {}, at(seconds(1)), 0));
  EXPECT_EQ(retry.limited(), 1u);
}

}  // namespace
}  // namespace faultline::balancer
