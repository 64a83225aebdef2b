#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "balancer/time.h"
#include "engine/live/time_scale.h"

namespace faultline::live {

// The network between a proxy and its backends as a live run stands in for a scenario's links:
// what each trip takes, in scenario time, or that it is lost on the way (a partition, or a
// degraded link that gave up retransmitting). In front of real backends the network is real and
// a proxy has none.
class NetworkPaths {
 public:
  virtual ~NetworkPaths() = default;

  // One trip between the proxy and backend `backend` (its index in ProxyConfig::backends),
  // outwards or `back`. A request's trip crosses from its client's zone `zone`; a health probe's
  // (no zone) takes the link between the regions, as the simulator's probes do.
  virtual std::optional<balancer::Duration> trip(std::size_t backend,
                                                 std::optional<std::uint32_t> zone, bool back) = 0;
};

// A trip to take later (an answer's way back is drawn when the answer leaves, as the simulator
// draws it), in real time. Without paths it takes nothing.
struct PendingTrip {
  NetworkPaths* paths = nullptr;
  std::size_t backend = 0;
  std::optional<std::uint32_t> zone;
  bool back = true;
  TimeScale scale;

  // nullopt: lost on the way.
  std::optional<balancer::Duration> take() const {
    if (paths == nullptr) return balancer::Duration::zero();
    const auto trip = paths->trip(backend, zone, back);
    if (!trip) return std::nullopt;
    return scale.toReal(*trip);
  }
};

}  // namespace faultline::live
