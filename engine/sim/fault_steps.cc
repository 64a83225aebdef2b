#include <algorithm>

#include "engine/sim/fault_spec.h"

namespace faultline::sim {
namespace {

// When host `i` of `count` changes across a ramp of `length` from `from`: evenly spaced, the
// first at `from` and the last at `from + length`.
TimePoint evenlySpaced(TimePoint from, Duration length, std::uint32_t i, std::uint32_t count) {
  if (count < 2) return from;
  return from + length * i / (count - 1);
}

}  // namespace

std::vector<FaultStep> faultSteps(const FaultSpec& fault, std::uint32_t host_count) {
  const bool ramps = strikesOutright(fault.kind) && host_count > 1 &&
                     (fault.ramp_up > Duration::zero() || fault.ramp_down > Duration::zero());
  if (!ramps) {
    return {FaultStep{fault.start, 0, host_count}, FaultStep{fault.end, host_count, host_count}};
  }
  std::vector<FaultStep> steps;
  for (std::uint32_t i = 0; i < host_count; ++i) {
    steps.push_back(FaultStep{evenlySpaced(fault.start, fault.ramp_up, i, host_count), 0, i + 1});
  }
  const TimePoint fading = fault.end - fault.ramp_down;
  for (std::uint32_t i = 0; i < host_count; ++i) {
    const TimePoint at = fault.ramp_down > Duration::zero()
                             ? evenlySpaced(fading, fault.ramp_down, i, host_count)
                             : fault.end;
    steps.push_back(FaultStep{at, i + 1, host_count});
  }
  // Several hosts changing at one moment make one step: the last one written for it.
  std::vector<FaultStep> merged;
  for (const FaultStep& step : steps) {
    if (!merged.empty() && merged.back().at == step.at) {
      merged.back() = step;
    } else {
      merged.push_back(step);
    }
  }
  return merged;
}

}  // namespace faultline::sim
