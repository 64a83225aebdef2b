#include "balancer/retry_policy.h"

#include <algorithm>

namespace faultline::balancer {
namespace {

// The retry_on conditions each outcome satisfies (router.rst: 5xx includes "no response at all";
// gateway-error is 502/503/504 plus no response; reset is no response; connect-failure).
std::uint32_t conditionsOf(Outcome outcome) {
  switch (outcome) {
    case Outcome::kServerError:
      return kRetryOn5xx;
    case Outcome::kOverloaded:
    case Outcome::kGatewayError:
      return kRetryOn5xx | kRetryOnGatewayError;
    case Outcome::kConnectFailure:
      return kRetryOn5xx | kRetryOnGatewayError | kRetryOnReset | kRetryOnConnectFailure;
    case Outcome::kReset:
    case Outcome::kTimeout:
      return kRetryOn5xx | kRetryOnGatewayError | kRetryOnReset;
    case Outcome::kSuccess:
    case Outcome::kClientError:  // retriable-4xx (409 only) is not modelled
    case Outcome::kCancelled:
      return 0;
  }
  return 0;
}

}  // namespace

bool RetryPolicy::retriable(Outcome outcome) const {
  return config_.enabled && (conditionsOf(outcome) & config_.retry_on) != 0;
}

Duration RetryPolicy::backoff(std::uint32_t retry, std::uint64_t random_bits) const {
  // (2^n - 1) x base, computed without overflow: past 2^30 the cap has long been reached.
  const std::uint32_t doublings = std::min<std::uint32_t>(retry, 30);
  const Duration ceiling =
      std::min(config_.backoff_base * ((std::int64_t{1} << doublings) - 1), config_.backoff_max);
  if (ceiling <= Duration::zero()) return Duration::zero();
  return Duration(
      static_cast<Duration::rep>(random_bits % static_cast<std::uint64_t>(ceiling.count())));
}

}  // namespace faultline::balancer
