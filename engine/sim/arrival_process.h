#pragma once

#include <optional>
#include <vector>

#include "balancer/time.h"
#include "engine/sim/random_streams.h"

namespace faultline::sim {

using balancer::Duration;
using balancer::TimePoint;

// From `start` until the next segment starts, requests arrive at `rate_per_s` changing by
// `slope_per_s2` each second: a ramp, or a constant rate when the slope is zero. The rate never
// goes below zero within the segment.
struct RateSegment {
  TimePoint start{};
  double rate_per_s = 0;
  double slope_per_s2 = 0;
};

// Arrival times of a Poisson process with a piecewise-linear rate (open loop: arrivals do not
// wait for answers). Built by time change of a unit-rate process (Cinlar's method; Law,
// "Simulation Modeling and Analysis", 5th ed., 8.6.2): the n-th arrival is at L^-1(S_n), where
// S_n is a sum of n unit exponentials and L(t) the integral of the rate. The unit exponentials
// come from the client's own stream, so a surge compresses the same underlying process in time
// rather than drawing new numbers: every strategy sees the same arrivals, surge or not.
class ArrivalProcess {
 public:
  // `schedule` starts at time zero and is sorted by start; no arrival happens at or after `end`.
  ArrivalProcess(std::vector<RateSegment> schedule, RandomStream stream, TimePoint end);

  // The time of the next arrival, or nullopt when there is none before the end.
  std::optional<TimePoint> next();

 private:
  std::vector<RateSegment> schedule_;
  RandomStream stream_;
  TimePoint end_;
  // The last arrival, exactly: kept as a double and rounded only on the way out, so rounding
  // never accumulates over millions of arrivals (a double holds 30 days in ns to 0.5 ns).
  double now_ns_ = 0;
  std::size_t segment_ = 0;
};

}  // namespace faultline::sim
