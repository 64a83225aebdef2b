#include "engine/live/upstream_faults.h"

#include <algorithm>

namespace faultline::live {

UpstreamFault UpstreamFaults::add(UpstreamFault fault) {
  fault.id = next_id_++;
  faults_.push_back(fault);
  return fault;
}

bool UpstreamFaults::remove(std::uint64_t id) {
  return std::erase_if(faults_, [id](const UpstreamFault& f) { return f.id == id; }) > 0;
}

TryEffect UpstreamFaults::draw(const std::string& backend) {
  return draw(backend, /*probe=*/false);
}

TryEffect UpstreamFaults::drawForProbe(const std::string& backend) {
  return draw(backend, /*probe=*/true);
}

TryEffect UpstreamFaults::draw(const std::string& backend, bool probe) {
  TryEffect effect;
  for (const UpstreamFault& fault : faults_) {
    if (!fault.backend.empty() && fault.backend != backend) continue;
    if (fault.probability < 1 && random_.uniform() >= fault.probability) continue;
    switch (fault.kind) {
      case UpstreamFault::Kind::kLatency:
        effect.delay += fault.latency;
        break;
      case UpstreamFault::Kind::kErrors:
        if (!effect.decided() && !probe) effect.status = fault.status;
        break;
      case UpstreamFault::Kind::kReset:
        if (!effect.decided()) effect.reset = true;
        break;
      case UpstreamFault::Kind::kRefused:
        if (!effect.decided()) effect.refused = true;
        break;
    }
  }
  return effect;
}

}  // namespace faultline::live
