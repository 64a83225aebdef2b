#pragma once

#include <cstdint>
#include <span>

#include "balancer/host.h"
#include "balancer/priority_set.h"
#include "balancer/request.h"

namespace faultline::balancer {

// What a strategy sees when asked to pick.
struct PickContext {
  // The hosts to pick from: the healthy hosts of a level, of one zone of it, or (in panic) all of
  // them. Never empty.
  std::span<const HostIndex> candidates;
  // Which candidate list this is (PrioritySet::source): strategies keep their state per source.
  std::uint32_t source = 0;
  std::uint64_t version = 0;  // changes whenever the list or its hosts' weights change
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
