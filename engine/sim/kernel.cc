#include "engine/sim/kernel.h"

#include <cassert>

namespace faultline::sim {

class Kernel::SimTimer final : public balancer::Timer {
 public:
  SimTimer(Kernel& kernel, std::uint32_t slot) : kernel_(kernel), slot_(slot) {}
  ~SimTimer() override { kernel_.releaseTimer(slot_); }

  void enable(Duration delay) override { kernel_.armTimer(slot_, delay); }
  void disable() override { kernel_.disarmTimer(slot_); }
  bool enabled() const override { return kernel_.timers_[slot_].armed; }

 private:
  Kernel& kernel_;
  std::uint32_t slot_;
};

std::optional<std::uint8_t> Kernel::addLane(Duration delay) {
  for (std::size_t lane = 0; lane < lanes_.size(); ++lane) {
    if (lanes_[lane].delay == delay) return static_cast<std::uint8_t>(lane);
  }
  if (lanes_.size() == kMaxLanes) return std::nullopt;
  lanes_.push_back(Lane{delay, {}});
  return static_cast<std::uint8_t>(lanes_.size() - 1);
}

void Kernel::scheduleOnLane(std::uint8_t lane, std::uint8_t kind, std::uint32_t a,
                            std::uint32_t b) {
  assert(kind != kTimerKind && "kind 0 is reserved for timers");
  Lane& fifo = lanes_[lane];
  fifo.events.push(queue_.make(now_ + fifo.delay, Priority::kNormal, kind, a, b));
}

std::size_t Kernel::pendingEvents() const {
  std::size_t pending = queue_.size();
  for (const Lane& lane : lanes_)
    pending += lane.events.size();
  return pending;
}

const Event* Kernel::earliest(int& source) const {
  const Event* best = queue_.empty() ? nullptr : &queue_.top();
  source = -1;
  for (std::size_t lane = 0; lane < lanes_.size(); ++lane) {
    const auto& events = lanes_[lane].events;
    if (events.empty()) continue;
    if (best == nullptr || EventQueue::before(events.front(), *best)) {
      best = &events.front();
      source = static_cast<int>(lane);
    }
  }
  return best;
}

bool Kernel::next(TimePoint until, Event& event) {
  while (true) {
    int source = -1;
    // Without lanes the heap's top is the earliest: no scan.
    const Event* best =
        lanes_.empty() ? (queue_.empty() ? nullptr : &queue_.top()) : earliest(source);
    if (best == nullptr || best->time > until) return false;
    event = *best;
    if (source < 0) {
      queue_.pop();
    } else {
      lanes_[static_cast<std::size_t>(source)].events.pop();
    }
    now_ = event.time;
    ++events_processed_;
    if (event.kind() != kTimerKind) return true;
    onTimerEvent(event);
  }
}

std::unique_ptr<balancer::Timer> Kernel::createTimer(std::function<void()> callback) {
  std::uint32_t slot;
  if (free_timer_slots_.empty()) {
    slot = static_cast<std::uint32_t>(timers_.size());
    timers_.emplace_back();
  } else {
    slot = free_timer_slots_.back();
    free_timer_slots_.pop_back();
  }
  TimerSlot& timer = timers_[slot];
  timer.callback = std::move(callback);
  timer.armed = false;
  timer.released = false;
  return std::make_unique<SimTimer>(*this, slot);
}

void Kernel::armTimer(std::uint32_t slot, Duration delay) {
  assert(delay >= Duration::zero());
  TimerSlot& timer = timers_[slot];
  timer.deadline = now_ + delay;
  timer.armed = true;
  // An entry already queued at or before the new deadline will find the deadline when it fires.
  if (timer.queued && timer.queued_for <= timer.deadline) return;
  queueTimer(slot, timer.deadline);
}

void Kernel::disarmTimer(std::uint32_t slot) {
  timers_[slot].armed = false;
}

void Kernel::queueTimer(std::uint32_t slot, TimePoint at) {
  TimerSlot& timer = timers_[slot];
  ++timer.generation;
  timer.queued = true;
  timer.queued_for = at;
  queue_.push(at, Priority::kNormal, kTimerKind, slot, timer.generation);
}

void Kernel::releaseTimer(std::uint32_t slot) {
  TimerSlot& timer = timers_[slot];
  ++timer.generation;  // every queued entry of this slot is now stale
  timer.armed = false;
  timer.queued = false;
  timer.released = true;
  if (timer.firing) return;  // the callback is running; onTimerEvent frees the slot after it
  timer.callback = nullptr;
  free_timer_slots_.push_back(slot);
}

void Kernel::onTimerEvent(const Event& event) {
  const std::uint32_t slot = event.a;
  TimerSlot& timer = timers_[slot];
  if (event.b != timer.generation) return;
  timer.queued = false;
  if (!timer.armed) return;
  if (timer.deadline > now_) {
    queueTimer(slot, timer.deadline);
    return;
  }
  timer.armed = false;
  timer.firing = true;
  timer.callback();
  timer.firing = false;
  if (timer.released) {
    timer.callback = nullptr;
    free_timer_slots_.push_back(slot);
  }
}

}  // namespace faultline::sim
