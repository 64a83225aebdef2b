#pragma once

namespace faultline::balancer {

struct RetryThrottlingConfig {
  double max_tokens = 10;
  double token_ratio = 0.1;
};

// gRPC's retry throttling (gRFC A6, "Throttling Retry Attempts and Hedged RPCs"): a token bucket
// per client that starts full. Every attempt that fails takes a token, every one that succeeds
// gives back token_ratio (never above max_tokens); retries are allowed only while the tokens
// stay above half of max_tokens. A client whose attempts mostly fail thus stops retrying, and
// starts again once successes refill the bucket.
class RetryThrottling {
 public:
  explicit RetryThrottling(const RetryThrottlingConfig& config)
      : config_(config), tokens_(config.max_tokens) {}

  void onAttempt(bool succeeded);
  bool allowsRetry() const { return tokens_ > config_.max_tokens / 2; }
  double tokens() const { return tokens_; }

 private:
  RetryThrottlingConfig config_;
  double tokens_;
};

}  // namespace faultline::balancer
