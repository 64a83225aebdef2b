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
  for (std::size_t c = 0; c < spec.clients.size(); ++c) {
    const auto& client = spec.clients[c];
    const std::string region = spec.layout.regions[client.region].name;
    if (client.closed_loop) {
      return LiveError{"regions[" + std::to_string(client.region) + "].clients.closed_loop",
                       "live mode sends open-loop traffic only (region " + region + ")"};
    }
    if (client.retry.max_retries > 0) {
      return LiveError{"regions[" + std::to_string(client.region) + "].clients.retry",
                       "live mode's clients do not retry yet (region " + region + ")"};
    }
  }
  if (spec.balancer.config.zone_aware || spec.balancer.config.locality_weights) {
    return LiveError{"balancer.zone_routing",
                     "live mode does not route by zone yet (its clients do not say their zone): "
                     "run this scenario in the simulator"};
  }
  // Every fault the validator allows without a balancer tier runs live: those that need one
  // (balancer_crash, dns_failure, dns_stale) were refused with it.
  return std::nullopt;
}

}  // namespace faultline::live
