#pragma once

#include <cstdint>
#include <vector>

#include "engine/live/synthetic_backend.h"
#include "engine/sim/fault_spec.h"

namespace faultline::live {

// The host faults striking one live backend, and what they make of it: the simulator's
// World::refreshHostFaults on a real server. Overlapping faults add up as they do there: a host
// is down while any crash, outage or pause strikes it; slowdowns multiply; error and reset
// shares combine as independent draws; latencies add.
class HostFaults {
 public:
  explicit HostFaults(SyntheticBackend& backend) : backend_(backend) {}

  // The faults now striking the host (indices into `faults`), applied to the backend at their
  // strength at `now` (below 1 on a ramp; the simulator's FaultSpec::intensityAt). Whether it
  // serves afterwards.
  bool apply(const std::vector<std::uint32_t>& striking, const std::vector<sim::FaultSpec>& faults,
             balancer::TimePoint now);

  bool serving() const { return !crashed_ && !dark_ && !paused_; }
  // The share of connections the host refuses (connection_refused faults). A listener cannot
  // refuse a share of connections, and a pooled connection is never refused: the proxies in
  // front of it inject the refusals per try instead (LiveWorld), as the simulator strikes tries.
  double refused() const { return refused_; }

 private:
  SyntheticBackend& backend_;
  bool crashed_ = false;
  bool dark_ = false;
  bool paused_ = false;
  double refused_ = 0;
};

}  // namespace faultline::live
