#include <cassert>

#include "engine/sim/world.h"
#include "engine/sim/world_internal.h"

// The balancer as a tier of its own: clients find an instance through DNS or anycast, cross the
// network to it, are refused by a dead one (and try the next address), and hear the answer after
// the trip back. Instances fail, and the global layer's checks notice some time later.
namespace faultline::sim {

using metrics::RequestOutcome;

namespace {

// Draw keys of the tier's trips, apart from every try's: the top bit set.
constexpr std::uint64_t kTierLane = std::uint64_t{1} << 63;

}  // namespace

void World::buildTier() {
  if (!spec_.tier) return;
  std::vector<std::uint32_t> client_regions;
  for (const Client& client : clients_)
    client_regions.push_back(client.region);
  const auto regions = static_cast<std::uint32_t>(spec_.layout.regions.size());
  tier_.emplace(
      *spec_.tier, std::move(client_regions), regions, spec_.seed,
      [this](std::uint32_t from, std::uint32_t to) { return spec_.network.baseDelay(from, to); },
      [this](std::uint32_t from, std::uint32_t to) {
        return expectedTrip(from, to) + expectedTrip(to, from);
      });
  instance_epoch_.assign(spec_.tier->instances.size(), 0);
  instance_crashes_.assign(spec_.tier->instances.size(), 0);
}

// The client looks up where to connect (its resolver, or the anycast route) and goes there; a
// name it cannot resolve, or no address left to try, fails the request at once.
void World::connectToTier(std::uint32_t request_slot) {
  Request& request = requests_[request_slot];
  const std::uint64_t key = request.core.id ^ (std::uint64_t{request.client_attempt} << 48);
  const auto route = tier_->route(request.client, key, request.connect_attempt, kernel_.now());
  if (route.dns_failure) return finishAtClient(request_slot, RequestOutcome::kDnsFailure);
  if (!route.instance) return finishAtClient(request_slot, RequestOutcome::kConnectionRefused);
  request.balancer = *route.instance;
  request.leg = Leg::kToBalancer;
  if (const auto delay = tierTrip(request, /*back=*/false)) {
    kernel_.scheduleIn(*delay, kReachBalancer, request_slot, requests_.generation(request_slot));
  }  // else lost on the way: only the client's timeout ends it
}

void World::onReachBalancer(std::uint32_t request_slot) {
  Request& request = requests_[request_slot];
  if (!tier_->alive(request.balancer)) {  // nothing listens: the refusal comes back
    if (const auto delay = tierTrip(request, /*back=*/true)) {
      kernel_.scheduleIn(*delay, kRefusedByBalancer, request_slot,
                         requests_.generation(request_slot));
    }
    return;
  }
  const RegionalBalancer& balancer = *balancers_[request.balancer];
  request.leg = Leg::kAtBalancer;
  request.origin_region = balancer.region();
  request.core.zone = balancer.zone();  // zone-aware routing sees where the proxy runs
  if (!sendTry(request_slot, metrics::TryKind::kFirst)) return;  // refused: answered already
  scheduleHedge(request_slot);
}

// Clients try the next address they resolved (as HTTP clients do on a refused connection).
void World::onRefusedByBalancer(std::uint32_t request_slot) {
  ++requests_[request_slot].connect_attempt;
  connectToTier(request_slot);
}

void World::onReachClient(std::uint32_t request_slot) {
  finishAtClient(request_slot, requests_[request_slot].outcome);
}

std::optional<Duration> World::tierTrip(const Request& request, bool back) {
  const Client& client = clients_[request.client];
  const RegionalBalancer& balancer = *balancers_[request.balancer];
  const std::uint32_t client_zone = requestZone(client, request.core.id);
  const std::uint64_t lane = kTierLane | (std::uint64_t{request.client_attempt} << 40) |
                             (std::uint64_t{request.connect_attempt} << 32);
  const auto jitter = client.fault_draws.draw(request.core.id, lane | 0xffffffffu);
  const std::uint32_t from = back ? balancer.region() : client.region;
  const std::uint32_t to = back ? client.region : balancer.region();
  const Duration delay =
      back ? spec_.network.delay(from, balancer.zone(), to, client_zone, jitter[1])
           : spec_.network.delay(from, client_zone, to, balancer.zone(), jitter[0]);
  if (!link_faults_.any()) return delay;
  return throughLinkFaults(from, to, delay, [&](std::uint32_t f) {
    const auto block = client.fault_draws.draw(request.core.id, lane | spec_.faults[f].draw_key);
    const std::size_t first = back ? 2 : 0;
    return std::pair{uniformOpen(block[first]), uniformOpen(block[first + 1])};
  });
}

// An instance dies or comes back. Requests at a dying one are reset, and the client hears of it
// one trip later; the global layer's checks see the change some time later.
void World::setInstanceAlive(std::uint32_t instance, bool alive) {
  if (tier_->alive(instance) == alive) return;
  tier_->setAlive(instance, alive);
  const std::uint32_t epoch = ++instance_epoch_[instance];
  kernel_.schedule(tier_->detectionTime(instance, kernel_.now()), kTierDetection, instance, epoch);
  if (alive) return;
  std::vector<std::uint32_t> reset;
  requests_.forEachLive([&](std::uint32_t slot, std::uint32_t, Request& request) {
    if (request.balancer == instance && request.leg == Leg::kAtBalancer) reset.push_back(slot);
  });
  for (std::uint32_t slot : reset)
    answer(slot, RequestOutcome::kConnectionReset);
}

void World::onTierDetection(std::uint32_t instance, std::uint32_t epoch) {
  if (epoch != instance_epoch_[instance]) return;  // it changed again before the checks saw it
  const bool up = tier_->alive(instance);
  if (tier_->seenUp(instance) == up) return;
  tier_->setSeenUp(instance, up);
  observer_.onInstanceHealthChanged(
      metrics::InstanceHealthEvent{.time = kernel_.now(), .instance = instance, .healthy = up});
}

}  // namespace faultline::sim
