#include "engine/sim/event_queue.h"

#include <cassert>

namespace faultline::sim {

namespace {
constexpr std::size_t kArity = 4;
}

void EventQueue::push(TimePoint time, std::uint8_t kind, std::uint32_t a, std::uint32_t b) {
  assert(next_sequence_ < (std::uint64_t{1} << 56) && "sequence numbers exhausted");
  heap_.push_back(Event{time, (next_sequence_++ << 8) | kind, a, b});
  siftUp(heap_.size() - 1);
}

void EventQueue::pop() {
  assert(!heap_.empty());
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) siftDown(0);
}

void EventQueue::siftUp(std::size_t index) {
  const Event moving = heap_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / kArity;
    if (!before(moving, heap_[parent])) break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = moving;
}

void EventQueue::siftDown(std::size_t index) {
  const Event moving = heap_[index];
  const std::size_t size = heap_.size();
  while (true) {
    const std::size_t first_child = index * kArity + 1;
    if (first_child >= size) break;
    const std::size_t last_child = first_child + kArity < size ? first_child + kArity : size;
    std::size_t best = first_child;
    for (std::size_t child = first_child + 1; child < last_child; ++child) {
      if (before(heap_[child], heap_[best])) best = child;
    }
    if (!before(heap_[best], moving)) break;
    heap_[index] = heap_[best];
    index = best;
  }
  heap_[index] = moving;
}

}  // namespace faultline::sim
