#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "balancer/priority_set.h"
#include "balancer/runtime.h"

namespace faultline::balancer {

// Envoy's SlowStartConfig (extensions/load_balancing_policies/common/v3/common.proto). Off while
// the window is zero.
struct SlowStartConfig {
  Duration window{};
  double aggression = 1.0;
  double min_weight_percent = 10;
};

// Envoy's slow start for round robin and least request (load_balancer_impl.cc,
// EdfLoadBalancerBase::applySlowStartFactor): a host that comes back healthy after failing its
// checks takes weight x max(min_weight_percent / 100, t^(1 / aggression)) for the `window` after
// it, t being the share of the window elapsed; then its full weight. HAProxy's `slowstart` is the
// linear case (aggression 1) without the floor. Hosts present from the start are not ramped, as
// in both proxies. Envoy recomputes the factor at every pick; we recompute every twentieth of
// the window (at least every millisecond), so the ramp climbs in steps of 5% of the window: the
// schedules it feeds are rebuilt at each step, not at each pick.
class SlowStart {
 public:
  SlowStart(Runtime& runtime, PrioritySet& hosts, const SlowStartConfig& config);

  void onHostHealthy(HostIndex host);
  void onHostUnhealthy(HostIndex host);
  bool ramping(HostIndex host) const;

 private:
  void refresh();
  double factor(Duration elapsed) const;

  Runtime& runtime_;
  PrioritySet& hosts_;
  SlowStartConfig config_;
  Duration step_;
  std::unique_ptr<Timer> timer_;
  struct Ramp {
    HostIndex host;
    TimePoint since;
  };
  std::vector<Ramp> ramps_;
};

}  // namespace faultline::balancer
