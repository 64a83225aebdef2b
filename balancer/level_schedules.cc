#include "balancer/level_schedules.h"

namespace faultline::balancer {

bool weightsAreEqual(std::span<const HostIndex> candidates, const PrioritySet& hosts) {
  if (candidates.empty()) return true;
  const std::uint32_t first = hosts.host(candidates.front()).weight;
  for (HostIndex host : candidates.subspan(1)) {
    if (hosts.host(host).weight != first) return false;
  }
  return true;
}

}  // namespace faultline::balancer
