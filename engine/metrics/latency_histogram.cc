#include "engine/metrics/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace faultline::metrics {

namespace {

// ceil(p/100 * count), at least 1 and at most count. p arrives as a decimal (99.9) that binary
// floating point cannot hold, so p/100 * count can land a hair above the integer the decimal
// means; a plain ceil would then step one rank too far, which in a long tail is a different value.
std::uint64_t rankAtPercentile(double percentile, std::uint64_t count) {
  const double exact = percentile / 100.0 * static_cast<double>(count);
  const double nearest = std::round(exact);
  const bool is_integer = std::abs(exact - nearest) <= 1e-9 * std::max(1.0, nearest);
  const auto rank = static_cast<std::uint64_t>(is_integer ? nearest : std::ceil(exact));
  return std::clamp<std::uint64_t>(rank, 1, count);
}

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(countsIndex(kMaxTrackableNs) + 1) {
  static_assert(countsIndex(kMaxTrackableNs) + 1 == 33'421,
                "the counts array changed size: update the class comment");
  static_assert(countsIndex(2047) == 2047 && countsIndex(2048) == 2048 &&
                    countsIndex(2049) == 2048 && countsIndex(4096) == 3072,
                "bucket 0 is exact and bucket 1 starts right after it");
  static_assert(highestEquivalentValue(countsIndex(2049)) == 2049 &&
                    highestEquivalentValue(countsIndex(4096)) == 4099,
                "highestEquivalentValue inverts countsIndex");
}

void LatencyHistogram::add(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  // Only the other's touched range can be non-zero; a tight loop the compiler vectorises.
  const std::size_t last = other.highestTouchedIndex();
  for (std::size_t i = other.lowestTouchedIndex(); i <= last; ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::reset() {
  if (count_ == 0) return;
  // min_ and max_ bound every counter touched by record() and add() since the last reset, so
  // they double as the dirty range and record() pays nothing extra to track it.
  std::fill(counts_.begin() + static_cast<std::ptrdiff_t>(lowestTouchedIndex()),
            counts_.begin() + static_cast<std::ptrdiff_t>(highestTouchedIndex()) + 1,
            std::uint64_t{0});
  count_ = 0;
  sum_ = 0;
  min_ = std::numeric_limits<std::int64_t>::max();
  max_ = 0;
}

double LatencyHistogram::mean() const {
  if (count_ == 0) return 0.0;
  // long double holds any sum below 2^64 exactly, so the only rounding is the division's.
  return static_cast<double>(static_cast<long double>(sum_) / static_cast<long double>(count_));
}

std::int64_t LatencyHistogram::valueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  // The top counter also holds values above kMaxTrackableNs; only max_ knows the real one.
  if (percentile >= 100.0) return max_;
  const std::uint64_t rank = rankAtPercentile(percentile > 0.0 ? percentile : 0.0, count_);

  // Walk from the nearer end of the touched range: the tail percentiles that reports ask for
  // most (p99, p99.9) are then found within a few counters of max_.
  std::size_t index = 0;
  if (rank <= count_ / 2) {
    index = lowestTouchedIndex();
    std::uint64_t below = 0;  // values in counters before `index`
    while (below + counts_[index] < rank)
      below += counts_[index++];
  } else {
    index = highestTouchedIndex();
    const std::uint64_t allowed_above = count_ - rank;
    std::uint64_t above = 0;  // values in counters after `index`
    while (above + counts_[index] <= allowed_above)
      above += counts_[index--];
  }
  return std::clamp(highestEquivalentValue(index), min_, max_);
}

}  // namespace faultline::metrics
