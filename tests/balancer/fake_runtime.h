#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "balancer/runtime.h"

namespace faultline::balancer::testing {

// A Runtime for unit tests: time moves only when the test advances it, and random numbers come
// from a script (then from a seeded generator once the script runs out).
class FakeRuntime final : public Runtime {
 public:
  TimePoint now() const override { return now_; }

  std::unique_ptr<Timer> createTimer(std::function<void()> callback) override {
    const auto id = next_timer_id_++;
    timers_[id] = TimerState{std::move(callback), TimePoint{}, false};
    return std::make_unique<FakeTimer>(*this, id);
  }

  std::uint64_t random() override {
    if (!script_.empty()) {
      const auto value = script_.front();
      script_.pop_front();
      return value;
    }
    return fallback_();
  }

  // The next random() calls return these values, in order.
  void scriptRandom(std::initializer_list<std::uint64_t> values) {
    script_.insert(script_.end(), values.begin(), values.end());
  }

  // 64 random bits that uniformIndex() maps to `index` among `n`.
  static std::uint64_t bitsForIndex(std::uint32_t index, std::uint32_t n) {
    // The middle of the index's share of the 64-bit range.
    __extension__ using Wide = unsigned __int128;
    const Wide share = (Wide{1} << 64) / n;
    return static_cast<std::uint64_t>(share * index + share / 2);
  }

  // Moves time forward, firing every timer that comes due on the way, in deadline order.
  void advance(Duration delta) {
    const TimePoint until = now_ + delta;
    while (true) {
      std::uint64_t due_id = 0;
      TimePoint due_at = until;
      bool found = false;
      for (const auto& [id, timer] : timers_) {
        if (timer.armed && timer.deadline <= due_at && (!found || timer.deadline < due_at)) {
          due_id = id;
          due_at = timer.deadline;
          found = true;
        }
      }
      if (!found) break;
      now_ = due_at;
      auto& timer = timers_[due_id];
      timer.armed = false;
      auto callback = timer.callback;  // the callback may re-arm or destroy its timer
      callback();
    }
    now_ = until;
  }

  std::size_t armedTimers() const {
    std::size_t armed = 0;
    for (const auto& [id, timer] : timers_)
      armed += timer.armed ? 1 : 0;
    return armed;
  }

 private:
  struct TimerState {
    std::function<void()> callback;
    TimePoint deadline;
    bool armed;
  };

  class FakeTimer final : public Timer {
   public:
    FakeTimer(FakeRuntime& runtime, std::uint64_t id) : runtime_(runtime), id_(id) {}
    ~FakeTimer() override { runtime_.timers_.erase(id_); }
    void enable(Duration delay) override {
      auto& timer = runtime_.timers_[id_];
      timer.deadline = runtime_.now_ + delay;
      timer.armed = true;
    }
    void disable() override { runtime_.timers_[id_].armed = false; }
    bool enabled() const override { return runtime_.timers_[id_].armed; }

   private:
    FakeRuntime& runtime_;
    std::uint64_t id_;
  };

  TimePoint now_{};
  std::map<std::uint64_t, TimerState> timers_;  // ordered: equal deadlines fire by creation
  std::uint64_t next_timer_id_ = 1;
  std::deque<std::uint64_t> script_;
  std::mt19937_64 fallback_{12345};
};

}  // namespace faultline::balancer::testing
