#include "scenarios/zone_rules.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace faultline::scenarios {
namespace {

constexpr double kMaxNetworkMs = 60'000;
constexpr double kMaxZoneShare = 1e9;
constexpr std::uint64_t kMaxZoneWeight = 1000;
constexpr std::uint64_t kMaxMinClusterSize = 1'000'000;

void checkClientZones(const std::string& path, const scenario::Region& region,
                      const TopologyIndex& topology, RuleChecker& rules) {
  std::map<std::string_view, int> first_by_zone;
  for (int i = 0; i < region.clients().zones_size(); ++i) {
    const auto& entry = region.clients().zones(i);
    const std::string entry_path = fmt::format("{}.clients.zones[{}]", path, i);
    rules.checkNumber(entry_path + ".share", entry.share(), {.above = 0, .at_most = kMaxZoneShare});
    if (!topology.regionHasZone(region.name(), entry.zone())) {
      rules.report(entry_path + ".zone",
                   fmt::format("region {} has no zone {} (zones: {})", quote(region.name()),
                               quote(entry.zone()), nameList(topology.zonesOf(region.name()))));
      continue;
    }
    const auto [it, inserted] = first_by_zone.emplace(entry.zone(), i);
    if (!inserted) {
      rules.report(entry_path + ".zone", fmt::format("zone {} is listed twice (also zones[{}])",
                                                     quote(entry.zone()), it->second));
    }
  }
}

void checkZoneWeights(const scenario::ZoneRouting& routing, const TopologyIndex& topology,
                      RuleChecker& rules) {
  std::map<std::pair<std::string_view, std::string_view>, int> first;
  for (int i = 0; i < routing.zone_weights_size(); ++i) {
    const auto& entry = routing.zone_weights(i);
    const std::string path = fmt::format("balancer.zone_routing.zone_weights[{}]", i);
    rules.checkCount(path + ".weight", entry.weight(), 0, kMaxZoneWeight);
    if (!topology.hasRegion(entry.region())) {
      rules.report(path + ".region",
                   fmt::format("no region {} (regions: {})", quote(entry.region()),
                               nameList(topology.regionNames())));
      continue;
    }
    if (!topology.regionHasZone(entry.region(), entry.zone())) {
      rules.report(path + ".zone",
                   fmt::format("region {} has no zone {} (zones: {})", quote(entry.region()),
                               quote(entry.zone()), nameList(topology.zonesOf(entry.region()))));
      continue;
    }
    const auto [it, inserted] = first.emplace(std::pair{entry.region(), entry.zone()}, i);
    if (!inserted) {
      rules.report(path, fmt::format("zone {} of region {} is listed twice (also zone_weights[{}])",
                                     quote(entry.zone()), quote(entry.region()), it->second));
    }
  }
}

void checkZoneRouting(const scenario::Balancer& balancer, const TopologyIndex& topology,
                      RuleChecker& rules) {
  const auto& routing = balancer.zone_routing();
  const std::string path = "balancer.zone_routing";
  if (!scenario::ZoneRouting::Mode_IsValid(routing.mode())) {
    rules.report(path + ".mode",
                 fmt::format("not a mode (got {}): NONE, ZONE_AWARE or LOCALITY_WEIGHTED",
                             static_cast<int>(routing.mode())));
    return;
  }
  const bool zone_aware = routing.mode() == scenario::ZoneRouting::ZONE_AWARE;
  const bool weighted = routing.mode() == scenario::ZoneRouting::LOCALITY_WEIGHTED;
  if (routing.has_min_cluster_size()) {
    rules.checkCount(path + ".min_cluster_size", routing.min_cluster_size(), 1, kMaxMinClusterSize);
  }
  if (routing.has_routing_enabled_percent()) {
    rules.checkNumber(path + ".routing_enabled_percent", routing.routing_enabled_percent(),
                      {.at_least = 0, .at_most = 100});
  }
  if (!zone_aware && (routing.has_min_cluster_size() || routing.has_routing_enabled_percent())) {
    rules.report(path, "min_cluster_size and routing_enabled_percent are for mode ZONE_AWARE");
  }
  if (!weighted && routing.zone_weights_size() > 0) {
    rules.report(path + ".zone_weights", "is for mode LOCALITY_WEIGHTED");
  }
  checkZoneWeights(routing, topology, rules);
  const std::string& strategy = balancer.strategy();
  if ((zone_aware || weighted) && (strategy == "ring-hash" || strategy == "maglev")) {
    rules.report(
        path + ".mode",
        fmt::format("Envoy's hashing balancers do not route by zone: not with \"{}\"", strategy));
  }
}

}  // namespace

void checkZones(const scenario::Scenario& scenario, const TopologyIndex& topology,
                RuleChecker& rules) {
  for (int r = 0; r < scenario.regions_size(); ++r) {
    const auto& region = scenario.regions(r);
    if (region.has_clients()) {
      checkClientZones(fmt::format("regions[{}]", r), region, topology, rules);
    }
  }
  const auto& network = scenario.network();
  if (network.has_cross_zone_ms()) {
    rules.checkNumber("network.cross_zone_ms", network.cross_zone_ms(),
                      {.at_least = 0, .at_most = kMaxNetworkMs});
  }
  if (scenario.balancer().has_zone_routing()) {
    checkZoneRouting(scenario.balancer(), topology, rules);
  }
}

}  // namespace faultline::scenarios
