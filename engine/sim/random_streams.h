#pragma once

#include <Random123/philox.h>

#include <array>
#include <cstdint>

namespace faultline::sim {

// Who draws. Every component gets its own stream, keyed by the scenario seed, its component and
// an index (which client, which balancer), so no component's draws depend on another's. The
// workload streams (arrivals, request demand) do not depend on the strategy, so two strategies
// run with one seed see exactly the same traffic: common random numbers, which is what makes a
// paired comparison of strategies sharp.
enum class Component : std::uint32_t {
  kArrivals = 1,       // per client group: interarrival times
  kRequestDemand = 2,  // per client group: service demand, base error, network jitter of a request
  kBalancer = 3,       // per balancer: the strategy's own random choices
  kFaultTargets = 4,   // per fault: which hosts a "count" selection takes
  kProbes = 5,         // network jitter of health probes
  kRequestKeys = 6,    // per client group: the key each request carries
  kClientZones = 7,    // per client group: the zone each request comes from
  // Per balancer, one stream per balancer::RandomUse, so those draws do not depend on the strategy.
  kBalancerHealthChecks = 8,
  kBalancerOutlierDetection = 9,
  kBalancerRetries = 10,
  kBalancerAdmission = 11,
  kFaultEffects = 12,   // per client group: what the faults a request meets do to each try
  kClientRetries = 13,  // per client group: the jitter of its own retries' backoff
  kThinkTimes = 14,     // per client group: its closed-loop users' think times
  kTierRequests = 15,   // per client group: the resolver and tier instance of each request
  kTierAnswers = 16,    // per client group: the global policy's random choices of sites
  kProbeFaults = 17,    // what faults do to each health probe, keyed by probe and fault
};

// Counter-based random numbers from Random123's Philox4x64-10 (Salmon, Moraes, Dror, Shaw,
// "Parallel Random Numbers: As Easy as 1, 2, 3", SC'11): a draw is a pure function of
// (key, counter), with no state to carry and no stream to share. A request's draws are keyed by
// the request itself, so they are the same whichever host serves it and whatever happened before.
class CounterRng {
 public:
  using Block = std::array<std::uint64_t, 4>;

  CounterRng(std::uint64_t seed, Component component, std::uint32_t index)
      : key_{{seed, (static_cast<std::uint64_t>(component) << 32) | index}} {}

  // Four independent 64-bit draws for one counter value.
  Block draw(std::uint64_t counter, std::uint64_t lane = 0) const {
    const auto out = philox_(Philox::ctr_type{{counter, lane, 0, 0}}, key_);
    return Block{out[0], out[1], out[2], out[3]};
  }

 private:
  using Philox = r123::Philox4x64;
  Philox philox_;
  Philox::key_type key_;
};

// One 64-bit draw per counter for a few instructions: SplitMix64's output function applied to the
// key plus the counter times the golden-ratio increment, which is how SplitMix64 itself steps
// (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number Generators", OOPSLA 2014; the
// sequence passes BigCrush). For a single cheap draw per request where a Philox block would cost
// ten times as much, such as the zone a request comes from.
class HashRng {
 public:
  HashRng(std::uint64_t seed, Component component, std::uint32_t index)
      : key_(mix(mix(seed) ^ ((static_cast<std::uint64_t>(component) << 32) | index))) {}

  std::uint64_t draw(std::uint64_t counter) const { return mix(key_ + counter * kGolden); }

 private:
  static constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15;
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
  std::uint64_t key_;
};

// A sequential stream over a CounterRng: the n-th call returns the n-th draw.
class RandomStream {
 public:
  RandomStream(std::uint64_t seed, Component component, std::uint32_t index)
      : rng_(seed, component, index) {}

  std::uint64_t next() {
    if (used_ == buffer_.size()) {
      buffer_ = rng_.draw(counter_++);
      used_ = 0;
    }
    return buffer_[used_++];
  }

 private:
  CounterRng rng_;
  CounterRng::Block buffer_{};
  std::uint64_t counter_ = 0;
  std::size_t used_ = 4;
};

// A double uniform in the open interval (0, 1) from 64 random bits: a 52-bit grid offset by half a
// step, so that neither end is reached (a logarithm or a quantile of it stays finite). With 53
// bits the top value, 1 - 2^-54, would round to 1.0.
inline double uniformOpen(std::uint64_t bits) {
  return (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-52;
}

}  // namespace faultline::sim
