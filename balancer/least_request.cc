#include "balancer/least_request.h"

#include <cassert>

namespace faultline::balancer {

HostIndex LeastRequest::pick(const PickContext& context) {
  assert(choice_count_ >= 1);
  const auto size = static_cast<std::uint32_t>(context.candidates.size());
  HostIndex best = context.candidates[uniformIndex(runtime_.random(), size)];
  for (std::uint32_t choice = 1; choice < choice_count_; ++choice) {
    const HostIndex sampled = context.candidates[uniformIndex(runtime_.random(), size)];
    if (context.load[sampled].active_requests < context.load[best].active_requests) {
      best = sampled;
    }
  }
  return best;
}

}  // namespace faultline::balancer
