#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "balancer/host.h"

namespace faultline::balancer {

// The hosts one balancer may use, grouped into priority levels as in Envoy's PrioritySet: level 0
// takes the traffic while it has a healthy host, later levels are failover targets. In Faultline a
// level is usually a region: the client's own region first, then the others by latency or by a
// configured order. The set keeps each level's healthy hosts as a dense list, rebuilt only when a
// host's health changes, so a pick never scans unhealthy hosts.
//
// Within a level, hosts are grouped by locality (region and zone), in the order the localities
// first appear in the level, each with its own healthy list, for locality-weighted and zone-aware
// routing (Envoy's HostsPerLocality). A strategy keeps its state per host source: a level's
// whole list, or one locality of it; source() numbers them.
class PrioritySet {
 public:
  // `levels[i]` lists the hosts of level i. A host belongs to at most one level; a host in no
  // level is never picked.
  PrioritySet(std::vector<HostDescriptor> hosts, std::vector<std::vector<HostIndex>> levels);

  std::size_t hostCount() const { return hosts_.size(); }
  const HostDescriptor& host(HostIndex host) const { return hosts_[host]; }
  std::uint32_t levelCount() const { return static_cast<std::uint32_t>(levels_.size()); }
  std::span<const HostIndex> hosts(std::uint32_t level) const { return levels_[level]; }
  std::span<const HostIndex> healthyHosts(std::uint32_t level) const { return healthy_[level]; }
  // Changes whenever the healthy list of `level` is rebuilt: strategies that precompute something
  // from the list (a schedule, a ring) rebuild it when the version they built from is stale.
  std::uint64_t version(std::uint32_t level) const { return versions_[level]; }

  bool isHealthy(HostIndex host) const { return flags_[host] == 0; }

  std::uint32_t localityCount(std::uint32_t level) const {
    return static_cast<std::uint32_t>(localities_[level].size());
  }
  const Locality& locality(std::uint32_t level, std::uint32_t index) const {
    return localities_[level][index].locality;
  }
  std::span<const HostIndex> hostsIn(std::uint32_t level, std::uint32_t index) const {
    return localities_[level][index].hosts;
  }
  std::span<const HostIndex> healthyHostsIn(std::uint32_t level, std::uint32_t index) const {
    return localities_[level][index].healthy;
  }
  // The locality lists change together with their level's list: version(level) covers them.

  // Host sources, numbered from 0: each level's whole list, then each of its localities.
  std::uint32_t source(std::uint32_t level) const { return source_base_[level]; }
  std::uint32_t source(std::uint32_t level, std::uint32_t locality) const {
    return source_base_[level] + 1 + locality;
  }

  // The weight strategies schedule with: the configured weight times a scale in (0, 1] that slow
  // start ramps up (1 otherwise). Changing a scale changes the version of the host's level, so
  // schedules built on the old weights are rebuilt.
  double weight(HostIndex host) const { return hosts_[host].weight * weight_scale_[host]; }
  void setWeightScale(HostIndex host, double scale);
  // The host's level as one bit (for Request::tried_levels); 0 past 32 levels or for no level.
  std::uint32_t levelBit(HostIndex host) const {
    return level_of_[host] < 32 ? 1u << level_of_[host] : 0u;
  }

  // Sets or clears one reason for a host to be unusable. Returns true when that changed whether
  // the host is healthy.
  bool setFlag(HostIndex host, HealthFlag flag, bool set);

  // The first level with a healthy host, if any.
  std::optional<std::uint32_t> firstHealthyLevel() const;

 private:
  static constexpr std::uint32_t kNoLevel = UINT32_MAX;
  struct LocalityHosts;
  // The entry of `locality` in `level`, added at the end if new.
  LocalityHosts& localityHosts(std::uint32_t level, const Locality& locality);
  void rebuildHealthy(std::uint32_t level);

  std::vector<HostDescriptor> hosts_;
  std::vector<std::uint8_t> flags_;
  std::vector<double> weight_scale_;
  std::vector<std::uint32_t> level_of_;
  std::vector<std::vector<HostIndex>> levels_;
  std::vector<std::vector<HostIndex>> healthy_;
  std::vector<std::uint64_t> versions_;
  struct LocalityHosts {
    Locality locality;
    std::vector<HostIndex> hosts;
    std::vector<HostIndex> healthy;
  };
  std::vector<std::vector<LocalityHosts>> localities_;  // per level
  std::vector<std::uint32_t> source_base_;              // per level
};

}  // namespace faultline::balancer
