#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "balancer/edf_scheduler.h"
#include "balancer/priority_set.h"

namespace faultline::balancer {

// A locality's weight (Envoy's LocalityLbEndpoints.load_balancing_weight).
struct LocalityWeight {
  Locality locality;
  std::uint32_t weight = 1;  // >= 1
};

// Envoy's locality-weighted load balancing (locality_weighted_lb_config;
// intro/arch_overview/upstream/load_balancing/locality_weight): within the level chosen, a
// locality is picked by an EDF schedule over its effective weight,
//   weight x min(1, overprovisioning_factor x healthy / hosts),
// and then a host within it by the strategy. A locality with no healthy host drops out; when none
// is left the level's whole healthy list is used. Each level's schedule is rebuilt when the
// level's version changes and starts at its beginning (Envoy seeds newer schedules with a random
// number of picks; one schedule per regional balancer makes that moot here).
class LocalityWeightedRouting {
 public:
  // `weights` lists the localities whose weight is not 1; `overprovisioning_factor` in percent
  // (140 for Envoy's 1.4), as the priority load takes it.
  LocalityWeightedRouting(const PrioritySet& hosts, std::vector<LocalityWeight> weights,
                          std::uint32_t overprovisioning_factor);

  std::optional<std::uint32_t> chooseLocality(std::uint32_t level);

  // The effective weight of locality `index` of `level` now, for tests and inspection.
  double effectiveWeight(std::uint32_t level, std::uint32_t index) const;

 private:
  struct Level {
    bool built = false;
    std::uint64_t version = 0;
    std::vector<double> effective;  // by locality
    EdfScheduler schedule;
  };
  void rebuild(std::uint32_t level_index, Level& level);
  std::uint32_t configuredWeight(const Locality& locality) const;

  const PrioritySet& hosts_;
  std::vector<LocalityWeight> weights_;
  double overprovisioning_;
  std::vector<Level> levels_;
};

}  // namespace faultline::balancer
