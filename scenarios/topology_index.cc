#include "scenarios/topology_index.h"

namespace faultline::scenarios {
namespace {

constexpr std::string_view kDefaultZone = "a";

template <typename Set>
bool containsIn(const std::map<std::string_view, Set>& sets, std::string_view key,
                std::string_view value) {
  const auto it = sets.find(key);
  return it != sets.end() && it->second.contains(value);
}

template <typename Set>
std::vector<std::string_view> membersOf(const std::map<std::string_view, Set>& sets,
                                        std::string_view key) {
  const auto it = sets.find(key);
  if (it == sets.end()) return {};
  return {it->second.begin(), it->second.end()};
}

}  // namespace

TopologyIndex::TopologyIndex(const scenario::Scenario& scenario) {
  for (const scenario::Region& region : scenario.regions()) {
    const std::string_view name = region.name();
    if (!zones_.contains(name)) region_names_.push_back(name);
    const std::vector<std::string_view> zones = effectiveZones(region);
    zones_[name].insert(zones.begin(), zones.end());
    all_zones_.insert(zones.begin(), zones.end());
    auto& groups = groups_[name];
    for (const scenario::BackendGroup& group : region.backends()) {
      groups.insert(group.group());
      all_groups_.insert(group.group());
      addGroup(name, group, zones);
    }
  }
}

std::vector<std::string_view> TopologyIndex::effectiveZones(const scenario::Region& region) {
  if (region.zones().empty()) return {kDefaultZone};
  return {region.zones().begin(), region.zones().end()};
}

bool TopologyIndex::regionHasZone(std::string_view region, std::string_view zone) const {
  return containsIn(zones_, region, zone);
}

bool TopologyIndex::regionHasGroup(std::string_view region, std::string_view group) const {
  return containsIn(groups_, region, group);
}

std::vector<std::string_view> TopologyIndex::zonesOf(std::string_view region) const {
  return membersOf(zones_, region);
}

std::vector<std::string_view> TopologyIndex::groupsOf(std::string_view region) const {
  return membersOf(groups_, region);
}

std::uint64_t TopologyIndex::hosts(std::string_view region, std::string_view zone,
                                   std::string_view group) const {
  const auto it = hosts_.find({region, zone, group});
  return it == hosts_.end() ? 0 : it->second;
}

// Instances are dealt round robin over the group's zones: the first `count % zones` zones get
// one more than the rest.
void TopologyIndex::addGroup(std::string_view region, const scenario::BackendGroup& group,
                             const std::vector<std::string_view>& region_zones) {
  std::vector<std::string_view> zones(group.zones().begin(), group.zones().end());
  if (zones.empty()) zones = region_zones;
  const std::uint64_t count = group.count();
  const std::uint64_t per_zone = count / zones.size();
  const std::uint64_t remainder = count % zones.size();
  for (std::size_t k = 0; k < zones.size(); ++k) {
    const std::uint64_t hosts = per_zone + (k < remainder ? 1 : 0);
    if (hosts > 0) addHosts(region, zones[k], group.group(), hosts);
  }
}

// Counted under every combination of the names and the wildcard, so a selector with any of
// them left empty is one lookup.
void TopologyIndex::addHosts(std::string_view region, std::string_view zone, std::string_view group,
                             std::uint64_t count) {
  for (const std::string_view r : {region, std::string_view()}) {
    for (const std::string_view z : {zone, std::string_view()}) {
      for (const std::string_view g : {group, std::string_view()})
        hosts_[{r, z, g}] += count;
    }
  }
}

}  // namespace faultline::scenarios
