#include "engine/sim/arrival_process.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace faultline::sim {

ArrivalProcess::ArrivalProcess(std::vector<RateSegment> schedule, RandomStream stream,
                               TimePoint end)
    : schedule_(std::move(schedule)), stream_(stream), end_(end) {
  assert(!schedule_.empty() && schedule_.front().start == TimePoint{});
}

namespace {

// The time x at which a rate starting at `rate` (per ns) and changing by `slope` (per ns^2)
// accumulates `mass`: the root of rate x + slope x^2 / 2 = mass, in the form that keeps its
// precision when the slope is small (Press et al., Numerical Recipes, 5.6).
double timeToAccumulate(double mass, double rate, double slope) {
  if (slope == 0) return mass / rate;
  const double discriminant = std::max(0.0, rate * rate + 2 * slope * mass);
  return 2 * mass / (rate + std::sqrt(discriminant));
}

}  // namespace

std::optional<TimePoint> ArrivalProcess::next() {
  // How much of the unit-rate process the next gap consumes: a unit exponential.
  double remaining = -std::log(uniformOpen(stream_.next()));
  const double end_ns = static_cast<double>(end_.time_since_epoch().count());
  while (now_ns_ < end_ns) {
    const RateSegment& segment = schedule_[segment_];
    const double segment_end_ns =
        segment_ + 1 < schedule_.size()
            ? static_cast<double>(schedule_[segment_ + 1].start.time_since_epoch().count())
            : end_ns;
    const double slope_per_ns2 = segment.slope_per_s2 * 1e-18;
    const double since_start =
        now_ns_ - static_cast<double>(segment.start.time_since_epoch().count());
    const double rate_per_ns =
        std::max(0.0, segment.rate_per_s * 1e-9 + slope_per_ns2 * since_start);
    const double span = segment_end_ns - now_ns_;
    const double available = rate_per_ns * span + slope_per_ns2 * span * span / 2;
    if (available > 0 && remaining <= available) {
      const double gap = timeToAccumulate(remaining, rate_per_ns, slope_per_ns2);
      now_ns_ = std::min(now_ns_ + gap, segment_end_ns);
      const TimePoint arrival{Duration(std::llround(now_ns_))};
      if (arrival >= end_) return std::nullopt;
      return arrival;
    }
    remaining -= std::max(0.0, available);
    now_ns_ = segment_end_ns;
    if (segment_ + 1 < schedule_.size()) ++segment_;
  }
  return std::nullopt;
}

}  // namespace faultline::sim
