#pragma once

#include <cstdint>

namespace faultline::balancer {

// Envoy's CircuitBreakers.Thresholds.RetryBudget (circuit_breaker.proto): both fields default as
// in Envoy when the budget is configured at all.
struct RetryBudgetConfig {
  double budget_percent = 20.0;  // of active requests, in [0, 100]
  std::uint32_t min_retry_concurrency = 3;
};

// Envoy's retry budget (source/common/upstream/resource_manager_impl.h, RetryBudgetImpl::max):
// a retry may start while the active retries stay below
//
//   max(floor(budget_percent / 100 x active_requests), min_retry_concurrency)
//
// where Envoy's active requests are the cluster's rq_active plus rq_pending. A configured budget
// replaces the static max_retries threshold entirely ("the retry budget will override any
// configured retry circuit breaker"). The floor is Envoy's: it converts the product to uint64.
//
// What counts as an active retry, and so whether retries waiting in backoff count (envoy#30205,
// which Faultline closes), is decided by whoever keeps the counts: see CircuitBreakers.
class RetryBudget {
 public:
  explicit RetryBudget(const RetryBudgetConfig& config);

  // The most retries that may be active with `active_requests` in progress.
  std::uint64_t maxActiveRetries(std::uint64_t active_requests) const;

  bool admits(std::uint64_t active_retries, std::uint64_t active_requests) const {
    return active_retries < maxActiveRetries(active_requests);
  }

  const RetryBudgetConfig& config() const { return config_; }

 private:
  RetryBudgetConfig config_;
};

}  // namespace faultline::balancer
