#include "balancer/smooth_weighted_round_robin.h"

#include <cassert>
#include <utility>

namespace faultline::balancer {
namespace {

// What NGINX marks NGX_PEER_FAILED under its default `proxy_next_upstream error timeout`.
bool countsAsFailure(Outcome outcome) {
  switch (outcome) {
    case Outcome::kConnectFailure:
    case Outcome::kReset:
    case Outcome::kTimeout:
      return true;
    case Outcome::kSuccess:
    case Outcome::kServerError:
    case Outcome::kOverloaded:
    case Outcome::kGatewayError:
    case Outcome::kClientError:
    case Outcome::kCancelled:  // abandoned by us: nothing wrong with the host
      return false;
  }
  return false;
}

}  // namespace

SmoothWeightedRoundRobin::SmoothWeightedRoundRobin(std::size_t host_count, std::uint32_t max_fails)
    : max_fails_(max_fails), place_(host_count) {}

HostIndex SmoothWeightedRoundRobin::pick(const PickContext& context) {
  if (context.source >= levels_.size()) levels_.resize(context.source + 1);
  Level& level = levels_[context.source];
  if (!level.built || level.version != context.version) rebuild(level, context);

  Peer* best = nullptr;
  std::int64_t total = 0;
  for (Peer& peer : level.peers) {
    peer.current_weight += peer.effective_weight;
    total += peer.effective_weight;
    if (peer.effective_weight < peer.weight) ++peer.effective_weight;
    if (best == nullptr || peer.current_weight > best->current_weight) best = &peer;
  }
  assert(best != nullptr && "a pick needs a candidate");
  best->current_weight -= total;
  return best->host;
}

void SmoothWeightedRoundRobin::onResult(HostIndex host, Outcome outcome, Duration /*latency*/) {
  if (max_fails_ == 0 || !countsAsFailure(outcome)) return;
  // A host that left the candidates since its pick starts fresh if it comes back: nothing to do.
  Peer* peer = find(host);
  if (peer == nullptr) return;
  peer->effective_weight -= peer->weight / max_fails_;
  if (peer->effective_weight < 0) peer->effective_weight = 0;
}

std::int64_t SmoothWeightedRoundRobin::currentWeight(HostIndex host) const {
  const Peer* peer = find(host);
  return peer != nullptr ? peer->current_weight : 0;
}

std::int64_t SmoothWeightedRoundRobin::effectiveWeight(HostIndex host) const {
  const Peer* peer = find(host);
  return peer != nullptr ? peer->effective_weight : 0;
}

void SmoothWeightedRoundRobin::rebuild(Level& level, const PickContext& context) {
  const std::uint32_t source_index = context.source;
  if (place_.size() < context.hosts.hostCount()) place_.resize(context.hosts.hostCount());
  previous_.swap(level.peers);
  level.peers.clear();
  for (HostIndex host : context.candidates) {
    const auto weight = static_cast<std::int64_t>(context.hosts.host(host).weight);
    Peer peer{.host = host, .weight = weight, .effective_weight = weight, .current_weight = 0};
    const Place& was = place_[host];
    const bool stays = level.built && was.source == source_index &&
                       was.position < previous_.size() && previous_[was.position].host == host;
    if (stays) peer = previous_[was.position];
    place_[host] =
        Place{.source = source_index, .position = static_cast<std::uint32_t>(level.peers.size())};
    level.peers.push_back(peer);
  }
  level.built = true;
  level.version = context.version;
}

SmoothWeightedRoundRobin::Peer* SmoothWeightedRoundRobin::find(HostIndex host) {
  return const_cast<Peer*>(std::as_const(*this).find(host));
}

const SmoothWeightedRoundRobin::Peer* SmoothWeightedRoundRobin::find(HostIndex host) const {
  if (host >= place_.size()) return nullptr;
  const Place& place = place_[host];
  if (place.source >= levels_.size()) return nullptr;
  const auto& peers = levels_[place.source].peers;
  if (place.position >= peers.size() || peers[place.position].host != host) return nullptr;
  return &peers[place.position];
}

}  // namespace faultline::balancer
