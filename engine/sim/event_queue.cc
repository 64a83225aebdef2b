#include "engine/sim/event_queue.h"

#include <cassert>

namespace faultline::sim {

namespace {
constexpr std::size_t kArity = 4;
}

void EventQueue::push(const Event& event) {
  heap_.emplace_back();
  siftUp(heap_.size() - 1, event);
}

void EventQueue::pop() {
  assert(!heap_.empty());
  const Event last = heap_.back();
  heap_.pop_back();
  if (heap_.empty()) return;
  siftUp(holeToLeaf(), last);
}

void EventQueue::siftUp(std::size_t index, Event moving) {
  while (index > 0) {
    const std::size_t parent = (index - 1) / kArity;
    if (!before(moving, heap_[parent])) break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = moving;
}

// Moves the hole at the root down to a leaf, filling it each time with the smallest child.
std::size_t EventQueue::holeToLeaf() {
  const std::size_t size = heap_.size();
  std::size_t hole = 0;
  while (true) {
    const std::size_t first = hole * kArity + 1;
    if (first >= size) return hole;
    std::size_t best = first;
    if (first + kArity <= size) {  // all four children: a tournament of three comparisons
      const std::size_t left = before(heap_[first + 1], heap_[first]) ? first + 1 : first;
      const std::size_t right = before(heap_[first + 3], heap_[first + 2]) ? first + 3 : first + 2;
      best = before(heap_[right], heap_[left]) ? right : left;
    } else {
      for (std::size_t child = first + 1; child < size; ++child) {
        if (before(heap_[child], heap_[best])) best = child;
      }
    }
    heap_[hole] = heap_[best];
    hole = best;
  }
}

}  // namespace faultline::sim
