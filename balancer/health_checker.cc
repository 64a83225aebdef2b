#include "balancer/health_checker.h"

#include <cassert>

namespace faultline::balancer {

HealthChecker::HealthChecker(Runtime& runtime, Prober& prober, Listener& listener,
                             HealthCheckConfig config, std::size_t host_count)
    : runtime_(runtime), prober_(prober), listener_(listener), config_(config) {
  assert(config_.interval > Duration::zero() && config_.timeout > Duration::zero());
  assert(config_.unhealthy_threshold >= 1 && config_.healthy_threshold >= 1);
  sessions_.resize(host_count);
  for (HostIndex host = 0; host < host_count; ++host) {
    auto& session = sessions_[host];
    session.interval_timer = runtime_.createTimer([this, host] { sendProbe(host); });
    session.timeout_timer = runtime_.createTimer([this, host] { onTimeout(host); });
  }
}

void HealthChecker::start() {
  const auto count = static_cast<Duration::rep>(sessions_.size());
  for (HostIndex host = 0; host < sessions_.size(); ++host) {
    sessions_[host].interval_timer->enable(config_.interval * host / count);
  }
}

void HealthChecker::sendProbe(HostIndex host) {
  auto& session = sessions_[host];
  session.probe_id = ++last_probe_id_;
  session.timeout_timer->enable(config_.timeout);
  prober_.probe(host, session.probe_id);
}

void HealthChecker::onProbeResult(HostIndex host, std::uint64_t probe_id, bool passed) {
  auto& session = sessions_[host];
  if (session.probe_id == 0 || probe_id != session.probe_id) return;
  session.timeout_timer->disable();
  conclude(host, passed);
}

void HealthChecker::onTimeout(HostIndex host) {
  conclude(host, false);
}

void HealthChecker::conclude(HostIndex host, bool passed) {
  auto& session = sessions_[host];
  session.probe_id = 0;
  session.interval_timer->enable(config_.interval);
  if (passed) {
    session.consecutive_failures = 0;
    ++session.consecutive_passes;
    if (!session.healthy && session.consecutive_passes >= config_.healthy_threshold) {
      session.healthy = true;
      listener_.onHealthCheckVerdict(host, true);
    }
    return;
  }
  session.consecutive_passes = 0;
  ++session.consecutive_failures;
  if (session.healthy && session.consecutive_failures >= config_.unhealthy_threshold) {
    session.healthy = false;
    listener_.onHealthCheckVerdict(host, false);
  }
}

}  // namespace faultline::balancer
