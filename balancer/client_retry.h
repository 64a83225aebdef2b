#pragma once

#include <cstdint>
#include <optional>

#include "balancer/client_backoff.h"
#include "balancer/retry_throttling.h"
#include "balancer/time.h"
#include "balancer/ttl_retry_budget.h"

namespace faultline::balancer {

struct ClientRetryConfig {
  std::uint32_t max_retries = 0;  // after the first attempt; 0: the client never retries
  ClientBackoffConfig backoff;
  bool only_timeouts = false;  // retry timeouts only, not errors or refusals
  std::optional<TtlRetryBudgetConfig> budget;
  std::optional<RetryThrottlingConfig> throttling;
};

// A client's own retries of a failed request, as an application's HTTP or gRPC client does them
// in front of the balancer: each retry is a new request to it, after a backoff
// (client_backoff.h), within the client's limit if it has one: Finagle's retry budget or gRPC's
// retry throttling. A client without a limit is what turns a brief overload into a retry storm.
class ClientRetry {
 public:
  explicit ClientRetry(const ClientRetryConfig& config);

  bool enabled() const { return config_.max_retries > 0; }

  // A new request (not a retry) goes out.
  void onRequest(TimePoint now);
  // An attempt (the first or a retry) ended.
  void onAttemptEnded(bool succeeded);
  // After a failed attempt: the wait before the next, or nullopt when the client gives up
  // (retries used up, a failure it does not retry, or its limit spent). `previous` is the
  // request's last backoff (zero before its first retry).
  std::optional<Duration> retryAfter(std::uint32_t retries_sent, bool timed_out, Duration previous,
                                     TimePoint now, std::uint64_t random_bits);

  // Retries the limit refused.
  std::uint64_t limited() const { return limited_; }

 private:
  ClientRetryConfig config_;
  std::optional<TtlRetryBudget> budget_;
  std::optional<RetryThrottling> throttling_;
  std::uint64_t limited_ = 0;
};

}  // namespace faultline::balancer
