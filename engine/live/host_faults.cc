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
                       const std::vector<sim::FaultSpec>& faults) {
  bool crashed = false;
  bool dark = false;
  bool paused = false;
  balancer::Duration added{};
  double latency_share = 0;
  double error_share = 0;
  unsigned error_status = 500;
  double slowdown = 1;
  double gray_share = 0;
  unsigned gray_status = 500;
  double reset_share = 0;
  balancer::Duration reset_after{};
  for (const std::uint32_t index : striking) {
    const sim::FaultSpec& fault = faults[index];
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
        added += fault.delay.latency;  // its mean; jitter and ramps are the simulator's
        latency_share = std::max(latency_share, fault.probability);
        break;
      case sim::FaultKind::kErrors:
        if (error_share == 0) error_status = fault.status;
        error_share = either(error_share, fault.probability);
        break;
      case sim::FaultKind::kBrownout:
        if (fault.capacity_loss < 1) slowdown /= 1 - fault.capacity_loss;
        break;
      case sim::FaultKind::kGrayFailure:
        slowdown *= fault.slowdown;
        if (gray_share == 0) gray_status = fault.status;
        gray_share = either(gray_share, fault.probability);
        break;
      case sim::FaultKind::kConnectionReset:
        reset_share = either(reset_share, fault.probability);
        reset_after = std::max(reset_after, fault.reset_after);
        break;
      default:
        break;  // not on hosts, or refused by liveSupport()
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
  backend_.setExtraLatency(added, latency_share);
  backend_.setInjectedErrors(error_share, error_status);
  backend_.setSlowdown(slowdown);
  backend_.setGrayErrors(gray_share, gray_status);
  backend_.setResetProbability(reset_share, reset_after);
  return serving();
}

}  // namespace faultline::live
