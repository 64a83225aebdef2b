#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "balancer/runtime.h"
#include "engine/live/split_mix64.h"
#include "engine/live/time_scale.h"

namespace faultline::live {

// The balancer core's runtime on real time: the clock is std::chrono::steady_clock (counted from
// the runtime's creation, so the core sees a run that starts at balancer::kRunStart as in the
// simulator), timers are Asio steady_timers on the io_context, and randomness is one SplitMix64
// stream per use, seeded, so a test can replay the core's draws (the timing of real sockets it
// cannot). Everything runs on the io_context's thread: the core is not thread-safe, and needs not
// be (Envoy runs one balancer per worker thread for the same reason).
//
// With a time scale, the core sees scenario time: now() is the real time since the epoch
// stretched by the scale, and a timer armed for a scenario duration waits the shrunk real time.
// The balancer's configuration stays the scenario's, untouched.
class LiveRuntime final : public balancer::Runtime {
 public:
  LiveRuntime(boost::asio::io_context& io, std::uint64_t seed, TimeScale scale = TimeScale(),
              std::chrono::steady_clock::time_point epoch = std::chrono::steady_clock::now());

  balancer::TimePoint now() const override;
  std::unique_ptr<balancer::Timer> createTimer(std::function<void()> callback) override;
  std::uint64_t random() override;
  std::uint64_t randomFor(balancer::RandomUse use) override;

 private:
  static constexpr std::size_t kStreams = 5;  // picks, then one per RandomUse

  boost::asio::io_context& io_;
  TimeScale scale_;
  std::chrono::steady_clock::time_point epoch_;
  std::array<SplitMix64, kStreams> streams_{};
};

}  // namespace faultline::live
