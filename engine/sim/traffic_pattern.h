#pragma once

#include <vector>

#include "engine/sim/arrival_process.h"
#include "scenarios/scenario.pb.h"

namespace faultline::sim {

// A region's base arrival rate over a run of length `run`, before surges: constant at rate_rps,
// or the clients' pattern (diurnal curve, flash crowd, replayed trace) as a piecewise-linear rate.
// A diurnal curve is followed by chords at least 240 per period and at least one a minute: the
// rate between knots is within amplitude * (pi / 240)^2 / 2 of the curve (9e-5 of the mean).
std::vector<RateSegment> trafficPattern(const scenario::Clients& clients, Duration run);

}  // namespace faultline::sim
