#pragma once

#include <chrono>
#include <cstdint>

#include "balancer/runtime.h"

namespace faultline::balancer {

// Envoy's LocalRateLimit token_bucket (type/v3/token_bucket.proto). Envoy requires max_tokens and
// fill_interval and defaults tokens_per_fill to 1; these defaults are the example of Envoy's
// local_rate_limit_filter docs scaled to a 1000 rps budget.
struct LocalRateLimitConfig {
  // Envoy refuses a fill interval under 50 ms; the scenario validator should too.
  static constexpr Duration kMinFillInterval = std::chrono::milliseconds(50);

  std::uint32_t max_tokens = 1000;
  std::uint32_t tokens_per_fill = 1000;
  Duration fill_interval = std::chrono::seconds(1);
  // Envoy before 1.31: a fill timer adds tokens_per_fill at every fill_interval. Since 1.31 the
  // bucket refills continuously (the default here).
  bool timer_based_fills = false;
};

// Envoy's local rate limit token bucket (docs: configuration/http/http_filters/
// local_rate_limit_filter; code: source/extensions/filters/common/local_ratelimit/
// local_ratelimit_impl.cc). The bucket starts full with max_tokens; a request takes one token or,
// when less than one whole token is left, is refused (Envoy answers 429).
//
// Refill follows Envoy 1.31 and later (AtomicTokenBucket over
// source/common/common/token_bucket_impl.cc, AtomicTokenBucketImpl, after folly's TokenBucket):
// tokens accrue continuously at tokens_per_fill / fill_interval, capped at max_tokens, and are
// brought up to date lazily on each request. With `timer_based_fills`, Envoy's earlier
// TimerTokenBucket instead: a timer started with the limiter adds tokens_per_fill, capped, at every
// whole fill_interval; here the fills due are counted lazily, which equals the timer firing on
// time. Envoy's runtime guard `no_timer_based_rate_limit_token_bucket` switched between the two
// and has since been removed with the timer path.
//
// Tokens are kept exactly, as 128-bit integers in units of 1 / (fill_interval in ns) of a token,
// where Envoy keeps a double, so no rounding drifts over a long run. Not modelled: descriptors, the
// local-cluster token share, filter_enabled / filter_enforced fractions.
class LocalRateLimit {
 public:
  LocalRateLimit(Runtime& runtime, const LocalRateLimitConfig& config);

  // Takes a token for one request; false when the bucket has less than one.
  bool admit();
  // Whole tokens in the bucket now.
  std::uint64_t tokens();

  std::uint64_t ok() const { return ok_; }                     // stat `ok`
  std::uint64_t rateLimited() const { return rate_limited_; }  // stat `rate_limited`
  const LocalRateLimitConfig& config() const { return config_; }

 private:
  __extension__ using Units = unsigned __int128;

  void refill();

  Runtime& runtime_;
  LocalRateLimitConfig config_;
  Units units_per_token_;  // fill_interval in nanoseconds
  Units capacity_;         // max_tokens tokens
  Units level_;            // tokens in the bucket, in units
  TimePoint start_;
  TimePoint refilled_at_;        // continuous mode: the time `level_` is up to date for
  std::int64_t fills_done_ = 0;  // timer mode: fill intervals already added
  std::uint64_t ok_ = 0;
  std::uint64_t rate_limited_ = 0;
};

}  // namespace faultline::balancer
