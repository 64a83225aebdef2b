#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "balancer/load_balancer.h"
#include "engine/metrics/observer.h"
#include "engine/metrics/window_stats.h"
#include "engine/sim/kernel.h"
#include "engine/sim/sim_runtime.h"
#include "engine/sim/world_spec.h"

namespace faultline::sim {

// The scenario's balancer configuration for a balancer (client-side, or an instance of the tier)
// in `region`: zone-aware routing learns where its traffic comes from, as Envoy learns it from its
// local cluster: the region's clients, or the region's tier instances. Live runs configure their
// proxies with it too.
balancer::LoadBalancerConfig regionalBalancerConfig(const WorldSpec& spec, std::uint32_t region);

// A client-side balancer draws from its region's streams (as it always has); tier instance i from
// streams of its own, kInstanceStreams + i.
inline constexpr std::uint32_t kInstanceStreams = 1u << 16;

// Carries a balancer's health probes into the simulated world.
class ProbeTransport {
 public:
  virtual ~ProbeTransport() = default;
  virtual void sendProbe(std::uint32_t balancer, balancer::HostIndex local, std::uint32_t host,
                         std::uint64_t probe_id) = 0;
};

// One region's balancer in the simulated world: the real balancer core with a runtime of its own
// (virtual time, its own random stream), the hosts it may use in failover order (one priority
// level per region), and the adapters that carry its probes into the world and its events out to
// the observers, translated from its local indices to the world's.
class RegionalBalancer final : private balancer::Prober, private balancer::BalancerEvents {
 public:
  // `instance`: the tier instance it is, or nullptr for the client-side balancer of `region`.
  RegionalBalancer(std::uint32_t index, std::uint32_t region, const WorldSpec& spec, Kernel& kernel,
                   ProbeTransport& transport, metrics::Observer& observer,
                   const TierInstanceSpec* instance = nullptr);

  balancer::LoadBalancer& core() { return *core_; }
  const balancer::LoadBalancer& core() const { return *core_; }
  std::uint32_t region() const { return region_; }
  std::uint32_t zone() const { return instance_ ? instance_->zone : 0; }
  std::uint32_t globalHost(balancer::HostIndex local) const { return global_host_[local]; }

  // This balancer's view, for the window that just closed.
  metrics::BalancerWindowView view(std::uint32_t region_count) const;

 private:
  void probe(balancer::HostIndex host, std::uint64_t probe_id) override;
  void onHostHealthChanged(balancer::HostIndex host, bool healthy) override;
  void onActiveLevelChanged(std::optional<std::uint32_t> from,
                            std::optional<std::uint32_t> to) override;
  std::optional<std::uint32_t> regionOfLevel(std::optional<std::uint32_t> level) const;

  std::uint32_t index_;
  std::uint32_t region_;
  const TierInstanceSpec* instance_;
  Kernel& kernel_;
  ProbeTransport& transport_;
  metrics::Observer& observer_;
  SimRuntime runtime_;
  std::vector<std::uint32_t> level_region_;
  std::vector<std::uint32_t> global_host_;
  std::unique_ptr<balancer::LoadBalancer> core_;
};

}  // namespace faultline::sim
