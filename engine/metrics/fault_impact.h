#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/metrics/run_layout.h"

namespace faultline::metrics {

// What one fault did to the service, measured from its start (docs/metrics.md, "Per fault").
struct FaultImpact {
  // First reaction of the balancers: a struck host (or tier instance) marked down, or traffic
  // moved away from a struck region. nullopt: nobody reacted.
  std::optional<Duration> time_to_detect;
  // Traffic taken off what the fault struck: every struck host (instance) marked down at least
  // once while the fault lasted, or its region evacuated, whichever came first; for a fault that
  // strikes no host, the first failover while it lasted. nullopt: traffic never moved.
  std::optional<Duration> time_to_fail_over;
  // End of the last window below the SLO's availability, once a window within it follows (zero
  // when none fell below). nullopt: still below when the next fault or the end of traffic came.
  std::optional<Duration> time_to_recover;
  // Failed requests in the windows from the fault's start to its end or its recovery, whichever
  // is later (to the last window below the SLO when it never recovered).
  std::uint64_t requests_lost = 0;
  TimePoint horizon_end{};
};

// Follows every fault of a run through the balancers' reactions and the closing windows, in
// simulated-time order, with constant work per window and per reaction for each fault. A fault's
// horizon runs from its start to the start of the next fault that begins after it ended (a later
// fault's damage is that fault's), or to the end of traffic; windows and reactions outside it are
// not the fault's.
class FaultImpactTracker {
 public:
  // Keeps references to the layout's host and instance lists, which must outlive the tracker (a
  // million hosts struck by a thousand faults are not copied again).
  explicit FaultImpactTracker(const RunLayout& layout);
  explicit FaultImpactTracker(RunLayout&&) = delete;

  void onHostMarked(TimePoint at, std::uint32_t host, bool healthy);
  void onInstanceMarked(TimePoint at, std::uint32_t instance, bool healthy);
  // The balancer of `balancer_region` moved its traffic; a return to its own region is a
  // failback, never a reaction to a fault.
  void onFailover(TimePoint at, std::uint32_t balancer_region,
                  std::optional<std::uint32_t> from_region, std::optional<std::uint32_t> to_region);
  void onWindow(TimePoint start, TimePoint end, std::uint64_t arrivals, std::uint64_t requests,
                std::uint64_t ok);

  std::vector<FaultImpact> impacts() const;

 private:
  struct Tracked {
    TimePoint start{};
    TimePoint end{};
    TimePoint horizon{};
    const std::vector<std::uint32_t>* hosts = nullptr;      // sorted
    const std::vector<std::uint32_t>* instances = nullptr;  // sorted
    std::vector<bool> struck_region;                        // per region: holds a struck host
    std::vector<bool> marked;  // per struck host or instance: marked down meanwhile
    std::size_t marked_count = 0;
    std::optional<TimePoint> detected_at;
    std::optional<TimePoint> failed_over_at;
    std::optional<TimePoint> last_bad_end;
    bool good_after_bad = true;  // a window within the SLO followed the last one below it
    std::uint64_t failed = 0;    // in the windows of its horizon so far
    std::uint64_t lost_to_last_bad = 0;
    std::uint64_t lost_while_active = 0;
  };

  bool strikesNothing(const Tracked& fault) const {
    return fault.hosts->empty() && fault.instances->empty();
  }
  void onMarked(Tracked& fault, const std::vector<std::uint32_t>& struck, TimePoint at,
                std::uint32_t index);

  double slo_availability_;
  std::vector<Tracked> faults_;
};

}  // namespace faultline::metrics
