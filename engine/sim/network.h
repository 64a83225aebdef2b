#pragma once

#include <cstdint>
#include <vector>

#include "balancer/time.h"

namespace faultline::sim {

using balancer::Duration;

// One-way latency between regions (the diagonal is the latency inside a region), each trip
// drawing a uniform jitter of up to ± the link's jitter, as a Toxiproxy latency toxic does.
// Inside a region, a trip between two zones may take longer (cross_zone_ms).
class Network {
 public:
  explicit Network(std::uint32_t regions)
      : regions_(regions), links_(std::size_t{regions} * regions), cross_zone_(regions) {}

  void setLink(std::uint32_t from, std::uint32_t to, Duration one_way, Duration jitter) {
    links_[index(from, to)] = Link{one_way, jitter};
  }
  void setCrossZone(std::uint32_t region, Duration one_way, Duration jitter) {
    cross_zone_[region] = Link{one_way, jitter};
  }

  // A trip between zone `from_zone` of region `from` and zone `to_zone` of region `to`: the
  // regions' link, or the region's cross-zone link between two of its zones.
  Duration baseDelay(std::uint32_t from, std::uint32_t from_zone, std::uint32_t to,
                     std::uint32_t to_zone) const {
    return link(from, from_zone, to, to_zone).one_way;
  }
  Duration delay(std::uint32_t from, std::uint32_t from_zone, std::uint32_t to,
                 std::uint32_t to_zone, std::uint64_t random_bits) const {
    const Link& trip = link(from, from_zone, to, to_zone);
    if (trip.jitter == Duration::zero()) return trip.one_way;
    return jittered(trip.one_way, trip.jitter, random_bits);
  }

  Duration baseDelay(std::uint32_t from, std::uint32_t to) const {
    return links_[index(from, to)].one_way;
  }
  Duration jitter(std::uint32_t from, std::uint32_t to) const {
    return links_[index(from, to)].jitter;
  }

  // One trip's delay, from 64 random bits. Never negative.
  Duration delay(std::uint32_t from, std::uint32_t to, std::uint64_t random_bits) const {
    const Link& link = links_[index(from, to)];
    if (link.jitter == Duration::zero()) return link.one_way;
    return jittered(link.one_way, link.jitter, random_bits);
  }

  // `base` ± up to `jitter`, uniformly, clamped at zero.
  static Duration jittered(Duration base, Duration jitter, std::uint64_t random_bits) {
    const auto span = static_cast<std::uint64_t>(2 * jitter.count() + 1);
    const auto offset = static_cast<Duration::rep>(random_bits % span) - jitter.count();
    const Duration d = base + Duration(offset);
    return d < Duration::zero() ? Duration::zero() : d;
  }

  std::uint32_t regionCount() const { return regions_; }

 private:
  std::size_t index(std::uint32_t from, std::uint32_t to) const {
    return std::size_t{from} * regions_ + to;
  }

  struct Link {
    Duration one_way{};
    Duration jitter{};
  };
  const Link& link(std::uint32_t from, std::uint32_t from_zone, std::uint32_t to,
                   std::uint32_t to_zone) const {
    return from == to && from_zone != to_zone ? cross_zone_[from] : links_[index(from, to)];
  }

  std::uint32_t regions_;
  std::vector<Link> links_;
  std::vector<Link> cross_zone_;  // per region
};

}  // namespace faultline::sim
