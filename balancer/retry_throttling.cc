#include "balancer/retry_throttling.h"

#include <algorithm>

namespace faultline::balancer {

void RetryThrottling::onAttempt(bool succeeded) {
  tokens_ = succeeded ? std::min(config_.max_tokens, tokens_ + config_.token_ratio)
                      : std::max(0.0, tokens_ - 1.0);
}

}  // namespace faultline::balancer
