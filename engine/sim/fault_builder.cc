#include "engine/sim/fault_builder.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "balancer/hashing.h"
#include "engine/sim/random_streams.h"
#include "engine/sim/spec_units.h"

namespace faultline::sim {
namespace {

namespace pb = scenario;

constexpr std::uint16_t kDefaultErrorStatus = 500;

std::string_view kindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kHostCrash:
      return "host_crash";
    case FaultKind::kZoneOutage:
      return "zone_outage";
    case FaultKind::kRegionOutage:
      return "region_outage";
    case FaultKind::kLatency:
      return "latency";
    case FaultKind::kErrors:
      return "errors";
    case FaultKind::kTrafficSurge:
      return "traffic_surge";
    case FaultKind::kHostPause:
      return "host_pause";
    case FaultKind::kBrownout:
      return "brownout";
    case FaultKind::kGrayFailure:
      return "gray_failure";
    case FaultKind::kConnectionReset:
      return "connection_reset";
    case FaultKind::kConnectionRefused:
      return "connection_refused";
    case FaultKind::kNetworkPartition:
      return "network_partition";
    case FaultKind::kLinkDegradation:
      return "link_degradation";
    case FaultKind::kBalancerCrash:
      return "balancer_crash";
    case FaultKind::kDnsFailure:
      return "dns_failure";
    case FaultKind::kDnsStale:
      return "dns_stale";
  }
  return "unknown";
}

// How many of `matching` hosts a selector takes: its count, its percent (rounded, at least one)
// or all of them.
std::size_t blastRadius(const pb::HostSelector& selector, std::size_t matching) {
  if (selector.count() > 0) return std::min<std::size_t>(selector.count(), matching);
  if (selector.percent() > 0) {
    const auto share = static_cast<std::size_t>(
        std::llround(static_cast<double>(matching) * selector.percent() / 100.0));
    return std::clamp<std::size_t>(share, 1, matching);
  }
  return matching;
}

// Puts the hosts a fault strikes in its own random order (a uniform shuffle from the fault's
// stream, so every strategy run with one seed sees the same order) and keeps the first `take`.
void shuffleAndTake(std::vector<std::uint32_t>& hosts, std::size_t take, std::uint64_t seed,
                    std::uint32_t fault_index) {
  RandomStream stream(seed, Component::kFaultTargets, fault_index);
  for (std::size_t i = 0; i < take && i + 1 < hosts.size(); ++i) {
    const auto remaining = static_cast<std::uint32_t>(hosts.size() - i);
    const auto j = i + balancer::uniformIndex(stream.next(), remaining);
    std::swap(hosts[i], hosts[j]);
  }
  hosts.resize(take);
}

std::vector<std::uint32_t> matchingHosts(const pb::HostSelector& selector, const WorldSpec& spec) {
  std::vector<std::uint32_t> matching;
  for (std::uint32_t h = 0; h < spec.hosts.size(); ++h) {
    const auto& host = spec.hosts[h];
    const auto& region = spec.layout.regions[host.region];
    if (!selector.region().empty() && region.name != selector.region()) continue;
    if (!selector.zone().empty() && region.zones[host.zone] != selector.zone()) continue;
    if (!selector.group().empty() && spec.groups[host.group].name != selector.group()) continue;
    matching.push_back(h);
  }
  return matching;
}

std::vector<std::uint32_t> hostsIn(const WorldSpec& spec, std::string_view region,
                                   std::string_view zone) {
  pb::HostSelector selector;
  selector.set_region(std::string(region));
  selector.set_zone(std::string(zone));
  return matchingHosts(selector, spec);
}

std::vector<LinkRef> linksOf(const std::string& from, const std::string& to, bool both,
                             const WorldSpec& spec) {
  const auto f = regionIndex(spec.layout, from);
  const auto t = regionIndex(spec.layout, to);
  if (both) return {LinkRef{f, t}, LinkRef{t, f}};
  return {LinkRef{f, t}};
}

// The fault strikes the clients of one region, or of all: its target's name.
std::string clientRegion(const std::string& region, const WorldSpec& spec, FaultSpec& out) {
  if (region.empty()) return "all regions";
  out.region = regionIndex(spec.layout, region);
  return region;
}

std::string linkName(const std::string& from, const std::string& to, bool both) {
  return from + (both ? " <-> " : " -> ") + to;
}

// Where a fault strikes, and its target's name for the default fault name; empty when the target
// is a set of hosts.
std::string resolveTarget(const pb::Fault& fault, const WorldSpec& spec, FaultSpec& out,
                          const pb::HostSelector*& selector) {
  switch (fault.kind_case()) {
    case pb::Fault::kHostCrash:
      selector = &fault.host_crash().hosts();
      return {};
    case pb::Fault::kHostPause:
      selector = &fault.host_pause().hosts();
      return {};
    case pb::Fault::kZoneOutage:
      out.hosts = hostsIn(spec, fault.zone_outage().region(), fault.zone_outage().zone());
      return fault.zone_outage().region() + "/" + fault.zone_outage().zone();
    case pb::Fault::kRegionOutage:
      out.hosts = hostsIn(spec, fault.region_outage().region(), "");
      return fault.region_outage().region();
    case pb::Fault::kLatency:
      selector = &fault.latency().hosts();
      return {};
    case pb::Fault::kErrors:
      selector = &fault.errors().hosts();
      return {};
    case pb::Fault::kBrownout:
      selector = &fault.brownout().hosts();
      return {};
    case pb::Fault::kGrayFailure:
      selector = &fault.gray_failure().hosts();
      return {};
    case pb::Fault::kConnectionReset:
      selector = &fault.connection_reset().hosts();
      return {};
    case pb::Fault::kConnectionRefused:
      selector = &fault.connection_refused().hosts();
      return {};
    case pb::Fault::kNetworkPartition: {
      const auto& p = fault.network_partition();
      out.links = linksOf(p.from(), p.to(), p.both_directions(), spec);
      return linkName(p.from(), p.to(), p.both_directions());
    }
    case pb::Fault::kLinkDegradation: {
      const auto& d = fault.link_degradation();
      out.links = linksOf(d.from(), d.to(), d.both_directions(), spec);
      return linkName(d.from(), d.to(), d.both_directions());
    }
    case pb::Fault::kTrafficSurge:
      return clientRegion(fault.traffic_surge().region(), spec, out);
    case pb::Fault::kDnsFailure:
      return clientRegion(fault.dns_failure().region(), spec, out);
    case pb::Fault::kDnsStale:
      return clientRegion(fault.dns_stale().region(), spec, out);
    case pb::Fault::kBalancerCrash: {
      const auto& crash = fault.balancer_crash();
      for (std::uint32_t i = 0; spec.tier && i < spec.tier->instances.size(); ++i) {
        const auto& instance = spec.tier->instances[i];
        if (crash.region().empty() || spec.layout.regions[instance.region].name == crash.region()) {
          out.instances.push_back(i);
        }
      }
      return {};
    }
    case pb::Fault::KIND_NOT_SET:
      break;
  }
  return {};
}

FaultKind kindOf(pb::Fault::KindCase kind) {
  switch (kind) {
    case pb::Fault::kHostCrash:
      return FaultKind::kHostCrash;
    case pb::Fault::kZoneOutage:
      return FaultKind::kZoneOutage;
    case pb::Fault::kRegionOutage:
      return FaultKind::kRegionOutage;
    case pb::Fault::kLatency:
      return FaultKind::kLatency;
    case pb::Fault::kErrors:
      return FaultKind::kErrors;
    case pb::Fault::kTrafficSurge:
      return FaultKind::kTrafficSurge;
    case pb::Fault::kHostPause:
      return FaultKind::kHostPause;
    case pb::Fault::kBrownout:
      return FaultKind::kBrownout;
    case pb::Fault::kGrayFailure:
      return FaultKind::kGrayFailure;
    case pb::Fault::kConnectionReset:
      return FaultKind::kConnectionReset;
    case pb::Fault::kConnectionRefused:
      return FaultKind::kConnectionRefused;
    case pb::Fault::kNetworkPartition:
      return FaultKind::kNetworkPartition;
    case pb::Fault::kLinkDegradation:
      return FaultKind::kLinkDegradation;
    case pb::Fault::kBalancerCrash:
      return FaultKind::kBalancerCrash;
    case pb::Fault::kDnsFailure:
      return FaultKind::kDnsFailure;
    case pb::Fault::kDnsStale:
      return FaultKind::kDnsStale;
    case pb::Fault::KIND_NOT_SET:
      break;
  }
  return FaultKind::kHostCrash;
}

JitterDistribution distributionOf(pb::JitterDistribution distribution) {
  switch (distribution) {
    case pb::NORMAL:
      return JitterDistribution::kNormal;
    case pb::PARETO:
      return JitterDistribution::kPareto;
    case pb::PARETO_NORMAL:
      return JitterDistribution::kParetoNormal;
    default:
      return JitterDistribution::kUniform;
  }
}

// What the fault does, in the simulator's units.
void resolveEffect(const pb::Fault& fault, FaultSpec& out) {
  switch (fault.kind_case()) {
    case pb::Fault::kLatency: {
      const auto& latency = fault.latency();
      out.delay = AddedDelay{fromMillis(latency.latency_ms()), fromMillis(latency.jitter_ms()),
                             distributionOf(latency.jitter_distribution())};
      out.probability = latency.has_probability() ? latency.probability() : 1.0;
      return;
    }
    case pb::Fault::kErrors:
      out.probability = fault.errors().probability();
      out.status = fault.errors().has_status() ? static_cast<std::uint16_t>(fault.errors().status())
                                               : kDefaultErrorStatus;
      return;
    case pb::Fault::kBrownout:
      out.capacity_loss = fault.brownout().capacity_loss();
      return;
    case pb::Fault::kGrayFailure: {
      const auto& gray = fault.gray_failure();
      out.slowdown = gray.has_slowdown() ? gray.slowdown() : 1.0;
      out.probability = gray.error_probability();
      out.status =
          gray.has_status() ? static_cast<std::uint16_t>(gray.status()) : kDefaultErrorStatus;
      return;
    }
    case pb::Fault::kConnectionReset:
      out.probability = fault.connection_reset().probability();
      out.reset_after = fromMillis(fault.connection_reset().after_ms());
      return;
    case pb::Fault::kConnectionRefused:
      out.probability = fault.connection_refused().probability();
      return;
    case pb::Fault::kLinkDegradation: {
      const auto& d = fault.link_degradation();
      out.delay = AddedDelay{fromMillis(d.latency_ms()), fromMillis(d.jitter_ms()),
                             JitterDistribution::kUniform};
      out.loss_probability = d.loss_probability();
      return;
    }
    case pb::Fault::kTrafficSurge:
      out.multiplier = fault.traffic_surge().multiplier();
      return;
    default:
      return;
  }
}

// A balancer crash's blast radius over the instances it may strike, chosen as hosts are.
void pickInstances(const pb::BalancerCrash& crash, std::uint64_t seed, std::uint32_t index,
                   bool ramps, FaultSpec& out) {
  pb::HostSelector radius;
  radius.set_count(crash.count());
  radius.set_percent(crash.percent());
  const std::size_t take = blastRadius(radius, out.instances.size());
  if (take < out.instances.size() || ramps) shuffleAndTake(out.instances, take, seed, index);
  if (!ramps) std::sort(out.instances.begin(), out.instances.end());
}

// The fault's kind, targets and effect, on top of its timing.
FaultSpec resolveFault(const pb::Fault& fault, const WorldSpec& spec, std::uint32_t index,
                       FaultSpec out, std::string& target) {
  out.kind = kindOf(fault.kind_case());
  const pb::HostSelector* selector = nullptr;
  target = resolveTarget(fault, spec, out, selector);
  if (selector != nullptr) out.hosts = matchingHosts(*selector, spec);
  const std::size_t take = selector ? blastRadius(*selector, out.hosts.size()) : out.hosts.size();
  // Only a partial selection or a ramp's order needs the fault's random stream.
  const bool ramps = out.ramp_up > Duration::zero() || out.ramp_down > Duration::zero();
  if (take < out.hosts.size() || (ramps && strikesOutright(out.kind))) {
    shuffleAndTake(out.hosts, take, spec.seed, index);
  }
  if (!ramps || !strikesOutright(out.kind)) std::sort(out.hosts.begin(), out.hosts.end());
  if (out.kind == FaultKind::kBalancerCrash) {
    pickInstances(fault.balancer_crash(), spec.seed, index, ramps, out);
    if (out.instances.size() == 1) target = spec.tier->instances[out.instances.front()].name;
    if (target.empty()) target = std::to_string(out.instances.size()) + " balancer instances";
  }
  resolveEffect(fault, out);
  if (target.empty()) {
    target = out.hosts.size() == 1 ? spec.layout.hosts[out.hosts.front()].name
                                   : std::to_string(out.hosts.size()) + " hosts";
  }
  return out;
}

// Clipped in seconds, before the conversion: an end far beyond the run would overflow.
TimePoint endOf(const pb::Fault& fault, const pb::Scenario& scenario, TimePoint run_end) {
  if (!fault.has_end_s() || fault.end_s() >= scenario.duration_s()) return run_end;
  return std::min(run_end, TimePoint{} + fromSeconds(fault.end_s()));
}

// Each fault's random draws (its targets, and what it does to each try and probe) are keyed by
// what the fault is, not where it stands in the list: a hash of its definition, and of how many
// identical ones come before it. Adding, removing or reordering other faults, or a shortened run
// leaving some out, changes no fault's draws.
std::vector<std::uint32_t> drawKeys(const pb::Scenario& scenario) {
  std::vector<std::uint32_t> keys;
  std::vector<std::string> seen;
  for (const auto& fault : scenario.faults()) {
    std::string identity = fault.SerializeAsString();
    const auto repeats = std::count(seen.begin(), seen.end(), identity);
    seen.push_back(identity);
    identity += '#';
    identity += std::to_string(repeats);
    auto key = static_cast<std::uint32_t>(balancer::xxHash64(identity));
    // Two different faults on one key would draw alike; the later one moves on.
    while (std::find(keys.begin(), keys.end(), key) != keys.end())
      ++key;
    keys.push_back(key);
  }
  return keys;
}

}  // namespace

void buildFaults(const pb::Scenario& scenario, WorldSpec& spec) {
  const TimePoint run_end = TimePoint{} + spec.layout.duration;
  const std::vector<std::uint32_t> keys = drawKeys(scenario);
  std::vector<std::string> names;
  for (int i = 0; i < scenario.faults_size(); ++i) {
    const auto& fault = scenario.faults(i);
    const TimePoint start = TimePoint{} + fromSeconds(fault.start_s());
    if (start >= run_end) continue;  // a shortened run (--duration) never reaches it
    FaultSpec timing;
    timing.start = start;
    timing.end = endOf(fault, scenario, run_end);
    // A run cut short keeps the ramps but never lets them overlap.
    timing.ramp_up = std::min(fromSeconds(fault.ramp_up_s()), timing.end - timing.start);
    timing.ramp_down =
        fault.has_end_s() && timing.end < run_end
            ? std::min(fromSeconds(fault.ramp_down_s()), timing.end - timing.start - timing.ramp_up)
            : Duration::zero();
    std::string target;
    const std::uint32_t key = keys[static_cast<std::size_t>(i)];
    FaultSpec out = resolveFault(fault, spec, key, timing, target);
    out.draw_key = key;
    const std::size_t struck =
        out.kind == FaultKind::kBalancerCrash ? out.instances.size() : out.hosts.size();
    out.steps = faultSteps(out, static_cast<std::uint32_t>(struck));
    std::string name =
        fault.name().empty() ? std::string(kindName(out.kind)) + " " + target : fault.name();
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      name += " #" + std::to_string(i + 1);
    }
    names.push_back(name);
    // The spec keeps the strike order of a ramp; the layout lists them in index order.
    std::vector<std::uint32_t> sorted_hosts = out.hosts;
    std::sort(sorted_hosts.begin(), sorted_hosts.end());
    std::vector<std::uint32_t> sorted_instances = out.instances;
    std::sort(sorted_instances.begin(), sorted_instances.end());
    spec.layout.faults.push_back(metrics::FaultLayout{.name = name,
                                                      .kind = std::string(kindName(out.kind)),
                                                      .start = out.start,
                                                      .end = out.end,
                                                      .hosts = std::move(sorted_hosts),
                                                      .instances = std::move(sorted_instances)});
    spec.faults.push_back(std::move(out));
  }
}

}  // namespace faultline::sim
