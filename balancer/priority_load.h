#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace faultline::balancer {

// Envoy's defaults: kDefaultOverProvisioningFactor = 140 (1.4) and healthy_panic_threshold 50%.
struct PriorityLoadConfig {
  std::uint32_t overprovisioning_factor = 140;  // percent: 140 is 1.4
  std::uint32_t panic_threshold = 50;           // percent of healthy hosts; 0 disables panic
};

// What a level has, for the load computation.
struct LevelHealth {
  std::uint32_t hosts = 0;    // hosts in the level (Envoy: hosts - excluded)
  std::uint32_t healthy = 0;  // hosts passing their checks
};

// The share of traffic each priority level takes, in integer percent summing to 100, and which
// levels are in panic (their traffic then goes to all of their hosts, healthy or not).
struct PriorityLoad {
  std::vector<std::uint32_t> percent;
  std::vector<bool> panic;
};

// Envoy's priority load (load_balancer_impl.cc, recalculatePerPriorityState, distributeLoad,
// recalculatePerPriorityPanic, recalculateLoadInTotalPanic; docs: load_balancing/priority.rst and
// panic_threshold.rst), in Envoy's integer arithmetic:
//   health(P) = min(100, factor * healthy(P) / hosts(P))
//   normalized total availability NTA = min(100, sum of health)
//   load(P) = min(what is left of 100, health(P) * 100 / NTA), in priority order; the rounding
//   remainder goes to the first level with health > 0.
// A level is in panic when fewer than panic_threshold percent of its hosts are healthy, except
// that nothing panics while NTA is 100. When every level panics, load follows the raw host counts
// instead (remainder to the first non-empty level). With NTA 0 and panic disabled, level 0 gets
// 100% and, having no healthy host, refuses. Degraded hosts are not modelled: health is binary.
PriorityLoad computePriorityLoad(std::span<const LevelHealth> levels,
                                 const PriorityLoadConfig& config);
// The same into `load`, reusing its memory (for the per-request retry path).
void computePriorityLoad(std::span<const LevelHealth> levels, const PriorityLoadConfig& config,
                         PriorityLoad& load);

// Envoy's previous_priorities retry priority (extensions/retry/priority/previous_priorities,
// adjustForAttemptedPriorities) with update_frequency 1: the load a retry uses, in `percent`. The
// levels in `tried_levels` (one bit each) count as having no health and the others share the
// load by health, with no panic step (the levels' own panic flags still apply to the pick). When
// no untried level has health, the tried ones are allowed again; when no level has any, returns
// false and the original load stands.
bool computeRetryPriorityLoad(std::span<const LevelHealth> levels, std::uint32_t tried_levels,
                              const PriorityLoadConfig& config,
                              std::vector<std::uint32_t>& percent);

// Envoy's choosePriority: `hash % 100 + 1` against the cumulative load.
std::uint32_t choosePriority(std::span<const std::uint32_t> percent, std::uint64_t hash);

}  // namespace faultline::balancer
