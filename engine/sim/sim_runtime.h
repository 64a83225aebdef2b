#pragma once

#include "balancer/runtime.h"
#include "engine/sim/kernel.h"
#include "engine/sim/random_streams.h"

namespace faultline::sim {

// The balancer core's Runtime in virtual time: now() is the kernel's clock, timers are kernel
// timers, and random() is this balancer's own stream.
class SimRuntime final : public balancer::Runtime {
 public:
  SimRuntime(Kernel& kernel, RandomStream stream) : kernel_(kernel), stream_(stream) {}

  TimePoint now() const override { return kernel_.now(); }
  std::unique_ptr<balancer::Timer> createTimer(std::function<void()> callback) override {
    return kernel_.createTimer(std::move(callback));
  }
  std::uint64_t random() override { return stream_.next(); }

 private:
  Kernel& kernel_;
  RandomStream stream_;
};

}  // namespace faultline::sim
