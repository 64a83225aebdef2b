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

}  // namespace faultline::live
