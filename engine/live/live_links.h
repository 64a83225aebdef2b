#pragma once

#include <cstdint>
#include <vector>

#include "balancer/runtime.h"
#include "engine/live/network_paths.h"
#include "engine/live/split_mix64.h"
#include "engine/sim/link_faults.h"
#include "engine/sim/world_spec.h"

namespace faultline::live {

// Where the far end of a path is: a host, or an instance of the balancer tier.
struct LinkEnd {
  std::uint32_t region = 0;
  std::uint32_t zone = 0;
};

// The places of some of the world's hosts, in the given order.
std::vector<LinkEnd> hostEnds(const sim::WorldSpec& spec, const std::vector<std::uint32_t>& hosts);

// A live run's network from one region (a proxy's, or a client's) to some far ends (the hosts
// behind a proxy's backends, or the tier's instances): the scenario's links (their one-way delay
// and jitter, the cross-zone delay inside a region) through the link faults now in force, as the
// simulator draws a trip (World::sendTry, onProbeReachHost, tierTrip), with draws of its own:
// live timing is not reproducible, the distribution of trips is.
class LiveLinks final : public NetworkPaths {
 public:
  // `ends`: the far end of each path, by the index the trips name (a proxy's backend order).
  LiveLinks(const sim::WorldSpec& spec, const sim::LinkFaults& faults, balancer::Runtime& clock,
            std::uint32_t region, std::vector<LinkEnd> ends, std::uint64_t seed);

  std::optional<balancer::Duration> trip(std::size_t backend, std::optional<std::uint32_t> zone,
                                         bool back) override;

 private:
  const sim::WorldSpec& spec_;
  const sim::LinkFaults& faults_;
  balancer::Runtime& clock_;
  std::uint32_t region_;
  std::vector<LinkEnd> ends_;
  SplitMix64 random_;
};

}  // namespace faultline::live
