#pragma once

#include <cassert>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "balancer/runtime.h"
#include "engine/sim/event_queue.h"
#include "engine/sim/ring_queue.h"

namespace faultline::sim {

// The discrete-event kernel: virtual time, the future event set, and cancellable timers. Time
// only moves when an event is taken: it jumps to that event's time. The kernel is an object, not
// a global, so any number of simulations can run in one process and on several threads.
//
// Model events are plain data (see Event) and are dispatched by the model. Timers are for the
// balancer core's Runtime: their callbacks are bound once, when the timer is created, and the
// kernel fires them itself while looking for the next model event. A disabled or re-armed timer
// leaves its queue entry behind and the entry is dropped when it comes up (lazy cancellation);
// re-arming a timer to a later deadline reuses the entry already queued, so a timer that is
// pushed back again and again does not fill the queue. Such a timer is queued anew for its real
// deadline when the old entry comes up, so among events at that instant it takes its place from
// then, not from when it was armed.
class Kernel {
 public:
  // Event kind reserved for timers; model kinds start at 1.
  static constexpr std::uint8_t kTimerKind = 0;

  Kernel() = default;
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  TimePoint now() const { return now_; }

  void schedule(TimePoint at, std::uint8_t kind, std::uint32_t a, std::uint32_t b,
                Priority priority = Priority::kNormal) {
    assert(at >= now_ && "an event in the past");
    assert(kind != kTimerKind && "kind 0 is reserved for timers");
    queue_.push(at, priority, kind, a, b);
  }
  void scheduleIn(Duration delay, std::uint8_t kind, std::uint32_t a, std::uint32_t b) {
    schedule(now_ + delay, kind, a, b);
  }

  // Delay lanes: events scheduled with one fixed delay come due in the order they were scheduled,
  // so they need no heap: a FIFO per delay, whose head competes with the heap's top, keeps them
  // in the same (time, sequence) order at a fraction of the cost. The simulator uses one per
  // distinct jitter-free network delay. At most kMaxLanes; addLane returns nullopt past that.
  static constexpr std::size_t kMaxLanes = 8;
  std::optional<std::uint8_t> addLane(Duration delay);
  void scheduleOnLane(std::uint8_t lane, std::uint8_t kind, std::uint32_t a, std::uint32_t b);

  // Takes the next model event due at or before `until`, firing timers due before it, and moves
  // the clock to its time. Returns false when no model event is due by then; the clock then stays
  // at the last event taken (timers due by `until` have fired).
  bool next(TimePoint until, Event& event);

  std::unique_ptr<balancer::Timer> createTimer(std::function<void()> callback);

  std::uint64_t eventsProcessed() const { return events_processed_; }
  std::size_t pendingEvents() const;

 private:
  class SimTimer;
  struct TimerSlot {
    std::function<void()> callback;
    TimePoint deadline;
    TimePoint queued_for;          // time of this slot's live queue entry, when `queued`
    std::uint32_t generation = 0;  // queue entries of other generations are stale
    bool armed = false;
    bool queued = false;
    bool firing = false;
    bool released = false;
  };

  void armTimer(std::uint32_t slot, Duration delay);
  void disarmTimer(std::uint32_t slot);
  void releaseTimer(std::uint32_t slot);
  void onTimerEvent(const Event& event);
  void queueTimer(std::uint32_t slot, TimePoint at);

  struct Lane {
    Duration delay{};
    RingQueue<Event> events;
  };

  // The earliest of the heap's top and the lanes' heads, and where it is: -1 for the heap.
  const Event* earliest(int& source) const;

  EventQueue queue_;
  std::vector<Lane> lanes_;
  TimePoint now_{};
  std::uint64_t events_processed_ = 0;
  std::deque<TimerSlot> timers_;  // a deque: callbacks stay put while a callback creates timers
  std::vector<std::uint32_t> free_timer_slots_;
};

}  // namespace faultline::sim
