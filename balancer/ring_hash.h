#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "balancer/runtime.h"
#include "balancer/strategy.h"
#include "balancer/strategy_options.h"

namespace faultline::balancer {

// A consistent-hashing ring (Karger et al., "Consistent Hashing and Random Trees", STOC 1997) in
// the ketama form Envoy's RING_HASH builds (ring_hash_lb.cc): each host is hashed onto the ring
// many times, and a key belongs to the first point at or after its hash, wrapping past the end.
//
// Sizing follows Envoy: the lightest host gets a whole number of points, at least its share of
// `minimum_size`, and the others get points in proportion to their weight; if that would exceed
// `maximum_size`, every count is scaled down to fit, and running sums hand out the fractions
// (so with 4 equal hosts and a maximum of 6 they get 2, 1, 2, 1). We do the arithmetic in exact
// integers where Envoy uses doubles, so equal weights always get exactly equal counts.
//
// Point j of a host is XXH64("<name>_<j>"), as in Envoy. Hosts are taken in name order and points
// with equal hashes are ordered by name, so every balancer with the same hosts builds the same
// ring, whatever order its host list is in.
class HashRing {
 public:
  // Builds the ring over `hosts` (not empty), replacing what was there.
  void build(std::span<const HostIndex> hosts, const PrioritySet& set, std::uint64_t minimum_size,
             std::uint64_t maximum_size);

  std::size_t size() const { return hashes_.size(); }
  // The position of the point that owns `hash`: the first whose hash is >= `hash`, or the first
  // point of all when `hash` is past the last one.
  std::size_t find(std::uint64_t hash) const;
  std::uint64_t hashAt(std::size_t position) const { return hashes_[position]; }
  HostIndex hostAt(std::size_t position) const { return hosts_[position]; }
  // The sum of the weights of the hosts the ring was built over.
  std::uint64_t totalWeight() const { return total_weight_; }

 private:
  std::vector<std::uint64_t> hashes_;  // ascending; apart from hosts_ so a lookup reads only these
  std::vector<HostIndex> hosts_;
  std::uint64_t total_weight_ = 0;
};

// Envoy's RING_HASH load balancer: a HashRing per level over its candidates, rebuilt when the
// level's version changes, and a pick that is one binary search. A request without a key takes a
// random point (Envoy does that when its hash policy yields no hash).
//
// Bounded load (hash_balance_factor > 0): "Consistent Hashing with Bounded Loads" (Mirrokni,
// Thorup, Zadimoghaddam, SODA 2018), with unequal weights as Envoy counts them
// (BoundedLoadHashingLoadBalancer): with A requests active at this balancer, a host of normalized
// weight w may hold ceil(ceil((A + 1) x factor / 100) x w) of them, at least 1. A host at its
// bound is passed over for the next point on the ring, as HAProxy walks its tree (lb_chash.c)
// and as the paper probes linearly. Two deliberate differences from Envoy, whose bounded load
// takes the host while its active count is <= the bound and then probes hosts in a random order
// seeded by the hash: we take a host only while it is *below* its bound (the paper's and HAProxy's
// rule, so no host ever holds more than the bound), and walk the ring. Since the bounds add up to
// more than the requests active, the walk always finds a host; it costs O(hosts) per pick (to add
// up the active requests) where a pick without bounded load is O(log ring).
class RingHash final : public Strategy {
 public:
  RingHash(Runtime& runtime, const RingHashOptions& options)
      : runtime_(runtime), options_(options) {}

  HostIndex pick(const PickContext& context) override;
  bool hashesRequests() const override { return true; }

  // The ring last built for `level`, or nullptr before the level's first pick.
  const HashRing* ring(std::uint32_t level) const;

 private:
  struct Level {
    bool built = false;
    std::uint64_t version = 0;
    HashRing ring;
  };

  const HashRing& ringFor(const PickContext& context);
  HostIndex pickBounded(const HashRing& ring, std::size_t position,
                        const PickContext& context) const;

  Runtime& runtime_;
  RingHashOptions options_;
  std::vector<Level> levels_;
};

}  // namespace faultline::balancer
