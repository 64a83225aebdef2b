#include "engine/sim/tier_builder.h"

#include <algorithm>
#include <string>

#include "engine/sim/spec_units.h"

namespace faultline::sim {
namespace {

namespace pb = scenario;

TierPolicy policyOf(pb::BalancerTier::Policy policy) {
  switch (policy) {
    case pb::BalancerTier::LOWEST_LATENCY:
      return TierPolicy::kLowestLatency;
    case pb::BalancerTier::WEIGHTED:
      return TierPolicy::kWeighted;
    case pb::BalancerTier::ACTIVE_PASSIVE:
      return TierPolicy::kActivePassive;
    case pb::BalancerTier::ACTIVE_ACTIVE:
      return TierPolicy::kActiveActive;
    default:
      return TierPolicy::kNearest;
  }
}

std::uint32_t zoneIndex(const metrics::RegionLayout& region, const std::string& zone) {
  const auto it = std::find(region.zones.begin(), region.zones.end(), zone);
  return static_cast<std::uint32_t>(it - region.zones.begin());
}

void addInstances(const pb::TierSite& site, const metrics::RunLayout& layout, TierSpec& tier) {
  const std::uint32_t region = regionIndex(layout, site.region());
  const auto& region_layout = layout.regions[region];
  std::vector<std::string> zones(site.zones().begin(), site.zones().end());
  if (zones.empty()) zones = region_layout.zones;
  for (std::uint32_t i = 0; i < site.instances(); ++i) {
    tier.instances.push_back(
        TierInstanceSpec{.name = site.region() + "/lb-" + std::to_string(i + 1),
                         .region = region,
                         .zone = zoneIndex(region_layout, zones[i % zones.size()])});
  }
}

}  // namespace

void buildTier(const pb::Scenario& scenario, WorldSpec& spec) {
  if (!scenario.balancer().has_tier()) return;
  const auto& config = scenario.balancer().tier();
  const auto& layout = spec.layout;
  TierSpec tier;
  for (const auto& site : config.sites())
    addInstances(site, layout, tier);
  tier.routing =
      config.routing() == pb::BalancerTier::ANYCAST ? TierRouting::kAnycast : TierRouting::kDns;
  tier.policy = policyOf(config.policy());
  tier.region_weights.assign(layout.regions.size(), 0.0);
  for (const auto& site : config.sites())
    tier.region_weights[regionIndex(layout, site.region())] = 1.0;
  for (const auto& weight : config.weights()) {
    const auto region = regionIndex(layout, weight.region());
    if (tier.region_weights[region] > 0) tier.region_weights[region] = weight.weight();
  }
  for (const auto& name : config.failover_order())
    tier.failover_order.push_back(regionIndex(layout, name));
  for (const auto& instance : tier.instances)
    spec.layout.instances.push_back(instance.name);
  if (config.has_ttl_s()) tier.ttl = fromSeconds(config.ttl_s());
  if (config.has_resolvers()) tier.resolvers = config.resolvers();
  if (config.has_check_interval_ms()) tier.check_interval = fromMillis(config.check_interval_ms());
  if (config.has_failure_threshold()) tier.failure_threshold = config.failure_threshold();
  spec.tier = std::move(tier);
}

}  // namespace faultline::sim
