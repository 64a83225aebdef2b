#include "balancer/slow_start.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace faultline::balancer {

SlowStart::SlowStart(Runtime& runtime, PrioritySet& hosts, const SlowStartConfig& config)
    : runtime_(runtime),
      hosts_(hosts),
      config_(config),
      step_(std::max<Duration>(config.window / 20, std::chrono::milliseconds(1))),
      timer_(runtime.createTimer([this] { refresh(); })) {
  assert(config_.window > Duration::zero() && config_.aggression > 0);
}

void SlowStart::onHostHealthy(HostIndex host) {
  onHostUnhealthy(host);  // a host that flaps starts its ramp again
  ramps_.push_back(Ramp{host, runtime_.now()});
  hosts_.setWeightScale(host, factor(Duration::zero()));
  if (!timer_->enabled()) timer_->enable(step_);
}

void SlowStart::onHostUnhealthy(HostIndex host) {
  const auto it = std::find_if(ramps_.begin(), ramps_.end(),
                               [host](const Ramp& ramp) { return ramp.host == host; });
  if (it == ramps_.end()) return;
  ramps_.erase(it);
  hosts_.setWeightScale(host, 1.0);
}

bool SlowStart::ramping(HostIndex host) const {
  return std::any_of(ramps_.begin(), ramps_.end(),
                     [host](const Ramp& ramp) { return ramp.host == host; });
}

void SlowStart::refresh() {
  const TimePoint now = runtime_.now();
  std::erase_if(ramps_, [&](const Ramp& ramp) {
    const Duration elapsed = now - ramp.since;
    const bool done = elapsed >= config_.window;
    hosts_.setWeightScale(ramp.host, done ? 1.0 : factor(elapsed));
    return done;
  });
  if (!ramps_.empty()) timer_->enable(step_);
}

double SlowStart::factor(Duration elapsed) const {
  const double t = std::clamp(
      static_cast<double>(elapsed.count()) / static_cast<double>(config_.window.count()), 0.0, 1.0);
  const double floor = std::clamp(config_.min_weight_percent / 100.0, 0.0, 1.0);
  // A scale of zero would stop a host forever; a zero floor still lets a sliver through.
  return std::clamp(std::max(floor, std::pow(t, 1.0 / config_.aggression)), 1e-6, 1.0);
}

}  // namespace faultline::balancer
