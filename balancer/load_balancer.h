#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "balancer/health_checker.h"
#include "balancer/host.h"
#include "balancer/priority_load.h"
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
  // The first level that takes traffic changed (failover or failback); nullopt when the balancer
  // refuses all traffic (no healthy host and no panic routing).
  virtual void onActiveLevelChanged(std::optional<std::uint32_t> from,
                                    std::optional<std::uint32_t> to) = 0;
};

struct LoadBalancerConfig {
  HealthCheckConfig health_check;
  PriorityLoadConfig priority;
  // Envoy's fail_traffic_on_panic: a level in panic refuses instead of using all of its hosts.
  bool fail_traffic_on_panic = false;
};

// One balancer instance: its view of the hosts, its strategy and its health checks. The request
// cycle is DESIGN.md's seam 2: the driver asks choose() for a host, reports onResult() when the
// answer (or the timeout) is back, and answers the probes it is asked to send.
//
// Level selection is Envoy's priority load: each level takes a share of traffic that follows its
// health times the overprovisioning factor, spilling gradually to the next levels, and a level
// with too few healthy hosts panics and uses all of its hosts (computePriorityLoad). The balancer
// learns of outages only through its own probes; it never looks at the world.
class LoadBalancer final : private HealthChecker::Listener {
 public:
  LoadBalancer(Runtime& runtime, Prober& prober, PrioritySet hosts,
               std::unique_ptr<Strategy> strategy, const LoadBalancerConfig& config,
               BalancerEvents* events);

  // Starts active health checking (when configured). Picks work before and without it.
  void start();

  Decision choose(const Request& request);
  void onResult(HostIndex host, Outcome outcome, Duration latency);
  void onProbeResult(HostIndex host, std::uint64_t probe_id, bool passed);

  const PrioritySet& hosts() const { return hosts_; }
  std::span<const HostLoad> load() const { return load_; }
  std::optional<std::uint32_t> activeLevel() const { return active_level_; }
  const PriorityLoad& priorityLoad() const { return priority_load_; }

 private:
  // Version of a panicking level's candidate list (all of its hosts, which never change): apart
  // from every version of its healthy list, so strategies rebuild when panic starts or ends.
  static constexpr std::uint64_t kAllHostsVersion = std::uint64_t{1} << 63;

  void onHealthCheckVerdict(HostIndex host, bool healthy) override;
  std::uint32_t pickLevel(const Request& request);
  bool canServe(std::uint32_t level) const;
  std::optional<std::uint32_t> firstServingLevel() const;
  void refreshPriorityLoad();

  Runtime& runtime_;
  PrioritySet hosts_;
  LoadBalancerConfig config_;
  PriorityLoad priority_load_;
  std::unique_ptr<Strategy> strategy_;
  std::vector<HostLoad> load_;
  std::unique_ptr<HealthChecker> health_checker_;
  BalancerEvents* events_;
  std::optional<std::uint32_t> active_level_;
};

}  // namespace faultline::balancer
