#pragma once

#include <chrono>
#include <cmath>

#include "balancer/time.h"

namespace faultline::live {

// How fast a live run's clock goes against the wall clock: at factor X, a second of the
// scenario lasts 1/X of a real second. Every duration of the scenario (service times, network
// trips, timeouts, the balancer's own timers, the timeline of faults) is shrunk by X on the
// way out and every measured duration stretched by X on the way back, so a run that is X times
// shorter has the same queues and the same timing relations as the scenario; only its request
// rate in real time is X times higher (`faultline live --rate-scale` lowers it).
class TimeScale {
 public:
  TimeScale() = default;
  explicit TimeScale(double factor) : factor_(factor > 0 && std::isfinite(factor) ? factor : 1) {}

  double factor() const { return factor_; }
  // The real time a scenario duration takes.
  balancer::Duration toReal(balancer::Duration scenario) const {
    return scale(scenario, 1 / factor_);
  }
  // The scenario duration a real time stands for.
  balancer::Duration toScenario(balancer::Duration real) const { return scale(real, factor_); }

 private:
  static balancer::Duration scale(balancer::Duration d, double by) {
    if (by == 1) return d;
    return balancer::Duration(
        static_cast<balancer::Duration::rep>(std::llround(static_cast<double>(d.count()) * by)));
  }

  double factor_ = 1;
};

}  // namespace faultline::live
