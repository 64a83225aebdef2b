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

std::optional<TimePoint> ArrivalProcess::next() {
  // How much of the unit-rate process the next gap consumes: a unit exponential.
  double remaining = -std::log(uniformOpen(stream_.next()));
  const double end_ns = static_cast<double>(end_.time_since_epoch().count());
  while (now_ns_ < end_ns) {
    const double segment_end_ns =
        segment_ + 1 < schedule_.size()
            ? static_cast<double>(schedule_[segment_ + 1].start.time_since_epoch().count())
            : end_ns;
    const double rate_per_ns = schedule_[segment_].rate_per_s * 1e-9;
    const double available = rate_per_ns * (segment_end_ns - now_ns_);
    if (rate_per_ns > 0 && remaining <= available) {
      now_ns_ = std::min(now_ns_ + remaining / rate_per_ns, segment_end_ns);
      const TimePoint arrival{Duration(std::llround(now_ns_))};
      if (arrival >= end_) return std::nullopt;
      return arrival;
    }
    remaining -= available;
    now_ns_ = segment_end_ns;
    if (segment_ + 1 < schedule_.size()) ++segment_;
  }
  return std::nullopt;
}

}  // namespace faultline::sim
