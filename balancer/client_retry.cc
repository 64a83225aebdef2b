#include "balancer/client_retry.h"

namespace faultline::balancer {

ClientRetry::ClientRetry(const ClientRetryConfig& config) : config_(config) {
  if (config.budget) budget_.emplace(*config.budget);
  if (config.throttling) throttling_.emplace(*config.throttling);
}

void ClientRetry::onRequest(TimePoint now) {
  if (budget_) budget_->deposit(now);
}

void ClientRetry::onAttemptEnded(bool succeeded) {
  if (throttling_) throttling_->onAttempt(succeeded);
}

std::optional<Duration> ClientRetry::retryAfter(std::uint32_t retries_sent, bool timed_out,
                                                Duration previous, TimePoint now,
                                                std::uint64_t random_bits) {
  if (retries_sent >= config_.max_retries) return std::nullopt;
  if (config_.only_timeouts && !timed_out) return std::nullopt;
  const bool allowed =
      (!throttling_ || throttling_->allowsRetry()) && (!budget_ || budget_->tryWithdraw(now));
  if (!allowed) {
    ++limited_;
    return std::nullopt;
  }
  return clientBackoff(config_.backoff, retries_sent, previous, random_bits);
}

}  // namespace faultline::balancer
