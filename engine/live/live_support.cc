#include <string>

#include "engine/live/live_run.h"

namespace faultline::live {

void scaleRates(sim::WorldSpec& spec, double factor) {
  for (auto& client : spec.clients) {
    for (auto& segment : client.rate) {
      segment.rate_per_s *= factor;
      segment.slope_per_s2 *= factor;
    }
  }
  for (auto& region : spec.layout.regions)
    region.client_rate_rps *= factor;
}

std::optional<LiveError> liveSupport(const sim::WorldSpec& spec) {
  if (spec.tier) {
    return LiveError{"balancer.tier",
                     "live mode runs client-side balancers only: a balancer tier is the "
                     "simulator's for now"};
  }
  // Every fault the validator allows without a balancer tier runs live: those that need one
  // (balancer_crash, dns_failure, dns_stale) were refused with it.
  return std::nullopt;
}

}  // namespace faultline::live
