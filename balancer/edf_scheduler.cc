#include "balancer/edf_scheduler.h"

namespace faultline::balancer {

void EdfScheduler::clear() {
  heap_.clear();
  current_time_ = 0;
  next_order_ = 0;
}

void EdfScheduler::add(std::uint32_t item, double weight) {
  assert(weight > 0);
  heap_.push_back(Entry{current_time_ + 1.0 / weight, next_order_++, item});
  siftUp(heap_.size() - 1);
}

void EdfScheduler::siftUp(std::size_t index) {
  const Entry entry = heap_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / 2;
    if (!before(entry, heap_[parent])) break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = entry;
}

void EdfScheduler::siftDown(std::size_t index) {
  const std::size_t size = heap_.size();
  const Entry entry = heap_[index];
  while (true) {
    std::size_t child = 2 * index + 1;
    if (child >= size) break;
    if (child + 1 < size && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], entry)) break;
    heap_[index] = heap_[child];
    index = child;
  }
  heap_[index] = entry;
}

}  // namespace faultline::balancer
