#include <string>

#include "engine/live/live_run.h"

namespace faultline::live {
namespace {

// Faults are named by their name: a shortened run leaves out those it never reaches, so their
// place in the list is not the scenario's.
LiveError faultError(const sim::WorldSpec& spec, std::size_t fault, const std::string& what) {
  std::string message = "fault \"" + spec.layout.faults[fault].name + "\": live mode " + what;
  message += " yet: run this scenario in the simulator (faultline run)";
  return LiveError{"faults", std::move(message)};
}

std::optional<LiveError> unsupportedFault(const sim::WorldSpec& spec) {
  for (std::size_t f = 0; f < spec.faults.size(); ++f) {
    const sim::FaultSpec& fault = spec.faults[f];
    const char* what = nullptr;
    switch (fault.kind) {
      case sim::FaultKind::kConnectionRefused:
        what = "connection_refused";
        break;
      case sim::FaultKind::kBalancerCrash:
        what = "balancer_crash";
        break;
      case sim::FaultKind::kDnsFailure:
        what = "dns_failure";
        break;
      case sim::FaultKind::kDnsStale:
        what = "dns_stale";
        break;
      default:
        break;
    }
    if (what != nullptr)
      return faultError(spec, f, std::string("does not apply ") + what + " faults");
  }
  return std::nullopt;
}

}  // namespace

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
  return unsupportedFault(spec);
}

}  // namespace faultline::live
