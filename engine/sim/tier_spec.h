#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "balancer/time.h"

namespace faultline::sim {

using balancer::Duration;

// One instance of the balancer tier.
struct TierInstanceSpec {
  std::string name;  // "us-east/lb-2"
  std::uint32_t region = 0;
  std::uint32_t zone = 0;
};

enum class TierRouting : std::uint8_t { kDns, kAnycast };
enum class TierPolicy : std::uint8_t {
  kNearest,
  kLowestLatency,
  kWeighted,
  kActivePassive,
  kActiveActive
};

// The balancer as a tier of its own (scenario.proto, BalancerTier), resolved: instances in
// instance order (site by site, in the order of the scenario's sites), regions as indices.
struct TierSpec {
  std::vector<TierInstanceSpec> instances;
  TierRouting routing = TierRouting::kDns;
  TierPolicy policy = TierPolicy::kNearest;
  std::vector<double> region_weights;         // per region (WEIGHTED); 0 for regions without a site
  std::vector<std::uint32_t> failover_order;  // ACTIVE_PASSIVE: regions, primary first
  Duration ttl = std::chrono::seconds(60);
  std::uint32_t resolvers = 100;
  Duration check_interval = std::chrono::seconds(10);
  std::uint32_t failure_threshold = 3;
};

}  // namespace faultline::sim
