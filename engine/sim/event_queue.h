#pragma once

#include <cstdint>
#include <vector>

#include "balancer/time.h"

namespace faultline::sim {

using balancer::Duration;
using balancer::TimePoint;

// An event is plain data: when, in which order, what kind, and two 32-bit operands whose meaning
// the kind defines (a request slot and its generation, a host and an epoch, ...). No callback per
// event: the model dispatches on `kind` with a switch, which keeps the hot path free of
// std::function and of virtual calls.
struct Event {
  TimePoint time;
  std::uint64_t
      order;  // sequence number << 8 | kind: events at the same time run in scheduling order
  std::uint32_t a;
  std::uint32_t b;

  std::uint8_t kind() const { return static_cast<std::uint8_t>(order & 0xff); }
  std::uint64_t sequence() const { return order >> 8; }
};

// The future event set: a 4-ary min-heap ordered by (time, sequence). A 4-ary heap halves the
// depth of a binary one and keeps a node's children in one cache line, which is what matters
// for the few hundred to few thousand pending events a simulation typically holds (LaMarca and
// Ladner, "The Influence of Caches on the Performance of Heaps", 1996). A pop moves the hole
// down to a leaf along the smaller children and only then sifts the last element up from there
// (Floyd's bottom-up variant, as in Wegener's "Bottom-up heapsort", 1993): the element moved is a
// leaf and nearly always belongs near the bottom, so this saves most comparisons with it.
class EventQueue {
 public:
  void push(TimePoint time, std::uint8_t kind, std::uint32_t a, std::uint32_t b);
  // The earliest event. Precondition: !empty().
  const Event& top() const { return heap_.front(); }
  void pop();

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::uint64_t scheduledCount() const { return next_sequence_; }

 private:
  // (time, order) as one 128-bit number: one branch-free comparison. Times are never negative.
  static bool before(const Event& x, const Event& y) {
    __extension__ using Key = unsigned __int128;
    const auto key = [](const Event& e) {
      return (Key(static_cast<std::uint64_t>(e.time.time_since_epoch().count())) << 64) | e.order;
    };
    return key(x) < key(y);
  }
  void siftUp(std::size_t index, Event moving);
  std::size_t holeToLeaf();

  std::vector<Event> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace faultline::sim
