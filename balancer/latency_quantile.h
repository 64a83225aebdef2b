#pragma once

#include <array>
#include <cstdint>

#include "balancer/time.h"

namespace faultline::balancer {

// The latency at a percentile over the recent past, for adaptive hedging: hedge a request once it
// has waited longer than, say, the p95 of its peers. Log-spaced buckets 5% wide from 1 us to an
// hour, in two windows (the current one and the one before), so the estimate follows a change
// within one to two windows and costs a fixed few kilobytes. Time comes from the caller (the
// balancer's Runtime). A value is computed by a scan of the buckets and then reused for a
// hundredth of the window (100 ms by default): it is asked for once per request, and a 10 s
// estimate cannot move much in 100 ms.
class LatencyQuantile {
 public:
  explicit LatencyQuantile(Duration window = std::chrono::seconds(10))
      : window_(window), refresh_(window / 100) {}

  void record(Duration latency, TimePoint now);
  // The latency at `percentile` (0 to 100) over both windows; nullopt-like zero when there are
  // fewer than `minimum_samples`.
  Duration valueAt(double percentile, TimePoint now, std::uint64_t minimum_samples = 20);

 private:
  static constexpr std::size_t kBuckets = 450;  // 1 us x 1.05^450 is past an hour
  using Counts = std::array<std::uint32_t, kBuckets>;

  void rotate(TimePoint now);
  Duration scan(double percentile, std::uint64_t minimum_samples) const;
  static std::size_t bucketOf(Duration latency);
  static Duration upperBound(std::size_t bucket);

  Duration window_;
  Duration refresh_;
  TimePoint window_start_{};
  struct Cached {
    double percentile = -1;
    std::uint64_t minimum_samples = 0;
    TimePoint at{};
    Duration value{};
  } cached_;
  Counts current_{};
  Counts previous_{};
  std::uint64_t current_total_ = 0;
  std::uint64_t previous_total_ = 0;
};

}  // namespace faultline::balancer
