#include "balancer/least_request.h"

#include <cassert>
#include <cmath>

namespace faultline::balancer {

LeastRequest::LeastRequest(Runtime& runtime, const LeastRequestOptions& options)
    : runtime_(runtime),
      choice_count_(options.choice_count),
      full_scan_(options.full_scan),
      // Envoy falls back to 1.0 for a negative or NaN bias rather than failing the pick.
      active_request_bias_(options.active_request_bias >= 0 ? options.active_request_bias : 1.0) {
  assert(choice_count_ >= 1);
}

HostIndex LeastRequest::pick(const PickContext& context) {
  const auto weight_of = [this, &context](HostIndex host) {
    return schedulingWeight(context, host);
  };
  if (EdfScheduler* schedule = schedules_.find(context, runtime_, weight_of)) {
    return schedule->pickAndAdd(weight_of);
  }
  return full_scan_ ? pickFullScan(context) : pickNChoices(context);
}

HostIndex LeastRequest::pickNChoices(const PickContext& context) {
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

HostIndex LeastRequest::pickFullScan(const PickContext& context) {
  HostIndex best = context.candidates.front();
  std::uint32_t tied = 1;  // hosts seen so far with best's load
  for (HostIndex host : context.candidates.subspan(1)) {
    const std::uint32_t active = context.load[host].active_requests;
    const std::uint32_t best_active = context.load[best].active_requests;
    if (active < best_active) {
      best = host;
      tied = 1;
    } else if (active == best_active) {
      ++tied;
      if (uniformIndex(runtime_.random(), tied) == 0) best = host;
    }
  }
  return best;
}

double LeastRequest::schedulingWeight(const PickContext& context, HostIndex host) const {
  const double weight = context.hosts.weight(host);
  const double active_plus_one = context.load[host].active_requests + 1.0;
  // The two common biases skip pow(), as Envoy's hostWeight() does.
  if (active_request_bias_ == 1.0) return weight / active_plus_one;
  if (active_request_bias_ == 0.0) return weight;
  return weight / std::pow(active_plus_one, active_request_bias_);
}

}  // namespace faultline::balancer
