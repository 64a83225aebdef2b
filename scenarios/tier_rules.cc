#include "scenarios/tier_rules.h"

#include <set>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "scenarios/region_ref.h"

namespace faultline::scenarios {
namespace {

using scenario::BalancerTier;

constexpr std::uint64_t kMaxInstancesPerSite = 100;
constexpr std::uint64_t kMaxResolvers = 1000;
constexpr std::uint64_t kMaxWeight = 1000;
constexpr double kMaxTtlS = 86'400;
constexpr double kMinCheckIntervalMs = 100;
constexpr double kMaxCheckIntervalMs = 3'600'000;
constexpr std::uint64_t kMaxFailureThreshold = 10;

class TierRules {
 public:
  TierRules(const BalancerTier& tier, const TopologyIndex& topology, RuleChecker& rules)
      : tier_(tier), topology_(topology), rules_(rules) {}

  void run() {
    checkSites();
    checkPolicy();
    if (tier_.has_ttl_s()) {
      rules_.checkNumber("balancer.tier.ttl_s", tier_.ttl_s(),
                         {.at_least = 0, .at_most = kMaxTtlS});
    }
    if (tier_.has_resolvers()) {
      rules_.checkCount("balancer.tier.resolvers", tier_.resolvers(), 1, kMaxResolvers);
    }
    if (tier_.has_check_interval_ms()) {
      rules_.checkNumber("balancer.tier.check_interval_ms", tier_.check_interval_ms(),
                         {.at_least = kMinCheckIntervalMs, .at_most = kMaxCheckIntervalMs});
    }
    if (tier_.has_failure_threshold()) {
      rules_.checkCount("balancer.tier.failure_threshold", tier_.failure_threshold(), 1,
                        kMaxFailureThreshold);
    }
  }

 private:
  bool checkRegion(const std::string& path, const std::string& region) {
    return checkRegionRef(rules_, topology_, path, region);
  }

  void checkSites() {
    if (tier_.sites().empty()) {
      rules_.report("balancer.tier.sites", "at least one site is required: where instances run");
    }
    for (int i = 0; i < tier_.sites_size(); ++i) {
      const auto& site = tier_.sites(i);
      const std::string path = fmt::format("balancer.tier.sites[{}]", i);
      const bool region_ok = checkRegion(path + ".region", site.region());
      if (region_ok && !sites_.insert(site.region()).second) {
        rules_.report(path + ".region",
                      fmt::format("region {} has a site already", quote(site.region())));
      }
      rules_.checkCount(path + ".instances", site.instances(), 1, kMaxInstancesPerSite);
      std::set<std::string_view> zones;
      for (int z = 0; z < site.zones_size(); ++z) {
        const std::string& zone = site.zones(z);
        const std::string zone_path = fmt::format("{}.zones[{}]", path, z);
        if (region_ok && !topology_.regionHasZone(site.region(), zone)) {
          rules_.report(zone_path,
                        fmt::format("region {} has no zone {} (zones: {})", quote(site.region()),
                                    quote(zone), nameList(topology_.zonesOf(site.region()))));
        } else if (!zones.insert(zone).second) {
          rules_.report(zone_path, fmt::format("zone {} is listed twice", quote(zone)));
        }
      }
    }
  }

  void checkPolicy() {
    const bool anycast = tier_.routing() == BalancerTier::ANYCAST;
    if (anycast && tier_.policy() != BalancerTier::NEAREST) {
      rules_.report("balancer.tier.policy",
                    "applies to DNS routing only: anycast always takes the nearest site announced");
    }
    if (!tier_.weights().empty() && tier_.policy() != BalancerTier::WEIGHTED) {
      rules_.report("balancer.tier.weights", "need policy WEIGHTED");
    }
    for (int i = 0; i < tier_.weights_size(); ++i) {
      const auto& weight = tier_.weights(i);
      const std::string path = fmt::format("balancer.tier.weights[{}]", i);
      if (checkRegion(path + ".region", weight.region()) && !sites_.contains(weight.region())) {
        rules_.report(path + ".region",
                      fmt::format("region {} has no site", quote(weight.region())));
      }
      rules_.checkCount(path + ".weight", weight.weight(), 0, kMaxWeight);
    }
    checkFailoverOrder();
  }

  // ACTIVE_PASSIVE needs every site exactly once, primary first; other policies none.
  void checkFailoverOrder() {
    const std::string path = "balancer.tier.failover_order";
    if (tier_.policy() != BalancerTier::ACTIVE_PASSIVE) {
      if (!tier_.failover_order().empty()) rules_.report(path, "needs policy ACTIVE_PASSIVE");
      return;
    }
    std::set<std::string_view> seen;
    for (int i = 0; i < tier_.failover_order_size(); ++i) {
      const std::string& region = tier_.failover_order(i);
      const std::string at = fmt::format("{}[{}]", path, i);
      if (!checkRegion(at, region)) continue;
      if (!sites_.contains(region)) {
        rules_.report(at, fmt::format("region {} has no site", quote(region)));
      } else if (!seen.insert(region).second) {
        rules_.report(at, fmt::format("region {} is listed twice", quote(region)));
      }
    }
    if (seen.size() != sites_.size()) {
      rules_.report(path, fmt::format("must list every site's region, primary first ({} of {})",
                                      seen.size(), sites_.size()));
    }
  }

  const BalancerTier& tier_;
  const TopologyIndex& topology_;
  RuleChecker& rules_;
  std::set<std::string_view> sites_;
};

}  // namespace

void checkTier(const BalancerTier& tier, const TopologyIndex& topology, RuleChecker& rules) {
  TierRules(tier, topology, rules).run();
}

}  // namespace faultline::scenarios
