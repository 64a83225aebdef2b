#pragma once

#include <cstdint>

#include "balancer/time.h"

namespace faultline::sim {

// Heavy tails and stacked slowdowns can reach absurd values from a valid scenario; a service time
// longer than a day is kept at a day rather than overflowing the integer clock.
inline constexpr double kLongestServiceNs = 86'400e9;

using balancer::Duration;

// A distribution of durations, sampled by inverse transform from one uniform draw. One draw per
// sample is what keeps common random numbers sharp: a request carries its own uniform, and hosts
// of different speeds turn the same uniform into the same quantile of their own distribution.
class ServiceTime {
 public:
  static ServiceTime exponential(Duration mean);
  // Log-normal with the given mean and standard deviation (of the durations, not of their log).
  static ServiceTime logNormal(Duration mean, Duration stddev);
  static ServiceTime constant(Duration value);
  static ServiceTime uniform(Duration min, Duration max);

  // The quantile at u, for u in the open interval (0, 1).
  Duration sample(double u) const;
  Duration mean() const { return mean_; }

 private:
  enum class Kind : std::uint8_t { kExponential, kLogNormal, kConstant, kUniform };

  ServiceTime(Kind kind, double p1, double p2, Duration mean)
      : kind_(kind), p1_(p1), p2_(p2), mean_(mean) {}

  Kind kind_;
  double p1_;  // exponential: mean ns; log-normal: mu; constant: ns; uniform: min ns
  double p2_;  // log-normal: sigma; uniform: max - min ns
  Duration mean_;
};

}  // namespace faultline::sim
