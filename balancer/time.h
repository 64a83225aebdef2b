#pragma once

#include <chrono>
#include <cstdint>

namespace faultline::balancer {

// Time in Faultline is integer nanoseconds since the start of a run, never a double. The core
// never reads a clock: it asks its Runtime, which is virtual time in the simulator and a steady
// clock in live mode.
using Duration = std::chrono::nanoseconds;

// A clock tag with no now(): it only gives time points their type. Only a Runtime knows "now".
struct RunClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = Duration;
  using time_point = std::chrono::time_point<RunClock>;
  static constexpr bool is_steady = true;
};

using TimePoint = RunClock::time_point;

constexpr TimePoint kRunStart{};

}  // namespace faultline::balancer
