#pragma once

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace faultline::metrics {

// A fixed-size log-linear latency histogram after Gil Tene's HdrHistogram (hdrhistogram.org):
// buckets of powers of two, each split linearly into sub-buckets, so that every value is kept to
// 3 significant decimal digits at a cost that does not depend on how many values are recorded.
//
// Layout. Values are integer nanoseconds and the smallest unit is 1 ns. 3 significant digits need
// 2 * 10^3 sub-buckets, rounded up to 2048. Bucket 0 holds 0..2047 with one counter per value, so
// small values are exact. Bucket k >= 1 covers [1024 * 2^k, 2048 * 2^k) with 1024 counters of
// width 2^k: only the upper half of its 2048 sub-buckets gets counters, because the lower half
// would repeat bucket k-1's range. A counter is thus never wider than 1/1024 of the lowest value
// it holds, and any value read back is within 0.098% of the value recorded.
//
// Size. One hour (3.6e12 ns) needs 42 bits, which is bucket 31. The counts array stops at the
// counter that holds kMaxTrackableNs instead of running to the end of that bucket:
// 33,421 counters of 8 bytes = 267,368 bytes (261 KiB), allocated once in the
// constructor and never resized. HdrHistogram proper would allocate 33,792 counters (270,336 B).
//
// Deviations from the reference, chosen for simulation results: min, max and the sum are kept
// exactly beside the counts, so min(), max() and mean() are exact and percentiles are clamped into
// [min(), max()]; a value above kMaxTrackableNs counts in the top counter instead of being
// rejected, so one runaway request cannot make a run fail.
class LatencyHistogram {
 public:
  static constexpr std::int64_t kMaxTrackableNs = 3'600'000'000'000;  // one hour

  LatencyHistogram();

  // O(1): a count-leading-zeros, a shift and an increment; no allocation, no loop.
  void record(std::int64_t value_ns) {
    // A negative latency is a bug upstream; the clamp keeps release builds from indexing out of
    // bounds.
    assert(value_ns >= 0 && "latencies are never negative");
    const std::int64_t value = value_ns < 0 ? 0 : value_ns;
    ++counts_[countsIndex(value < kMaxTrackableNs ? value : kMaxTrackableNs)];
    ++count_;
    sum_ += static_cast<std::uint64_t>(value);
    min_ = value < min_ ? value : min_;
    max_ = value > max_ ? value : max_;
  }

  // Adds every value recorded in `other`, as if they had been recorded here.
  void add(const LatencyHistogram& other);

  // Clears only the counters between the lowest and highest touched since the last reset: a
  // window of latencies usually spans a few buckets, not all 32 of them.
  void reset();

  std::uint64_t count() const { return count_; }
  std::int64_t min() const { return count_ == 0 ? 0 : min_; }
  std::int64_t max() const { return max_; }
  double mean() const;

  // HdrHistogram semantics: the highest value equivalent (same counter) to the value at rank
  // ceil(p/100 * count), at least 1, clamped into [min(), max()]; 0 when empty. p=100 is max().
  std::int64_t valueAtPercentile(double percentile) const;

  std::size_t memoryBytes() const { return counts_.size() * sizeof(std::uint64_t); }

 private:
  static constexpr int kSubBucketHalfCountMagnitude = 10;
  static constexpr std::uint64_t kSubBucketMask = (std::uint64_t{1} << 11) - 1;

  // Counter of a value in [0, kMaxTrackableNs].
  static constexpr std::size_t countsIndex(std::int64_t value) {
    const auto v = static_cast<std::uint64_t>(value);
    // OR-ing the mask puts every value below 2048 in bucket 0 without a branch.
    const int bucket =
        64 - std::countl_zero(v | kSubBucketMask) - (kSubBucketHalfCountMagnitude + 1);
    // Bucket k's counters start at (k + 1) * 1024 and its sub-buckets at 1024, hence k * 1024.
    return (static_cast<std::size_t>(bucket) << kSubBucketHalfCountMagnitude) + (v >> bucket);
  }

  // The largest value that lands in counter `index`.
  static constexpr std::int64_t highestEquivalentValue(std::size_t index) {
    // Bucket 0 owns counters 0..2047; bucket k >= 1 owns (k + 1) * 1024 .. (k + 2) * 1024 - 1.
    const int top = static_cast<int>(index >> kSubBucketHalfCountMagnitude) - 1;
    const int bucket = top > 0 ? top : 0;
    const std::uint64_t sub_bucket =
        index - (static_cast<std::size_t>(bucket) << kSubBucketHalfCountMagnitude);
    return static_cast<std::int64_t>(((sub_bucket + 1) << bucket) - 1);
  }

  // Both ends clamp: when every value of a window lies beyond an hour, min_ does too.
  std::size_t lowestTouchedIndex() const {
    return countsIndex(min_ < kMaxTrackableNs ? min_ : kMaxTrackableNs);
  }
  std::size_t highestTouchedIndex() const {
    return countsIndex(max_ < kMaxTrackableNs ? max_ : kMaxTrackableNs);
  }

  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  // Exact even when a run's latencies add up past 2^64 ns (about 585 years of waiting).
  __extension__ unsigned __int128 sum_ = 0;
  // min_ starts above any value so record() needs no first-value branch; min() hides it.
  std::int64_t min_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_ = 0;
};

}  // namespace faultline::metrics
