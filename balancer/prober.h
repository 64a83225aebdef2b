#pragma once

#include <cstdint>

#include "balancer/host.h"

namespace faultline::balancer {

// Sends one health probe on behalf of the balancer. The driver answers by calling
// LoadBalancer::onProbeResult with the same probe id, or never (a blackholed host): the health
// checker's own timeout covers that. The simulator answers from the host's simulated state after
// the network delays; live mode answers with a real HTTP probe.
class Prober {
 public:
  virtual ~Prober() = default;
  virtual void probe(HostIndex host, std::uint64_t probe_id) = 0;
};

}  // namespace faultline::balancer
