#pragma once

#include <cstdint>

#include "balancer/runtime.h"
#include "balancer/strategy.h"

namespace faultline::balancer {

// Least request by power of N choices, as Envoy's LEAST_REQUEST with equal weights
// (least_request_lb.cc, unweightedHostPick): sample `choice_count` hosts uniformly *with
// replacement* and keep the one with the fewest active requests; on a tie the host sampled first
// wins. With two choices this is Mitzenmacher's "power of two choices" ("The Power of Two Choices
// in Randomized Load Balancing", IEEE TPDS 2001): the maximum load drops from
// O(log n / log log n) to O(log log n) at the cost of one extra sample. "Active" is the
// balancer's own rq_active, counted from the pick until the answer (or the timeout) is back.
class LeastRequest final : public Strategy {
 public:
  static constexpr std::uint32_t kDefaultChoiceCount = 2;

  LeastRequest(Runtime& runtime, std::uint32_t choice_count)
      : runtime_(runtime), choice_count_(choice_count) {}

  HostIndex pick(const PickContext& context) override;

 private:
  Runtime& runtime_;
  std::uint32_t choice_count_;
};

}  // namespace faultline::balancer
