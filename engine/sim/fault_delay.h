#pragma once

#include <cstdint>

#include "balancer/time.h"

namespace faultline::sim {

using balancer::Duration;

// How an added delay spreads around its mean, as netem's delay distributions.
enum class JitterDistribution : std::uint8_t { kUniform, kNormal, kPareto, kParetoNormal };

// A delay a fault adds to a trip: `latency` spread by `jitter` (for kUniform, ± up to jitter; for
// the others, jitter is the standard deviation). Sampled by inverse transform from the draws it
// is given, never below zero.
struct AddedDelay {
  Duration latency{};
  Duration jitter{};
  JitterDistribution distribution = JitterDistribution::kUniform;

  // The delay at strength `intensity` (latency and jitter both scaled) from two uniforms in the
  // open interval (0, 1); only kParetoNormal uses the second.
  Duration sample(double intensity, double u1, double u2) const;
};

// A standardised draw (mean 0, standard deviation 1) of each shape, from a uniform in (0, 1).
double standardNormal(double u);
// Pareto with shape 3 (the smallest integer shape with a finite variance), standardised: its
// mean 1.5 and standard deviation sqrt(3) / 2 taken out. Bounded below by -1 / sqrt(3),
// unbounded above.
double standardPareto(double u);

}  // namespace faultline::sim
