#include "reports/run_figures.h"

#include <algorithm>
#include <limits>

namespace faultline::reports {
namespace {

constexpr double kMinuteS = 60;

double availabilityOf(std::int64_t requests, std::int64_t ok) {
  return requests == 0 ? 1.0 : static_cast<double>(ok) / static_cast<double>(requests);
}

// A sliding span of whole windows, at least a minute long, over the windows of the traffic (the
// drain after it holds only stragglers). The span that lost the most requests wins; among equals
// the one that starts last, which starts where its failures start (every span holding a burst
// loses as much, and the one opening on it is the minute a reader looks for).
std::optional<WorstMinute> worstMinute(const results::RunResult& result) {
  const auto& windows = result.windows();
  const double traffic_end = result.run().duration_s();
  int end = 0;
  while (end < windows.size() && windows[end].start_s() < traffic_end)
    ++end;
  if (end == 0) return std::nullopt;
  std::optional<WorstMinute> worst;
  std::int64_t requests = 0;
  std::int64_t ok = 0;
  int first = 0;
  for (int last = 0; last < end; ++last) {
    requests += windows[last].requests();
    ok += windows[last].ok();
    // Shrink from the front while the span stays a minute long without its first window.
    while (first < last && windows[last].end_s() - windows[first + 1].start_s() >= kMinuteS) {
      requests -= windows[first].requests();
      ok -= windows[first].ok();
      ++first;
    }
    const bool long_enough = windows[last].end_s() - windows[first].start_s() >= kMinuteS;
    if (!long_enough && last + 1 < end) continue;
    if (worst && requests - ok < worst->failed) continue;
    const double availability = availabilityOf(requests, ok);
    worst = WorstMinute{.start_s = windows[first].start_s(),
                        .end_s = windows[last].end_s(),
                        .requests = requests,
                        .failed = requests - ok,
                        .availability = availability};
  }
  return worst;
}

}  // namespace

double burnRate(double availability, double target) {
  const double budget = 1.0 - target;
  const double spent = 1.0 - availability;
  if (budget <= 0) return spent > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  return std::max(0.0, spent) / budget;
}

RunFigures runFigures(const results::RunResult& result) {
  const auto& summary = result.summary();
  RunFigures figures;
  figures.availability = summary.availability();
  const auto& slo = summary.slo();
  figures.slo_attainment = slo.windows() == 0 ? 1.0
                                              : 1.0 - static_cast<double>(slo.windows_violating()) /
                                                          static_cast<double>(slo.windows());
  figures.burn_rate = burnRate(figures.availability, slo.availability_target());
  figures.downtime_minutes =
      static_cast<double>(slo.windows_violating()) * result.run().window_s() / kMinuteS;
  figures.cross_region_share = summary.requests_total() == 0
                                   ? 0.0
                                   : static_cast<double>(summary.cross_region_requests()) /
                                         static_cast<double>(summary.requests_total());
  figures.worst_minute = worstMinute(result);
  figures.slo_met = slo.met();
  return figures;
}

}  // namespace faultline::reports
