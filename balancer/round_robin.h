#pragma once

#include <cstdint>
#include <vector>

#include "balancer/runtime.h"
#include "balancer/source_schedules.h"
#include "balancer/strategy.h"

namespace faultline::balancer {

// Round robin over the healthy hosts of a level, with the semantics of Envoy's ROUND_ROBIN
// (source/extensions/load_balancing_policies/round_robin, on EdfLoadBalancerBase):
// - equal weights: one index per host list, advanced on every pick and taken modulo the list's
//   current size. The index starts at a random offset, as Envoy seeds it, so a fleet of balancers
//   does not send its first requests to the same host;
// - weights that differ: an EDF schedule over the candidates (EdfScheduler), so each host gets a
//   share proportional to its weight, interleaved rather than in bursts. The schedule is rebuilt,
//   from a random starting point, whenever the level's candidate list changes (SourceSchedules).
class RoundRobin final : public Strategy {
 public:
  explicit RoundRobin(Runtime& runtime) : runtime_(runtime), seed_(runtime.random()) {}

  HostIndex pick(const PickContext& context) override;

 private:
  Runtime& runtime_;
  std::uint64_t seed_;
  std::vector<std::uint64_t> next_by_source_;
  SourceSchedules schedules_;
};

}  // namespace faultline::balancer
