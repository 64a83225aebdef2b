#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "balancer/runtime.h"
#include "balancer/strategy.h"
#include "balancer/strategy_options.h"

namespace faultline::balancer {

// The lookup table of Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software
// Network Load Balancer", NSDI 2016, section 3.4, Listing 1), weighted as Envoy's MAGLEV does it
// (maglev_lb.cc). Each host has a preference list over the M slots (M prime), the permutation
// (offset + j x skip) mod M with offset = XXH64(name) mod M and skip = XXH64(name, seed 1)
// mod (M - 1) + 1; hosts take turns claiming their next free preferred slot until the table is
// full. With equal weights every host claims one slot per round, so shares differ by at most one
// slot, N / M of the mean share: under 1% when M > 100 N, the paper's bound. With weights, as in
// Envoy, a host of weight W takes its turn in round r only while r x W >= its target, and each
// turn raises the target by the largest weight: the heaviest host claims a slot every round, one
// of half its weight every other round, and so on. We keep those figures in exact integers where
// Envoy uses normalized doubles.
//
// Hosts take their turns in name order (Envoy sorts by the hashed key), so every balancer with the
// same hosts builds the same table. Maglev trades some disruption for balance: removing a host
// moves its slots and also a few others, since the freed turns shift other hosts' claims.
class MaglevTable {
 public:
  // Builds the table over `hosts` (not empty) with `table_size` slots (a prime), replacing what
  // was there.
  void build(std::span<const HostIndex> hosts, const PrioritySet& set, std::uint64_t table_size);

  HostIndex hostFor(std::uint64_t hash) const { return table_[hash % table_.size()]; }
  std::size_t size() const { return table_.size(); }
  HostIndex at(std::size_t slot) const { return table_[slot]; }

 private:
  std::vector<HostIndex> table_;
};

// Envoy's MAGLEV load balancer: a MaglevTable per level over its candidates, rebuilt when the
// level's version changes; a pick is one table lookup, table[hash mod M]. A request without a key
// takes a random hash (Envoy does that when its hash policy yields no hash).
class Maglev final : public Strategy {
 public:
  Maglev(Runtime& runtime, const MaglevOptions& options) : runtime_(runtime), options_(options) {}

  HostIndex pick(const PickContext& context) override;
  bool hashesRequests() const override { return true; }

  // The table last built for `level`, or nullptr before the level's first pick.
  const MaglevTable* table(std::uint32_t level) const;

 private:
  struct Level {
    bool built = false;
    std::uint64_t version = 0;
    MaglevTable table;
  };

  Runtime& runtime_;
  MaglevOptions options_;
  std::vector<Level> levels_;
};

}  // namespace faultline::balancer
