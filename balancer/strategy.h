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
  // 0, or n for the n-th pick again of the same try because the previous pick hit a host the
  // request already tried (Envoy's host selection retry): the hashing strategies then move away
  // from the request's hash, the others just pick again.
  std::uint32_t repick = 0;
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
  // The try goes out to `host`, the last pick. Not every pick is sent: a retry may pick again to
  // avoid a host it tried, and a circuit breaker may refuse the host picked. State that must
  // match the tries in flight is kept here, not in pick().
  virtual void onSent(HostIndex /*host*/) {}
  // How a try on `host` ended, for strategies that learn from answers (latency, errors). Called
  // once per try sent, when the answer or the timeout is back at the balancer.
  virtual void onResult(HostIndex /*host*/, Outcome /*outcome*/, Duration /*latency*/) {}
  // Whether picks follow the request's hash key (ring hash, Maglev): the key then also picks the
  // priority level, as in Envoy.
  virtual bool hashesRequests() const { return false; }
};

}  // namespace faultline::balancer
