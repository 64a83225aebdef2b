#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "balancer/load_balancer.h"
#include "engine/metrics/window_stats.h"

namespace faultline::sim {

// A balancer's own view at this moment, by region: its healthy hosts, its traffic shares
// (Envoy's priority load), its levels in panic and where its traffic goes first. `level_region`
// maps each priority level to its region (the balancer's failover order). The simulator's and
// live mode's balancers are seen the same way.
metrics::BalancerWindowView balancerView(const balancer::LoadBalancer& core,
                                         std::span<const std::uint32_t> level_region,
                                         std::uint32_t region, std::uint32_t region_count);

// The region of a priority level, or nullopt for none.
inline std::optional<std::uint32_t> regionOfLevel(std::span<const std::uint32_t> level_region,
                                                  std::optional<std::uint32_t> level) {
  if (!level || *level >= level_region.size()) return std::nullopt;
  return level_region[*level];
}

}  // namespace faultline::sim
