#include "scenarios/fault_rules.h"

#include <map>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "scenarios/limits.h"
#include "scenarios/region_ref.h"

namespace faultline::scenarios {
namespace {

using scenario::Fault;
using scenario::HostSelector;

constexpr int kMaxFaults = limits::kMaxFaults;
constexpr std::size_t kMaxFaultNameChars = 200;
constexpr double kMaxAddedLatencyMs = 3'600'000;
constexpr double kMaxSurgeMultiplier = 1000;
constexpr double kMaxSlowdown = 1000;
// Past 0.9 a link is as good as partitioned, and a run would spend its time in retransmissions.
constexpr double kMaxLossProbability = 0.9;

class FaultRules {
 public:
  FaultRules(const scenario::Scenario& scenario, const TopologyIndex& topology, RuleChecker& rules,
             bool duration_ok)
      : scenario_(scenario), topology_(topology), rules_(rules), duration_ok_(duration_ok) {}

  void run() {
    if (scenario_.faults_size() > kMaxFaults) {
      rules_.report("faults",
                    fmt::format("at most {} faults (got {})", kMaxFaults, scenario_.faults_size()));
    }
    std::map<std::string_view, int> first_by_name;
    for (int i = 0; i < scenario_.faults_size(); ++i) {
      const Fault& fault = scenario_.faults(i);
      const std::string path = fmt::format("faults[{}]", i);
      if (!fault.name().empty()) {
        rules_.checkFreeText(path + ".name", fault.name(), kMaxFaultNameChars);
        const auto [it, inserted] = first_by_name.emplace(fault.name(), i);
        if (!inserted) {
          rules_.report(path + ".name", fmt::format("duplicate fault name {} (also faults[{}])",
                                                    quote(fault.name()), it->second));
        }
      }
      checkTiming(path, fault);
      checkKind(path, fault);
    }
  }

 private:
  void checkTiming(const std::string& path, const Fault& fault) {
    const double start = fault.start_s();
    const double duration = scenario_.duration_s();
    const bool start_ok = rules_.checkNumber(path + ".start_s", start, {.at_least = 0});
    if (start_ok && duration_ok_ && !(start < duration)) {
      rules_.report(path + ".start_s", fmt::format("must be < duration_s ({}) (got {})",
                                                   formatNumber(duration), formatNumber(start)));
    }
    bool end_ok = fault.has_end_s();
    if (end_ok) {
      const double end = fault.end_s();
      end_ok = rules_.checkNumber(path + ".end_s", end, {}) && start_ok;
      if (end_ok && !(end > start)) {
        rules_.report(path + ".end_s", fmt::format("must be > start_s ({}) (got {})",
                                                   formatNumber(start), formatNumber(end)));
        end_ok = false;
      }
    }
    checkRamps(path, fault, start_ok, end_ok);
  }

  // Ramps fit within the fault: up and down together no longer than it lasts.
  void checkRamps(const std::string& path, const Fault& fault, bool start_ok, bool end_ok) {
    const bool up_ok = rules_.checkNumber(path + ".ramp_up_s", fault.ramp_up_s(), {.at_least = 0});
    const bool down_ok =
        rules_.checkNumber(path + ".ramp_down_s", fault.ramp_down_s(), {.at_least = 0});
    const bool ramps = fault.ramp_up_s() > 0 || fault.ramp_down_s() > 0;
    if (!ramps || !up_ok || !down_ok) return;
    if (fault.kind_case() == Fault::kNetworkPartition) {
      rules_.report(path + (fault.ramp_up_s() > 0 ? ".ramp_up_s" : ".ramp_down_s"),
                    "a network partition cannot ramp: use link_degradation's loss_probability "
                    "for a link that fails gradually");
      return;
    }
    if (fault.ramp_down_s() > 0 && !fault.has_end_s()) {
      rules_.report(path + ".ramp_down_s", "needs end_s: a ramp down fades out before the end");
      return;
    }
    if (!start_ok) return;
    const double length =
        end_ok ? fault.end_s() - fault.start_s() : scenario_.duration_s() - fault.start_s();
    if ((end_ok || duration_ok_) && fault.ramp_up_s() + fault.ramp_down_s() > length) {
      rules_.report(path + ".ramp_up_s",
                    fmt::format("ramp_up_s + ramp_down_s must be <= the fault's length, {} s "
                                "(got {} + {})",
                                formatNumber(length), formatNumber(fault.ramp_up_s()),
                                formatNumber(fault.ramp_down_s())));
    }
  }

  void checkKind(const std::string& path, const Fault& fault) {
    switch (fault.kind_case()) {
      case Fault::kHostCrash:
        checkSelector(path + ".host_crash.hosts", fault.host_crash().hosts());
        return;
      case Fault::kHostPause:
        checkSelector(path + ".host_pause.hosts", fault.host_pause().hosts());
        return;
      case Fault::kZoneOutage:
        checkZoneOutage(path + ".zone_outage", fault.zone_outage());
        return;
      case Fault::kRegionOutage:
        checkRegionRef(path + ".region_outage.region", fault.region_outage().region());
        return;
      case Fault::kLatency:
        checkAddedLatency(path + ".latency", fault.latency());
        return;
      case Fault::kErrors:
        checkSelector(path + ".errors.hosts", fault.errors().hosts());
        checkProbability(path + ".errors.probability", fault.errors().probability(), true);
        if (fault.errors().has_status())
          checkStatus(path + ".errors.status", fault.errors().status());
        return;
      case Fault::kBrownout:
        checkSelector(path + ".brownout.hosts", fault.brownout().hosts());
        rules_.checkNumber(path + ".brownout.capacity_loss", fault.brownout().capacity_loss(),
                           {.above = 0, .below = 1});
        return;
      case Fault::kGrayFailure:
        checkGrayFailure(path + ".gray_failure", fault.gray_failure());
        return;
      case Fault::kConnectionReset:
        checkSelector(path + ".connection_reset.hosts", fault.connection_reset().hosts());
        checkProbability(path + ".connection_reset.probability",
                         fault.connection_reset().probability(), false);
        rules_.checkNumber(path + ".connection_reset.after_ms", fault.connection_reset().after_ms(),
                           {.at_least = 0, .at_most = kMaxAddedLatencyMs});
        return;
      case Fault::kConnectionRefused:
        checkSelector(path + ".connection_refused.hosts", fault.connection_refused().hosts());
        checkProbability(path + ".connection_refused.probability",
                         fault.connection_refused().probability(), false);
        return;
      case Fault::kNetworkPartition:
        checkLink(path + ".network_partition", fault.network_partition().from(),
                  fault.network_partition().to());
        return;
      case Fault::kLinkDegradation:
        checkLinkDegradation(path + ".link_degradation", fault.link_degradation());
        return;
      case Fault::kTrafficSurge:
        checkTrafficSurge(path + ".traffic_surge", fault.traffic_surge());
        return;
      case Fault::kBalancerCrash:
        checkBalancerCrash(path + ".balancer_crash", fault.balancer_crash());
        return;
      case Fault::kDnsFailure:
        checkDnsFault(path + ".dns_failure", fault.dns_failure().region());
        return;
      case Fault::kDnsStale:
        checkDnsFault(path + ".dns_stale", fault.dns_stale().region());
        return;
      case Fault::KIND_NOT_SET:
        break;
    }
    rules_.report(path,
                  "no fault kind set: one of host_crash, host_pause, zone_outage, region_outage, "
                  "latency, errors, brownout, gray_failure, connection_reset, connection_refused, "
                  "network_partition, link_degradation, traffic_surge, balancer_crash, dns_failure "
                  "or dns_stale is required");
  }

  // A probability that may be zero (the fault does nothing) or must be above it.
  void checkProbability(const std::string& path, double value, bool zero_allowed) {
    if (zero_allowed) {
      rules_.checkNumber(path, value, {.at_least = 0, .at_most = 1});
    } else {
      rules_.checkNumber(path, value, {.above = 0, .at_most = 1});
    }
  }

  void checkStatus(const std::string& path, std::uint32_t status) {
    rules_.checkCount(path, status, 400, 599);
  }

  bool checkRegionRef(const std::string& path, std::string_view region) {
    return scenarios::checkRegionRef(rules_, topology_, path, region);
  }

  void checkZoneOutage(const std::string& path, const scenario::ZoneOutage& outage) {
    const bool region_ok = checkRegionRef(path + ".region", outage.region());
    if (outage.zone().empty()) {
      rules_.report(path + ".zone", "is required: a zone of the region");
      return;
    }
    if (region_ok && !topology_.regionHasZone(outage.region(), outage.zone())) {
      rules_.report(path + ".zone", fmt::format("region {} has no zone {} (zones: {})",
                                                quote(outage.region()), quote(outage.zone()),
                                                nameList(topology_.zonesOf(outage.region()))));
    }
  }

  void checkAddedLatency(const std::string& path, const scenario::AddedLatency& latency) {
    checkSelector(path + ".hosts", latency.hosts());
    checkDelay(path, latency.latency_ms(), latency.jitter_ms(),
               latency.jitter_distribution() == scenario::UNIFORM);
    if (latency.has_probability()) {
      checkProbability(path + ".probability", latency.probability(), false);
    }
  }

  // A uniform jitter beyond the latency would be clamped at zero and shift the mean.
  void checkDelay(const std::string& path, double latency_ms, double jitter_ms, bool uniform) {
    const bool latency_ok = rules_.checkNumber(path + ".latency_ms", latency_ms,
                                               {.at_least = 0, .at_most = kMaxAddedLatencyMs});
    const bool jitter_ok = rules_.checkNumber(path + ".jitter_ms", jitter_ms,
                                              {.at_least = 0, .at_most = kMaxAddedLatencyMs});
    if (uniform && jitter_ok && latency_ok && jitter_ms > latency_ms) {
      rules_.report(path + ".jitter_ms",
                    fmt::format("must be <= latency_ms ({}) (got {})", formatNumber(latency_ms),
                                formatNumber(jitter_ms)));
    }
  }

  void checkGrayFailure(const std::string& path, const scenario::GrayFailure& gray) {
    checkSelector(path + ".hosts", gray.hosts());
    const bool slowdown_ok =
        !gray.has_slowdown() || rules_.checkNumber(path + ".slowdown", gray.slowdown(),
                                                   {.at_least = 1, .at_most = kMaxSlowdown});
    const bool errors_ok = rules_.checkNumber(path + ".error_probability", gray.error_probability(),
                                              {.at_least = 0, .at_most = 1});
    if (gray.has_status()) checkStatus(path + ".status", gray.status());
    const bool does_nothing =
        (!gray.has_slowdown() || gray.slowdown() == 1) && gray.error_probability() == 0;
    if (slowdown_ok && errors_ok && does_nothing) {
      rules_.report(path, "does nothing: set slowdown above 1, error_probability above 0, or both");
    }
  }

  bool checkLink(const std::string& path, const std::string& from, const std::string& to) {
    const bool from_ok = checkRegionRef(path + ".from", from);
    const bool to_ok = checkRegionRef(path + ".to", to);
    if (from_ok && to_ok && from == to) {
      rules_.report(path + ".to",
                    fmt::format("must be another region than from ({})", quote(from)));
      return false;
    }
    return from_ok && to_ok;
  }

  void checkLinkDegradation(const std::string& path, const scenario::LinkDegradation& link) {
    checkLink(path, link.from(), link.to());
    checkDelay(path, link.latency_ms(), link.jitter_ms(), true);
    rules_.checkNumber(path + ".loss_probability", link.loss_probability(),
                       {.at_least = 0, .at_most = kMaxLossProbability});
  }

  void checkTrafficSurge(const std::string& path, const scenario::TrafficSurge& surge) {
    rules_.checkNumber(path + ".multiplier", surge.multiplier(),
                       {.above = 0, .at_most = kMaxSurgeMultiplier});
    if (!surge.region().empty()) checkRegionRef(path + ".region", surge.region());
  }

  const scenario::BalancerTier* tier() const {
    return scenario_.balancer().has_tier() ? &scenario_.balancer().tier() : nullptr;
  }

  void checkBalancerCrash(const std::string& path, const scenario::BalancerCrash& crash) {
    if (tier() == nullptr) {
      rules_.report(path, "needs balancer.tier: client-side balancers have no instance to crash");
      return;
    }
    std::uint64_t instances = 0;
    bool site_found = crash.region().empty();
    for (const auto& site : tier()->sites()) {
      if (!crash.region().empty() && site.region() != crash.region()) continue;
      site_found = true;
      instances += site.instances();
    }
    if (!site_found) {
      rules_.report(path + ".region",
                    fmt::format("region {} has no site of balancer.tier", quote(crash.region())));
      return;
    }
    if (!rules_.checkNumber(path + ".percent", crash.percent(), {.at_least = 0, .at_most = 100})) {
      return;
    }
    if (crash.percent() > 0 && crash.count() > 0) {
      rules_.report(path + ".percent", "count and percent cannot both be set: one blast radius");
    } else if (crash.count() > instances) {
      rules_.report(path + ".count",
                    fmt::format("must be <= {}, the instances it may strike (got {})", instances,
                                crash.count()));
    }
  }

  void checkDnsFault(const std::string& path, const std::string& region) {
    if (tier() == nullptr || tier()->routing() != scenario::BalancerTier::DNS) {
      rules_.report(path, "needs balancer.tier with DNS routing");
      return;
    }
    if (!region.empty()) checkRegionRef(path + ".region", region);
  }

  // Names must exist (a zone or group without a region may match in any region), the selection
  // must hold a host, and `count` must not ask for more hosts than it holds.
  void checkSelector(const std::string& path, const HostSelector& selector) {
    const std::string& region = selector.region();
    bool names_ok = region.empty() || checkRegionRef(path + ".region", region);
    if (!selector.zone().empty()) names_ok = checkSelectorZone(path, selector) && names_ok;
    if (!selector.group().empty()) names_ok = checkSelectorGroup(path, selector) && names_ok;
    checkBlastRadius(path, selector);
    // Without any host the scenario is already reported as having no backends.
    if (!names_ok || topology_.totalHosts() == 0) return;

    const std::uint64_t hosts = topology_.hosts(region, selector.zone(), selector.group());
    if (hosts == 0) {
      rules_.report(path, fmt::format("selects no host (region {}, zone {}, group {})",
                                      region.empty() ? "any" : quote(region),
                                      selector.zone().empty() ? "any" : quote(selector.zone()),
                                      selector.group().empty() ? "any" : quote(selector.group())));
      return;
    }
    if (selector.count() > hosts) {
      rules_.report(path + ".count",
                    fmt::format("must be <= {}, the number of hosts the selector matches (got {})",
                                hosts, selector.count()));
    }
  }

  void checkBlastRadius(const std::string& path, const HostSelector& selector) {
    if (!rules_.checkNumber(path + ".percent", selector.percent(), {.at_least = 0, .at_most = 100}))
      return;
    if (selector.percent() > 0 && selector.count() > 0) {
      rules_.report(path + ".percent", "count and percent cannot both be set: one blast radius");
    }
  }

  bool checkSelectorZone(const std::string& path, const HostSelector& selector) {
    const std::string& region = selector.region();
    const std::string& zone = selector.zone();
    if (region.empty()) {
      if (topology_.anyRegionHasZone(zone)) return true;
      rules_.report(path + ".zone", fmt::format("no region has a zone {}", quote(zone)));
      return false;
    }
    if (!topology_.hasRegion(region) || topology_.regionHasZone(region, zone)) return true;
    rules_.report(path + ".zone", fmt::format("region {} has no zone {} (zones: {})", quote(region),
                                              quote(zone), nameList(topology_.zonesOf(region))));
    return false;
  }

  bool checkSelectorGroup(const std::string& path, const HostSelector& selector) {
    const std::string& region = selector.region();
    const std::string& group = selector.group();
    if (region.empty()) {
      if (topology_.anyRegionHasGroup(group)) return true;
      rules_.report(path + ".group", fmt::format("no region has a backend group {}", quote(group)));
      return false;
    }
    if (!topology_.hasRegion(region) || topology_.regionHasGroup(region, group)) return true;
    rules_.report(path + ".group",
                  fmt::format("region {} has no backend group {} (groups: {})", quote(region),
                              quote(group), nameList(topology_.groupsOf(region))));
    return false;
  }

  const scenario::Scenario& scenario_;
  const TopologyIndex& topology_;
  RuleChecker& rules_;
  bool duration_ok_;
};

}  // namespace

void checkFaults(const scenario::Scenario& scenario, const TopologyIndex& topology,
                 RuleChecker& rules, bool duration_ok) {
  FaultRules(scenario, topology, rules, duration_ok).run();
}

}  // namespace faultline::scenarios
