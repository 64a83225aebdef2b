#pragma once

#include <cstdint>

#include "balancer/time.h"

namespace faultline::balancer {

// How long a client waits before retrying a failed request, after the AWS Architecture Blog's
// "Exponential Backoff And Jitter" (Marc Brooker, 2015), whose simulations showed that jitter, not
// the exponent, is what stops retries from arriving in synchronised waves.
enum class BackoffKind : std::uint8_t {
  kExponential,         // min(cap, base * 2^n)
  kFullJitter,          // uniform in [0, min(cap, base * 2^n))
  kEqualJitter,         // half of min(cap, base * 2^n), plus a uniform share of the other half
  kDecorrelatedJitter,  // min(cap, uniform in [base, 3 * previous sleep)), the first from base
  kFixed,               // base
  kNone,                // no wait: the naive client of a retry storm
};

struct ClientBackoffConfig {
  BackoffKind kind = BackoffKind::kExponential;
  Duration base = std::chrono::milliseconds(100);
  Duration cap = std::chrono::seconds(10);
};

// The sleep before retry n (0 for the first retry), given the sleep before the previous one
// (decorrelated jitter only; zero before the first) and 64 random bits.
Duration clientBackoff(const ClientBackoffConfig& config, std::uint32_t retry, Duration previous,
                       std::uint64_t random_bits);

}  // namespace faultline::balancer
