#include "balancer/locality_weighted_routing.h"

#include <algorithm>

namespace faultline::balancer {

LocalityWeightedRouting::LocalityWeightedRouting(const PrioritySet& hosts,
                                                 std::vector<LocalityWeight> weights,
                                                 std::uint32_t overprovisioning_factor)
    : hosts_(hosts),
      weights_(std::move(weights)),
      overprovisioning_(overprovisioning_factor / 100.0),
      levels_(hosts.levelCount()) {}

std::optional<std::uint32_t> LocalityWeightedRouting::chooseLocality(std::uint32_t level_index) {
  Level& level = levels_[level_index];
  if (!level.built || level.version != hosts_.version(level_index)) rebuild(level_index, level);
  if (level.schedule.empty()) return std::nullopt;
  return level.schedule.pickAndAdd(
      [&level](std::uint32_t locality) { return level.effective[locality]; });
}

double LocalityWeightedRouting::effectiveWeight(std::uint32_t level, std::uint32_t index) const {
  const auto all = static_cast<double>(hosts_.hostsIn(level, index).size());
  if (all == 0) return 0;
  const auto healthy = static_cast<double>(hosts_.healthyHostsIn(level, index).size());
  const double availability = std::min(1.0, overprovisioning_ * healthy / all);
  return configuredWeight(hosts_.locality(level, index)) * availability;
}

void LocalityWeightedRouting::rebuild(std::uint32_t level_index, Level& level) {
  level.built = true;
  level.version = hosts_.version(level_index);
  level.schedule.clear();
  const std::uint32_t count = hosts_.localityCount(level_index);
  level.effective.assign(count, 0);
  for (std::uint32_t i = 0; i < count; ++i) {
    level.effective[i] = effectiveWeight(level_index, i);
    if (level.effective[i] > 0) level.schedule.add(i, level.effective[i]);
  }
}

std::uint32_t LocalityWeightedRouting::configuredWeight(const Locality& locality) const {
  for (const LocalityWeight& entry : weights_) {
    if (entry.locality.region == locality.region && entry.locality.zone == locality.zone) {
      return entry.weight;
    }
  }
  return 1;
}

}  // namespace faultline::balancer
