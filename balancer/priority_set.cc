#include "balancer/priority_set.h"

#include <cassert>

namespace faultline::balancer {

PrioritySet::PrioritySet(std::vector<HostDescriptor> hosts,
                         std::vector<std::vector<HostIndex>> levels)
    : hosts_(std::move(hosts)),
      flags_(hosts_.size(), 0),
      weight_scale_(hosts_.size(), 1.0),
      level_of_(hosts_.size(), kNoLevel),
      levels_(std::move(levels)),
      healthy_(levels_.size()),
      versions_(levels_.size(), 0),
      localities_(levels_.size()),
      source_base_(levels_.size(), 0) {
  std::uint32_t next_source = 0;
  for (std::uint32_t level = 0; level < levels_.size(); ++level) {
    for (HostIndex host : levels_[level]) {
      assert(host < hosts_.size() && "host index out of range");
      assert(level_of_[host] == kNoLevel && "a host belongs to at most one level");
      level_of_[host] = level;
      localityHosts(level, hosts_[host].locality).hosts.push_back(host);
    }
    source_base_[level] = next_source;
    next_source += 1 + localityCount(level);
    rebuildHealthy(level);
  }
}

PrioritySet::LocalityHosts& PrioritySet::localityHosts(std::uint32_t level,
                                                       const Locality& locality) {
  auto& list = localities_[level];
  for (auto& entry : list) {
    if (entry.locality.region == locality.region && entry.locality.zone == locality.zone) {
      return entry;
    }
  }
  list.push_back(LocalityHosts{locality, {}, {}});
  return list.back();
}

bool PrioritySet::setFlag(HostIndex host, HealthFlag flag, bool set) {
  const bool was_healthy = isHealthy(host);
  if (set) {
    flags_[host] |= flag;
  } else {
    flags_[host] &= static_cast<std::uint8_t>(~flag);
  }
  if (isHealthy(host) == was_healthy) return false;
  if (level_of_[host] != kNoLevel) rebuildHealthy(level_of_[host]);
  return true;
}

void PrioritySet::setWeightScale(HostIndex host, double scale) {
  assert(scale > 0 && scale <= 1);
  if (weight_scale_[host] == scale) return;
  weight_scale_[host] = scale;
  if (level_of_[host] != kNoLevel) ++versions_[level_of_[host]];
}

std::optional<std::uint32_t> PrioritySet::firstHealthyLevel() const {
  for (std::uint32_t level = 0; level < healthy_.size(); ++level) {
    if (!healthy_[level].empty()) return level;
  }
  return std::nullopt;
}

void PrioritySet::rebuildHealthy(std::uint32_t level) {
  // Kept in the level's configured order, so a pick by index is stable as long as health is.
  auto& healthy = healthy_[level];
  ++versions_[level];
  healthy.clear();
  for (HostIndex host : levels_[level]) {
    if (isHealthy(host)) healthy.push_back(host);
  }
  for (auto& entry : localities_[level]) {
    entry.healthy.clear();
    for (HostIndex host : entry.hosts) {
      if (isHealthy(host)) entry.healthy.push_back(host);
    }
  }
}

}  // namespace faultline::balancer
