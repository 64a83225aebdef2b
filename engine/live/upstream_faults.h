#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "balancer/time.h"
#include "engine/live/network_paths.h"
#include "engine/live/split_mix64.h"

namespace faultline::live {

// A fault injected on the proxy's own calls to its backends, as Toxiproxy's toxics sit between a
// service and what it calls: the backends stay as they are, the proxy sees them slow, failing or
// breaking. Managed through the admin endpoint at run time.
struct UpstreamFault {
  enum class Kind : std::uint8_t {
    kLatency,  // the try waits `latency` before it is sent (Toxiproxy's latency toxic, upstream)
    kErrors,   // the try is answered `status` at once, by the proxy, as if by the backend
    kReset,    // the try's connection breaks before an answer (Toxiproxy's reset_peer)
    kRefused,  // the try's connection is refused (a Toxiproxy proxy turned off)
  };
  std::uint64_t id = 0;
  Kind kind = Kind::kLatency;
  std::string backend;  // a backend's name; empty: every backend
  balancer::Duration latency{};
  unsigned status = 503;
  double probability = 1;  // the share of tries it strikes (Toxiproxy's toxicity)
};

// What the faults and the network do to one try: its delay, and whether it is answered or broken
// instead of sent, or lost on the way.
struct TryEffect {
  balancer::Duration delay{};  // before the try is sent (latency faults, the trip out)
  bool lost = false;           // lost on the way out: only a timeout (or the request's end) ends it
  PendingTrip trip_back;       // what its answer's way back takes, drawn as it leaves the backend
  std::optional<unsigned> status;
  bool reset = false;
  bool refused = false;
  // Answered or broken by the faults, rather than sent.
  bool decided() const { return status || reset || refused; }
};

// The faults in force, and the draws that decide which tries they strike. Draws come from a
// stream of their own so that injecting a fault never shifts the balancer's picks.
class UpstreamFaults {
 public:
  explicit UpstreamFaults(std::uint64_t seed) : random_(seed ^ 0x6a09e667f3bcc909ULL) {}

  // Adds a fault and returns it with its id.
  UpstreamFault add(UpstreamFault fault);
  bool remove(std::uint64_t id);
  void clear() { faults_.clear(); }
  const std::vector<UpstreamFault>& faults() const { return faults_; }
  bool empty() const { return faults_.empty(); }

  // The effect on a try to `backend`: every latency fault that strikes adds up; the first error,
  // reset or refusal that strikes, in the order they were added, decides its fate.
  TryEffect draw(const std::string& backend);
  // The effect on a health probe: latencies, resets and refusals strike it as they strike a try
  // (the network cannot tell them apart); injected errors do not (they are answers).
  TryEffect drawForProbe(const std::string& backend);

 private:
  std::vector<UpstreamFault> faults_;
  std::uint64_t next_id_ = 1;
  TryEffect draw(const std::string& backend, bool probe);

  SplitMix64 random_;
};

}  // namespace faultline::live
