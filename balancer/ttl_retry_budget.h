#pragma once

#include <array>
#include <cstdint>

#include "balancer/time.h"

namespace faultline::balancer {

struct TtlRetryBudgetConfig {
  Duration ttl = std::chrono::seconds(10);
  double min_retries_per_s = 10;
  double percent_can_retry = 20;
};

// Finagle's RetryBudget (finagle-core, RetryBudget.scala, TokenRetryBudget over a leaky
// TokenBucket): every request deposits a token, a retry withdraws 100 / percent_can_retry of
// them, and deposits and withdrawals alike expire after the ttl; a reserve of
// min_retries_per_s * ttl retries' worth is always there. So over any ttl, retries stay within
// percent_can_retry of the requests, plus the reserve. With percent_can_retry 0, requests deposit
// nothing and only the reserve allows retries (a retry then costs one token), as in Finagle.
// Like Finagle's WindowedAdder, the ttl is kept as ten slices, expiring a slice at a time.
// Time comes from the caller: the budget has no clock of its own.
class TtlRetryBudget {
 public:
  explicit TtlRetryBudget(const TtlRetryBudgetConfig& config);

  void deposit(TimePoint now);
  // Takes a retry's worth of tokens if the balance holds them; returns whether it did.
  bool tryWithdraw(TimePoint now);
  // Retries the balance would allow now.
  double balance(TimePoint now);

 private:
  static constexpr std::size_t kSlices = 10;
  void expire(TimePoint now);

  Duration slice_;
  double deposit_;     // tokens per request
  double withdrawal_;  // tokens per retry
  double reserve_;
  std::array<double, kSlices> slices_{};
  std::int64_t current_slice_ = 0;  // index of the slice `now` falls in, since time zero
};

}  // namespace faultline::balancer
