#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "balancer/host.h"
#include "balancer/retry_budget.h"

namespace faultline::balancer {

// Envoy's CircuitBreakers (circuit_breaker.proto) for the DEFAULT routing priority, with Envoy's
// defaults. "Unlimited" is the largest value, as an unset per-host threshold is in Envoy.
struct CircuitBreakersConfig {
  static constexpr std::uint32_t kUnlimited = std::numeric_limits<std::uint32_t>::max();

  std::uint32_t max_connections = 1024;
  std::uint32_t max_pending_requests = 1024;
  std::uint32_t max_requests = 1024;
  std::uint32_t max_retries = 3;
  // When set, replaces max_retries (Envoy: "the retry budget will override any configured retry
  // circuit breaker").
  std::optional<RetryBudgetConfig> retry_budget;
  // per_host_thresholds: Envoy honours max_connections and max_requests per host (unset:
  // unlimited).
  std::uint32_t per_host_max_connections = kUnlimited;
  std::uint32_t per_host_max_requests = kUnlimited;
};

// What tryAcquireRequest() decided for one try.
enum class Admission : std::uint8_t {
  kSend,      // holds a connection and counts as an active request: send it now
  kPending,   // waits for a connection (Envoy's pending request); the caller parks it
  kOverflow,  // refused: the circuit is open (Envoy answers 503 with x-envoy-overloaded)
};

// Envoy's circuit breakers (docs: intro/arch_overview/upstream/circuit_breaking; code:
// source/common/upstream/resource_manager_impl.h and the HTTP connection pool,
// source/common/conn_pool/conn_pool_base.cc), counted per balancer as each Envoy counts its own.
//
// Connection model. The simulator has no connection pool, so it takes HTTP/1.1 with one request
// per connection and no idle connections: a connection opens when a try is sent (no connect
// time) and closes when its answer is back, so active connections equal active requests, per
// host and in total. Against that model the thresholds mean:
//  - max_requests (and per_host_max_requests): a try beyond it overflows at once. Envoy checks it
//    when it attaches a stream to a connection and answers 503 (envoy#16610: max_requests 3 and six
//    parallel HTTP/1.1 requests give three 503s, nothing queues).
//  - max_connections (and per_host_max_connections): a try that needs a connection beyond it
//    counts upstream_cx_overflow and waits as a pending request, as in Envoy's pool, when the
//    caller can park it; otherwise it overflows.
//  - max_pending_requests: bounds the tries waiting for a connection. A pending try leaves the
//    queue through tryPromotePending() (a connection freed up) or cancelPending() (it timed out).
//    The queue itself, its order and its timeouts, belongs to the caller, which knows the requests.
// Envoy's keep-alive details (idle connections that still count, a pool with no connection that
// may open one over the limit) have no meaning without idle connections and are not modelled.
//
// Retries. An active retry counts from the moment it is decided (tryAcquireRetry), through its
// backoff, until its try ends (releaseRetry). Envoy counts a retry only once its try is sent, so
// retries sitting in backoff escape both max_retries and the retry budget and a burst of failures
// can all be retried at once (envoy#30205; the fix proposed in envoy#30738 was never merged).
// Faultline closes that gap; the retry budget's base of active requests likewise counts rq_active,
// rq_pending and the retries in backoff, each of which is a request still in progress.
class CircuitBreakers {
 public:
  CircuitBreakers(const CircuitBreakersConfig& config, std::size_t host_count);

  // One try to `host`, after the host is picked. `can_wait`: the caller parks pending tries;
  // when false, a try that finds no free connection overflows instead.
  Admission tryAcquireRequest(HostIndex host, bool can_wait);
  // A pending try to `host` asks again for a connection (call it when one may have freed up):
  // kSend, it leaves the queue and is sent; kPending, it stays; kOverflow, it leaves the queue
  // refused, because max_requests filled up meanwhile (Envoy checks that limit when it attaches
  // the stream to its connection).
  Admission tryPromotePending(HostIndex host);
  // A pending try gave up (its timeout, or the request was abandoned).
  void cancelPending();
  // A sent try is over: its answer, error or timeout is back.
  void releaseRequest(HostIndex host);

  // A retry is decided (before its backoff). False: the retry circuit is open, do not retry.
  bool tryAcquireRetry();
  // The retry's backoff is over; its try goes through tryAcquireRequest() next.
  void retryBackoffEnded();
  // The retry is over: its try ended or was refused. A retry abandoned during its backoff ends
  // the backoff first.
  void releaseRetry();

  // Gauges (Envoy's cluster stats and circuit_breakers.default.*).
  std::uint32_t activeRequests() const { return active_requests_; }    // upstream_rq_active
  std::uint32_t pendingRequests() const { return pending_requests_; }  // upstream_rq_pending_active
  std::uint32_t activeConnections() const { return active_requests_; }  // upstream_cx_active
  std::uint32_t activeRetries() const { return active_retries_; }       // incl. those in backoff
  std::uint32_t retriesInBackoff() const { return retries_in_backoff_; }
  std::uint32_t hostActiveRequests(HostIndex host) const { return host_active_[host]; }
  // The retry threshold in force now: max_retries, or what the budget allows.
  std::uint64_t maxActiveRetries() const;
  bool requestsOpen() const { return active_requests_ >= config_.max_requests; }  // rq_open
  bool pendingOpen() const {                                                      // rq_pending_open
    return pending_requests_ >= config_.max_pending_requests;
  }
  bool connectionsOpen() const { return active_requests_ >= config_.max_connections; }  // cx_open
  bool retriesOpen() const { return active_retries_ >= maxActiveRetries(); }  // rq_retry_open

  // Overflow counters, one per threshold. Envoy adds requests, host_requests and pending into
  // upstream_rq_pending_overflow; retries is its upstream_rq_retry_overflow.
  struct Overflows {
    std::uint64_t requests = 0;       // max_requests
    std::uint64_t host_requests = 0;  // per_host_max_requests
    std::uint64_t pending = 0;        // max_pending_requests, or no free connection and no wait
    std::uint64_t retries = 0;        // max_retries or the retry budget
    // upstream_cx_overflow: a try found no free connection (it then waited or overflowed).
    std::uint64_t connections = 0;
    std::uint64_t host_connections = 0;  // of those, for want of a per-host connection
  };
  const Overflows& overflows() const { return overflows_; }
  std::uint64_t upstreamRqPendingOverflow() const {
    return overflows_.requests + overflows_.host_requests + overflows_.pending;
  }

  const CircuitBreakersConfig& config() const { return config_; }

 private:
  bool connectionFree(HostIndex host) const;
  void take(HostIndex host);

  CircuitBreakersConfig config_;
  std::optional<RetryBudget> retry_budget_;
  std::vector<std::uint32_t> host_active_;  // by HostIndex
  std::uint32_t active_requests_ = 0;
  std::uint32_t pending_requests_ = 0;
  std::uint32_t active_retries_ = 0;
  std::uint32_t retries_in_backoff_ = 0;
  Overflows overflows_;
};

}  // namespace faultline::balancer
