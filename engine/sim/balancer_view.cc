#include "engine/sim/balancer_view.h"

namespace faultline::sim {

metrics::BalancerWindowView balancerView(const balancer::LoadBalancer& core,
                                         std::span<const std::uint32_t> level_region,
                                         std::uint32_t region, std::uint32_t region_count) {
  metrics::BalancerWindowView view;
  view.region = region;
  view.healthy_hosts.assign(region_count, 0);
  view.load_percent.assign(region_count, 0);
  const auto& hosts = core.hosts();
  const auto& priority = core.priorityLoad();
  for (std::uint32_t level = 0; level < hosts.levelCount(); ++level) {
    const std::uint32_t level_region_index = level_region[level];
    view.healthy_hosts[level_region_index] +=
        static_cast<std::uint32_t>(hosts.healthyHosts(level).size());
    view.load_percent[level_region_index] += priority.percent[level];
    if (priority.panic[level]) view.panic_regions.push_back(level_region_index);
  }
  view.active_region = regionOfLevel(level_region, core.activeLevel());
  return view;
}

}  // namespace faultline::sim
