#pragma once

#include <cstdint>
#include <vector>

#include "balancer/runtime.h"
#include "engine/live/network_paths.h"
#include "engine/live/split_mix64.h"
#include "engine/sim/link_faults.h"
#include "engine/sim/world_spec.h"

namespace faultline::live {

// A live run's network from one client region's proxy to the world's hosts: the scenario's
// links (their one-way delay and jitter, the cross-zone delay inside a region) through the link
// faults now in force, as the simulator draws a trip (World::sendTry, onProbeReachHost), with
// draws of its own: live timing is not reproducible, the distribution of trips is.
class LiveLinks final : public NetworkPaths {
 public:
  // `host_of_backend`: the world host behind each of the proxy's backends, in its order.
  LiveLinks(const sim::WorldSpec& spec, const sim::LinkFaults& faults, balancer::Runtime& clock,
            std::uint32_t region, std::vector<std::uint32_t> host_of_backend, std::uint64_t seed);

  std::optional<balancer::Duration> trip(std::size_t backend, std::optional<std::uint32_t> zone,
                                         bool back) override;

 private:
  const sim::WorldSpec& spec_;
  const sim::LinkFaults& faults_;
  balancer::Runtime& clock_;
  std::uint32_t region_;
  std::vector<std::uint32_t> host_of_backend_;
  SplitMix64 random_;
};

}  // namespace faultline::live
