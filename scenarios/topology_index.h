#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <vector>

#include "scenarios/scenario.pb.h"

namespace faultline::scenarios {

// The names a scenario declares (regions, their zones and backend groups) and how many hosts
// each region/zone/group combination holds, so the rules that refer to names (links, failover
// order, fault targets) look them up in O(log n) instead of rescanning the topology per
// reference. An untrusted file can declare hundreds of thousands of each.
//
// Applies the schema's defaults the way the engine does: a region without zones has one zone
// "a"; a group without zones spreads over all of its region's zones, round robin in order.
// Views point into the scenario, which must outlive the index.
class TopologyIndex {
 public:
  explicit TopologyIndex(const scenario::Scenario& scenario);

  // The zones of `region` with the default applied.
  static std::vector<std::string_view> effectiveZones(const scenario::Region& region);

  // Distinct region names in declaration order.
  const std::vector<std::string_view>& regionNames() const { return region_names_; }
  bool hasRegion(std::string_view region) const { return zones_.contains(region); }
  bool regionHasZone(std::string_view region, std::string_view zone) const;
  bool regionHasGroup(std::string_view region, std::string_view group) const;
  bool anyRegionHasZone(std::string_view zone) const { return all_zones_.contains(zone); }
  bool anyRegionHasGroup(std::string_view group) const { return all_groups_.contains(group); }
  std::vector<std::string_view> zonesOf(std::string_view region) const;
  std::vector<std::string_view> groupsOf(std::string_view region) const;

  // Hosts in `region`, `zone` and `group`; an empty name matches every one.
  std::uint64_t hosts(std::string_view region, std::string_view zone, std::string_view group) const;
  std::uint64_t totalHosts() const { return hosts({}, {}, {}); }

 private:
  using Key = std::tuple<std::string_view, std::string_view, std::string_view>;

  void addGroup(std::string_view region, const scenario::BackendGroup& group,
                const std::vector<std::string_view>& region_zones);
  void addHosts(std::string_view region, std::string_view zone, std::string_view group,
                std::uint64_t count);

  std::vector<std::string_view> region_names_;
  std::map<std::string_view, std::set<std::string_view>> zones_;
  std::map<std::string_view, std::set<std::string_view>> groups_;
  std::set<std::string_view> all_zones_;
  std::set<std::string_view> all_groups_;
  std::map<Key, std::uint64_t> hosts_;
};

}  // namespace faultline::scenarios
