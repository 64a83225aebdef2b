#pragma once

#include <cstdint>

#include "balancer/runtime.h"
#include "balancer/source_schedules.h"
#include "balancer/strategy.h"
#include "balancer/strategy_options.h"

namespace faultline::balancer {

// Least request with the semantics of Envoy's LEAST_REQUEST (least_request_lb.cc). "Active" is
// the balancer's own rq_active, counted from the pick until the answer (or the timeout) is back.
//
// Equal weights, N_CHOICES (the default): sample `choice_count` hosts uniformly *with
// replacement* and keep the one with the fewest active requests; on a tie the host sampled first
// wins. With two choices this is Mitzenmacher's "power of two choices" ("The Power of Two Choices
// in Randomized Load Balancing", IEEE TPDS 2001): the maximum load drops from
// O(log n / log log n) to O(log log n) at the cost of one extra sample.
//
// Equal weights, FULL_SCAN: every candidate is looked at and the least active wins; ties are
// broken uniformly by reservoir sampling (the k-th tied host seen replaces the choice with
// probability 1/k), one random draw per tie, as Envoy does.
//
// Weights that differ: an EDF schedule (EdfScheduler, per level as in SourceSchedules) where a
// host's scheduling weight is weight / (active + 1)^active_request_bias. A picked host is re-added
// at the weight it has at that moment, so the schedule follows the load as it changes; a host
// with more requests in flight comes up less often but, unlike under P2C, is never drained
// completely. Bias 0 is weighted round robin; Envoy's default bias is 1.0. choice_count and
// full_scan do not apply to this form, in Envoy either.
class LeastRequest final : public Strategy {
 public:
  LeastRequest(Runtime& runtime, const LeastRequestOptions& options);
  // N_CHOICES with `choice_count` samples, every other option at its default.
  LeastRequest(Runtime& runtime, std::uint32_t choice_count)
      : LeastRequest(runtime, LeastRequestOptions{.choice_count = choice_count}) {}

  HostIndex pick(const PickContext& context) override;

 private:
  HostIndex pickNChoices(const PickContext& context);
  HostIndex pickFullScan(const PickContext& context);
  double schedulingWeight(const PickContext& context, HostIndex host) const;

  Runtime& runtime_;
  std::uint32_t choice_count_;
  bool full_scan_;
  double active_request_bias_;
  SourceSchedules schedules_;
};

}  // namespace faultline::balancer
