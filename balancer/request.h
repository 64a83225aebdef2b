#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "balancer/host.h"
#include "balancer/time.h"

namespace faultline::balancer {

// Hosts a request has already tried, for the retry host predicate (Envoy's previous_hosts). A
// fixed array: no allocation per request; tries beyond it are not remembered.
class TriedHosts {
 public:
  static constexpr std::size_t kCapacity = 16;  // 1 + num_retries (10) + max_hedges (3) fit

  void add(HostIndex host) {
    if (count_ < kCapacity) hosts_[count_++] = host;
  }
  bool contains(HostIndex host) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (hosts_[i] == host) return true;
    }
    return false;
  }
  std::size_t size() const { return count_; }

 private:
  std::array<HostIndex, kCapacity> hosts_{};
  std::size_t count_ = 0;
};

// What the balancer knows about a request when it picks a host for it.
struct Request {
  std::uint64_t id = 0;
  // The request's hash key (a user or session id, hashed) for the hashing strategies; a request
  // without one is placed at random, as Envoy does when its hash policy yields nothing.
  std::optional<std::uint64_t> hash_key;
  // The client's zone, an index among the zones of the balancer's own region (zone-aware routing).
  std::uint32_t zone = 0;
  // Tries of this request before this one: 0 for the first try, then retries and hedges.
  std::uint32_t attempt = 0;
  TriedHosts tried_hosts;
  // Priority levels already tried, one bit each (Envoy's previous_priorities retry priority).
  std::uint32_t tried_levels = 0;
};

// Why the balancer declined to pick a host.
enum class Refusal : std::uint8_t {
  kNoHealthyHost,  // no level of the priority set has a host that passes its checks
  kCircuitOpen,    // a circuit breaker limit is reached (Envoy: upstream_rq_pending_overflow)
  kRateLimited,    // the local rate limit's bucket is empty (Envoy: 429)
  kLoadShed,       // admission control or the adaptive concurrency limit shed it (Envoy: 503)
};

std::string_view toString(Refusal refusal);

// The answer to choose(): a host, or a reasoned refusal.
class Decision {
 public:
  static Decision pick(HostIndex host) { return Decision(host, Refusal::kNoHealthyHost, true); }
  static Decision refuse(Refusal why) { return Decision(0, why, false); }

  bool hasHost() const { return has_host_; }
  HostIndex host() const { return host_; }
  Refusal refusal() const { return refusal_; }

 private:
  Decision(HostIndex host, Refusal refusal, bool has_host)
      : host_(host), refusal_(refusal), has_host_(has_host) {}

  HostIndex host_;
  Refusal refusal_;
  bool has_host_;
};

// How a try ended, as the balancer sees it.
enum class Outcome : std::uint8_t {
  kSuccess,
  kServerError,     // the host answered with a 5xx of its own (not overload, not a gateway's)
  kOverloaded,      // the host refused the request: its queue was full (503)
  kGatewayError,    // the host answered 502, 503 or 504 (Envoy's gateway errors)
  kClientError,     // the host answered 4xx: the request failed, but the host is fine
  kConnectFailure,  // connection refused: nothing listens on the host
  kReset,           // the connection broke with the request in flight
  kTimeout,         // no answer before the deadline; the balancer stops counting the request
  kCancelled,       // abandoned: another try of the same request answered first (hedging)
};

std::string_view toString(Outcome outcome);

}  // namespace faultline::balancer
