#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

#include "balancer/time.h"
#include "engine/metrics/run_layout.h"

// Conversions the spec builders share: the scenario's units into the simulator's.
namespace faultline::sim {

inline balancer::Duration fromMillis(double ms) {
  return balancer::Duration(std::llround(ms * 1e6));
}
inline balancer::Duration fromSeconds(double s) {
  return balancer::Duration(std::llround(s * 1e9));
}

// The index of a region by name; the region count when there is none.
inline std::uint32_t regionIndex(const metrics::RunLayout& layout, std::string_view name) {
  std::uint32_t r = 0;
  while (r < layout.regions.size() && layout.regions[r].name != name)
    ++r;
  return r;
}

}  // namespace faultline::sim
