#pragma once

#include <cstdint>

#include "engine/sim/random_streams.h"

namespace faultline::live {

// SplitMix64 (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number Generators", OOPSLA
// 2014): one addition and a mix per draw; streams seeded apart never meet in practice. Live
// timing is not reproducible anyway, so live parts need no per-request counter keys as the
// simulator's draws do, only a sequential stream of their own.
class SplitMix64 {
 public:
  SplitMix64() = default;
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in the open interval (0, 1), as the simulator draws (sim::uniformOpen).
  double uniform() { return sim::uniformOpen(next()); }

 private:
  std::uint64_t state_ = 0;
};

}  // namespace faultline::live
