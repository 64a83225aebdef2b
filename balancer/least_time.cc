#include "balancer/least_time.h"

#include <algorithm>
#include <cassert>

namespace faultline::balancer {
namespace {

std::uint64_t wholeMillis(Duration duration) {
  if (duration <= Duration::zero()) return 0;
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
}

// ngx_http_upstream_response_time_avg: NGINX keeps whole milliseconds and rounds each step.
void average(std::uint64_t& avg, std::uint64_t sample) {
  if (avg == 0) {
    avg = sample;
    return;
  }
  avg = static_cast<std::uint64_t>(
      0.5 + (static_cast<double>(sample) * 0.05 + static_cast<double>(avg) * 0.95));
}

// Whether NGINX would count the try as answered: errors and timeouts are NGX_PEER_FAILED, a 5xx
// (the host's own or an overload 503) is a response unless proxy_next_upstream names it.
bool isAnswer(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSuccess:
    case Outcome::kServerError:
    case Outcome::kOverloaded:
    case Outcome::kGatewayError:
    case Outcome::kClientError:
      return true;
    case Outcome::kConnectFailure:
    case Outcome::kReset:
    case Outcome::kTimeout:
    case Outcome::kCancelled:  // an abandoned try is no measurement
      return false;
  }
  return false;
}

}  // namespace

LeastTime::LeastTime(Runtime& runtime, const LeastTimeOptions& options, std::size_t host_count)
    : runtime_(runtime), inflight_(options.inflight), peers_(host_count) {}

HostIndex LeastTime::pick(const PickContext& context) {
  const TimePoint now = runtime_.now();
  const std::int64_t now_s = nowSeconds();
  const auto size = static_cast<std::uint32_t>(context.candidates.size());

  HostIndex best = context.candidates[0];
  std::uint32_t best_position = 0;
  std::uint64_t best_eta = 0;
  std::uint64_t best_weight = 1;
  bool many = false;
  for (std::uint32_t i = 0; i < size; ++i) {
    const HostIndex host = context.candidates[i];
    assert(host < peers_.size());
    Peer& peer = peers_[host];
    if (peer.inflight_requests > 0)
      average(peer.inflight_time_ms, wholeMillis(meanInflightAge(peer, now)));
    const std::uint64_t host_eta = eta(peer, context.load[host].active_requests, now_s);
    const std::uint64_t weight = context.hosts.host(host).weight;
    if (i == 0 || host_eta * best_weight < best_eta * weight) {
      best = host;
      best_position = i;
      best_eta = host_eta;
      best_weight = weight;
      many = false;
    } else if (host_eta * best_weight == best_eta * weight) {
      many = true;
    }
  }

  if (many) {
    std::int64_t total = 0;
    for (std::uint32_t i = best_position; i < size; ++i) {
      const HostIndex host = context.candidates[i];
      Peer& peer = peers_[host];
      const std::uint64_t weight = context.hosts.host(host).weight;
      if (eta(peer, context.load[host].active_requests, now_s) * best_weight != best_eta * weight) {
        continue;
      }
      peer.current_weight += static_cast<std::int64_t>(weight);
      total += static_cast<std::int64_t>(weight);
      if (peer.current_weight > peers_[best].current_weight) best = host;
    }
    peers_[best].current_weight -= total;
  }

  return best;
}

void LeastTime::onSent(HostIndex host) {
  Peer& peer = peers_[host];
  if (inflight_) startInflight(peer, runtime_.now());
  const std::int64_t now_s = nowSeconds();
  if (now_s - peer.checked_s > kFailTimeout.count()) peer.checked_s = now_s;
}

void LeastTime::onResult(HostIndex host, Outcome outcome, Duration latency) {
  assert(host < peers_.size());
  Peer& peer = peers_[host];
  if (inflight_) endInflight(peer, latency, runtime_.now());
  if (!isAnswer(outcome)) {
    peer.checked_s = nowSeconds();
    return;
  }
  average(peer.response_time_ms, wholeMillis(latency));
}

std::uint64_t LeastTime::eta(HostIndex host, std::uint32_t active) const {
  return eta(peers_[host], active, nowSeconds());
}

Duration LeastTime::meanInflightAge(HostIndex host) const {
  return meanInflightAge(peers_[host], runtime_.now());
}

Duration LeastTime::meanInflightAge(const Peer& peer, TimePoint now) {
  if (peer.inflight_requests == 0) return Duration::zero();
  return peer.inflight_age_sum / peer.inflight_requests + (now - peer.inflight_changed);
}

std::int64_t LeastTime::nowSeconds() const {
  return std::chrono::floor<std::chrono::seconds>(runtime_.now().time_since_epoch()).count();
}

std::uint64_t LeastTime::eta(const Peer& peer, std::uint32_t active, std::int64_t now_s) const {
  std::uint64_t rt = peer.response_time_ms;
  const std::int64_t since_checked = now_s - peer.checked_s;
  if (since_checked > kFailTimeout.count()) {
    const std::int64_t halvings = since_checked / (kFailTimeout.count() + 1);
    rt = halvings < 64 ? rt >> halvings : 0;
  }
  if (peer.inflight_requests > 0) rt = std::max(rt, peer.inflight_time_ms);
  if (rt > kMaxRtMs) {
    rt = kMaxRtMs;
  } else {
    rt += kRtBucketMs - rt % kRtBucketMs;
  }
  return rt * (std::uint64_t{1} + active);
}

void LeastTime::startInflight(Peer& peer, TimePoint now) {
  if (peer.inflight_requests > 0) {
    peer.inflight_age_sum +=
        (now - peer.inflight_changed) * static_cast<std::int64_t>(peer.inflight_requests);
  }
  peer.inflight_changed = now;
  ++peer.inflight_requests;
}

void LeastTime::endInflight(Peer& peer, Duration latency, TimePoint now) {
  assert(peer.inflight_requests > 0 && "a result for a request this strategy never picked");
  if (peer.inflight_requests == 0) return;
  if (peer.inflight_requests == 1) {
    // The last one out: start the next busy period from a clean sum, so no rounding carries over.
    peer.inflight_age_sum = Duration::zero();
  } else {
    peer.inflight_age_sum +=
        (now - peer.inflight_changed) * static_cast<std::int64_t>(peer.inflight_requests) - latency;
    // A latency measured from before the pick would take more than the request's own age; NGINX's
    // unsigned sum would wrap there, ours stops at zero.
    peer.inflight_age_sum = std::max(peer.inflight_age_sum, Duration::zero());
    peer.inflight_changed = now;
  }
  --peer.inflight_requests;
}

}  // namespace faultline::balancer
