#pragma once

#include <array>

#include "balancer/runtime.h"
#include "engine/sim/kernel.h"
#include "engine/sim/random_streams.h"

namespace faultline::sim {

// The balancer core's Runtime in virtual time: now() is the kernel's clock, timers are kernel
// timers, and random draws come from this balancer's own streams, one for picks and one per
// other use, so that health-check jitter, backoff and the rest do not shift with the strategy's
// draws (common random numbers across the strategies of a comparison).
class SimRuntime final : public balancer::Runtime {
 public:
  SimRuntime(Kernel& kernel, std::uint64_t seed, std::uint32_t balancer)
      : kernel_(kernel),
        picks_(seed, Component::kBalancer, balancer),
        uses_{RandomStream(seed, Component::kBalancerHealthChecks, balancer),
              RandomStream(seed, Component::kBalancerOutlierDetection, balancer),
              RandomStream(seed, Component::kBalancerRetries, balancer),
              RandomStream(seed, Component::kBalancerAdmission, balancer)} {}

  TimePoint now() const override { return kernel_.now(); }
  std::unique_ptr<balancer::Timer> createTimer(std::function<void()> callback) override {
    return kernel_.createTimer(std::move(callback));
  }
  std::uint64_t random() override { return picks_.next(); }
  std::uint64_t randomFor(balancer::RandomUse use) override {
    return uses_[static_cast<std::size_t>(use)].next();
  }

 private:
  Kernel& kernel_;
  RandomStream picks_;
  std::array<RandomStream, 4> uses_;  // by balancer::RandomUse
};

}  // namespace faultline::sim
