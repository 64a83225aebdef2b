#include "balancer/client_backoff.h"

#include <algorithm>

namespace faultline::balancer {
namespace {

// A uniform duration in [low, high), from 64 random bits.
Duration uniformIn(Duration low, Duration high, std::uint64_t random_bits) {
  if (high <= low) return low;
  const auto span = static_cast<std::uint64_t>((high - low).count());
  return low + Duration(static_cast<Duration::rep>(random_bits % span));
}

// min(cap, base * 2^n) without overflow: past 2^40 the cap has long been reached.
Duration exponential(const ClientBackoffConfig& config, std::uint32_t retry) {
  const std::uint32_t doublings = std::min<std::uint32_t>(retry, 40);
  const Duration limit = config.cap / (std::int64_t{1} << doublings);
  if (config.base > limit) return config.cap;
  return std::min(config.cap, config.base * (std::int64_t{1} << doublings));
}

}  // namespace

Duration clientBackoff(const ClientBackoffConfig& config, std::uint32_t retry, Duration previous,
                       std::uint64_t random_bits) {
  switch (config.kind) {
    case BackoffKind::kExponential:
      return exponential(config, retry);
    case BackoffKind::kFullJitter:
      return uniformIn(Duration::zero(), exponential(config, retry), random_bits);
    case BackoffKind::kEqualJitter: {
      const Duration ceiling = exponential(config, retry);
      return ceiling / 2 + uniformIn(Duration::zero(), ceiling - ceiling / 2, random_bits);
    }
    case BackoffKind::kDecorrelatedJitter: {
      const Duration last = previous > Duration::zero() ? previous : config.base;
      return std::min(config.cap, uniformIn(config.base, 3 * last, random_bits));
    }
    case BackoffKind::kFixed:
      return config.base;
    case BackoffKind::kNone:
      return Duration::zero();
  }
  return config.base;
}

}  // namespace faultline::balancer
