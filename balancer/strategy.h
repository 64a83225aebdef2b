#pragma once

#include <cstdint>
#include <span>

#include "balancer/host.h"
#include "balancer/request.h"

namespace faultline::balancer {

// What a strategy sees when asked to pick.
struct PickContext {
  std::span<const HostIndex> candidates;  // the healthy hosts of one level; never empty
  std::uint32_t level = 0;                // which level: strategies keep state per level
  const Request& request;
  std::span<const HostLoad> load;  // indexed by HostIndex, the balancer's own figures
};

// A load-balancing algorithm: picks one host among healthy candidates. Which level to use, health,
// and refusal are the LoadBalancer's business; a strategy only chooses. Envoy draws the same line
// between its LoadBalancer and the per-algorithm classes in load_balancing_policies/.
class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual HostIndex pick(const PickContext& context) = 0;
};

}  // namespace faultline::balancer
