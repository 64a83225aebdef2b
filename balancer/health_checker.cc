#include "balancer/health_checker.h"

#include <cassert>

namespace faultline::balancer {
namespace {

// Envoy's fallbacks for unset intervals (HealthCheckerImplBase's constructor).
HealthCheckConfig withFallbacks(HealthCheckConfig config) {
  const auto orElse = [](Duration& value, Duration fallback) {
    if (value == Duration::zero()) value = fallback;
  };
  orElse(config.unhealthy_interval, config.interval);
  orElse(config.unhealthy_edge_interval, config.unhealthy_interval);
  orElse(config.healthy_edge_interval, config.interval);
  orElse(config.no_traffic_healthy_interval, config.no_traffic_interval);
  return config;
}

}  // namespace

HealthChecker::HealthChecker(Runtime& runtime, Prober& prober, Listener& listener,
                             HealthCheckConfig config, std::size_t host_count)
    : runtime_(runtime), prober_(prober), listener_(listener), config_(withFallbacks(config)) {
  assert(config_.interval > Duration::zero() && config_.timeout > Duration::zero());
  assert(config_.unhealthy_threshold >= 1 && config_.healthy_threshold >= 1);
  assert(config_.interval_jitter >= Duration::zero() && config_.initial_jitter >= Duration::zero());
  assert(config_.no_traffic_interval >= Duration::zero());
  sessions_.resize(host_count);
  for (HostIndex host = 0; host < host_count; ++host) {
    auto& session = sessions_[host];
    session.interval_timer = runtime_.createTimer([this, host] { sendProbe(host); });
    session.timeout_timer = runtime_.createTimer([this, host] { onTimeout(host); });
    session.haproxy_health = config_.healthy_threshold;
  }
}

void HealthChecker::start() {
  const auto count = static_cast<Duration::rep>(sessions_.size());
  for (HostIndex host = 0; host < sessions_.size(); ++host) {
    Duration delay = config_.interval * host / count;
    if (config_.initial_jitter > Duration::zero()) delay += uniformBelow(config_.initial_jitter);
    sessions_[host].interval_timer->enable(delay);
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
  const bool was_healthy = session.healthy;
  if (config_.haproxy_counter) {
    countHaproxy(session, passed);
  } else {
    countConsecutive(session, passed);
  }
  session.interval_timer->enable(nextInterval(session));
  if (session.healthy != was_healthy) listener_.onHealthCheckVerdict(host, session.healthy);
  listener_.onProbeConcluded(host, passed);
}

void HealthChecker::countConsecutive(Session& session, bool passed) const {
  if (passed) {
    session.consecutive_failures = 0;
    ++session.consecutive_passes;
    if (!session.healthy && session.consecutive_passes >= config_.healthy_threshold) {
      session.healthy = true;
    }
    return;
  }
  session.consecutive_passes = 0;
  ++session.consecutive_failures;
  if (session.healthy && session.consecutive_failures >= config_.unhealthy_threshold) {
    session.healthy = false;
  }
}

void HealthChecker::countHaproxy(Session& session, bool passed) const {
  const std::uint32_t rise = config_.healthy_threshold;
  const std::uint32_t top = rise + config_.unhealthy_threshold - 1;
  auto& health = session.haproxy_health;
  if (passed) {
    if (health < top) {
      ++health;
      if (health >= rise) health = top;
    }
  } else if (health > 0) {
    --health;
    if (health < rise) health = 0;
  }
  session.healthy = health >= rise;
}

bool HealthChecker::changePending(const Session& session) const {
  if (config_.haproxy_counter) {
    const std::uint32_t top = config_.healthy_threshold + config_.unhealthy_threshold - 1;
    return session.healthy ? session.haproxy_health < top : session.haproxy_health > 0;
  }
  return session.healthy ? session.consecutive_failures > 0 : session.consecutive_passes > 0;
}

Duration HealthChecker::nextInterval(const Session& session) {
  const bool pending = changePending(session);
  Duration base;
  if (config_.no_traffic_interval > Duration::zero() && !had_traffic_) {
    base = session.healthy && !pending ? config_.no_traffic_healthy_interval
                                       : config_.no_traffic_interval;
  } else if (session.healthy) {
    base = pending ? config_.unhealthy_edge_interval : config_.interval;
  } else {
    base = pending ? config_.healthy_edge_interval : config_.unhealthy_interval;
  }
  Duration next = base;
  if (config_.interval_jitter_percent > 0) {
    const Duration span = base * config_.interval_jitter_percent / 100;
    if (span > Duration::zero()) next += uniformBelow(span);
  }
  if (config_.interval_jitter > Duration::zero()) next += uniformBelow(config_.interval_jitter);
  return next;
}

// Uniform in [0, bound) by multiply-shift, at nanosecond resolution (Envoy draws
// random() % bound in milliseconds).
Duration HealthChecker::uniformBelow(Duration bound) {
  __extension__ using Wide = unsigned __int128;
  const auto span = static_cast<std::uint64_t>(bound.count());
  return Duration(static_cast<Duration::rep>(
      (static_cast<Wide>(runtime_.randomFor(RandomUse::kHealthChecks)) * span) >> 64));
}

}  // namespace faultline::balancer
