#pragma once

#include <cstdint>
#include <optional>

#include "engine/metrics/run_layout.h"

namespace faultline::metrics {

// A balancer's health checks marked a host down or up.
struct HostHealthEvent {
  TimePoint time{};
  std::uint32_t balancer_region = 0;
  std::uint32_t host = 0;
  bool healthy = false;
};

// A balancer moved its traffic from one region to another; nullopt is "no healthy host anywhere".
struct FailoverEvent {
  TimePoint time{};
  std::uint32_t balancer_region = 0;
  std::optional<std::uint32_t> from_region;
  std::optional<std::uint32_t> to_region;
};

// The tier's global layer (DNS health checks, anycast withdrawal) saw an instance die or return.
struct InstanceHealthEvent {
  TimePoint time{};
  std::uint32_t instance = 0;
  bool healthy = false;
};

// A host stopped serving (crashed, dark, paused) or served again: the truth, which the balancers
// only learn from their checks. Faults that slow a host or make it fail requests do not count.
struct HostStateEvent {
  TimePoint time{};
  std::uint32_t host = 0;
  bool serving = false;
};

struct FaultEvent {
  TimePoint time{};
  std::uint32_t fault = 0;
  bool started = false;
};

struct Progress {
  TimePoint simulated{};
  Duration duration{};  // of the scenario; the drain after it may go beyond
  std::uint64_t events = 0;
};

}  // namespace faultline::metrics
