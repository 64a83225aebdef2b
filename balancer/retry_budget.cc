#include "balancer/retry_budget.h"

#include <algorithm>
#include <cassert>

namespace faultline::balancer {

RetryBudget::RetryBudget(const RetryBudgetConfig& config) : config_(config) {
  assert(config_.budget_percent >= 0.0 && config_.budget_percent <= 100.0);
}

std::uint64_t RetryBudget::maxActiveRetries(std::uint64_t active_requests) const {
  const auto budget = static_cast<std::uint64_t>(config_.budget_percent / 100.0 *
                                                 static_cast<double>(active_requests));
  return std::max<std::uint64_t>(budget, config_.min_retry_concurrency);
}

}  // namespace faultline::balancer
