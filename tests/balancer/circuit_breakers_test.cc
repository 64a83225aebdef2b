#include "balancer/circuit_breakers.h"

#include <gtest/gtest.h>

namespace faultline::balancer {
namespace {

constexpr bool kCanWait = true;
constexpr bool kNoWait = false;

CircuitBreakersConfig unlimited() {
  CircuitBreakersConfig config;
  config.max_connections = CircuitBreakersConfig::kUnlimited;
  config.max_pending_requests = CircuitBreakersConfig::kUnlimited;
  config.max_requests = CircuitBreakersConfig::kUnlimited;
  config.max_retries = CircuitBreakersConfig::kUnlimited;
  return config;
}

TEST(CircuitBreakersTest, DefaultsAreEnvoys) {
  const CircuitBreakersConfig config;
  EXPECT_EQ(config.max_connections, 1024u);
  EXPECT_EQ(config.max_pending_requests, 1024u);
  EXPECT_EQ(config.max_requests, 1024u);
  EXPECT_EQ(config.max_retries, 3u);
  EXPECT_FALSE(config.retry_budget.has_value());
  EXPECT_EQ(config.per_host_max_connections, CircuitBreakersConfig::kUnlimited);
  EXPECT_EQ(config.per_host_max_requests, CircuitBreakersConfig::kUnlimited);
}

// envoy#16610: max_requests 3 and six parallel requests give three answers and three 503s;
// nothing waits, even when the caller could park requests.
TEST(CircuitBreakersTest, MaxRequestsOverflowsAtOnce) {
  auto config = unlimited();
  config.max_requests = 3;
  CircuitBreakers breakers(config, 2);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(breakers.tryAcquireRequest(i % 2, kCanWait), Admission::kSend);
  EXPECT_TRUE(breakers.requestsOpen());
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(breakers.tryAcquireRequest(i % 2, kCanWait), Admission::kOverflow);
  EXPECT_EQ(breakers.overflows().requests, 3u);
  EXPECT_EQ(breakers.upstreamRqPendingOverflow(), 3u);
  EXPECT_EQ(breakers.pendingRequests(), 0u);

  breakers.releaseRequest(0);
  EXPECT_FALSE(breakers.requestsOpen());
  EXPECT_EQ(breakers.tryAcquireRequest(1, kCanWait), Admission::kSend);
  EXPECT_EQ(breakers.activeRequests(), 3u);
  EXPECT_EQ(breakers.hostActiveRequests(0), 1u);
  EXPECT_EQ(breakers.hostActiveRequests(1), 2u);
}

TEST(CircuitBreakersTest, ATryBeyondMaxConnectionsWaitsAsPending) {
  auto config = unlimited();
  config.max_connections = 2;
  config.max_pending_requests = 2;
  CircuitBreakers breakers(config, 1);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  EXPECT_TRUE(breakers.connectionsOpen());
  EXPECT_EQ(breakers.activeConnections(), 2u);

  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kPending);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kPending);
  EXPECT_TRUE(breakers.pendingOpen());
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kOverflow);

  EXPECT_EQ(breakers.pendingRequests(), 2u);
  EXPECT_EQ(breakers.overflows().connections, 3u);  // upstream_cx_overflow, each time
  EXPECT_EQ(breakers.overflows().pending, 1u);
  EXPECT_EQ(breakers.upstreamRqPendingOverflow(), 1u);
}

TEST(CircuitBreakersTest, WithoutWaitingNoFreeConnectionOverflows) {
  auto config = unlimited();
  config.max_connections = 1;
  CircuitBreakers breakers(config, 1);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kNoWait), Admission::kSend);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kNoWait), Admission::kOverflow);
  EXPECT_EQ(breakers.pendingRequests(), 0u);
  EXPECT_EQ(breakers.overflows().connections, 1u);
  EXPECT_EQ(breakers.overflows().pending, 1u);
}

TEST(CircuitBreakersTest, APendingTryIsSentOnceAConnectionFrees) {
  auto config = unlimited();
  config.max_connections = 1;
  CircuitBreakers breakers(config, 2);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  EXPECT_EQ(breakers.tryAcquireRequest(1, kCanWait), Admission::kPending);
  EXPECT_EQ(breakers.tryPromotePending(1), Admission::kPending);
  EXPECT_EQ(breakers.pendingRequests(), 1u);

  breakers.releaseRequest(0);
  EXPECT_EQ(breakers.tryPromotePending(1), Admission::kSend);
  EXPECT_EQ(breakers.pendingRequests(), 0u);
  EXPECT_EQ(breakers.hostActiveRequests(1), 1u);
  EXPECT_EQ(breakers.activeRequests(), 1u);
}

TEST(CircuitBreakersTest, APendingTryGivesUp) {
  auto config = unlimited();
  config.max_connections = 1;
  CircuitBreakers breakers(config, 1);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kPending);
  breakers.cancelPending();
  EXPECT_EQ(breakers.pendingRequests(), 0u);
  EXPECT_EQ(breakers.activeRequests(), 1u);
}

// Envoy checks max_requests when it attaches a pending stream to its new connection.
TEST(CircuitBreakersTest, APendingTryOverflowsIfMaxRequestsFilledMeanwhile) {
  auto config = unlimited();
  config.max_requests = 2;
  config.per_host_max_connections = 1;
  CircuitBreakers breakers(config, 3);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kPending);
  EXPECT_EQ(breakers.tryAcquireRequest(1, kCanWait), Admission::kSend);
  breakers.releaseRequest(0);
  EXPECT_EQ(breakers.tryAcquireRequest(2, kCanWait), Admission::kSend);

  EXPECT_EQ(breakers.tryPromotePending(0), Admission::kOverflow);
  EXPECT_EQ(breakers.pendingRequests(), 0u);
  EXPECT_EQ(breakers.overflows().requests, 1u);
  EXPECT_EQ(breakers.hostActiveRequests(0), 0u);
}

TEST(CircuitBreakersTest, PerHostMaxConnectionsMakesTriesToThatHostWait) {
  auto config = unlimited();
  config.per_host_max_connections = 2;
  CircuitBreakers breakers(config, 2);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kPending);
  EXPECT_EQ(breakers.tryAcquireRequest(1, kCanWait), Admission::kSend);
  EXPECT_EQ(breakers.overflows().connections, 1u);
  EXPECT_EQ(breakers.overflows().host_connections, 1u);
  // A connection freed on another host is of no use to a try waiting for this one.
  breakers.releaseRequest(1);
  EXPECT_EQ(breakers.tryPromotePending(0), Admission::kPending);
  breakers.releaseRequest(0);
  EXPECT_EQ(breakers.tryPromotePending(0), Admission::kSend);
}

TEST(CircuitBreakersTest, PerHostMaxRequestsOverflowsOnlyThatHost) {
  auto config = unlimited();
  config.per_host_max_requests = 1;
  CircuitBreakers breakers(config, 2);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kOverflow);
  EXPECT_EQ(breakers.tryAcquireRequest(1, kCanWait), Admission::kSend);
  EXPECT_EQ(breakers.overflows().host_requests, 1u);
  EXPECT_EQ(breakers.overflows().requests, 0u);
  EXPECT_EQ(breakers.upstreamRqPendingOverflow(), 1u);
}

TEST(CircuitBreakersTest, MaxRetriesBoundsActiveRetries) {
  CircuitBreakers breakers(CircuitBreakersConfig{}, 1);
  EXPECT_EQ(breakers.maxActiveRetries(), 3u);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(breakers.tryAcquireRetry());
  EXPECT_TRUE(breakers.retriesOpen());
  EXPECT_FALSE(breakers.tryAcquireRetry());
  EXPECT_EQ(breakers.overflows().retries, 1u);  // upstream_rq_retry_overflow

  // One retry leaves its backoff, is sent and answered: it frees its slot only then.
  breakers.retryBackoffEnded();
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  EXPECT_FALSE(breakers.tryAcquireRetry());
  breakers.releaseRequest(0);
  breakers.releaseRetry();
  EXPECT_EQ(breakers.activeRetries(), 2u);
  EXPECT_TRUE(breakers.tryAcquireRetry());
}

// envoy#30205: Envoy counts a retry only once its try is sent, so retries waiting in backoff are
// invisible to max_retries. Here they count from the moment they are decided.
TEST(CircuitBreakersTest, RetriesInBackoffCountAgainstMaxRetries) {
  CircuitBreakers breakers(CircuitBreakersConfig{}, 1);
  int admitted = 0;
  for (int i = 0; i < 1000; ++i)
    admitted += breakers.tryAcquireRetry() ? 1 : 0;
  EXPECT_EQ(admitted, 3);
  EXPECT_EQ(breakers.retriesInBackoff(), 3u);
  EXPECT_EQ(breakers.overflows().retries, 997u);
}

TEST(CircuitBreakersTest, ARetryBudgetReplacesMaxRetries) {
  auto config = unlimited();
  config.max_retries = 0;
  config.retry_budget = RetryBudgetConfig{};
  CircuitBreakers breakers(config, 1);
  EXPECT_EQ(breakers.maxActiveRetries(), 3u);  // min_retry_concurrency with nothing active
  for (int i = 0; i < 25; ++i)
    EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  EXPECT_EQ(breakers.maxActiveRetries(), 5u);  // 20% of 25
}

TEST(CircuitBreakersTest, TheRetryBudgetCountsPendingRequests) {
  auto config = unlimited();
  config.max_connections = 10;
  config.retry_budget = RetryBudgetConfig{};
  CircuitBreakers breakers(config, 1);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kPending);
  EXPECT_EQ(breakers.maxActiveRetries(), 6u);  // 20% of 10 active + 20 pending
}

// The storm of envoy#30205: 1000 requests in flight fail together and each asks for a retry as its
// failed try ends. Envoy, which does not see retries in backoff, lets all 1000 through a 20%
// budget. Counting them (and counting each as a request still in progress) stops at 20%.
TEST(CircuitBreakersTest, RetryBudgetStopsARetryStormOfRetriesInBackoff) {
  auto config = unlimited();
  config.retry_budget = RetryBudgetConfig{};
  CircuitBreakers breakers(config, 1);
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  int admitted = 0;
  for (int i = 0; i < 1000; ++i) {
    breakers.releaseRequest(0);
    admitted += breakers.tryAcquireRetry() ? 1 : 0;
  }
  // The base stays 999 while retries are admitted (one request ends, one retry waits):
  // floor(0.2 x 999) = 199.
  EXPECT_EQ(admitted, 199);
  EXPECT_EQ(breakers.retriesInBackoff(), 199u);
  EXPECT_EQ(breakers.overflows().retries, 801u);

  // As the retries are sent they move from backoff to active requests; the base is unchanged.
  const std::uint64_t before = breakers.maxActiveRetries();
  breakers.retryBackoffEnded();
  EXPECT_EQ(breakers.tryAcquireRequest(0, kCanWait), Admission::kSend);
  EXPECT_EQ(breakers.maxActiveRetries(), before);
  breakers.releaseRequest(0);
  breakers.releaseRetry();
  EXPECT_EQ(breakers.activeRetries(), 198u);
}

}  // namespace
}  // namespace faultline::balancer
