#include "engine/sim/traffic_pattern.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

#include "engine/sim/spec_units.h"

namespace faultline::sim {
namespace {

using namespace std::chrono_literals;
namespace pb = scenario;

constexpr double kDefaultPeriodS = 86'400;
constexpr std::int64_t kKnotsPerPeriod = 240;
constexpr Duration kMaxKnotSpacing = 60s;
constexpr std::int64_t kMaxKnots = 1'000'000;

// Chords through `rate_at` at the given knots; the last segment holds its rate to the end.
template <typename RateAt>
std::vector<RateSegment> chords(const std::vector<TimePoint>& knots, RateAt rate_at) {
  std::vector<RateSegment> segments;
  for (std::size_t k = 0; k < knots.size(); ++k) {
    const double from = rate_at(knots[k]);
    double slope = 0;
    if (k + 1 < knots.size()) {
      const double seconds = std::chrono::duration<double>(knots[k + 1] - knots[k]).count();
      slope = (rate_at(knots[k + 1]) - from) / seconds;
    }
    segments.push_back(RateSegment{knots[k], from, slope});
  }
  return segments;
}

std::vector<RateSegment> diurnal(double mean, const pb::Diurnal& curve, Duration run) {
  const double period_s = curve.has_period_s() ? curve.period_s() : kDefaultPeriodS;
  // However long the run (--duration may stretch it past what the validator saw), at most a
  // million chords.
  const Duration spacing =
      std::max(std::min(kMaxKnotSpacing, fromSeconds(period_s) / kKnotsPerPeriod), run / kMaxKnots);
  std::vector<TimePoint> knots;
  for (TimePoint t{}; t < TimePoint{} + run; t += spacing)
    knots.push_back(t);
  knots.push_back(TimePoint{} + run);
  return chords(knots, [&](TimePoint t) {
    const double s = std::chrono::duration<double>(t.time_since_epoch()).count();
    const double phase = 2 * std::numbers::pi * (s - curve.peak_s()) / period_s;
    return mean * (1 + curve.amplitude() * std::cos(phase));
  });
}

// Flat, a linear climb to the peak, a hold, a linear fall, flat again.
std::vector<RateSegment> flashCrowd(double base, const pb::FlashCrowd& crowd) {
  const TimePoint start = TimePoint{} + fromSeconds(crowd.start_s());
  const TimePoint peak = start + fromSeconds(crowd.ramp_up_s());
  const TimePoint fall = peak + fromSeconds(crowd.hold_s());
  const TimePoint back = fall + fromSeconds(crowd.ramp_down_s());
  const double top = base * crowd.multiplier();
  auto seconds = [](TimePoint a, TimePoint b) {
    return std::chrono::duration<double>(b - a).count();
  };
  std::vector<RateSegment> segments{RateSegment{TimePoint{}, base, 0}};
  if (peak > start) segments.push_back({start, base, (top - base) / seconds(start, peak)});
  segments.push_back({peak, top, 0});
  if (back > fall) segments.push_back({fall, top, (base - top) / seconds(fall, back)});
  segments.push_back({back, base, 0});
  // Segments starting at the same moment (a crowd at time zero, no ramp): the last one wins.
  std::vector<RateSegment> merged;
  for (const RateSegment& segment : segments) {
    if (!merged.empty() && merged.back().start == segment.start) {
      merged.back() = segment;
    } else {
      merged.push_back(segment);
    }
  }
  return merged;
}

// One step per second of the trace, the last held to the end of the run.
std::vector<RateSegment> trace(const pb::TraceReplay& replay, Duration run) {
  std::vector<RateSegment> segments;
  for (int i = 0; i < replay.rates_rps_size(); ++i) {
    const TimePoint start = TimePoint{} + std::chrono::seconds(i);
    if (start >= TimePoint{} + run && !segments.empty()) break;
    segments.push_back(RateSegment{start, replay.rates_rps(i), 0});
  }
  if (segments.empty()) segments.push_back(RateSegment{TimePoint{}, 0, 0});
  return segments;
}

}  // namespace

std::vector<RateSegment> trafficPattern(const pb::Clients& clients, Duration run) {
  switch (clients.pattern_case()) {
    case pb::Clients::kDiurnal:
      return diurnal(clients.rate_rps(), clients.diurnal(), run);
    case pb::Clients::kFlashCrowd:
      return flashCrowd(clients.rate_rps(), clients.flash_crowd());
    case pb::Clients::kTrace:
      return trace(clients.trace(), run);
    case pb::Clients::PATTERN_NOT_SET:
      break;
  }
  return {RateSegment{TimePoint{}, clients.rate_rps(), 0}};
}

}  // namespace faultline::sim
