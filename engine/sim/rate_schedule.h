#pragma once

#include <cstdint>
#include <vector>

#include "engine/sim/arrival_process.h"
#include "engine/sim/fault_spec.h"

namespace faultline::sim {

// The arrival rate of one region's clients over a run: the `base` pattern (traffic_pattern.h)
// times the multiplier of every traffic surge on the region active at the time, each ramping
// linearly from 1 to its multiplier and back. Segments break wherever the base does, at every
// surge's edges, and within ramps at least every second (and at most 1000 times per ramp): where
// two slopes overlap they multiply into a curve, which the segments follow to within a second's
// chord.
std::vector<RateSegment> rateSchedule(const std::vector<RateSegment>& base, std::uint32_t region,
                                      const std::vector<FaultSpec>& faults, TimePoint end);

}  // namespace faultline::sim
