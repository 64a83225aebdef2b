#include "balancer/round_robin.h"

namespace faultline::balancer {

HostIndex RoundRobin::pick(const PickContext& context) {
  const auto weight_of = [&context](HostIndex host) { return context.hosts.weight(host); };
  if (EdfScheduler* schedule = schedules_.find(context, runtime_, weight_of)) {
    return schedule->pickAndAdd(weight_of);
  }
  if (context.source >= next_by_source_.size()) next_by_source_.resize(context.source + 1, seed_);
  const std::uint64_t turn = next_by_source_[context.source]++;
  return context.candidates[turn % context.candidates.size()];
}

}  // namespace faultline::balancer
