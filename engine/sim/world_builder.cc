#include "engine/sim/world_builder.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

#include "engine/sim/balancer_spec_builder.h"
#include "engine/sim/random_streams.h"

namespace faultline::sim {
namespace {

using namespace std::chrono_literals;
namespace pb = scenario;

constexpr Duration kDefaultWindow = 1s;
constexpr Duration kDefaultIntraRegion = 500us;
constexpr Duration kDefaultClientTimeout = 15s;  // Envoy's route timeout
constexpr Duration kDrainWithoutTimeout = 60s;
constexpr std::int64_t kMaxWindows = 1'000'000;  // as the scenario validator allows

Duration fromMillis(double ms) {
  return Duration(std::llround(ms * 1e6));
}

// The shortest text that reads back as the same double: 10, 2.5, 0.001.
std::string shortest(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}
Duration fromSeconds(double s) {
  return Duration(std::llround(s * 1e9));
}

ServiceTime serviceTime(const pb::Distribution& d) {
  switch (d.kind_case()) {
    case pb::Distribution::kExponential:
      return ServiceTime::exponential(fromMillis(d.exponential().mean_ms()));
    case pb::Distribution::kLognormal:
      return ServiceTime::logNormal(fromMillis(d.lognormal().mean_ms()),
                                    fromMillis(d.lognormal().stddev_ms()));
    case pb::Distribution::kConstant:
      return ServiceTime::constant(fromMillis(d.constant().value_ms()));
    case pb::Distribution::kUniform:
      return ServiceTime::uniform(fromMillis(d.uniform().min_ms()),
                                  fromMillis(d.uniform().max_ms()));
    case pb::Distribution::KIND_NOT_SET:
      break;
  }
  return ServiceTime::constant(Duration::zero());
}

std::vector<std::string> zonesOf(const pb::Region& region) {
  if (region.zones().empty()) return {"a"};
  return {region.zones().begin(), region.zones().end()};
}

std::uint32_t indexOf(const std::vector<std::string>& names, const std::string& name) {
  return static_cast<std::uint32_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

// The index of a region by name; the region count when there is none.
std::uint32_t regionIndex(const metrics::RunLayout& layout, std::string_view name) {
  std::uint32_t r = 0;
  while (r < layout.regions.size() && layout.regions[r].name != name)
    ++r;
  return r;
}

// Regions, zones, groups and hosts. Instances of a group are spread over its zones round robin.
void buildTopology(const pb::Scenario& scenario, WorldSpec& spec) {
  auto& layout = spec.layout;
  for (std::uint32_t r = 0; r < static_cast<std::uint32_t>(scenario.regions_size()); ++r) {
    const auto& region = scenario.regions(static_cast<int>(r));
    metrics::RegionLayout region_layout;
    region_layout.name = region.name();
    region_layout.zones = zonesOf(region);
    if (region.has_clients()) region_layout.client_rate_rps = region.clients().rate_rps();
    for (const auto& group : region.backends()) {
      const auto group_index = static_cast<std::uint32_t>(spec.groups.size());
      GroupSpec g{.name = group.group(),
                  .region = r,
                  .weight = group.has_weight() ? group.weight() : 1,
                  .workers = group.has_workers() ? group.workers() : 1,
                  .queue_limit =
                      group.has_queue_limit() ? std::optional(group.queue_limit()) : std::nullopt,
                  .service = serviceTime(group.service_time()),
                  .error_probability = group.error_probability()};
      std::vector<std::string> zones(group.zones().begin(), group.zones().end());
      if (zones.empty()) zones = region_layout.zones;
      for (std::uint32_t i = 0; i < group.count(); ++i) {
        const auto zone = indexOf(region_layout.zones, zones[i % zones.size()]);
        spec.hosts.push_back(HostSpec{.region = r, .zone = zone, .group = group_index});
        layout.hosts.push_back(metrics::HostLayout{
            .name = region.name() + "/" + group.group() + "-" + std::to_string(i + 1),
            .region = r,
            .zone = zone});
      }
      region_layout.groups.push_back(metrics::GroupLayout{.name = group.group(),
                                                          .count = group.count(),
                                                          .workers = g.workers,
                                                          .queue_limit = g.queue_limit,
                                                          .mean_service = g.service.mean()});
      region_layout.hosts += group.count();
      spec.groups.push_back(g);
    }
    layout.regions.push_back(std::move(region_layout));
  }
}

// A link serves both directions unless the opposite direction has a link of its own.
void buildNetwork(const pb::Scenario& scenario, WorldSpec& spec) {
  const auto regions = static_cast<std::uint32_t>(spec.layout.regions.size());
  const auto& network = scenario.network();
  spec.network = Network(regions);
  const Duration intra =
      network.has_intra_region_ms() ? fromMillis(network.intra_region_ms()) : kDefaultIntraRegion;
  const Duration intra_jitter = fromMillis(network.intra_region_jitter_ms());
  const Duration cross_zone =
      network.has_cross_zone_ms() ? fromMillis(network.cross_zone_ms()) : intra;
  for (std::uint32_t r = 0; r < regions; ++r) {
    spec.network.setLink(r, r, intra, intra_jitter);
    spec.network.setCrossZone(r, cross_zone, intra_jitter);
  }
  auto apply = [&](bool reverse_pass) {
    for (const auto& link : network.links()) {
      const auto from = regionIndex(spec.layout, link.from());
      const auto to = regionIndex(spec.layout, link.to());
      if (from >= regions || to >= regions) continue;
      const auto one_way = fromMillis(link.one_way_ms());
      const auto jitter = fromMillis(link.jitter_ms());
      if (reverse_pass) {
        spec.network.setLink(to, from, one_way, jitter);
      } else {
        spec.network.setLink(from, to, one_way, jitter);
      }
    }
  };
  apply(/*reverse_pass=*/true);  // first both directions, then explicit directions win
  apply(/*reverse_pass=*/false);
}

// Own region first, then the others by the configured failover policy.
void buildFailoverOrder(const pb::Scenario& scenario, WorldSpec& spec) {
  const auto& locality = scenario.balancer().locality();
  auto& regions = spec.layout.regions;
  const auto count = static_cast<std::uint32_t>(regions.size());
  for (std::uint32_t own = 0; own < count; ++own) {
    std::vector<std::uint32_t> order{own};
    if (locality.failover() == pb::Locality::BY_ORDER) {
      for (const auto& name : locality.order()) {
        const auto r = regionIndex(spec.layout, name);
        if (r != own && r < count) order.push_back(r);
      }
    } else if (locality.failover() == pb::Locality::BY_LATENCY) {
      std::vector<std::uint32_t> others;
      for (std::uint32_t r = 0; r < count; ++r) {
        if (r != own) others.push_back(r);
      }
      std::stable_sort(others.begin(), others.end(), [&](std::uint32_t x, std::uint32_t y) {
        return spec.network.baseDelay(own, x) < spec.network.baseDelay(own, y);
      });
      order.insert(order.end(), others.begin(), others.end());
    }
    regions[own].failover_order = std::move(order);
  }
}

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
  }
  return "unknown";
}

// Hosts matching a selector; `count` of them chosen from the fault's own random stream, so every
// strategy run with the same seed loses the same hosts.
std::vector<std::uint32_t> selectHosts(const pb::HostSelector& selector, const WorldSpec& spec,
                                       std::uint64_t seed, std::uint32_t fault_index) {
  const auto& layout = spec.layout;
  std::vector<std::uint32_t> matching;
  for (std::uint32_t h = 0; h < spec.hosts.size(); ++h) {
    const auto& host = spec.hosts[h];
    const auto& region = layout.regions[host.region];
    if (!selector.region().empty() && region.name != selector.region()) continue;
    if (!selector.zone().empty() && region.zones[host.zone] != selector.zone()) continue;
    if (!selector.group().empty() && spec.groups[host.group].name != selector.group()) continue;
    matching.push_back(h);
  }
  if (selector.count() == 0 || selector.count() >= matching.size()) return matching;
  // Partial Fisher-Yates: the first `count` positions become a uniform random sample.
  RandomStream stream(seed, Component::kFaultTargets, fault_index);
  for (std::uint32_t i = 0; i < selector.count(); ++i) {
    const auto remaining = static_cast<std::uint32_t>(matching.size()) - i;
    const auto j = i + balancer::uniformIndex(stream.next(), remaining);
    std::swap(matching[i], matching[j]);
  }
  matching.resize(selector.count());
  std::sort(matching.begin(), matching.end());
  return matching;
}

std::vector<std::uint32_t> hostsIn(const WorldSpec& spec, std::string_view region,
                                   std::string_view zone) {
  std::vector<std::uint32_t> hosts;
  for (std::uint32_t h = 0; h < spec.hosts.size(); ++h) {
    const auto& r = spec.layout.regions[spec.hosts[h].region];
    if (r.name != region) continue;
    if (!zone.empty() && r.zones[spec.hosts[h].zone] != zone) continue;
    hosts.push_back(h);
  }
  return hosts;
}

// The fault's effect and targets; its name defaults to its kind and target.
FaultSpec resolveFault(const pb::Fault& fault, const WorldSpec& spec, std::uint64_t seed,
                       std::uint32_t index, std::string& target) {
  FaultSpec out;
  switch (fault.kind_case()) {
    case pb::Fault::kHostCrash:
      out.kind = FaultKind::kHostCrash;
      out.hosts = selectHosts(fault.host_crash().hosts(), spec, seed, index);
      break;
    case pb::Fault::kZoneOutage:
      out.kind = FaultKind::kZoneOutage;
      out.hosts = hostsIn(spec, fault.zone_outage().region(), fault.zone_outage().zone());
      target = fault.zone_outage().region() + "/" + fault.zone_outage().zone();
      break;
    case pb::Fault::kRegionOutage:
      out.kind = FaultKind::kRegionOutage;
      out.hosts = hostsIn(spec, fault.region_outage().region(), "");
      target = fault.region_outage().region();
      break;
    case pb::Fault::kLatency:
      out.kind = FaultKind::kLatency;
      out.hosts = selectHosts(fault.latency().hosts(), spec, seed, index);
      out.latency = fromMillis(fault.latency().latency_ms());
      out.jitter = fromMillis(fault.latency().jitter_ms());
      break;
    case pb::Fault::kErrors:
      out.kind = FaultKind::kErrors;
      out.hosts = selectHosts(fault.errors().hosts(), spec, seed, index);
      out.probability = fault.errors().probability();
      break;
    case pb::Fault::kTrafficSurge: {
      const auto& surge = fault.traffic_surge();
      out.kind = FaultKind::kTrafficSurge;
      out.multiplier = surge.multiplier();
      if (!surge.region().empty()) out.region = regionIndex(spec.layout, surge.region());
      target = surge.region().empty() ? "all regions" : surge.region();
      break;
    }
    case pb::Fault::KIND_NOT_SET:
      break;
  }
  if (target.empty()) {
    target = out.hosts.size() == 1 ? spec.layout.hosts[out.hosts.front()].name
                                   : std::to_string(out.hosts.size()) + " hosts";
  }
  return out;
}

void buildFaults(const pb::Scenario& scenario, WorldSpec& spec) {
  const TimePoint end = TimePoint{} + spec.layout.duration;
  std::vector<std::string> names;
  for (int i = 0; i < scenario.faults_size(); ++i) {
    const auto& fault = scenario.faults(i);
    const TimePoint start = TimePoint{} + fromSeconds(fault.start_s());
    if (start >= end) continue;  // a shortened run (--duration) never reaches it
    std::string target;
    FaultSpec out = resolveFault(fault, spec, spec.seed, static_cast<std::uint32_t>(i), target);
    out.start = start;
    // Clipped in seconds, before the conversion: an end far beyond the run would overflow.
    out.end = fault.has_end_s() && fault.end_s() < scenario.duration_s()
                  ? std::min(end, TimePoint{} + fromSeconds(fault.end_s()))
                  : end;
    std::string name =
        fault.name().empty() ? std::string(kindName(out.kind)) + " " + target : fault.name();
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      name += " #" + std::to_string(i + 1);
    }
    names.push_back(name);
    spec.layout.faults.push_back(metrics::FaultLayout{.name = name,
                                                      .kind = std::string(kindName(out.kind)),
                                                      .start = out.start,
                                                      .end = out.end,
                                                      .hosts = out.hosts});
    spec.faults.push_back(std::move(out));
  }
}

// The clients of each region with traffic; surges multiply the rate while they last.
std::vector<RateSegment> rateSchedule(double base_rate, std::uint32_t region,
                                      const std::vector<FaultSpec>& faults) {
  std::vector<const FaultSpec*> surges;
  for (const auto& fault : faults) {
    if (fault.kind != FaultKind::kTrafficSurge) continue;
    if (fault.region == metrics::kNoRegion || fault.region == region) surges.push_back(&fault);
  }
  std::vector<TimePoint> edges{TimePoint{}};
  for (const FaultSpec* surge : surges) {
    edges.push_back(surge->start);
    edges.push_back(surge->end);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  std::vector<RateSegment> schedule;
  for (TimePoint edge : edges) {
    double rate = base_rate;
    for (const FaultSpec* surge : surges) {
      if (surge->start <= edge && edge < surge->end) rate *= surge->multiplier;
    }
    schedule.push_back(RateSegment{edge, rate});
  }
  return schedule;
}

// By zone index: the listed shares, or 1 for every zone when none is listed.
std::vector<double> zoneShares(const pb::Clients& clients, const std::vector<std::string>& zones) {
  if (clients.zones().empty()) return std::vector<double>(zones.size(), 1.0);
  std::vector<double> shares(zones.size(), 0.0);
  for (const auto& entry : clients.zones()) {
    const auto zone = indexOf(zones, entry.zone());
    if (zone < shares.size()) shares[zone] = entry.share();  // the validator checked the name
  }
  return shares;
}

// Locality-weighted routing's zone weights, names resolved; zones not listed weigh 1.
void resolveZoneWeights(const pb::Scenario& scenario, WorldSpec& spec) {
  auto& weights = spec.balancer.config.locality_weights;
  if (!weights) return;
  for (const auto& entry : scenario.balancer().zone_routing().zone_weights()) {
    const auto region = regionIndex(spec.layout, entry.region());
    if (region >= spec.layout.regions.size()) continue;  // the validator checked the names
    const auto zone = indexOf(spec.layout.regions[region].zones, entry.zone());
    weights->push_back(
        balancer::LocalityWeight{.locality = {region, zone}, .weight = entry.weight()});
  }
}

void buildClients(const pb::Scenario& scenario, WorldSpec& spec) {
  for (std::uint32_t r = 0; r < spec.layout.regions.size(); ++r) {
    const auto& region = scenario.regions(static_cast<int>(r));
    if (!region.has_clients() || region.clients().rate_rps() <= 0) continue;
    const auto& clients = region.clients();
    const Duration timeout =
        clients.has_timeout_ms() ? fromMillis(clients.timeout_ms()) : kDefaultClientTimeout;
    ClientSpec client{.region = r,
                      .rate = rateSchedule(clients.rate_rps(), r, spec.faults),
                      .timeout = timeout > Duration::zero() ? std::optional(timeout) : std::nullopt,
                      .request_keys = std::nullopt,
                      .zone_shares = {}};
    if (clients.has_request_keys()) {
      client.request_keys = RequestKeySpec{.distinct = clients.request_keys().distinct(),
                                           .zipf_exponent = clients.request_keys().zipf_exponent()};
    }
    client.zone_shares = zoneShares(clients, spec.layout.regions[r].zones);
    spec.clients.push_back(std::move(client));
  }
}

}  // namespace

Expected<WorldSpec, ConfigError> buildWorldSpec(const pb::Scenario& scenario,
                                                const RunOverrides& overrides) {
  WorldSpec spec;
  auto& layout = spec.layout;
  layout.scenario = scenario.name();
  layout.description = scenario.description();
  layout.mode = "sim";
  spec.seed = overrides.seed.value_or(scenario.seed());
  layout.seed = spec.seed;
  layout.duration = overrides.duration.value_or(fromSeconds(scenario.duration_s()));
  layout.warmup = fromSeconds(scenario.warmup_s());
  layout.window = scenario.has_window_s() ? fromSeconds(scenario.window_s()) : kDefaultWindow;
  if (overrides.duration && layout.warmup >= layout.duration) {
    return Unexpected(ConfigError{"--duration", "must be longer than the scenario's warm-up (" +
                                                    shortest(scenario.warmup_s()) + " s)"});
  }
  if (layout.window > layout.duration) layout.window = layout.duration;
  if (overrides.duration && layout.duration / layout.window > kMaxWindows) {
    return Unexpected(
        ConfigError{"--duration", "gives more than 1,000,000 windows of " +
                                      shortest(static_cast<double>(layout.window.count()) / 1e9) +
                                      " s (the scenario's window_s); choose a shorter run"});
  }

  auto balancer = buildBalancerSpec(scenario.balancer(), overrides.strategy);
  if (!balancer) return Unexpected(balancer.error());
  spec.balancer = std::move(*balancer);
  layout.strategy = spec.balancer.strategy;

  buildTopology(scenario, spec);
  buildNetwork(scenario, spec);
  buildFailoverOrder(scenario, spec);
  buildFaults(scenario, spec);
  buildClients(scenario, spec);
  resolveZoneWeights(scenario, spec);

  const auto& slo = scenario.slo();
  layout.slo.availability = slo.has_availability() ? slo.availability() : 0.999;
  layout.slo.latency = fromMillis(slo.latency_ms());
  layout.slo.latency_percentile = slo.has_latency_percentile() ? slo.latency_percentile() : 99;

  spec.drain_limit = Duration::zero();
  for (const auto& client : spec.clients) {
    spec.drain_limit = std::max(spec.drain_limit, client.timeout.value_or(kDrainWithoutTimeout));
  }
  return spec;
}

}  // namespace faultline::sim
