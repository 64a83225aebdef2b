#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

#include "balancer/time.h"

namespace faultline::sim {

using balancer::Duration;
using balancer::TimePoint;

// Which events run first among those at the same instant. Boundaries (the end of a metrics
// window) come before everything else, so that an event at exactly t belongs to what starts at t:
// a fault starting at 120 s is in the window [120, 121), not in [119, 120).
enum class Priority : std::uint8_t { kBoundary = 0, kNormal = 1 };

// An event is plain data: when, in which order, what kind, and two 32-bit operands whose meaning
// the kind defines (a request slot and its generation, a fault and whether it starts, ...). No
// callback per event: the model dispatches on `kind` with a switch, which keeps the hot path free
// of std::function and of virtual calls.
struct Event {
  TimePoint time;
  // priority << 63 | sequence << 8 | kind: at the same time, boundaries first, then the order in
  // which events were scheduled.
  std::uint64_t order;
  std::uint32_t a;
  std::uint32_t b;

  std::uint8_t kind() const { return static_cast<std::uint8_t>(order & 0xff); }
};

// The future event set: a 4-ary min-heap ordered by (time, priority, sequence). A 4-ary heap
// halves the depth of a binary one and keeps a node's children close together in memory, which
// is what matters for the few hundred to few thousand pending events a simulation typically holds
// (LaMarca and Ladner, "The Influence of Caches on the Performance of Heaps", 1996). A pop moves
// the hole down to a leaf along the smaller children and only then sifts the last element up from
// there (Floyd's bottom-up variant, as in Wegener's "Bottom-up heapsort", 1993): the element moved
// is a leaf and nearly always belongs near the bottom, so this saves most comparisons with it.
class EventQueue {
 public:
  // An event with its place in the order: the next sequence number.
  Event make(TimePoint time, Priority priority, std::uint8_t kind, std::uint32_t a,
             std::uint32_t b) {
    assert(time >= TimePoint{} && "times are never negative");
    assert(next_sequence_ < (std::uint64_t{1} << 55) && "sequence numbers exhausted");
    const std::uint64_t order =
        (static_cast<std::uint64_t>(priority) << 63) | (next_sequence_++ << 8) | kind;
    return Event{time, order, a, b};
  }
  void push(const Event& event);
  void push(TimePoint time, Priority priority, std::uint8_t kind, std::uint32_t a,
            std::uint32_t b) {
    push(make(time, priority, kind, a, b));
  }
  // The earliest event. Precondition: !empty().
  const Event& top() const { return heap_.front(); }
  void pop();

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }

  // (time, order) as one 128-bit number: one branch-free comparison. Times are never negative.
  static bool before(const Event& x, const Event& y) {
    __extension__ using Key = unsigned __int128;
    const auto key = [](const Event& e) {
      return (Key(static_cast<std::uint64_t>(e.time.time_since_epoch().count())) << 64) | e.order;
    };
    return key(x) < key(y);
  }

 private:
  void siftUp(std::size_t index, Event moving);
  std::size_t holeToLeaf();

  std::vector<Event> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace faultline::sim
