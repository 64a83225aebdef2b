#pragma once

#include "balancer/runtime.h"
#include "balancer/strategy.h"

namespace faultline::balancer {

// A uniformly random healthy host: Envoy's RANDOM policy, NGINX `random`, HAProxy `random(1)`.
// Needs no state, which is why it behaves the same in a fleet of balancers as in one.
class RandomPick final : public Strategy {
 public:
  explicit RandomPick(Runtime& runtime) : runtime_(runtime) {}

  HostIndex pick(const PickContext& context) override {
    const auto size = static_cast<std::uint32_t>(context.candidates.size());
    return context.candidates[uniformIndex(runtime_.random(), size)];
  }

 private:
  Runtime& runtime_;
};

}  // namespace faultline::balancer
