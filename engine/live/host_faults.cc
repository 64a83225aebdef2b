#include "engine/live/host_faults.h"

#include <algorithm>

namespace faultline::live {

namespace {

// The share struck by either of two independent draws.
double either(double a, double b) {
  return 1 - (1 - a) * (1 - b);
}

}  // namespace

bool HostFaults::apply(const std::vector<std::uint32_t>& striking,
                       const std::vector<sim::FaultSpec>& faults, balancer::TimePoint now) {
  bool crashed = false;
  bool dark = false;
  bool paused = false;
  std::vector<LatencyFault> latencies;
  double error_share = 0;
  unsigned error_status = 500;
  double slowdown = 1;
  double gray_share = 0;
  unsigned gray_status = 500;
  double reset_share = 0;
  double refused_share = 0;
  balancer::Duration reset_after{};
  for (const std::uint32_t index : striking) {
    const sim::FaultSpec& fault = faults[index];
    // Within [start, end) by construction; a timer a hair early must not make it negative.
    const double intensity = std::clamp(fault.intensityAt(now), 0.0, 1.0);
    switch (fault.kind) {
      case sim::FaultKind::kHostCrash:
        crashed = true;
        break;
      case sim::FaultKind::kZoneOutage:
      case sim::FaultKind::kRegionOutage:
        dark = true;
        break;
      case sim::FaultKind::kHostPause:
        paused = true;
        break;
      case sim::FaultKind::kLatency:
        latencies.push_back(LatencyFault{fault.delay, fault.probability, intensity});
        break;
      case sim::FaultKind::kErrors:
        if (error_share == 0) error_status = fault.status;
        error_share = either(error_share, fault.probability * intensity);
        break;
      case sim::FaultKind::kBrownout:
        // A total loss makes the factor infinite: the backend caps the stretched time, as the
        // simulator does.
        slowdown /= 1 - fault.capacity_loss * intensity;
        break;
      case sim::FaultKind::kGrayFailure:
        slowdown *= 1 + (fault.slowdown - 1) * intensity;
        if (gray_share == 0) gray_status = fault.status;
        gray_share = either(gray_share, fault.probability * intensity);
        break;
      case sim::FaultKind::kConnectionRefused:
        refused_share = either(refused_share, fault.probability * intensity);
        break;
      case sim::FaultKind::kConnectionReset:
        reset_share = either(reset_share, fault.probability * intensity);
        reset_after = std::max(reset_after, fault.reset_after);
        break;
      default:
        break;  // not on hosts
    }
  }
  // The order matters as in the simulator: dark over crashed over paused.
  if (dark != dark_) backend_.setDark(dark);
  if (crashed && !crashed_) backend_.crash();
  if (!crashed && crashed_) backend_.restart();
  if (paused != paused_) backend_.setPaused(paused);
  dark_ = dark;
  crashed_ = crashed;
  paused_ = paused;
  backend_.setLatencyFaults(std::move(latencies));
  backend_.setInjectedErrors(error_share, error_status);
  backend_.setSlowdown(slowdown);
  backend_.setGrayErrors(gray_share, gray_status);
  backend_.setResetProbability(reset_share, reset_after);
  // A dark host loses a try before any fault of its own acts (World::onReachHost).
  refused_ = dark ? 0 : refused_share;
  return serving();
}

}  // namespace faultline::live
