#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace faultline::balancer {

// Earliest Deadline First scheduling for weighted round robin, with the semantics of Envoy's
// EdfScheduler (source/common/upstream/edf_scheduler.h). Every entry is due 1 / weight after
// the scheduler's current time at which it was added; a pick takes the earliest deadline, moves
// the current time to it and puts the entry back at its (possibly new) weight. Equal deadlines
// go to the entry added first, so equal weights degenerate to plain round robin in insertion
// order. Over any stretch of picks each entry gets a share proportional to its weight, with at
// most one pick of lag, in O(log n) per pick and with weights that need not be integers.
//
// The heap lives in one vector that keeps its memory across clear(): a strategy rebuilds the
// schedule when its host list changes and then picks without allocating.
class EdfScheduler {
 public:
  // Forgets every entry and restarts the clock at 0, keeping the memory.
  void clear();
  void reserve(std::size_t entries) { heap_.reserve(entries); }

  // Adds `item`, due 1 / `weight` after the current time. `weight` > 0.
  void add(std::uint32_t item, double weight);

  // Takes the entry with the earliest deadline (on a tie, the one added first), moves the current
  // time to its deadline and adds it again at `weight_of(item)`, read now: Envoy re-reads a host's
  // weight at this point, which is how the weighted least-request schedule follows the load.
  template <class WeightOf>
  std::uint32_t pickAndAdd(WeightOf&& weight_of) {
    assert(!heap_.empty());
    Entry& top = heap_.front();
    current_time_ = top.deadline;
    const std::uint32_t item = top.item;
    const double weight = weight_of(item);
    assert(weight > 0);
    // Replacing the root and sifting it down is a pop followed by a push, in one pass.
    top = Entry{current_time_ + 1.0 / weight, next_order_++, item};
    siftDown(0);
    return item;
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  double currentTime() const { return current_time_; }

 private:
  struct Entry {
    double deadline;
    std::uint64_t order;  // insertion order, to break ties between equal deadlines
    std::uint32_t item;
  };

  static bool before(const Entry& a, const Entry& b) {
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.order < b.order);
  }
  void siftUp(std::size_t index);
  void siftDown(std::size_t index);

  std::vector<Entry> heap_;  // a binary min-heap under before()
  double current_time_ = 0;
  std::uint64_t next_order_ = 0;
};

}  // namespace faultline::balancer
