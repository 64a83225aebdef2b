#include "engine/sim/fault_delay.h"

#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <numbers>

namespace faultline::sim {
namespace {

// netem's paretonormal table mixes the two shapes 1 : 3 (iproute2, netem/paretonormal.c).
constexpr double kParetoShare = 0.25;

}  // namespace

double standardNormal(double u) {
  return -std::numbers::sqrt2 * boost::math::erfc_inv(2.0 * u);
}

double standardPareto(double u) {
  constexpr double kShape = 3.0;
  const double x = std::pow(u, -1.0 / kShape);  // Pareto with minimum 1
  const double mean = kShape / (kShape - 1);
  const double stddev = std::sqrt(kShape / (kShape - 2)) / (kShape - 1);
  return (x - mean) / stddev;
}

Duration AddedDelay::sample(double intensity, double u1, double u2) const {
  const double mean = static_cast<double>(latency.count()) * intensity;
  const double spread = static_cast<double>(jitter.count()) * intensity;
  double z = 0;
  switch (distribution) {
    case JitterDistribution::kUniform:
      z = 2 * u1 - 1;
      break;
    case JitterDistribution::kNormal:
      z = standardNormal(u1);
      break;
    case JitterDistribution::kPareto:
      z = standardPareto(u1);
      break;
    case JitterDistribution::kParetoNormal:
      z = kParetoShare * standardPareto(u1) + (1 - kParetoShare) * standardNormal(u2);
      break;
  }
  // A far Pareto tail is kept at a day rather than overflowing the integer clock.
  constexpr double kMaxNs = 86'400e9;
  const double ns = std::min(mean + spread * z, kMaxNs);
  return ns <= 0 ? Duration::zero() : Duration(std::llround(ns));
}

}  // namespace faultline::sim
