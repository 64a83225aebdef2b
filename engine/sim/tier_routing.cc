#include "engine/sim/tier_routing.h"

#include <algorithm>
#include <cassert>

namespace faultline::sim {
namespace {

constexpr std::uint32_t kAllRegions = UINT32_MAX;

}  // namespace

TierRouter::TierRouter(const TierSpec& spec, std::vector<std::uint32_t> client_regions,
                       std::uint32_t region_count, std::uint64_t seed, Latency distance,
                       Latency measured)
    : spec_(spec),
      client_regions_(std::move(client_regions)),
      region_count_(region_count),
      distance_(std::move(distance)),
      measured_(std::move(measured)),
      alive_(spec.instances.size(), 1),
      seen_up_(spec.instances.size(), 1),
      dns_failure_(region_count, 0),
      dns_stale_(region_count, 0) {
  for (const auto& instance : spec.instances) {
    if (std::find(sites_.begin(), sites_.end(), instance.region) == sites_.end()) {
      sites_.push_back(instance.region);
    }
  }
  std::sort(sites_.begin(), sites_.end());
  for (std::uint32_t c = 0; c < client_regions_.size(); ++c) {
    request_draws_.emplace_back(seed, Component::kTierRequests, c);
    answer_draws_.emplace_back(seed, Component::kTierAnswers, c);
  }
  if (spec.routing != TierRouting::kDns) return;
  resolvers_.resize(client_regions_.size());
  for (std::uint32_t c = 0; c < client_regions_.size(); ++c) {
    for (std::uint32_t r = 0; r < spec.resolvers; ++r) {
      Resolver resolver;
      resolver.answer = resolve(c, r, 0);
      resolver.refreshes = 1;
      // First expiries spread evenly over one TTL: resolvers fetched at different times.
      resolver.expires = TimePoint{} + spec.ttl * (2 * std::int64_t{r} + 1) / (2 * spec.resolvers);
      resolvers_[c].push_back(std::move(resolver));
    }
  }
}

TierRouter::Route TierRouter::route(std::uint32_t client, std::uint64_t request,
                                    std::uint32_t attempt, TimePoint now) {
  if (spec_.routing == TierRouting::kAnycast) return anycast(client, request, attempt);
  const std::uint64_t bits = request_draws_[client].draw(request);
  Resolver& resolver = resolvers_[client][bits % spec_.resolvers];
  const std::uint32_t region = client_regions_[client];
  if (now >= resolver.expires && dns_stale_[region] == 0) {
    if (dns_failure_[region] > 0) return Route{std::nullopt, true};
    resolver.answer =
        resolve(client, static_cast<std::uint32_t>(&resolver - resolvers_[client].data()),
                resolver.refreshes++);
    resolver.expires = now + spec_.ttl;
  }
  const auto& instances = resolver.answer.instances;
  if (attempt >= instances.size()) return Route{std::nullopt, false};
  return Route{instances[((bits >> 32) + attempt) % instances.size()], false};
}

TierRouter::Route TierRouter::anycast(std::uint32_t client, std::uint64_t request,
                                      std::uint32_t attempt) const {
  if (attempt > 0) return Route{std::nullopt, false};
  const std::uint32_t from = client_regions_[client];
  std::optional<std::uint32_t> nearest;
  for (std::uint32_t site : sitesUp()) {
    if (!nearest || distance_(from, site) < distance_(from, *nearest)) nearest = site;
  }
  if (!nearest) return Route{std::nullopt, false};  // no route announced anywhere
  const auto instances = instancesOf(*nearest, true);
  const std::uint64_t bits = request_draws_[client].draw(request);
  return Route{instances[bits % instances.size()], false};
}

TierRouter::Answer TierRouter::resolve(std::uint32_t client, std::uint32_t resolver,
                                       std::uint64_t refresh) {
  auto up = sitesUp();
  const bool any_up = !up.empty();
  if (!any_up) up = sites_;  // every record unhealthy: answer as if all were healthy
  const std::uint64_t bits = answer_draws_[client].draw((std::uint64_t{resolver} << 40) ^ refresh);
  const std::uint32_t site = pickSite(client_regions_[client], up, bits);
  return Answer{site, instancesOf(site, any_up)};
}

std::uint32_t TierRouter::pickSite(std::uint32_t client_region,
                                   const std::vector<std::uint32_t>& sites,
                                   std::uint64_t random_bits) const {
  assert(!sites.empty());
  auto nearestBy = [&](auto&& cost) {
    std::uint32_t best = sites.front();
    for (std::uint32_t site : sites) {
      if (cost(site) < cost(best)) best = site;
    }
    return best;
  };
  switch (spec_.policy) {
    case TierPolicy::kNearest:
      if (std::find(sites.begin(), sites.end(), client_region) != sites.end()) return client_region;
      return nearestBy([&](std::uint32_t site) { return distance_(client_region, site); });
    case TierPolicy::kLowestLatency:
      return nearestBy([&](std::uint32_t site) { return measured_(client_region, site); });
    case TierPolicy::kActivePassive:
      for (std::uint32_t region : spec_.failover_order) {
        if (std::find(sites.begin(), sites.end(), region) != sites.end()) return region;
      }
      return sites.front();
    case TierPolicy::kWeighted: {
      double total = 0;
      for (std::uint32_t site : sites)
        total += spec_.region_weights[site];
      if (total <= 0) return sites[random_bits % sites.size()];
      double point = uniformOpen(random_bits) * total;
      for (std::uint32_t site : sites) {
        point -= spec_.region_weights[site];
        if (point < 0) return site;
      }
      return sites.back();
    }
    case TierPolicy::kActiveActive:
      return sites[random_bits % sites.size()];
  }
  return sites.front();
}

std::vector<std::uint32_t> TierRouter::instancesOf(std::uint32_t region, bool only_seen_up) const {
  std::vector<std::uint32_t> instances;
  for (std::uint32_t i = 0; i < spec_.instances.size(); ++i) {
    if (spec_.instances[i].region != region) continue;
    if (only_seen_up && !seenUp(i)) continue;
    instances.push_back(i);
  }
  return instances;
}

std::vector<std::uint32_t> TierRouter::sitesUp() const {
  std::vector<std::uint32_t> up;
  for (std::uint32_t site : sites_) {
    if (!instancesOf(site, true).empty()) up.push_back(site);
  }
  return up;
}

TimePoint TierRouter::detectionTime(std::uint32_t instance, TimePoint now) const {
  const Duration interval = spec_.check_interval;
  const Duration phase =
      interval * (2 * std::int64_t{instance} + 1) / (2 * std::int64_t(spec_.instances.size()));
  // The first check strictly after `now`: at the phase itself when none has happened yet.
  TimePoint next = TimePoint{} + phase;
  if (now >= next) next += interval * ((now - next) / interval + 1);
  return next + interval * (std::int64_t{spec_.failure_threshold} - 1);
}

void TierRouter::changeDnsFailure(std::uint32_t client_region, int delta) {
  for (std::uint32_t r = 0; r < region_count_; ++r) {
    if (client_region == kAllRegions || r == client_region) dns_failure_[r] += delta;
  }
}

void TierRouter::changeDnsStale(std::uint32_t client_region, int delta) {
  for (std::uint32_t r = 0; r < region_count_; ++r) {
    if (client_region == kAllRegions || r == client_region) dns_stale_[r] += delta;
  }
}

}  // namespace faultline::sim
