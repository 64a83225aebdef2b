#include "balancer/load_balancer.h"

#include <cassert>

namespace faultline::balancer {

LoadBalancer::LoadBalancer(Runtime& runtime, Prober& prober, PrioritySet hosts,
                           std::unique_ptr<Strategy> strategy,
                           const HealthCheckConfig& health_check, BalancerEvents* events)
    : hosts_(std::move(hosts)),
      strategy_(std::move(strategy)),
      load_(hosts_.hostCount()),
      events_(events),
      active_level_(hosts_.firstHealthyLevel()) {
  assert(strategy_ != nullptr);
  if (health_check.enabled) {
    HealthChecker::Listener& listener = *this;
    health_checker_ = std::make_unique<HealthChecker>(runtime, prober, listener, health_check,
                                                      hosts_.hostCount());
  }
}

void LoadBalancer::start() {
  if (health_checker_) health_checker_->start();
}

Decision LoadBalancer::choose(const Request& request) {
  if (!active_level_) return Decision::refuse(Refusal::kNoHealthyHost);
  const std::uint32_t level = *active_level_;
  const HostIndex host = strategy_->pick(PickContext{.candidates = hosts_.healthyHosts(level),
                                                     .level = level,
                                                     .version = hosts_.version(level),
                                                     .request = request,
                                                     .hosts = hosts_,
                                                     .load = load_});
  ++load_[host].active_requests;
  return Decision::pick(host);
}

void LoadBalancer::onResult(HostIndex host, Outcome outcome, Duration latency) {
  assert(load_[host].active_requests > 0 && "a result for a request this balancer never picked");
  --load_[host].active_requests;
  strategy_->onResult(host, outcome, latency);
}

void LoadBalancer::onProbeResult(HostIndex host, std::uint64_t probe_id, bool passed) {
  if (health_checker_) health_checker_->onProbeResult(host, probe_id, passed);
}

void LoadBalancer::onHealthCheckVerdict(HostIndex host, bool healthy) {
  if (!hosts_.setFlag(host, kFailedActiveHealthCheck, !healthy)) return;
  if (events_) events_->onHostHealthChanged(host, healthy);
  refreshActiveLevel();
}

void LoadBalancer::refreshActiveLevel() {
  const auto level = hosts_.firstHealthyLevel();
  if (level == active_level_) return;
  const auto previous = active_level_;
  active_level_ = level;
  if (events_) events_->onActiveLevelChanged(previous, level);
}

}  // namespace faultline::balancer
