#include "engine/metrics/fault_impact.h"

#include <algorithm>
#include <cassert>

namespace faultline::metrics {
namespace {

std::optional<std::size_t> indexIn(const std::vector<std::uint32_t>& sorted, std::uint32_t value) {
  const auto it = std::lower_bound(sorted.begin(), sorted.end(), value);
  if (it == sorted.end() || *it != value) return std::nullopt;
  return static_cast<std::size_t>(it - sorted.begin());
}

std::optional<Duration> since(TimePoint start, std::optional<TimePoint> at) {
  if (!at) return std::nullopt;
  return *at - start;
}

}  // namespace

FaultImpactTracker::FaultImpactTracker(const RunLayout& layout)
    : slo_availability_(layout.slo.availability) {
  const TimePoint traffic_end = TimePoint{} + layout.duration;
  faults_.reserve(layout.faults.size());
  for (const FaultLayout& fault : layout.faults) {
    Tracked tracked;
    tracked.start = fault.start;
    tracked.end = fault.end;
    tracked.horizon = traffic_end;
    for (const FaultLayout& later : layout.faults) {
      if (later.start >= fault.end && later.start > fault.start) {
        tracked.horizon = std::min(tracked.horizon, later.start);
      }
    }
    tracked.hosts = &fault.hosts;
    tracked.instances = &fault.instances;
    tracked.struck_region.assign(layout.regions.size(), false);
    for (std::uint32_t host : fault.hosts)
      tracked.struck_region[layout.hosts[host].region] = true;
    tracked.marked.assign(std::max(fault.hosts.size(), fault.instances.size()), false);
    faults_.push_back(std::move(tracked));
    assert(std::is_sorted(fault.hosts.begin(), fault.hosts.end()) &&
           std::is_sorted(fault.instances.begin(), fault.instances.end()) &&
           "a fault's hosts and instances come in index order");
  }
}

void FaultImpactTracker::onHostMarked(TimePoint at, std::uint32_t host, bool healthy) {
  if (healthy) return;
  for (Tracked& fault : faults_) {
    if (at < fault.start || at >= fault.horizon) continue;
    if (strikesNothing(fault)) {
      if (!fault.detected_at) fault.detected_at = at;
      continue;
    }
    onMarked(fault, *fault.hosts, at, host);
  }
}

void FaultImpactTracker::onInstanceMarked(TimePoint at, std::uint32_t instance, bool healthy) {
  if (healthy) return;
  for (Tracked& fault : faults_) {
    if (at < fault.start || at >= fault.horizon) continue;
    onMarked(fault, *fault.instances, at, instance);
  }
}

// A struck host or instance marked down: the first such mark is the detection; the mark that
// completes the set while the fault lasts is the failover.
void FaultImpactTracker::onMarked(Tracked& fault, const std::vector<std::uint32_t>& struck,
                                  TimePoint at, std::uint32_t index) {
  const auto position = indexIn(struck, index);
  if (!position) return;
  if (!fault.detected_at) fault.detected_at = at;
  if (at > fault.end || fault.marked[*position]) return;
  fault.marked[*position] = true;
  if (++fault.marked_count == struck.size() && !fault.failed_over_at) fault.failed_over_at = at;
}

void FaultImpactTracker::onFailover(TimePoint at, std::uint32_t balancer_region,
                                    std::optional<std::uint32_t> from_region,
                                    std::optional<std::uint32_t> to_region) {
  if (to_region == balancer_region) return;
  for (Tracked& fault : faults_) {
    if (at < fault.start || at >= fault.horizon) continue;
    const bool away_from_struck =
        strikesNothing(fault) || (from_region && fault.struck_region[*from_region]);
    if (!away_from_struck) continue;
    if (!fault.detected_at) fault.detected_at = at;
    if (at <= fault.end && !fault.failed_over_at) fault.failed_over_at = at;
  }
}

// A window is below the SLO when its completed requests fall short of the availability target,
// or when it completed none of the requests that arrived in it.
void FaultImpactTracker::onWindow(TimePoint start, TimePoint end, std::uint64_t arrivals,
                                  std::uint64_t requests, std::uint64_t ok) {
  const bool bad =
      requests == 0 ? arrivals > 0
                    : static_cast<double>(ok) < slo_availability_ * static_cast<double>(requests);
  for (Tracked& fault : faults_) {
    if (end <= fault.start || start >= fault.horizon) continue;
    fault.failed += requests - ok;
    if (start < fault.end) fault.lost_while_active = fault.failed;
    if (bad) {
      fault.last_bad_end = end;
      fault.lost_to_last_bad = fault.failed;
      fault.good_after_bad = false;
    } else {
      fault.good_after_bad = true;
    }
  }
}

std::vector<FaultImpact> FaultImpactTracker::impacts() const {
  std::vector<FaultImpact> out;
  out.reserve(faults_.size());
  for (const Tracked& fault : faults_) {
    FaultImpact impact;
    impact.time_to_detect = since(fault.start, fault.detected_at);
    impact.time_to_fail_over = since(fault.start, fault.failed_over_at);
    if (!fault.last_bad_end) {
      impact.time_to_recover = Duration::zero();
    } else if (fault.good_after_bad) {
      impact.time_to_recover = std::max(Duration::zero(), *fault.last_bad_end - fault.start);
    }
    impact.requests_lost = std::max(fault.lost_to_last_bad, fault.lost_while_active);
    impact.horizon_end = fault.horizon;
    out.push_back(impact);
  }
  return out;
}

}  // namespace faultline::metrics
