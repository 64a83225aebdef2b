#include "balancer/circuit_breakers.h"

#include <cassert>

namespace faultline::balancer {

CircuitBreakers::CircuitBreakers(const CircuitBreakersConfig& config, std::size_t host_count)
    : config_(config), host_active_(host_count, 0) {
  if (config_.retry_budget) retry_budget_.emplace(*config_.retry_budget);
}

Admission CircuitBreakers::tryAcquireRequest(HostIndex host, bool can_wait) {
  assert(host < host_active_.size());
  if (active_requests_ >= config_.max_requests) {
    ++overflows_.requests;
    return Admission::kOverflow;
  }
  if (host_active_[host] >= config_.per_host_max_requests) {
    ++overflows_.host_requests;
    return Admission::kOverflow;
  }
  if (connectionFree(host)) {
    take(host);
    return Admission::kSend;
  }
  ++overflows_.connections;
  if (host_active_[host] >= config_.per_host_max_connections) ++overflows_.host_connections;
  if (!can_wait || pending_requests_ >= config_.max_pending_requests) {
    ++overflows_.pending;
    return Admission::kOverflow;
  }
  ++pending_requests_;
  return Admission::kPending;
}

Admission CircuitBreakers::tryPromotePending(HostIndex host) {
  assert(host < host_active_.size() && pending_requests_ > 0);
  if (!connectionFree(host)) return Admission::kPending;
  --pending_requests_;
  if (active_requests_ >= config_.max_requests) {
    ++overflows_.requests;
    return Admission::kOverflow;
  }
  if (host_active_[host] >= config_.per_host_max_requests) {
    ++overflows_.host_requests;
    return Admission::kOverflow;
  }
  take(host);
  return Admission::kSend;
}

void CircuitBreakers::cancelPending() {
  assert(pending_requests_ > 0);
  --pending_requests_;
}

void CircuitBreakers::releaseRequest(HostIndex host) {
  assert(host < host_active_.size() && host_active_[host] > 0 && active_requests_ > 0);
  --host_active_[host];
  --active_requests_;
}

bool CircuitBreakers::tryAcquireRetry() {
  if (active_retries_ >= maxActiveRetries()) {
    ++overflows_.retries;
    return false;
  }
  ++active_retries_;
  ++retries_in_backoff_;
  return true;
}

void CircuitBreakers::retryBackoffEnded() {
  assert(retries_in_backoff_ > 0);
  --retries_in_backoff_;
}

void CircuitBreakers::releaseRetry() {
  // A retry still in backoff must end it first, or the budget's base would keep counting it.
  assert(active_retries_ > retries_in_backoff_);
  --active_retries_;
}

std::uint64_t CircuitBreakers::maxActiveRetries() const {
  if (!retry_budget_) return config_.max_retries;
  const std::uint64_t in_progress =
      std::uint64_t{active_requests_} + pending_requests_ + retries_in_backoff_;
  return retry_budget_->maxActiveRetries(in_progress);
}

bool CircuitBreakers::connectionFree(HostIndex host) const {
  return active_requests_ < config_.max_connections &&
         host_active_[host] < config_.per_host_max_connections;
}

void CircuitBreakers::take(HostIndex host) {
  ++host_active_[host];
  ++active_requests_;
}

}  // namespace faultline::balancer
