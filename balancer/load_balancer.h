#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "balancer/health_checker.h"
#include "balancer/host.h"
#include "balancer/priority_set.h"
#include "balancer/prober.h"
#include "balancer/request.h"
#include "balancer/runtime.h"
#include "balancer/strategy.h"

namespace faultline::balancer {

// What a balancer tells whoever drives it about changes in its own view of the world.
class BalancerEvents {
 public:
  virtual ~BalancerEvents() = default;
  // The balancer now considers `host` healthy (or not), from its own checks.
  virtual void onHostHealthChanged(HostIndex host, bool healthy) = 0;
  // Traffic moved to another priority level (failover or failback); nullopt when no level has a
  // healthy host.
  virtual void onActiveLevelChanged(std::optional<std::uint32_t> from,
                                    std::optional<std::uint32_t> to) = 0;
};

// One balancer instance: its view of the hosts, its strategy and its health checks. The request
// cycle is DESIGN.md's seam 2: the driver asks choose() for a host, reports onResult() when the
// answer (or the timeout) is back, and answers the probes it is asked to send.
//
// Level selection is priority failover as Envoy does it without overprovisioning: all traffic
// goes to the first level that has a healthy host. The balancer learns of outages only through
// its own probes; it never looks at the world.
class LoadBalancer final : private HealthChecker::Listener {
 public:
  LoadBalancer(Runtime& runtime, Prober& prober, PrioritySet hosts,
               std::unique_ptr<Strategy> strategy, const HealthCheckConfig& health_check,
               BalancerEvents* events);

  // Starts active health checking (when configured). Picks work before and without it.
  void start();

  Decision choose(const Request& request);
  void onResult(HostIndex host, Outcome outcome, Duration latency);
  void onProbeResult(HostIndex host, std::uint64_t probe_id, bool passed);

  const PrioritySet& hosts() const { return hosts_; }
  std::span<const HostLoad> load() const { return load_; }
  std::optional<std::uint32_t> activeLevel() const { return active_level_; }

 private:
  void onHealthCheckVerdict(HostIndex host, bool healthy) override;
  void refreshActiveLevel();

  PrioritySet hosts_;
  std::unique_ptr<Strategy> strategy_;
  std::vector<HostLoad> load_;
  std::unique_ptr<HealthChecker> health_checker_;
  BalancerEvents* events_;
  std::optional<std::uint32_t> active_level_;
};

}  // namespace faultline::balancer
