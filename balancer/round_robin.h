#pragma once

#include <cstdint>
#include <vector>

#include "balancer/runtime.h"
#include "balancer/strategy.h"

namespace faultline::balancer {

// Round robin over the healthy hosts of a level, with Envoy's semantics for equal weights
// (source/extensions/load_balancing_policies/round_robin): one index per host list, advanced on
// every pick and taken modulo the list's current size. The index starts at a random offset, as
// Envoy seeds it, so a fleet of balancers does not send its first requests to the same host.
class RoundRobin final : public Strategy {
 public:
  explicit RoundRobin(Runtime& runtime) : seed_(runtime.random()) {}

  HostIndex pick(const PickContext& context) override;

 private:
  std::uint64_t seed_;
  std::vector<std::uint64_t> next_by_level_;
};

}  // namespace faultline::balancer
