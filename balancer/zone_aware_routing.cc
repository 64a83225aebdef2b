#include "balancer/zone_aware_routing.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

namespace faultline::balancer {
namespace {

constexpr std::uint64_t kWhole = 10'000;  // Envoy's unit: ten-thousandths

}  // namespace

ZoneAwareRouting::ZoneAwareRouting(const PrioritySet& hosts, ZoneAwareConfig config)
    : hosts_(hosts), config_(std::move(config)) {
  const double total =
      std::accumulate(config_.local_zone_shares.begin(), config_.local_zone_shares.end(), 0.0);
  for (double share : config_.local_zone_shares) {
    local_percent_.push_back(
        total > 0 ? static_cast<std::uint64_t>(std::llround(kWhole * share / total)) : 0);
  }
  zones_.resize(local_percent_.size());
}

std::optional<std::uint32_t> ZoneAwareRouting::chooseLocality(std::uint32_t client_zone,
                                                              Runtime& runtime) {
  if (hosts_.levelCount() == 0 || client_zone >= zones_.size()) return std::nullopt;
  if (config_.routing_enabled_percent < 100 &&
      static_cast<double>(runtime.random() % 100) >= config_.routing_enabled_percent) {
    return std::nullopt;
  }
  const ZoneState& zone = state(client_zone);
  switch (zone.mode) {
    case Mode::kNoRouting:
      return std::nullopt;
    case Mode::kDirect:
      return zone.local_locality;
    case Mode::kResidual:
      break;
  }
  if (runtime.random() % kWhole < zone.local_percent_to_route) return zone.local_locality;
  const std::uint64_t threshold = runtime.random() % zone.residual.back();
  const auto it = std::upper_bound(zone.residual.begin(), zone.residual.end(), threshold);
  return static_cast<std::uint32_t>(it - zone.residual.begin());
}

const ZoneAwareRouting::ZoneState& ZoneAwareRouting::state(std::uint32_t client_zone) {
  if (!built_ || built_version_ != hosts_.version(0)) refresh();
  return zones_[client_zone];
}

void ZoneAwareRouting::refresh() {
  built_ = true;
  built_version_ = hosts_.version(0);
  const std::uint32_t localities = hosts_.localityCount(0);
  const auto healthy = static_cast<std::uint64_t>(hosts_.healthyHosts(0).size());
  const bool too_few = localities < 2 || healthy == 0 || healthy < config_.min_cluster_size;
  upstream_.assign(localities, 0);
  for (std::uint32_t i = 0; i < localities && !too_few; ++i) {
    upstream_[i] = kWhole * hosts_.healthyHostsIn(0, i).size() / healthy;
  }
  for (std::uint32_t zone = 0; zone < zones_.size(); ++zone) {
    if (too_few) {
      zones_[zone].mode = Mode::kNoRouting;
    } else {
      refreshZone(zone, upstream_);
    }
  }
}

void ZoneAwareRouting::refreshZone(std::uint32_t client_zone,
                                   const std::vector<std::uint64_t>& upstream) {
  ZoneState& zone = zones_[client_zone];
  zone.mode = Mode::kNoRouting;
  const std::uint32_t localities = hosts_.localityCount(0);
  std::uint32_t local = localities;
  for (std::uint32_t i = 0; i < localities; ++i) {
    const Locality& where = hosts_.locality(0, i);
    if (where.region == config_.local_region && where.zone == client_zone) local = i;
  }
  if (local == localities || hosts_.healthyHostsIn(0, local).empty()) return;
  zone.local_locality = local;
  if (upstream[local] >= local_percent_[client_zone]) {
    zone.mode = Mode::kDirect;
    return;
  }
  zone.mode = Mode::kResidual;
  zone.local_percent_to_route = upstream[local] * kWhole / local_percent_[client_zone];
  zone.residual.assign(localities, 0);
  std::uint64_t cumulative = 0;
  for (std::uint32_t i = 0; i < localities; ++i) {
    const std::uint64_t local_share = localPercent(i);
    if (i != local && upstream[i] > local_share) cumulative += upstream[i] - local_share;
    zone.residual[i] = cumulative;
  }
  // The local zone is short, so the others together have more than their share: the sum is > 0.
  assert(cumulative > 0);
}

// The share of traffic that comes from level 0's locality `locality`: its zone's share when it is
// in the local region, none otherwise.
std::uint64_t ZoneAwareRouting::localPercent(std::uint32_t locality) const {
  const Locality& where = hosts_.locality(0, locality);
  if (where.region != config_.local_region || where.zone >= local_percent_.size()) return 0;
  return local_percent_[where.zone];
}

}  // namespace faultline::balancer
