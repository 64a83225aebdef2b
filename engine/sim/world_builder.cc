#include "engine/sim/world_builder.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

#include "engine/sim/balancer_spec_builder.h"
#include "engine/sim/fault_builder.h"
#include "engine/sim/random_streams.h"
#include "engine/sim/rate_schedule.h"
#include "engine/sim/spec_units.h"
#include "engine/sim/tier_builder.h"
#include "engine/sim/traffic_pattern.h"

namespace faultline::sim {
namespace {

using namespace std::chrono_literals;
namespace pb = scenario;

constexpr Duration kDefaultWindow = 1s;
constexpr Duration kDefaultIntraRegion = 500us;
constexpr Duration kDefaultClientTimeout = 15s;  // Envoy's route timeout
constexpr Duration kDrainWithoutTimeout = 60s;
constexpr std::int64_t kMaxWindows = 1'000'000;  // as the scenario validator allows

// The shortest text that reads back as the same double: 10, 2.5, 0.001.
std::string shortest(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
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

balancer::BackoffKind backoffKind(pb::ClientRetry::Backoff backoff) {
  switch (backoff) {
    case pb::ClientRetry::FULL_JITTER:
      return balancer::BackoffKind::kFullJitter;
    case pb::ClientRetry::EQUAL_JITTER:
      return balancer::BackoffKind::kEqualJitter;
    case pb::ClientRetry::DECORRELATED_JITTER:
      return balancer::BackoffKind::kDecorrelatedJitter;
    case pb::ClientRetry::FIXED:
      return balancer::BackoffKind::kFixed;
    case pb::ClientRetry::NONE:
      return balancer::BackoffKind::kNone;
    default:
      return balancer::BackoffKind::kExponential;
  }
}

balancer::ClientRetryConfig clientRetry(const pb::Clients& clients) {
  balancer::ClientRetryConfig config;
  if (!clients.has_retry()) return config;
  const auto& retry = clients.retry();
  config.max_retries = retry.max_retries();
  config.backoff.kind = backoffKind(retry.backoff());
  if (retry.has_base_ms()) config.backoff.base = fromMillis(retry.base_ms());
  if (retry.has_max_ms()) config.backoff.cap = fromMillis(retry.max_ms());
  config.only_timeouts = retry.only_timeouts();
  if (retry.has_budget()) {
    const auto& budget = retry.budget();
    balancer::TtlRetryBudgetConfig out;
    if (budget.has_ttl_s()) out.ttl = fromSeconds(budget.ttl_s());
    if (budget.has_min_retries_per_s()) out.min_retries_per_s = budget.min_retries_per_s();
    if (budget.has_percent_can_retry()) out.percent_can_retry = budget.percent_can_retry();
    config.budget = out;
  }
  if (retry.has_throttling()) {
    const auto& throttling = retry.throttling();
    balancer::RetryThrottlingConfig out;
    if (throttling.has_max_tokens()) out.max_tokens = throttling.max_tokens();
    if (throttling.has_token_ratio()) out.token_ratio = throttling.token_ratio();
    config.throttling = out;
  }
  return config;
}

// As the validator's sendsTraffic (scenarios/traffic_rules.h): a region whose clients send.
bool hasClients(const pb::Region& region) {
  if (!region.has_clients()) return false;
  const auto& clients = region.clients();
  if (clients.has_closed_loop()) return true;
  if (clients.has_trace()) {
    const auto& rates = clients.trace().rates_rps();
    return std::any_of(rates.begin(), rates.end(), [](double rate) { return rate > 0; });
  }
  return clients.rate_rps() > 0;
}

void buildClients(const pb::Scenario& scenario, WorldSpec& spec) {
  const TimePoint end = TimePoint{} + spec.layout.duration;
  for (std::uint32_t r = 0; r < spec.layout.regions.size(); ++r) {
    const auto& region = scenario.regions(static_cast<int>(r));
    if (!hasClients(region)) continue;
    const auto& clients = region.clients();
    const Duration timeout =
        clients.has_timeout_ms() ? fromMillis(clients.timeout_ms()) : kDefaultClientTimeout;
    ClientSpec client{
        .region = r,
        .rate = rateSchedule(trafficPattern(clients, spec.layout.duration), r, spec.faults, end),
        .closed_loop = std::nullopt,
        .retry = clientRetry(clients),
        .timeout = timeout > Duration::zero() ? std::optional(timeout) : std::nullopt,
        .request_keys = std::nullopt,
        .zone_shares = {}};
    if (clients.has_closed_loop()) {
      client.closed_loop =
          ClosedLoopSpec{.users = clients.closed_loop().users(),
                         .mean_think_time = fromMillis(clients.closed_loop().think_time_ms())};
    }
    if (clients.has_request_keys()) {
      client.request_keys = RequestKeySpec{.distinct = clients.request_keys().distinct(),
                                           .zipf_exponent = clients.request_keys().zipf_exponent()};
    }
    client.zone_shares = zoneShares(clients, spec.layout.regions[r].zones);
    spec.clients.push_back(std::move(client));
  }
}

constexpr std::uint64_t kDefaultRequestBytes = 1000;
constexpr std::uint64_t kDefaultResponseBytes = 10000;
constexpr double kDefaultDowntimeMinuteUsd = 5600;

// Prices and sizes, once the hosts, clients and tier are known: hosts cost their region's price,
// balancers are the tier's instances or one per region with clients.
void buildCost(const pb::Scenario& scenario, WorldSpec& spec) {
  const auto& cost = scenario.cost();
  auto& out = spec.layout.cost;
  const auto regions = spec.layout.regions.size();
  for (std::uint32_t r = 0; r < regions; ++r) {
    double price = cost.default_instance_hour_usd();
    for (const auto& entry : cost.instance_hour_usd()) {
      if (entry.region() == spec.layout.regions[r].name) price = entry.usd();
    }
    out.hosts_hour_usd += price * spec.layout.regions[r].hosts;
  }
  const std::size_t balancers = spec.tier ? spec.tier->instances.size() : spec.clients.size();
  out.balancers_hour_usd = cost.balancer_hour_usd() * static_cast<double>(balancers);
  out.cross_region_gb_usd = cost.cross_region_gb_usd();
  out.internet_gb_usd = cost.internet_gb_usd();
  out.downtime_minute_usd =
      cost.has_downtime_minute_usd() ? cost.downtime_minute_usd() : kDefaultDowntimeMinuteUsd;
  out.request_bytes.assign(regions, kDefaultRequestBytes);
  out.response_bytes.assign(regions, kDefaultResponseBytes);
  for (std::uint32_t r = 0; r < regions; ++r) {
    const auto& clients = scenario.regions(static_cast<int>(r)).clients();
    if (clients.has_request_bytes()) out.request_bytes[r] = clients.request_bytes();
    if (clients.has_response_bytes()) out.response_bytes[r] = clients.response_bytes();
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
  buildTier(scenario, spec);
  buildFaults(scenario, spec);
  buildClients(scenario, spec);
  resolveZoneWeights(scenario, spec);
  buildCost(scenario, spec);

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
