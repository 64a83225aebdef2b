#include "scenarios/cost_rules.h"

#include <set>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "scenarios/region_ref.h"

namespace faultline::scenarios {
namespace {

constexpr double kMaxPriceUsd = 1e9;
constexpr std::uint64_t kMaxMessageBytes = 100'000'000;

}  // namespace

void checkCost(const scenario::Scenario& scenario, const TopologyIndex& topology,
               RuleChecker& rules) {
  const auto& cost = scenario.cost();
  const Bounds price{.at_least = 0, .at_most = kMaxPriceUsd};
  std::set<std::string_view> priced;
  for (int i = 0; i < cost.instance_hour_usd_size(); ++i) {
    const auto& entry = cost.instance_hour_usd(i);
    const std::string path = fmt::format("cost.instance_hour_usd[{}]", i);
    if (checkRegionRef(rules, topology, path + ".region", entry.region()) &&
        !priced.insert(entry.region()).second) {
      rules.report(path + ".region",
                   fmt::format("region {} has a price already", quote(entry.region())));
    }
    rules.checkNumber(path + ".usd", entry.usd(), price);
  }
  rules.checkNumber("cost.default_instance_hour_usd", cost.default_instance_hour_usd(), price);
  rules.checkNumber("cost.balancer_hour_usd", cost.balancer_hour_usd(), price);
  rules.checkNumber("cost.cross_region_gb_usd", cost.cross_region_gb_usd(), price);
  rules.checkNumber("cost.internet_gb_usd", cost.internet_gb_usd(), price);
  if (cost.has_downtime_minute_usd()) {
    rules.checkNumber("cost.downtime_minute_usd", cost.downtime_minute_usd(), price);
  }
  for (int r = 0; r < scenario.regions_size(); ++r) {
    const auto& clients = scenario.regions(r).clients();
    const std::string path = fmt::format("regions[{}].clients", r);
    if (clients.has_request_bytes()) {
      rules.checkCount(path + ".request_bytes", clients.request_bytes(), 0, kMaxMessageBytes);
    }
    if (clients.has_response_bytes()) {
      rules.checkCount(path + ".response_bytes", clients.response_bytes(), 0, kMaxMessageBytes);
    }
  }
}

}  // namespace faultline::scenarios
