#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "balancer/request.h"
#include "balancer/time.h"

namespace faultline::balancer {

// Envoy's retry_on conditions (router.rst, x-envoy-retry-on), as bits.
enum RetryOn : std::uint32_t {
  // A 5xx answer, or no answer at all: a reset, a refused connection, a per-try timeout.
  kRetryOn5xx = 1u << 0,
  // 502, 503 or 504 (an overloaded host's 503 here), or no answer at all.
  kRetryOnGatewayError = 1u << 1,
  // No answer: a reset, a refused connection, a per-try timeout.
  kRetryOnReset = 1u << 2,
  // The connection could not be made.
  kRetryOnConnectFailure = 1u << 3,
};

// Sending a second try while the first is still out (gRPC's hedgingPolicy; Envoy hedges only on a
// per-try timeout). A fixed delay, or an adaptive one: the balancer's observed latency at a
// percentile, so that only the slowest requests are hedged.
struct HedgeConfig {
  bool enabled = false;
  Duration delay = std::chrono::milliseconds(100);
  double percentile = 0;  // > 0: hedge after the observed latency at this percentile instead
  std::uint32_t max_hedges = 1;
};

// Envoy's route retry policy (route_components.proto RetryPolicy, router.rst "Retry semantics",
// backoff from config/core/v3/backoff.proto). Off unless configured, as in Envoy; once configured
// num_retries defaults to 1.
struct RetryPolicyConfig {
  bool enabled = false;
  std::uint32_t retry_on = kRetryOn5xx;
  std::uint32_t num_retries = 1;
  Duration per_try_timeout{};  // zero: a try may take the whole request timeout
  // Fully jittered exponential backoff: retry n waits uniformly in [0, (2^n - 1) x base), at most
  // max_interval (Envoy: base 25 ms, max 10 x base).
  Duration backoff_base = std::chrono::milliseconds(25);
  Duration backoff_max = std::chrono::milliseconds(250);
  // Envoy's previous_hosts retry host predicate: a retry avoids hosts already tried, re-picking
  // up to host_selection_retry_max_attempts times.
  bool retry_other_hosts = false;
  std::uint32_t host_selection_retry_max_attempts = 1;
  // Envoy's previous_priorities retry priority: a retry leaves out levels already tried.
  bool retry_other_priorities = false;
  HedgeConfig hedge;
};

// Which outcomes a policy retries, and how long a retry waits. Stateless: a request's tries are
// counted by the driver and passed in, so one policy serves every request.
class RetryPolicy {
 public:
  explicit RetryPolicy(const RetryPolicyConfig& config) : config_(config) {}

  const RetryPolicyConfig& config() const { return config_; }

  // Whether a try that ended so may be retried, if tries remain.
  bool retriable(Outcome outcome) const;
  // Retries allowed after `retries_done`.
  bool hasRetriesLeft(std::uint32_t retries_done) const {
    return config_.enabled && retries_done < config_.num_retries;
  }
  // The wait before retry number `retry` (1 for the first), from 64 random bits.
  Duration backoff(std::uint32_t retry, std::uint64_t random_bits) const;

 private:
  RetryPolicyConfig config_;
};

}  // namespace faultline::balancer
