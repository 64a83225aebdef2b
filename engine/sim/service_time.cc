#include "engine/sim/service_time.h"

#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <cassert>
#include <cmath>
#include <numbers>

namespace faultline::sim {
namespace {

double nanos(Duration d) {
  return static_cast<double>(d.count());
}

Duration toDuration(double ns) {
  assert(!std::isnan(ns) && "a distribution produced NaN");
  if (std::isnan(ns)) return Duration::zero();
  return Duration(std::llround(std::clamp(ns, 0.0, kLongestServiceNs)));
}

// The standard normal quantile, through the inverse complementary error function:
// Phi^-1(u) = -sqrt(2) * erfc^-1(2u). Boost.Math's erfc_inv keeps full precision in both tails.
double normalQuantile(double u) {
  return -std::numbers::sqrt2 * boost::math::erfc_inv(2.0 * u);
}

}  // namespace

ServiceTime ServiceTime::exponential(Duration mean) {
  return ServiceTime(Kind::kExponential, nanos(mean), 0, mean);
}

ServiceTime ServiceTime::logNormal(Duration mean, Duration stddev) {
  // Moments of a log-normal: E = exp(mu + sigma^2/2), Var/E^2 = exp(sigma^2) - 1.
  const double m = nanos(mean);
  const double cv = nanos(stddev) / m;
  const double sigma2 = std::log1p(cv * cv);
  return ServiceTime(Kind::kLogNormal, std::log(m) - sigma2 / 2, std::sqrt(sigma2), mean);
}

ServiceTime ServiceTime::constant(Duration value) {
  return ServiceTime(Kind::kConstant, nanos(value), 0, value);
}

ServiceTime ServiceTime::uniform(Duration min, Duration max) {
  return ServiceTime(Kind::kUniform, nanos(min), nanos(max - min), (min + max) / 2);
}

Duration ServiceTime::sample(double u) const {
  assert(u > 0 && u < 1);
  switch (kind_) {
    case Kind::kExponential:
      return toDuration(-p1_ * std::log1p(-u));
    case Kind::kLogNormal:
      return toDuration(std::exp(p1_ + p2_ * normalQuantile(u)));
    case Kind::kConstant:
      return toDuration(p1_);
    case Kind::kUniform:
      return toDuration(p1_ + p2_ * u);
  }
  return Duration::zero();
}

}  // namespace faultline::sim
