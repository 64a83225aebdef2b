#pragma once

#include <cstdint>
#include <vector>

#include "balancer/time.h"
#include "engine/metrics/run_layout.h"
#include "engine/sim/fault_delay.h"

namespace faultline::sim {

using balancer::Duration;
using balancer::TimePoint;

enum class FaultKind : std::uint8_t {
  kHostCrash,
  kZoneOutage,
  kRegionOutage,
  kLatency,
  kErrors,
  kTrafficSurge,
  kHostPause,
  kBrownout,
  kGrayFailure,
  kConnectionReset,
  kConnectionRefused,
  kNetworkPartition,
  kLinkDegradation,
  kBalancerCrash,
  kDnsFailure,
  kDnsStale,
};

// Faults that strike hosts outright: a host is struck or not, and a ramp strikes them one by one.
constexpr bool strikesOutright(FaultKind kind) {
  return kind == FaultKind::kHostCrash || kind == FaultKind::kHostPause ||
         kind == FaultKind::kZoneOutage || kind == FaultKind::kRegionOutage ||
         kind == FaultKind::kBalancerCrash;
}

// Faults on the network between two regions rather than on hosts.
constexpr bool onLinks(FaultKind kind) {
  return kind == FaultKind::kNetworkPartition || kind == FaultKind::kLinkDegradation;
}

// A moment in a fault's life: from `at`, the hosts at positions [first_struck, end_struck) of
// FaultSpec::hosts (for a balancer crash, of FaultSpec::instances) are struck. A fault without a
// ramp has two steps, its start and its end.
struct FaultStep {
  TimePoint at{};
  std::uint32_t first_struck = 0;
  std::uint32_t end_struck = 0;
};

// One direction of a region-to-region link a fault acts on.
struct LinkRef {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
};

struct FaultSpec {
  FaultKind kind = FaultKind::kHostCrash;
  // What its random draws are keyed by: its identity, not its place in the list, so that they do
  // not change when another fault is added or a shortened run leaves one out (fault_builder.cc).
  std::uint32_t draw_key = 0;
  TimePoint start{};
  TimePoint end{};
  Duration ramp_up{};
  Duration ramp_down{};
  std::vector<FaultStep> steps;          // sorted by time; the last one ends the fault
  std::vector<std::uint32_t> hosts;      // struck hosts, in the order a ramp strikes them
  std::vector<LinkRef> links;            // partition, link degradation
  std::vector<std::uint32_t> instances;  // balancer crash: tier instances, in strike order
  AddedDelay delay;                      // latency, link degradation
  double probability = 1;                // errors, resets, refusals, gray errors; latency's share
  std::uint16_t status = 500;            // errors, gray failure
  Duration reset_after{};                // connection reset
  double slowdown = 1;                   // gray failure: service time multiplier
  double capacity_loss = 0;              // brownout
  double loss_probability = 0;           // link degradation
  double multiplier = 1;                 // traffic surge
  // Traffic surge, DNS faults: the region whose clients it strikes, or all.
  std::uint32_t region = metrics::kNoRegion;

  // Its strength at `now`: 1 at full strength, growing linearly from 0 across the ramp up and
  // falling to 0 across the ramp down; 0 outside [start, end) (a live run's timer may read it a
  // hair late).
  double intensityAt(TimePoint now) const {
    if (now < start || now >= end) return 0.0;
    if (now - start < ramp_up) return static_cast<double>((now - start).count()) / ramp_up.count();
    if (end - now < ramp_down) return static_cast<double>((end - now).count()) / ramp_down.count();
    return 1.0;
  }
};

// The steps of a fault: at its start and end, and for a fault that strikes outright with a ramp,
// one host more at each of `host_count` evenly spaced moments across the ramp up (the first at
// the start, the last at its end) and one fewer across the ramp down (the last leaving at the end).
std::vector<FaultStep> faultSteps(const FaultSpec& fault, std::uint32_t host_count);

}  // namespace faultline::sim
