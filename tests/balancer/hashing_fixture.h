#pragma once

#include <cstdint>
#include <cstdio>
#include <vector>

#include "balancer/ring_hash.h"
#include "tests/balancer/pick_fixture.h"

namespace faultline::balancer::testing {

// Helpers for the ring-hash and Maglev tests.

// The hosts of PickFixture(weights), listed in the opposite order: host i is named
// "h<count - 1 - i>" and has weights[count - 1 - i]. Another balancer's view of the same hosts.
inline PickFixture reversedHosts(const std::vector<std::uint32_t>& weights) {
  PickFixture fixture(weights);
  const auto count = static_cast<HostIndex>(weights.size());
  std::vector<HostDescriptor> descriptors(count);
  std::vector<HostIndex> level;
  for (HostIndex h = 0; h < count; ++h) {
    char name[16];
    std::snprintf(name, sizeof name, "h%u", count - 1 - h);
    descriptors[h].address = h;
    descriptors[h].name = name;
    descriptors[h].weight = weights[count - 1 - h];
    level.push_back(h);
  }
  fixture.hosts = PrioritySet(std::move(descriptors), {level});
  return fixture;
}

// The host `strategy` picks for a request with `key`.
inline HostIndex pickWithKey(Strategy& strategy, PickFixture& fixture, std::uint64_t key) {
  fixture.request.hash_key = key;
  return strategy.pick(fixture.context());
}

// Each host's share of the hash space on `ring`: point i owns the hashes after point i - 1 up to
// its own (point 0 also owns those past the last point), so its arc is hash_i - hash_(i-1), with
// the wrap-around falling out of unsigned arithmetic.
inline std::vector<double> arcShares(const HashRing& ring, std::size_t host_count) {
  std::vector<double> shares(host_count, 0.0);
  const std::size_t size = ring.size();
  if (size == 1) {
    shares[ring.hostAt(0)] = 1.0;  // a lone point's arc is the whole space, not 0
    return shares;
  }
  for (std::size_t i = 0; i < size; ++i) {
    const std::uint64_t arc = ring.hashAt(i) - ring.hashAt(i == 0 ? size - 1 : i - 1);
    shares[ring.hostAt(i)] += static_cast<double>(arc) / 18446744073709551616.0;  // 2^64
  }
  return shares;
}

// How many points of `ring` each host has.
inline std::vector<std::uint64_t> pointsPerHost(const HashRing& ring, std::size_t host_count) {
  std::vector<std::uint64_t> points(host_count, 0);
  for (std::size_t i = 0; i < ring.size(); ++i)
    ++points[ring.hostAt(i)];
  return points;
}

}  // namespace faultline::balancer::testing
