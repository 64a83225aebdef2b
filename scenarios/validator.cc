#include "scenarios/validator.h"
#include "scenarios/limits.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "scenarios/cost_rules.h"
#include "scenarios/fault_rules.h"
#include "scenarios/limits.h"
#include "scenarios/region_ref.h"
#include "scenarios/resilience_rules.h"
#include "scenarios/rule_checker.h"
#include "scenarios/tier_rules.h"
#include "scenarios/topology_index.h"
#include "scenarios/traffic_rules.h"
#include "scenarios/user_input.h"
#include "scenarios/zone_rules.h"

namespace faultline::scenarios {
namespace {

using scenario::BackendGroup;
using scenario::Distribution;
using scenario::Locality;
using scenario::Region;
using scenario::Scenario;

// The limits docs/scenarios.md states. They bound what an untrusted file can make the simulator
// allocate or loop over, well past any experiment that makes sense.
constexpr double kMaxDurationS = limits::kMaxDurationS;
constexpr double kMinWindowS = 0.001;
// The engine works in integer nanoseconds: the smallest durations allowed stay well above 1 ns,
// so no positive value silently becomes zero (or a timer that never lets time move).
constexpr double kMinDurationS = 0.001;      // 1 ms
constexpr double kMinServiceMeanMs = 0.001;  // 1 us
constexpr double kMinTimeoutMs = 0.001;      // 1 us
constexpr double kMinProbeMs = 1;            // 1 ms
// Every region and every fault keeps a latency histogram of 261 KiB, and the network a matrix of
// region pairs: these bound the memory of a run.
constexpr int kMaxRegions = 100;
constexpr std::uint64_t kMaxWeight = 1000;
constexpr std::uint64_t kMaxDistinctKeys = 1'000'000'000;
constexpr double kMaxZipfExponent = 5;
constexpr double kMaxActiveRequestBias = 10;
constexpr std::uint64_t kMaxRingSize = 8'388'608;         // Envoy's maximum_ring_size
constexpr std::uint64_t kDefaultMinRingSize = 1024;       // Envoy's minimum_ring_size
constexpr std::uint64_t kMaxMaglevTableSize = 5'000'011;  // Envoy's limit
// Rings and tables of all the balancers together, about 256 MiB each (16-byte ring points,
// 4-byte table entries), for the first level; failover builds more.
constexpr std::uint64_t kMaxRingPoints = 16'777'216;
constexpr std::uint64_t kMaxMaglevEntries = 67'108'864;
// Under 2 GiB of per-host state over all the tier's instances: a view costs about 380 bytes
// (16 least-request instances over 100,000 hosts peak at 640 MB).
constexpr std::uint64_t kMaxHostViews = 5'000'000;
constexpr double kMaxEwmaMs = 3'600'000;
constexpr double kMaxWindows = 1'000'000;
constexpr std::size_t kMaxNameChars = 64;  // the scenario's name
constexpr std::size_t kMaxDescriptionChars = 2000;
constexpr std::uint64_t kMaxGroupCount = 100'000;
constexpr std::uint64_t kMaxWorkers = 100'000;
constexpr std::uint64_t kMaxQueueLimit = 10'000'000;
constexpr std::uint64_t kMaxTotalHosts = 1'000'000;
constexpr double kMaxServiceMs = 3'600'000;  // one hour
constexpr double kMaxRateRps = limits::kMaxRateRps;
constexpr double kMaxTimeoutMs = 86'400'000;  // one day
constexpr double kMaxNetworkMs = 60'000;
constexpr std::uint64_t kMaxChoiceCount = 100;
constexpr double kMaxProbeMs = 3'600'000;
constexpr std::uint64_t kMaxThreshold = 1000;
// At most this many unlinked region pairs are reported one by one: with thousands of regions the
// rest is a count, not a wall of text.
constexpr std::size_t kMaxListedPairs = 10;

using RegionPair = std::pair<std::string_view, std::string_view>;

// A link's regions in a canonical order: a link serves both directions.
RegionPair unorderedPair(std::string_view a, std::string_view b) {
  return a < b ? RegionPair{a, b} : RegionPair{b, a};
}

// The rules of docs/scenarios.md, section by section in schema order. Every violation is
// reported, but a rule that relates two values (warmup_s < duration_s) is judged only when the
// value it refers to passed its own checks, so one mistake yields one diagnostic rather than a
// cascade. Names are looked up in the TopologyIndex, never by rescanning the scenario.
class Validator {
 public:
  Validator(const Scenario& scenario, const SourceMap& source_map)
      : scenario_(scenario), rules_(source_map), topology_(scenario) {}

  std::vector<Diagnostic> run() {
    checkIdentity();
    checkTiming();
    checkRegions();
    checkTraffic();
    checkNetwork();
    checkBalancer();
    checkZones(scenario_, topology_, rules_);
    checkFaults(scenario_, topology_, rules_, duration_ok_);
    checkCost(scenario_, topology_, rules_);
    checkSlo();
    return rules_.takeDiagnostics();
  }

 private:
  bool checkRegionRef(const std::string& path, std::string_view region) {
    return scenarios::checkRegionRef(rules_, topology_, path, region);
  }

  bool localOnly() const {
    return scenario_.balancer().locality().failover() == Locality::LOCAL_ONLY;
  }

  // --- name, description, timing ---

  void checkIdentity() {
    const std::string& name = scenario_.name();
    if (name.empty()) {
      rules_.report("name",
                    "is required: lowercase letters, digits and '-', like \"region-outage\"");
    } else if (name.size() > kMaxNameChars) {
      rules_.report("name", fmt::format("must be at most {} characters (got {})", kMaxNameChars,
                                        name.size()));
    } else if (!isLowerAlnum(name.front()) ||
               !allOf(name, [](char c) { return isLowerAlnum(c) || c == '-'; })) {
      rules_.report("name", fmt::format("must match [a-z0-9][a-z0-9-]* (got {})", quote(name)));
    }
    rules_.checkFreeText("description", scenario_.description(), kMaxDescriptionChars);
  }

  void checkTiming() {
    const double duration = scenario_.duration_s();
    duration_ok_ = rules_.checkNumber(
        "duration_s", duration, {.above = 0, .at_least = kMinDurationS, .at_most = kMaxDurationS});

    const double warmup = scenario_.warmup_s();
    if (rules_.checkNumber("warmup_s", warmup, {.at_least = 0}) && duration_ok_ &&
        !(warmup < duration)) {
      rules_.report("warmup_s", fmt::format("must be < duration_s ({}) (got {})",
                                            formatNumber(duration), formatNumber(warmup)));
    }

    if (!scenario_.has_window_s()) return;
    const double window = scenario_.window_s();
    if (!rules_.checkNumber("window_s", window, {.above = 0, .at_least = kMinWindowS}) ||
        !duration_ok_) {
      return;
    }
    if (window > duration) {
      rules_.report("window_s", fmt::format("must be <= duration_s ({}) (got {})",
                                            formatNumber(duration), formatNumber(window)));
    } else if (duration / window > kMaxWindows) {
      rules_.report("window_s",
                    fmt::format("duration_s / window_s must be <= {} windows (got {})",
                                formatNumber(kMaxWindows), formatNumber(duration / window)));
    }
  }

  // --- regions ---

  void checkRegions() {
    if (scenario_.regions().empty()) {
      rules_.report("regions", "at least one region is required (got none)");
      return;
    }
    if (scenario_.regions_size() > kMaxRegions) {
      rules_.report("regions", fmt::format("at most {} regions (got {})", kMaxRegions,
                                           scenario_.regions_size()));
    }
    std::map<std::string_view, int> first_by_name;
    for (int i = 0; i < scenario_.regions_size(); ++i) {
      const Region& region = scenario_.regions(i);
      const std::string path = fmt::format("regions[{}]", i);
      if (rules_.checkLabel(path + ".name", region.name())) {
        const auto [it, inserted] = first_by_name.emplace(region.name(), i);
        if (!inserted) {
          rules_.report(path + ".name", fmt::format("duplicate region name {} (also regions[{}])",
                                                    quote(region.name()), it->second));
        }
      }
      checkRegionZones(path, region);
      checkBackends(path, region);
      if (region.has_clients()) checkClients(path + ".clients", region.clients());
    }
    checkCapacity();
  }

  void checkRegionZones(const std::string& path, const Region& region) {
    std::map<std::string_view, int> first_by_zone;
    for (int k = 0; k < region.zones_size(); ++k) {
      const std::string zone_path = fmt::format("{}.zones[{}]", path, k);
      if (!rules_.checkLabel(zone_path, region.zones(k))) continue;
      const auto [it, inserted] = first_by_zone.emplace(region.zones(k), k);
      if (!inserted) {
        rules_.report(zone_path, fmt::format("duplicate zone {} (also zones[{}])",
                                             quote(region.zones(k)), it->second));
      }
    }
  }

  void checkBackends(const std::string& path, const Region& region) {
    // Deduplicated in declaration order: a repeated zone is reported on its own.
    std::vector<std::string_view> zones;
    std::set<std::string_view> zone_set;
    for (const std::string_view zone : TopologyIndex::effectiveZones(region)) {
      if (zone_set.insert(zone).second) zones.push_back(zone);
    }
    std::map<std::string_view, int> first_by_group;
    for (int j = 0; j < region.backends_size(); ++j) {
      const BackendGroup& backend = region.backends(j);
      const std::string backend_path = fmt::format("{}.backends[{}]", path, j);
      if (rules_.checkLabel(backend_path + ".group", backend.group())) {
        const auto [it, inserted] = first_by_group.emplace(backend.group(), j);
        if (!inserted) {
          rules_.report(backend_path + ".group",
                        fmt::format("duplicate group {} in region {} (also backends[{}])",
                                    quote(backend.group()), quote(region.name()), it->second));
        }
      }
      checkBackend(backend_path, backend);
      checkBackendZones(backend_path, backend, region, zones, zone_set);
    }
  }

  // Real addresses for `faultline proxy --config`: one well-formed HOST:PORT per instance.
  void checkAddresses(const std::string& path, const BackendGroup& backend) {
    if (backend.addresses().empty()) return;
    if (static_cast<std::uint64_t>(backend.addresses_size()) != backend.count()) {
      rules_.report(path + ".addresses",
                    fmt::format("must give one address per instance: {} for count {}",
                                backend.addresses_size(), backend.count()));
    }
    for (int i = 0; i < backend.addresses_size(); ++i) {
      auto parsed = parseHostPort(backend.addresses(i), /*allow_port_zero=*/false);
      if (!parsed) rules_.report(fmt::format("{}.addresses[{}]", path, i), parsed.error());
    }
  }

  void checkBackend(const std::string& path, const BackendGroup& backend) {
    rules_.checkCount(path + ".count", backend.count(), 1, kMaxGroupCount);
    if (backend.has_workers())
      rules_.checkCount(path + ".workers", backend.workers(), 1, kMaxWorkers);
    if (backend.has_queue_limit()) {
      rules_.checkCount(path + ".queue_limit", backend.queue_limit(), 0, kMaxQueueLimit);
    }
    rules_.checkNumber(path + ".error_probability", backend.error_probability(),
                       {.at_least = 0, .at_most = 1});
    if (backend.has_weight()) rules_.checkCount(path + ".weight", backend.weight(), 1, kMaxWeight);
    checkAddresses(path, backend);
    if (!backend.has_service_time()) {
      rules_.report(path + ".service_time",
                    "is required: one of exponential, lognormal, constant or uniform");
      return;
    }
    checkDistribution(path + ".service_time", backend.service_time());
  }

  void checkDistribution(const std::string& path, const Distribution& distribution) {
    const Bounds positive{.above = 0, .at_least = kMinServiceMeanMs, .at_most = kMaxServiceMs};
    const Bounds non_negative{.at_least = 0, .at_most = kMaxServiceMs};
    switch (distribution.kind_case()) {
      case Distribution::kExponential:
        rules_.checkNumber(path + ".exponential.mean_ms", distribution.exponential().mean_ms(),
                           positive);
        return;
      case Distribution::kLognormal:
        rules_.checkNumber(path + ".lognormal.mean_ms", distribution.lognormal().mean_ms(),
                           positive);
        rules_.checkNumber(path + ".lognormal.stddev_ms", distribution.lognormal().stddev_ms(),
                           non_negative);
        return;
      case Distribution::kConstant:
        rules_.checkNumber(path + ".constant.value_ms", distribution.constant().value_ms(),
                           non_negative);
        return;
      case Distribution::kUniform:
        checkUniform(path + ".uniform", distribution.uniform());
        return;
      case Distribution::KIND_NOT_SET:
        break;
    }
    rules_.report(
        path, "exactly one of exponential, lognormal, constant or uniform is required (got none)");
  }

  void checkUniform(const std::string& path, const scenario::Uniform& uniform) {
    const bool min_ok = rules_.checkNumber(path + ".min_ms", uniform.min_ms(),
                                           {.at_least = 0, .at_most = kMaxServiceMs});
    if (!rules_.checkNumber(path + ".max_ms", uniform.max_ms(), {.at_most = kMaxServiceMs}) ||
        !min_ok) {
      return;
    }
    if (uniform.max_ms() < uniform.min_ms()) {
      rules_.report(path + ".max_ms",
                    fmt::format("must be >= min_ms ({}) (got {})", formatNumber(uniform.min_ms()),
                                formatNumber(uniform.max_ms())));
    }
  }

  void checkBackendZones(const std::string& path, const BackendGroup& backend, const Region& region,
                         const std::vector<std::string_view>& zones,
                         const std::set<std::string_view>& zone_set) {
    std::map<std::string_view, int> first_by_zone;
    for (int k = 0; k < backend.zones_size(); ++k) {
      const std::string zone_path = fmt::format("{}.zones[{}]", path, k);
      const std::string& zone = backend.zones(k);
      if (!zone_set.contains(zone)) {
        rules_.report(zone_path, fmt::format("region {} has no zone {} (zones: {})",
                                             quote(region.name()), quote(zone), nameList(zones)));
        continue;
      }
      const auto [it, inserted] = first_by_zone.emplace(zone, k);
      if (!inserted) {
        rules_.report(zone_path, fmt::format("zone {} is listed twice (also zones[{}])",
                                             quote(zone), it->second));
      }
    }
  }

  void checkClients(const std::string& path, const scenario::Clients& clients) {
    rules_.checkNumber(path + ".rate_rps", clients.rate_rps(),
                       {.at_least = 0, .at_most = kMaxRateRps});
    if (clients.has_request_keys()) {
      const auto& keys = clients.request_keys();
      rules_.checkCount(path + ".request_keys.distinct", keys.distinct(), 1, kMaxDistinctKeys);
      rules_.checkNumber(path + ".request_keys.zipf_exponent", keys.zipf_exponent(),
                         {.at_least = 0, .at_most = kMaxZipfExponent});
    }
    checkClientBehaviour(path, clients, duration_ok_ ? scenario_.duration_s() : 0, rules_);
    if (!clients.has_timeout_ms()) return;
    const bool in_range = rules_.checkNumber(path + ".timeout_ms", clients.timeout_ms(),
                                             {.at_least = 0, .at_most = kMaxTimeoutMs});
    if (in_range && clients.timeout_ms() > 0 && clients.timeout_ms() < kMinTimeoutMs) {
      rules_.report(path + ".timeout_ms",
                    fmt::format("must be 0 (no timeout) or >= {} (got {})",
                                formatNumber(kMinTimeoutMs), formatNumber(clients.timeout_ms())));
    }
  }

  void checkCapacity() {
    std::uint64_t groups = 0;
    std::uint64_t hosts = 0;
    for (const Region& region : scenario_.regions()) {
      groups += static_cast<std::uint64_t>(region.backends_size());
      for (const BackendGroup& backend : region.backends())
        hosts += backend.count();
    }
    if (groups == 0) {
      rules_.report("regions", "no backends: at least one region needs a backend group");
    }
    if (hosts > kMaxTotalHosts) {
      rules_.report("regions", fmt::format("must have at most {} hosts over all regions (got {})",
                                           kMaxTotalHosts, hosts));
    }
  }

  // --- traffic ---

  void checkTraffic() {
    if (scenario_.regions().empty()) return;
    bool any_traffic = false;
    bool any_backend = false;
    for (const Region& region : scenario_.regions()) {
      any_traffic = any_traffic || sendsTraffic(region);
      any_backend = any_backend || !region.backends().empty();
    }
    if (!any_traffic) {
      rules_.report("regions",
                    "no client traffic: no region has clients with rate_rps > 0, a trace or "
                    "closed-loop users");
    }
    // Without any backend that is reported once already.
    if (!any_backend || !localOnly()) return;
    checkTierSitesHaveBackends();
    for (int i = 0; i < scenario_.regions_size(); ++i) {
      const Region& region = scenario_.regions(i);
      if (!sendsTraffic(region) || !region.backends().empty()) continue;
      rules_.report(
          fmt::format("regions[{}].clients", i),
          fmt::format("its clients have no backend to reach with failover LOCAL_ONLY (region "
                      "{} has no backends)",
                      quote(region.name())));
    }
  }

  // Behind a tier the instances balance: under LOCAL_ONLY one in a region without backends has
  // nothing to send its requests to.
  void checkTierSitesHaveBackends() {
    if (!scenario_.balancer().has_tier()) return;
    const auto& sites = scenario_.balancer().tier().sites();
    for (int i = 0; i < sites.size(); ++i) {
      if (!topology_.hasRegion(sites[i].region()) ||
          topology_.hosts(sites[i].region(), "", "") > 0) {
        continue;
      }
      rules_.report(fmt::format("balancer.tier.sites[{}].region", i),
                    fmt::format("its instances have no backend to reach with failover LOCAL_ONLY "
                                "(region {} has no backends)",
                                quote(sites[i].region())));
    }
  }

  // --- network ---

  void checkNetwork() {
    const scenario::Network& network = scenario_.network();
    const Bounds latency{.at_least = 0, .at_most = kMaxNetworkMs};
    if (network.has_intra_region_ms()) {
      rules_.checkNumber("network.intra_region_ms", network.intra_region_ms(), latency);
    }
    rules_.checkNumber("network.intra_region_jitter_ms", network.intra_region_jitter_ms(), latency);

    std::map<RegionPair, int> first_by_direction;
    std::set<RegionPair> linked_pairs;
    for (int i = 0; i < network.links_size(); ++i) {
      const scenario::Link& link = network.links(i);
      const std::string path = fmt::format("network.links[{}]", i);
      rules_.checkNumber(path + ".one_way_ms", link.one_way_ms(), latency);
      rules_.checkNumber(path + ".jitter_ms", link.jitter_ms(), latency);
      const bool from_ok = checkRegionRef(path + ".from", link.from());
      if (!checkRegionRef(path + ".to", link.to()) || !from_ok) continue;
      if (link.from() == link.to()) {
        rules_.report(path + ".to",
                      fmt::format("must differ from `from`: a link joins two regions (got "
                                  "{} for both)",
                                  quote(link.to())));
        continue;
      }
      const auto [it, inserted] = first_by_direction.emplace(RegionPair{link.from(), link.to()}, i);
      if (!inserted) {
        rules_.report(path, fmt::format("duplicate link from {} to {} (also network.links[{}])",
                                        quote(link.from()), quote(link.to()), it->second));
      }
      linked_pairs.insert(unorderedPair(link.from(), link.to()));
    }
    if (!localOnly()) checkLinkCoverage(linked_pairs);
  }

  // Every pair of regions needs a link, or failover could not price the trip. Enumerating the
  // missing pairs stops after a few, so a file with thousands of regions and no links costs
  // O(links + regions), not O(regions^2).
  void checkLinkCoverage(const std::set<RegionPair>& linked) {
    const std::vector<std::string_view>& regions = topology_.regionNames();
    const std::uint64_t count = regions.size();
    if (count < 2) return;
    // `linked` holds only pairs of distinct declared regions, so it cannot exceed the total.
    const std::uint64_t missing = count * (count - 1) / 2 - linked.size();
    if (missing == 0) return;
    std::uint64_t reported = 0;
    for (std::size_t i = 0; i < regions.size() && reported < kMaxListedPairs; ++i) {
      for (std::size_t j = i + 1; j < regions.size() && reported < kMaxListedPairs; ++j) {
        if (linked.contains(unorderedPair(regions[i], regions[j]))) continue;
        rules_.report(
            "network.links",
            fmt::format("no link between regions {} and {} (every pair of regions needs one "
                        "unless balancer.locality.failover is LOCAL_ONLY)",
                        quote(regions[i]), quote(regions[j])));
        ++reported;
      }
    }
    if (missing > reported) {
      rules_.report("network.links", fmt::format("... and {} more pairs of regions without a link",
                                                 missing - reported));
    }
  }

  // --- balancer ---

  void checkBalancer() {
    const scenario::Balancer& balancer = scenario_.balancer();
    const std::string& strategy = balancer.strategy();
    if (!strategy.empty() && !allOf(strategy, [](char c) { return isLowerAlnum(c) || c == '-'; })) {
      rules_.report("balancer.strategy",
                    fmt::format("must match [a-z0-9-]+ (got {})", quote(strategy)));
    }
    if (balancer.least_request().has_choice_count()) {
      rules_.checkCount("balancer.least_request.choice_count",
                        balancer.least_request().choice_count(), 1, kMaxChoiceCount);
    }
    if (balancer.least_request().has_active_request_bias()) {
      rules_.checkNumber("balancer.least_request.active_request_bias",
                         balancer.least_request().active_request_bias(),
                         {.at_least = 0, .at_most = kMaxActiveRequestBias});
    }
    checkStrategyOptions(balancer);
    checkPriority(balancer.priority());
    checkResilience(balancer, rules_);
    if (balancer.has_tier()) {
      checkTier(balancer.tier(), topology_, rules_);
      checkHostViews();
    }
    checkHealthCheck(balancer.health_check());
    checkLocality(balancer.locality());
  }

  void checkStrategyOptions(const scenario::Balancer& balancer) {
    const auto& ewma = balancer.peak_ewma();
    if (ewma.has_decay_ms()) {
      rules_.checkNumber("balancer.peak_ewma.decay_ms", ewma.decay_ms(),
                         {.at_least = 1, .at_most = kMaxEwmaMs});
    }
    if (ewma.has_default_rtt_ms()) {
      rules_.checkNumber("balancer.peak_ewma.default_rtt_ms", ewma.default_rtt_ms(),
                         {.at_least = kMinServiceMeanMs, .at_most = kMaxEwmaMs});
    }
    const auto& ring = balancer.ring_hash();
    const bool min_ok = !ring.has_minimum_ring_size() ||
                        rules_.checkCount("balancer.ring_hash.minimum_ring_size",
                                          ring.minimum_ring_size(), 1, kMaxRingSize);
    // Envoy rejects a maximum below the minimum, the default minimum (1024) included.
    const std::uint64_t minimum =
        ring.has_minimum_ring_size() ? ring.minimum_ring_size() : kDefaultMinRingSize;
    if (ring.has_maximum_ring_size() &&
        rules_.checkCount("balancer.ring_hash.maximum_ring_size", ring.maximum_ring_size(), 1,
                          kMaxRingSize) &&
        min_ok && ring.maximum_ring_size() < minimum) {
      rules_.report("balancer.ring_hash.maximum_ring_size",
                    fmt::format("must be >= minimum_ring_size ({}) (got {})", minimum,
                                ring.maximum_ring_size()));
    }
    if (min_ok) checkTableBudget("balancer.ring_hash.minimum_ring_size", minimum, kMaxRingPoints);
    const std::uint32_t factor = ring.hash_balance_factor();
    if (factor != 0 && (factor < 100 || factor > 1000)) {
      rules_.report("balancer.ring_hash.hash_balance_factor",
                    fmt::format("must be 0 (off) or 100 to 1000 (got {})", factor));
    }
    const auto& maglev = balancer.maglev();
    if (maglev.has_table_size() && rules_.checkCount("balancer.maglev.table_size",
                                                     maglev.table_size(), 1, kMaxMaglevTableSize)) {
      if (!isPrime(maglev.table_size())) {
        rules_.report("balancer.maglev.table_size",
                      fmt::format("must be a prime number (got {})", maglev.table_size()));
      }
      checkTableBudget("balancer.maglev.table_size", maglev.table_size(), kMaxMaglevEntries);
    }
  }

  // Balancers: one per region with clients, or one per instance of a tier.
  std::uint64_t balancerCount() const {
    std::uint64_t balancers = 0;
    if (scenario_.balancer().has_tier()) {
      for (const auto& site : scenario_.balancer().tier().sites())
        balancers += site.instances();
      return balancers;
    }
    for (const auto& region : scenario_.regions()) {
      if (sendsTraffic(region)) ++balancers;
    }
    return balancers;
  }

  // Each balancer builds its own ring or table, and one more for each region it fails over to:
  // the size times the balancers must stay within a memory budget, whatever the strategy
  // (--strategy and compare may pick the hashing one).
  void checkTableBudget(const std::string& path, std::uint64_t size, std::uint64_t budget) {
    const std::uint64_t balancers = balancerCount();
    if (balancers * size <= budget) return;
    rules_.report(path, fmt::format("{} balancers (regions with clients, or tier instances) x {} "
                                    "must stay within {} entries in all (got {}); choose a "
                                    "smaller size",
                                    balancers, size, budget, balancers * size));
  }

  // Every balancer keeps a view of every host (health, load, weights): a tier of many instances in
  // front of many hosts multiplies them.
  void checkHostViews() {
    if (!scenario_.balancer().has_tier()) return;
    const std::uint64_t views = balancerCount() * topology_.totalHosts();
    if (views <= kMaxHostViews) return;
    rules_.report("balancer.tier.sites",
                  fmt::format("tier instances x hosts must be at most {} (got {} x {}): each "
                              "instance keeps a view of every host",
                              kMaxHostViews, balancerCount(), topology_.totalHosts()));
  }

  static bool isPrime(std::uint64_t n) {
    if (n < 2) return false;
    for (std::uint64_t d = 2; d * d <= n; ++d) {
      if (n % d == 0) return false;
    }
    return true;
  }

  void checkHealthCheck(const scenario::HealthCheck& health_check) {
    const Bounds probe_time{.above = 0, .at_least = kMinProbeMs, .at_most = kMaxProbeMs};
    if (health_check.has_interval_ms()) {
      rules_.checkNumber("balancer.health_check.interval_ms", health_check.interval_ms(),
                         probe_time);
    }
    if (health_check.has_timeout_ms()) {
      rules_.checkNumber("balancer.health_check.timeout_ms", health_check.timeout_ms(), probe_time);
    }
    if (health_check.has_unhealthy_threshold()) {
      rules_.checkCount("balancer.health_check.unhealthy_threshold",
                        health_check.unhealthy_threshold(), 1, kMaxThreshold);
    }
    if (health_check.has_healthy_threshold()) {
      rules_.checkCount("balancer.health_check.healthy_threshold", health_check.healthy_threshold(),
                        1, kMaxThreshold);
    }
  }

  void checkPriority(const scenario::Priority& priority) {
    if (priority.has_overprovisioning_factor()) {
      rules_.checkNumber("balancer.priority.overprovisioning_factor",
                         priority.overprovisioning_factor(), {.at_least = 1, .at_most = 10});
    }
    if (priority.has_healthy_panic_threshold()) {
      rules_.checkNumber("balancer.priority.healthy_panic_threshold",
                         priority.healthy_panic_threshold(), {.at_least = 0, .at_most = 100});
    }
  }

  void checkLocality(const Locality& locality) {
    const int failover = locality.failover();
    if (!Locality::Failover_IsValid(failover)) {
      rules_.report("balancer.locality.failover",
                    fmt::format("must be BY_LATENCY, BY_ORDER or LOCAL_ONLY (got {})", failover));
    }
    if (failover == Locality::BY_ORDER) {
      checkFailoverOrder(locality);
      return;
    }
    if (!locality.order().empty()) {
      const std::string& mode = Locality::Failover_Name(locality.failover());
      rules_.report("balancer.locality.order",
                    fmt::format("order is only read with failover: BY_ORDER (failover is {})",
                                mode.empty() ? std::to_string(failover) : mode));
    }
  }

  void checkFailoverOrder(const Locality& locality) {
    std::map<std::string_view, int> first_by_region;
    for (int j = 0; j < locality.order_size(); ++j) {
      const std::string path = fmt::format("balancer.locality.order[{}]", j);
      if (!checkRegionRef(path, locality.order(j))) continue;
      const auto [it, inserted] = first_by_region.emplace(locality.order(j), j);
      if (!inserted) {
        rules_.report(path, fmt::format("region {} is listed twice (also order[{}])",
                                        quote(locality.order(j)), it->second));
      }
    }
    for (const std::string_view region : topology_.regionNames()) {
      if (first_by_region.contains(region)) continue;
      rules_.report(
          "balancer.locality.order",
          fmt::format("misses region {} (failover BY_ORDER needs every region exactly once)",
                      quote(region)));
    }
  }

  // --- slo ---

  void checkSlo() {
    const scenario::Slo& slo = scenario_.slo();
    if (slo.has_availability()) {
      rules_.checkNumber("slo.availability", slo.availability(), {.above = 0, .at_most = 1});
    }
    rules_.checkNumber("slo.latency_ms", slo.latency_ms(), {.at_least = 0});
    if (slo.has_latency_percentile()) {
      rules_.checkNumber("slo.latency_percentile", slo.latency_percentile(),
                         {.above = 0, .below = 100});
    }
  }

  const Scenario& scenario_;
  RuleChecker rules_;
  const TopologyIndex topology_;
  bool duration_ok_ = false;
};

}  // namespace

std::vector<Diagnostic> validate(const scenario::Scenario& scenario, const SourceMap& source_map) {
  return Validator(scenario, source_map).run();
}

}  // namespace faultline::scenarios
