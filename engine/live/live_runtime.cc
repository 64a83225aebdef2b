#include "engine/live/live_runtime.h"

#include "engine/live/asio_types.h"

namespace faultline::live {
namespace {

// A one-shot timer over a steady_timer. The handler holds the shared state, not the timer: a
// wait that completed just before the timer was destroyed (its handler already queued) finds the
// state disarmed and does nothing.
class AsioTimer final : public balancer::Timer {
 public:
  AsioTimer(boost::asio::io_context& io, TimeScale scale, std::function<void()> callback)
      : scale_(scale), state_(std::make_shared<State>(io, std::move(callback))) {}

  ~AsioTimer() override {
    state_->callback = nullptr;
    disable();
  }

  void enable(balancer::Duration delay) override {
    const std::uint64_t generation = ++state_->generation;
    state_->armed = true;
    state_->timer.expires_after(scale_.toReal(std::max(delay, balancer::Duration::zero())));
    state_->timer.async_wait([state = state_, generation](const boost::system::error_code& error) {
      if (error || generation != state->generation || !state->armed) return;
      state->armed = false;
      if (state->callback) state->callback();
    });
  }

  void disable() override {
    ++state_->generation;
    state_->armed = false;
    state_->timer.cancel();
  }

  bool enabled() const override { return state_->armed; }

 private:
  struct State {
    State(boost::asio::io_context& io, std::function<void()> on_fire)
        : timer(io), callback(std::move(on_fire)) {}
    live::Timer timer;
    std::function<void()> callback;
    std::uint64_t generation = 0;
    bool armed = false;
  };

  TimeScale scale_;
  std::shared_ptr<State> state_;
};

}  // namespace

LiveRuntime::LiveRuntime(boost::asio::io_context& io, std::uint64_t seed, TimeScale scale,
                         std::chrono::steady_clock::time_point epoch)
    : io_(io), scale_(scale), epoch_(epoch) {
  SplitMix64 seeder(seed);
  for (auto& stream : streams_)
    stream = SplitMix64(seeder.next());
}

balancer::TimePoint LiveRuntime::now() const {
  return balancer::kRunStart + scale_.toScenario(std::chrono::duration_cast<balancer::Duration>(
                                   std::chrono::steady_clock::now() - epoch_));
}

std::unique_ptr<balancer::Timer> LiveRuntime::createTimer(std::function<void()> callback) {
  return std::make_unique<AsioTimer>(io_, scale_, std::move(callback));
}

std::uint64_t LiveRuntime::random() {
  return streams_[0].next();
}

std::uint64_t LiveRuntime::randomFor(balancer::RandomUse use) {
  return streams_[1 + static_cast<std::size_t>(use)].next();
}

}  // namespace faultline::live
