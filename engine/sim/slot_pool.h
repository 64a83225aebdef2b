#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

namespace faultline::sim {

// Pooled records addressed by (slot, generation). A released slot is reused by the next acquire
// and its generation moves on, so an event that still names the old (slot, generation) can tell
// that its record is gone. Memory grows with the records alive at once (requests in flight), not
// with the records ever used.
template <typename T>
class SlotPool {
 public:
  struct Handle {
    std::uint32_t slot;
    std::uint32_t generation;
  };

  Handle acquire() {
    std::uint32_t slot;
    if (free_.empty()) {
      slot = static_cast<std::uint32_t>(records_.size());
      records_.emplace_back();
    } else {
      slot = free_.back();
      free_.pop_back();
    }
    Entry& entry = records_[slot];
    entry.live = true;
    ++live_;
    return Handle{slot, entry.generation};
  }

  void release(std::uint32_t slot) {
    Entry& entry = records_[slot];
    assert(entry.live);
    entry.live = false;
    ++entry.generation;
    --live_;
    free_.push_back(slot);
  }

  T& operator[](std::uint32_t slot) { return records_[slot].value; }
  const T& operator[](std::uint32_t slot) const { return records_[slot].value; }

  // The record is still the one that had this generation.
  bool holds(std::uint32_t slot, std::uint32_t generation) const {
    return records_[slot].live && records_[slot].generation == generation;
  }

  std::uint32_t generation(std::uint32_t slot) const { return records_[slot].generation; }
  std::size_t liveCount() const { return live_; }
  std::size_t capacity() const { return records_.size(); }

  // Visits every live record: (slot, generation, record).
  template <typename F>
  void forEachLive(F&& visit) {
    for (std::uint32_t slot = 0; slot < records_.size(); ++slot) {
      if (records_[slot].live) visit(slot, records_[slot].generation, records_[slot].value);
    }
  }

 private:
  struct Entry {
    T value{};
    std::uint32_t generation = 0;
    bool live = false;
  };

  std::vector<Entry> records_;
  std::vector<std::uint32_t> free_;
  std::size_t live_ = 0;
};

}  // namespace faultline::sim
