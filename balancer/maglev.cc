#include "balancer/maglev.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "balancer/hashing.h"

namespace faultline::balancer {
namespace {

constexpr HostIndex kFree = std::numeric_limits<HostIndex>::max();

struct Turn {
  HostIndex host;
  std::uint64_t slot;  // the host's next preferred slot: offset + next x skip, mod M
  std::uint64_t skip;
  std::uint64_t weight;
  std::uint64_t target = 0;  // Envoy's target_weight_, in units of weight
};

}  // namespace

void MaglevTable::build(std::span<const HostIndex> hosts, const PrioritySet& set,
                        std::uint64_t table_size) {
  assert(!hosts.empty() && table_size >= 2);
  const std::uint64_t m = table_size;
  std::vector<Turn> turns;
  turns.reserve(hosts.size());
  std::uint64_t max_weight = 0;
  for (HostIndex host : hosts) {
    const auto& descriptor = set.host(host);
    turns.push_back(Turn{.host = host,
                         .slot = xxHash64(descriptor.name) % m,
                         .skip = xxHash64(descriptor.name, 1) % (m - 1) + 1,
                         .weight = descriptor.weight});
    max_weight = std::max<std::uint64_t>(max_weight, descriptor.weight);
  }
  std::sort(turns.begin(), turns.end(), [&](const Turn& a, const Turn& b) {
    const auto& name_a = set.host(a.host).name;
    const auto& name_b = set.host(b.host).name;
    return name_a != name_b ? name_a < name_b : a.host < b.host;
  });

  table_.assign(m, kFree);
  // The next preferred slot by one addition instead of Envoy's (offset + skip x next) mod M: the
  // same sequence, without a 64-bit division per probe, which is most of a build's work.
  const auto advance = [m](std::uint64_t slot, std::uint64_t skip) {
    slot += skip;
    return slot >= m ? slot - m : slot;
  };
  std::uint64_t filled = 0;
  for (std::uint64_t round = 1; filled < m; ++round) {
    for (Turn& turn : turns) {
      if (round * turn.weight < turn.target) continue;
      turn.target += max_weight;
      while (table_[turn.slot] != kFree)
        turn.slot = advance(turn.slot, turn.skip);
      table_[turn.slot] = turn.host;
      turn.slot = advance(turn.slot, turn.skip);
      if (++filled == m) break;
    }
  }
}

const MaglevTable* Maglev::table(std::uint32_t level) const {
  if (level >= levels_.size() || !levels_[level].built) return nullptr;
  return &levels_[level].table;
}

HostIndex Maglev::pick(const PickContext& context) {
  if (context.source >= levels_.size()) levels_.resize(context.source + 1);
  Level& level = levels_[context.source];
  if (!level.built || level.version != context.version) {
    level.table.build(context.candidates, context.hosts, options_.table_size);
    level.version = context.version;
    level.built = true;
  }
  std::uint64_t hash = requestHash(context.request, runtime_);
  // Envoy's MaglevTable::chooseHost: a value with most bits set changes the hash the most.
  if (context.repick > 0) hash ^= ~std::uint64_t{0} - context.repick + 1;
  return level.table.hostFor(hash);
}

}  // namespace faultline::balancer
