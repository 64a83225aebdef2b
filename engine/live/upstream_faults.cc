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

// SplitMix64 to a double in [0, 1), 53 bits.
double UpstreamFaults::uniform() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

TryEffect UpstreamFaults::draw(const std::string& backend) {
  TryEffect effect;
  for (const UpstreamFault& fault : faults_) {
    if (!fault.backend.empty() && fault.backend != backend) continue;
    if (fault.probability < 1 && uniform() >= fault.probability) continue;
    switch (fault.kind) {
      case UpstreamFault::Kind::kLatency:
        effect.delay += fault.latency;
        break;
      case UpstreamFault::Kind::kErrors:
        if (!effect.status && !effect.reset) effect.status = fault.status;
        break;
      case UpstreamFault::Kind::kReset:
        if (!effect.status && !effect.reset) effect.reset = true;
        break;
    }
  }
  return effect;
}

}  // namespace faultline::live
