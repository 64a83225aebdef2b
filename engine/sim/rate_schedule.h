#pragma once

#include <cstdint>
#include <vector>

#include "engine/sim/arrival_process.h"
#include "engine/sim/fault_spec.h"

namespace faultline::sim {

// The arrival rate of one region's clients over a run: `base_rate` times the multiplier of every
// traffic surge on the region active at the time, each ramping linearly from 1 to its multiplier
// and back. Segments break at every surge's edges; within ramps also at least every second (and
// at most 1000 times per ramp), since two ramps overlapping multiply into a curve that the
// segments then follow to within a second's chord.
std::vector<RateSegment> rateSchedule(double base_rate, std::uint32_t region,
                                      const std::vector<FaultSpec>& faults, TimePoint end);

}  // namespace faultline::sim
