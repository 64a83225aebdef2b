#include "balancer/source_schedules.h"

namespace faultline::balancer {

bool weightsAreEqual(std::span<const HostIndex> candidates, const PrioritySet& hosts) {
  if (candidates.empty()) return true;
  const double first = hosts.weight(candidates.front());
  for (HostIndex host : candidates.subspan(1)) {
    if (hosts.weight(host) != first) return false;
  }
  return true;
}

}  // namespace faultline::balancer
