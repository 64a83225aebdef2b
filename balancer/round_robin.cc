#include "balancer/round_robin.h"

namespace faultline::balancer {

HostIndex RoundRobin::pick(const PickContext& context) {
  if (context.level >= next_by_level_.size()) next_by_level_.resize(context.level + 1, seed_);
  const std::uint64_t turn = next_by_level_[context.level]++;
  return context.candidates[turn % context.candidates.size()];
}

}  // namespace faultline::balancer
