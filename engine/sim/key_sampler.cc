#include "engine/sim/key_sampler.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace faultline::sim {
namespace {

// log(1 + x) / x and (exp(x) - 1) / x, accurate near x = 0 where the plain forms lose every digit.
double log1pOverX(double x) {
  return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1 - x / 2;
}
double expm1OverX(double x) {
  return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1 + x / 2;
}

}  // namespace

KeySampler::KeySampler(std::uint64_t distinct, double zipf_exponent)
    : distinct_(distinct), s_(zipf_exponent) {
  assert(distinct_ >= 1 && s_ >= 0);
  if (s_ == 0) return;
  integral_low_ = integral(1.5) - 1.0;
  integral_high_ = integral(static_cast<double>(distinct_) + 0.5);
  squeeze_ = 2.0 - inverseIntegral(integral(2.5) - h(2.0));
}

double KeySampler::h(double x) const {
  return std::exp(-s_ * std::log(x));
}

// (x^(1-s) - 1) / (1 - s), which tends to log(x) as s -> 1.
double KeySampler::integral(double x) const {
  const double log_x = std::log(x);
  return expm1OverX((1.0 - s_) * log_x) * log_x;
}

double KeySampler::inverseIntegral(double x) const {
  const double t = std::max(-1.0, x * (1.0 - s_));
  return std::exp(log1pOverX(t) * x);
}

std::optional<std::uint64_t> KeySampler::tryZipf(double u) const {
  const double x = inverseIntegral(u);
  const double k = std::clamp(std::floor(x + 0.5), 1.0, static_cast<double>(distinct_));
  // Accept at once inside the squeeze, else when u falls under the hat of k.
  if (k - x <= squeeze_ || u >= integral(k + 0.5) - h(k)) {
    return static_cast<std::uint64_t>(k) - 1;
  }
  return std::nullopt;
}

}  // namespace faultline::sim
