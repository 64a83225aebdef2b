#pragma once

#include <cstdint>
#include <vector>

#include "balancer/time.h"

namespace faultline::sim {

using balancer::Duration;

// One-way latency between regions (the diagonal is the latency inside a region), each trip
// drawing a uniform jitter of up to ± the link's jitter, as a Toxiproxy latency toxic does.
class Network {
 public:
  explicit Network(std::uint32_t regions)
      : regions_(regions), links_(std::size_t{regions} * regions) {}

  void setLink(std::uint32_t from, std::uint32_t to, Duration one_way, Duration jitter) {
    links_[index(from, to)] = Link{one_way, jitter};
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
  std::uint32_t regions_;
  std::vector<Link> links_;
};

}  // namespace faultline::sim
