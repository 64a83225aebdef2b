#include "engine/sim/regional_balancer.h"

#include <cassert>

#include "engine/sim/balancer_view.h"

namespace faultline::sim {
balancer::LoadBalancerConfig regionalBalancerConfig(const WorldSpec& spec, std::uint32_t region) {
  balancer::LoadBalancerConfig config = spec.balancer.config;
  if (!config.zone_aware) return config;
  config.zone_aware->local_region = region;
  if (spec.tier) {
    std::vector<double> shares(spec.layout.regions[region].zones.size(), 0.0);
    for (const auto& instance : spec.tier->instances) {
      if (instance.region == region) shares[instance.zone] += 1;
    }
    config.zone_aware->local_zone_shares = std::move(shares);
    return config;
  }
  for (const ClientSpec& client : spec.clients) {
    if (client.region == region) config.zone_aware->local_zone_shares = client.zone_shares;
  }
  return config;
}

RegionalBalancer::RegionalBalancer(std::uint32_t index, std::uint32_t region, const WorldSpec& spec,
                                   Kernel& kernel, ProbeTransport& transport,
                                   metrics::Observer& observer, const TierInstanceSpec* instance)
    : index_(index),
      region_(region),
      instance_(instance),
      kernel_(kernel),
      transport_(transport),
      observer_(observer),
      runtime_(kernel, spec.seed, instance ? kInstanceStreams + index : region),
      level_region_(spec.layout.regions[region].failover_order) {
  std::vector<balancer::HostDescriptor> hosts;
  std::vector<std::vector<balancer::HostIndex>> levels(level_region_.size());
  for (std::uint32_t level = 0; level < level_region_.size(); ++level) {
    for (std::uint32_t h = 0; h < spec.hosts.size(); ++h) {
      if (spec.hosts[h].region != level_region_[level]) continue;
      levels[level].push_back(static_cast<balancer::HostIndex>(hosts.size()));
      hosts.push_back(
          balancer::HostDescriptor{.address = h,
                                   .name = spec.layout.hosts[h].name,
                                   .locality = {spec.hosts[h].region, spec.hosts[h].zone},
                                   .weight = spec.groups[spec.hosts[h].group].weight});
      global_host_.push_back(h);
    }
  }
  auto strategy =
      balancer::makeStrategy(spec.balancer.strategy, spec.balancer.options, runtime_, hosts.size());
  assert(strategy && "buildWorldSpec checks the strategy name");
  balancer::Prober& prober = *this;
  balancer::BalancerEvents& events = *this;
  core_ = std::make_unique<balancer::LoadBalancer>(
      runtime_, prober, balancer::PrioritySet(std::move(hosts), std::move(levels)),
      std::move(*strategy), regionalBalancerConfig(spec, region), &events);
}

metrics::BalancerWindowView RegionalBalancer::view(std::uint32_t region_count) const {
  metrics::BalancerWindowView view = balancerView(*core_, level_region_, region_, region_count);
  if (instance_) view.instance = instance_->name;
  return view;
}

void RegionalBalancer::probe(balancer::HostIndex host, std::uint64_t probe_id) {
  transport_.sendProbe(index_, host, global_host_[host], probe_id);
}

void RegionalBalancer::onHostHealthChanged(balancer::HostIndex host, bool healthy) {
  observer_.onHostHealthChanged(metrics::HostHealthEvent{.time = kernel_.now(),
                                                         .balancer_region = region_,
                                                         .host = global_host_[host],
                                                         .healthy = healthy});
}

void RegionalBalancer::onActiveLevelChanged(std::optional<std::uint32_t> from,
                                            std::optional<std::uint32_t> to) {
  observer_.onFailover(metrics::FailoverEvent{.time = kernel_.now(),
                                              .balancer_region = region_,
                                              .from_region = regionOfLevel(from),
                                              .to_region = regionOfLevel(to)});
}

std::optional<std::uint32_t> RegionalBalancer::regionOfLevel(
    std::optional<std::uint32_t> level) const {
  return sim::regionOfLevel(level_region_, level);
}

}  // namespace faultline::sim
