#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "balancer/time.h"
#include "engine/sim/fault_spec.h"

namespace faultline::sim {

// The faults now in force on the links between regions (partitions and degradations), and what
// a trip over a link goes through because of them: Toxiproxy's latency toxic and netem's loss,
// with the retransmissions TCP pays for each loss. Shared by the simulator and live runs, so a
// degraded link means the same in both.
class LinkFaults {
 public:
  LinkFaults(const std::vector<FaultSpec>& faults, std::uint32_t regions);

  // Fault `fault` (a partition or a link degradation) starts or ends on every link it names.
  void set(std::uint32_t fault, bool active);
  bool any() const { return active_ > 0; }

  // The two uniforms in (0, 1) a trip draws for one fault on its link: loss, jitter.
  using Draws = std::function<std::pair<double, double>(std::uint32_t fault)>;
  // A trip from region `from` to `to` that takes `delay` on a healthy link: its delay through the
  // faults on that link at `now`, or nullopt when it is lost (a partition, or more losses in a
  // row than TCP retransmits).
  std::optional<Duration> trip(std::uint32_t from, std::uint32_t to, Duration delay, TimePoint now,
                               const Draws& draws) const;
  // What a trip that takes `base` on a healthy link takes on average now, as clients measuring
  // round trips would see it; a partitioned link is as good as infinitely far.
  Duration expectedTrip(std::uint32_t from, std::uint32_t to, Duration base, TimePoint now) const;

 private:
  const std::vector<std::uint32_t>& on(std::uint32_t from, std::uint32_t to) const {
    return by_link_[std::size_t{from} * regions_ + to];
  }

  const std::vector<FaultSpec>& faults_;
  std::uint32_t regions_;
  std::vector<std::vector<std::uint32_t>> by_link_;  // per (from, to): active faults, in order
  std::uint32_t active_ = 0;
};

}  // namespace faultline::sim
