#include "balancer/local_rate_limit.h"

#include <algorithm>
#include <cassert>

namespace faultline::balancer {

LocalRateLimit::LocalRateLimit(Runtime& runtime, const LocalRateLimitConfig& config)
    : runtime_(runtime),
      config_(config),
      units_per_token_(static_cast<Units>(config.fill_interval.count())),
      capacity_(units_per_token_ * config.max_tokens),
      level_(capacity_),
      start_(runtime.now()),
      refilled_at_(start_) {
  assert(config_.fill_interval > Duration::zero());
}

bool LocalRateLimit::admit() {
  refill();
  if (level_ < units_per_token_) {
    ++rate_limited_;
    return false;
  }
  level_ -= units_per_token_;
  ++ok_;
  return true;
}

std::uint64_t LocalRateLimit::tokens() {
  refill();
  return static_cast<std::uint64_t>(level_ / units_per_token_);
}

void LocalRateLimit::refill() {
  const TimePoint now = runtime_.now();
  if (config_.timer_based_fills) {
    const std::int64_t fills_due = (now - start_) / config_.fill_interval;
    if (fills_due <= fills_done_) return;
    const auto fills = static_cast<Units>(fills_due - fills_done_);
    fills_done_ = fills_due;
    // Each fill is capped on its own in Envoy; while the bucket only grows that is one cap.
    level_ = std::min(capacity_, level_ + fills * config_.tokens_per_fill * units_per_token_);
    return;
  }
  if (now <= refilled_at_) return;
  const auto elapsed = static_cast<Units>((now - refilled_at_).count());
  refilled_at_ = now;
  level_ = std::min(capacity_, level_ + elapsed * config_.tokens_per_fill);
}

}  // namespace faultline::balancer
