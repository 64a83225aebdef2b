#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

namespace faultline::sim {

// Draws request keys (user or session ids) from 0 .. distinct - 1: uniformly, or with Zipf
// popularity, key k with probability proportional to 1 / (k + 1)^s. Zipf by rejection-inversion
// (Hormann and Derflinger, "Rejection-inversion to generate variates from monotone discrete
// distributions", ACM TOMACS 6(3), 1996): constant expected time for any number of keys, about
// 1.1 uniforms per key, no table.
class KeySampler {
 public:
  KeySampler(std::uint64_t distinct, double zipf_exponent);

  // `uniform()` returns doubles in (0, 1); it is called once for a uniform key, rarely more than
  // twice for a Zipf one.
  template <typename Uniform>
  std::uint64_t sample(Uniform&& uniform) const {
    if (s_ == 0) return std::min(scaled(uniform()), distinct_ - 1);
    while (true) {
      const double u = integral_high_ + uniform() * (integral_low_ - integral_high_);
      if (auto key = tryZipf(u)) return *key;
    }
  }

 private:
  std::uint64_t scaled(double u) const {
    return static_cast<std::uint64_t>(u * static_cast<double>(distinct_));
  }
  // The key for one point `u` under the hat, or nullopt when it is rejected.
  std::optional<std::uint64_t> tryZipf(double u) const;
  double h(double x) const;
  double integral(double x) const;  // of h, up to a constant
  double inverseIntegral(double x) const;

  std::uint64_t distinct_;
  double s_;
  double integral_low_ = 0;   // integral(1.5) - h(1)
  double integral_high_ = 0;  // integral(distinct + 0.5)
  double squeeze_ = 0;
};

}  // namespace faultline::sim
