#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "balancer/priority_set.h"
#include "balancer/runtime.h"

namespace faultline::balancer {

// Envoy's zone_aware_lb_config (cluster.proto), for a balancer that stands for the clients of one
// region: `local_zone_shares[z]` is the share of its traffic that comes from zone z of
// `local_region`, which is what Envoy learns from the local cluster's hosts per zone.
struct ZoneAwareConfig {
  std::uint32_t local_region = 0;
  std::vector<double> local_zone_shares;  // by zone index; need not sum to 1
  // Envoy's min_cluster_size: fewer healthy hosts at level 0 than this, and zones are ignored.
  std::uint32_t min_cluster_size = 6;
  // Envoy's routing_enabled: the percent of requests that are routed by zone at all.
  double routing_enabled_percent = 100;
};

// Envoy's zone-aware routing (load_balancer_impl.cc, ZoneAwareLoadBalancerBase;
// intro/arch_overview/upstream/load_balancing/zone_aware). Only at priority level 0, and only
// while the level is not in panic. Per client zone, in ten-thousandths:
// - local% of a zone is its share of the traffic; upstream% its share of level 0's healthy hosts;
// - if upstream% >= local% in the client's zone, everything stays in the zone (direct);
// - otherwise upstream% / local% of it stays, and the rest goes to the other zones in proportion
//   to their residual capacity, max(0, upstream% - local%) (residual).
// Zones are ignored (Envoy's early exits, with its stat names) when level 0 has fewer than two
// localities, when the client's zone has no healthy host there (lb_local_cluster_not_ok), or when
// level 0 has fewer than min_cluster_size healthy hosts (lb_zone_cluster_too_small). Envoy also
// gives up when the two clusters have different numbers of zones (lb_zone_number_differs); we
// compute over the zones of both, which the arithmetic handles, so a region with clients in a
// zone without hosts still routes by zone.
class ZoneAwareRouting {
 public:
  ZoneAwareRouting(const PrioritySet& hosts, ZoneAwareConfig config);

  // The locality of level 0 to pick from for a request from `client_zone`, or nullopt for the
  // level's whole healthy list. The state follows level 0's version, recomputed when it changes.
  std::optional<std::uint32_t> chooseLocality(std::uint32_t client_zone, Runtime& runtime);

  enum class Mode : std::uint8_t { kNoRouting, kDirect, kResidual };
  struct ZoneState {
    Mode mode = Mode::kNoRouting;
    std::uint32_t local_locality = 0;          // index among level 0's localities
    std::uint64_t local_percent_to_route = 0;  // ten-thousandths, kResidual only
    std::vector<std::uint64_t> residual;       // cumulative, by locality, kResidual only
  };
  // The state for requests from `client_zone`, for tests and inspection.
  const ZoneState& state(std::uint32_t client_zone);

 private:
  void refresh();
  void refreshZone(std::uint32_t client_zone, const std::vector<std::uint64_t>& upstream);
  std::uint64_t localPercent(std::uint32_t locality) const;

  const PrioritySet& hosts_;
  ZoneAwareConfig config_;
  std::vector<std::uint64_t> local_percent_;  // by zone of the local region, ten-thousandths
  std::vector<ZoneState> zones_;              // by client zone
  std::vector<std::uint64_t> upstream_;       // scratch, by locality of level 0
  bool built_ = false;
  std::uint64_t built_version_ = 0;
};

}  // namespace faultline::balancer
