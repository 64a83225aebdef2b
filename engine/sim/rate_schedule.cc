#include "engine/sim/rate_schedule.h"

#include <algorithm>
#include <chrono>

namespace faultline::sim {
namespace {

using namespace std::chrono_literals;

constexpr Duration kMaxKnotSpacing = 1s;
constexpr std::int64_t kMaxKnotsPerRamp = 1000;

// A surge's multiplier at `t`; with `from_left`, the limit as time approaches t from below, so
// that a segment ending at a surge's edge ends at the rate it approached.
double surgeFactor(const FaultSpec& surge, TimePoint t, bool from_left) {
  const bool active =
      from_left ? surge.start < t && t <= surge.end : surge.start <= t && t < surge.end;
  if (!active) return 1.0;
  double intensity = 1.0;
  if (t - surge.start < surge.ramp_up) {
    intensity = static_cast<double>((t - surge.start).count()) / surge.ramp_up.count();
  } else if (surge.end - t < surge.ramp_down) {
    intensity = static_cast<double>((surge.end - t).count()) / surge.ramp_down.count();
  }
  return 1.0 + (surge.multiplier - 1.0) * intensity;
}

void addRampKnots(TimePoint from, Duration length, std::vector<TimePoint>& knots) {
  if (length <= Duration::zero()) return;
  const Duration spacing = std::max(kMaxKnotSpacing, length / kMaxKnotsPerRamp);
  for (TimePoint t = from; t < from + length; t += spacing)
    knots.push_back(t);
  knots.push_back(from + length);
}

// The base rate at `t` (or as time approaches it from below): a step at a segment's start is
// taken only from the right.
double baseAt(const std::vector<RateSegment>& base, TimePoint t, bool from_left) {
  auto after =
      std::upper_bound(base.begin(), base.end(), t,
                       [](TimePoint time, const RateSegment& s) { return time < s.start; });
  if (from_left && after != base.begin() && std::prev(after)->start == t &&
      std::prev(after) != base.begin()) {
    --after;
  }
  const RateSegment& segment = after == base.begin() ? base.front() : *std::prev(after);
  const double seconds = std::chrono::duration<double>(t - segment.start).count();
  return std::max(0.0, segment.rate_per_s + segment.slope_per_s2 * seconds);
}

}  // namespace

std::vector<RateSegment> rateSchedule(const std::vector<RateSegment>& base, std::uint32_t region,
                                      const std::vector<FaultSpec>& faults, TimePoint end) {
  std::vector<const FaultSpec*> surges;
  for (const auto& fault : faults) {
    if (fault.kind != FaultKind::kTrafficSurge) continue;
    if (fault.region == metrics::kNoRegion || fault.region == region) surges.push_back(&fault);
  }
  std::vector<TimePoint> knots{TimePoint{}, end};
  for (const RateSegment& segment : base)
    knots.push_back(segment.start);
  for (const FaultSpec* surge : surges) {
    knots.push_back(surge->start);
    knots.push_back(surge->end);
    addRampKnots(surge->start, surge->ramp_up, knots);
    addRampKnots(surge->end - surge->ramp_down, surge->ramp_down, knots);
  }
  std::sort(knots.begin(), knots.end());
  knots.erase(std::unique(knots.begin(), knots.end()), knots.end());
  knots.erase(std::upper_bound(knots.begin(), knots.end(), end), knots.end());

  auto rateAt = [&](TimePoint t, bool from_left) {
    double rate = baseAt(base, t, from_left);
    for (const FaultSpec* surge : surges)
      rate *= surgeFactor(*surge, t, from_left);
    return rate;
  };
  std::vector<RateSegment> schedule;
  for (std::size_t k = 0; k + 1 < knots.size(); ++k) {
    const double from = rateAt(knots[k], false);
    const double to = rateAt(knots[k + 1], true);
    const double seconds = std::chrono::duration<double>(knots[k + 1] - knots[k]).count();
    schedule.push_back(RateSegment{knots[k], from, (to - from) / seconds});
  }
  if (schedule.empty()) schedule.push_back(RateSegment{TimePoint{}, baseAt(base, end, false), 0});
  return schedule;
}

}  // namespace faultline::sim
