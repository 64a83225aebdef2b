#include "balancer/strategy_registry.h"

#include <array>

#include "balancer/least_request.h"
#include "balancer/least_time.h"
#include "balancer/maglev.h"
#include "balancer/peak_ewma.h"
#include "balancer/random_pick.h"
#include "balancer/ring_hash.h"
#include "balancer/round_robin.h"
#include "balancer/smooth_weighted_round_robin.h"

namespace faultline::balancer {
namespace {

constexpr std::array kStrategies = {
    StrategyInfo{"round-robin",
                 "each healthy host in turn; an EDF schedule in proportion to weight when "
                 "weights differ",
                 "Envoy ROUND_ROBIN (plain RR for equal weights, EDF otherwise)"},
    StrategyInfo{"smooth-wrr",
                 "weighted round robin that spreads a heavy host's turns out (5,1,1 -> a a b a c "
                 "a a); failures lower a host's share for a while",
                 "NGINX default upstream balancing (smooth WRR, max_fails=1)"},
    StrategyInfo{"random", "a uniformly random healthy host",
                 "Envoy RANDOM, NGINX random, HAProxy random(1)"},
    StrategyInfo{"least-request",
                 "the least loaded of N hosts sampled with replacement (default N = 2) or of all "
                 "(full_scan); when weights differ, EDF on weight / (active + 1)^bias",
                 "Envoy LEAST_REQUEST (N_CHOICES, FULL_SCAN, weighted), gRPC least_request"},
    StrategyInfo{"peak-ewma",
                 "the cheaper of two distinct random hosts, cost = peak-sensitive EWMA of latency "
                 "x (pending + 1), decay 10 s, 30 ms for an unmeasured host",
                 "Finagle p2cPeakEwma, Linkerd2-proxy P2C over tower PeakEwma"},
    StrategyInfo{"least-time",
                 "the least eta = average response time (EMA, 20 ms buckets, max 5 s) x "
                 "(1 + active) per weight over all hosts; optional inflight",
                 "NGINX least_time last_byte [inflight] (1.31.0)"},
    StrategyInfo{"ring-hash",
                 "consistent hashing of the request key on a ring of xxHash64 points, weighted; "
                 "optional bounded load (hash_balance_factor) passes a full host for the next",
                 "Envoy RING_HASH (ketama), bounded load as Envoy/HAProxy hash_balance_factor "
                 "(Mirrokni et al., SODA 2018)"},
    StrategyInfo{"maglev",
                 "the request key's slot in a Maglev lookup table (65537 slots by default), "
                 "weighted; near-equal shares, one lookup per pick",
                 "Envoy MAGLEV (Eisenbud et al., NSDI 2016)"},
};

}  // namespace

std::span<const StrategyInfo> knownStrategies() {
  return kStrategies;
}

std::string knownStrategyNames() {
  std::string names;
  for (const auto& info : kStrategies) {
    if (!names.empty()) names += ", ";
    names += info.name;
  }
  return names;
}

bool isKnownStrategy(std::string_view name) {
  for (const auto& info : kStrategies) {
    if (info.name == name) return true;
  }
  return false;
}

Expected<std::unique_ptr<Strategy>, std::string> makeStrategy(std::string_view name,
                                                              const StrategyOptions& options,
                                                              Runtime& runtime,
                                                              std::size_t host_count) {
  std::unique_ptr<Strategy> strategy;
  if (name == "round-robin") {
    strategy = std::make_unique<RoundRobin>(runtime);
  } else if (name == "random") {
    strategy = std::make_unique<RandomPick>(runtime);
  } else if (name == "least-request") {
    strategy = std::make_unique<LeastRequest>(runtime, options.least_request);
  } else if (name == "peak-ewma") {
    strategy = std::make_unique<PeakEwma>(runtime, options.peak_ewma, host_count);
  } else if (name == "least-time") {
    strategy = std::make_unique<LeastTime>(runtime, options.least_time, host_count);
  } else if (name == "smooth-wrr") {
    strategy = std::make_unique<SmoothWeightedRoundRobin>(host_count);
  } else if (name == "ring-hash") {
    strategy = std::make_unique<RingHash>(runtime, options.ring_hash);
  } else if (name == "maglev") {
    strategy = std::make_unique<Maglev>(runtime, options.maglev);
  } else {
    return Unexpected("unknown strategy \"" + std::string(name) +
                      "\" (known: " + knownStrategyNames() + ")");
  }
  return strategy;
}

}  // namespace faultline::balancer
