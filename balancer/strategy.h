#pragma once

#include <cstdint>
#include <span>

#include "balancer/host.h"
#include "balancer/priority_set.h"
#include "balancer/request.h"

namespace faultline::balancer {

// What a strategy sees when asked to pick.
struct PickContext {
  std::span<const HostIndex> candidates;  // the healthy hosts of one level; never empty
  std::uint32_t level = 0;                // which level: strategies keep state per level
  std::uint64_t version = 0;  // PrioritySet::version(level): changes when `candidates` changes
  const Request& request;
  const PrioritySet& hosts;        // weights, names and localities, by HostIndex
  std::span<const HostLoad> load;  // indexed by HostIndex, the balancer's own figures
};

// A load-balancing algorithm: picks one host among healthy candidates. Which level to use, health,
// and refusal are the LoadBalancer's business; a strategy only chooses. Envoy draws the same line
// between its LoadBalancer and the per-algorithm classes in load_balancing_policies/.
class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual HostIndex pick(const PickContext& context) = 0;
  // How a try on `host` ended, for strategies that learn from answers (latency, errors). Called
  // once per pick, when the answer or the timeout is back at the balancer.
  virtual void onResult(HostIndex /*host*/, Outcome /*outcome*/, Duration /*latency*/) {}
};

}  // namespace faultline::balancer
