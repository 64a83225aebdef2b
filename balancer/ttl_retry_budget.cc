#include "balancer/ttl_retry_budget.h"

#include <algorithm>
#include <chrono>

namespace faultline::balancer {

TtlRetryBudget::TtlRetryBudget(const TtlRetryBudgetConfig& config)
    : slice_(std::max(Duration(1), config.ttl / static_cast<std::int64_t>(kSlices))),
      deposit_(config.percent_can_retry > 0 ? 1.0 : 0.0),
      withdrawal_(config.percent_can_retry > 0 ? 100.0 / config.percent_can_retry : 1.0),
      reserve_(config.min_retries_per_s * std::chrono::duration<double>(config.ttl).count() *
               withdrawal_) {}

// Slices older than the ttl are emptied as time moves into new ones.
void TtlRetryBudget::expire(TimePoint now) {
  const std::int64_t slice = now.time_since_epoch() / slice_;
  const std::int64_t passed = std::min<std::int64_t>(slice - current_slice_, kSlices);
  for (std::int64_t i = 1; i <= passed; ++i)
    slices_[static_cast<std::size_t>((current_slice_ + i) % kSlices)] = 0;
  current_slice_ = std::max(current_slice_, slice);
}

void TtlRetryBudget::deposit(TimePoint now) {
  expire(now);
  slices_[static_cast<std::size_t>(current_slice_ % kSlices)] += deposit_;
}

double TtlRetryBudget::balance(TimePoint now) {
  expire(now);
  double tokens = reserve_;
  for (double slice : slices_)
    tokens += slice;
  return tokens / withdrawal_;
}

bool TtlRetryBudget::tryWithdraw(TimePoint now) {
  if (balance(now) < 1.0) return false;
  slices_[static_cast<std::size_t>(current_slice_ % kSlices)] -= withdrawal_;
  return true;
}

}  // namespace faultline::balancer
