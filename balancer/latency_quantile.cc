#include "balancer/latency_quantile.h"

#include <algorithm>
#include <cmath>

namespace faultline::balancer {
namespace {

constexpr double kFirstBoundNs = 1000;  // 1 us
constexpr double kGrowth = 1.05;

}  // namespace

std::size_t LatencyQuantile::bucketOf(Duration latency) {
  const double ns = static_cast<double>(latency.count());
  if (ns <= kFirstBoundNs) return 0;
  const auto bucket =
      static_cast<std::size_t>(std::ceil(std::log(ns / kFirstBoundNs) / std::log(kGrowth)));
  return std::min(bucket, kBuckets - 1);
}

Duration LatencyQuantile::upperBound(std::size_t bucket) {
  return Duration(std::llround(kFirstBoundNs * std::pow(kGrowth, static_cast<double>(bucket))));
}

void LatencyQuantile::rotate(TimePoint now) {
  if (now - window_start_ < window_) return;
  // One window on: the current becomes the previous. Two or more: both are stale.
  if (now - window_start_ < 2 * window_) {
    previous_ = current_;
    previous_total_ = current_total_;
  } else {
    previous_.fill(0);
    previous_total_ = 0;
  }
  current_.fill(0);
  current_total_ = 0;
  window_start_ = now;
  cached_.percentile = -1;
}

void LatencyQuantile::record(Duration latency, TimePoint now) {
  rotate(now);
  ++current_[bucketOf(latency)];
  ++current_total_;
}

Duration LatencyQuantile::valueAt(double percentile, TimePoint now, std::uint64_t minimum_samples) {
  rotate(now);
  if (current_total_ + previous_total_ < std::max<std::uint64_t>(1, minimum_samples)) {
    return Duration::zero();
  }
  if (cached_.percentile == percentile && cached_.minimum_samples == minimum_samples &&
      now - cached_.at < refresh_) {
    return cached_.value;
  }
  cached_ = Cached{percentile, minimum_samples, now, scan(percentile, minimum_samples)};
  return cached_.value;
}

Duration LatencyQuantile::scan(double percentile, std::uint64_t minimum_samples) const {
  const std::uint64_t total = current_total_ + previous_total_;
  if (total < std::max<std::uint64_t>(1, minimum_samples)) return Duration::zero();
  const auto rank = static_cast<std::uint64_t>(
      std::ceil(std::clamp(percentile, 0.0, 100.0) / 100.0 * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
    seen += current_[bucket] + previous_[bucket];
    if (seen >= std::max<std::uint64_t>(rank, 1)) return upperBound(bucket);
  }
  return upperBound(kBuckets - 1);
}

}  // namespace faultline::balancer
