// Unit tests of Maglev (Eisenbud et al., NSDI 2016; Envoy MAGLEV): the table against a direct
// transcription of the paper's Listing 1 and of Envoy's weighted variant, its shares, lookups and
// rebuilds. Distributions over many keys are in hashing_statistics_test.cc.
#include "balancer/maglev.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "balancer/hashing.h"
#include "tests/balancer/fake_runtime.h"
#include "tests/balancer/hashing_fixture.h"
#include "tests/balancer/pick_fixture.h"

namespace faultline::balancer {
namespace {

using testing::equalHosts;
using testing::FakeRuntime;
using testing::PickFixture;
using testing::pickWithKey;

MaglevTable buildTable(const PickFixture& fixture, std::uint64_t size) {
  MaglevTable table;
  table.build(fixture.candidates, fixture.hosts, size);
  return table;
}

std::vector<std::uint64_t> slotsPerHost(const MaglevTable& table, std::size_t host_count) {
  std::vector<std::uint64_t> slots(host_count, 0);
  for (std::size_t s = 0; s < table.size(); ++s)
    ++slots[table.at(s)];
  return slots;
}

// The table as Envoy's OriginalMaglevTable builds it, transcribed as plainly as possible: hosts
// sorted by name, normalized weights as doubles, permutation (offset + skip x next) mod M. With
// equal weights it is the paper's Listing 1. The implementation under test must match it slot
// for slot; weights here are powers of two over their sum, so the doubles are exact and no
// rounding can break a tie differently from exact arithmetic.
std::vector<HostIndex> referenceTable(const PickFixture& fixture, std::uint64_t m) {
  struct Entry {
    std::string name;
    HostIndex host;
    std::uint64_t offset, skip;
    double weight;
    double target = 0;
    std::uint64_t next = 0;
  };
  std::vector<Entry> entries;
  double total = 0;
  for (HostIndex h : fixture.candidates)
    total += fixture.hosts.host(h).weight;
  double max_weight = 0;
  for (HostIndex h : fixture.candidates) {
    const auto& name = fixture.hosts.host(h).name;
    const double weight = fixture.hosts.host(h).weight / total;
    entries.push_back({name, h, xxHash64(name) % m, xxHash64(name, 1) % (m - 1) + 1, weight});
    max_weight = std::max(max_weight, weight);
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  constexpr HostIndex kFree = std::numeric_limits<HostIndex>::max();
  std::vector<HostIndex> table(m, kFree);
  std::uint64_t filled = 0;
  for (std::uint32_t iteration = 1; filled < m; ++iteration) {
    for (auto& entry : entries) {
      if (filled == m) break;
      if (iteration * entry.weight < entry.target) continue;
      entry.target += max_weight;
      std::uint64_t c = (entry.offset + entry.skip * entry.next) % m;
      while (table[c] != kFree) {
        ++entry.next;
        c = (entry.offset + entry.skip * entry.next) % m;
      }
      table[c] = entry.host;
      ++entry.next;
      ++filled;
    }
  }
  return table;
}

void expectMatchesReference(const PickFixture& fixture, std::uint64_t m) {
  const auto table = buildTable(fixture, m);
  const auto reference = referenceTable(fixture, m);
  ASSERT_EQ(table.size(), m);
  for (std::size_t s = 0; s < m; ++s)
    ASSERT_EQ(table.at(s), reference[s]) << "slot " << s << " of " << m;
}

TEST(MaglevTable, MatchesThePapersListing) {
  expectMatchesReference(equalHosts(7), 65537);
  expectMatchesReference(equalHosts(7), 13);
  expectMatchesReference(equalHosts(1000), 65537);
  expectMatchesReference(equalHosts(30), 17);  // more hosts than slots: some get none
}

TEST(MaglevTable, MatchesEnvoysWeightedTable) {
  expectMatchesReference(PickFixture({1, 1, 2, 4}), 65537);
  expectMatchesReference(PickFixture({4, 1, 2, 1}), 251);
  expectMatchesReference(PickFixture({1, 7}), 65537);  // 1/8 and 7/8: exact doubles too
}

// The first host in name order claims its first preference, offset = XXH64(name) mod M, while
// the table is still empty.
TEST(MaglevTable, TheFirstTurnTakesTheOffsetSlot) {
  const auto table = buildTable(equalHosts(5), 65537);
  EXPECT_EQ(table.at(xxHash64("h0") % 65537), 0u);
}

// With equal weights hosts claim one slot per round, so shares differ by at most one slot: the
// paper's near-equal balance (within N / M of the mean share).
TEST(MaglevTable, EqualWeightsGetSharesWithinOneSlot) {
  for (const std::uint32_t n : {1u, 2u, 3u, 10u, 100u, 1000u}) {
    for (const std::uint64_t m : {65537u, 5003u}) {
      const auto slots = slotsPerHost(buildTable(equalHosts(n), m), n);
      const auto [least, most] = std::minmax_element(slots.begin(), slots.end());
      EXPECT_EQ(*least, m / n) << n << " hosts, " << m << " slots";
      EXPECT_LE(*most, *least + 1) << n << " hosts, " << m << " slots";
    }
  }
}

// With weights, after R full rounds and part of one more, a host of weight W has claimed
// floor(R x W / W_max) + 1 slots, plus 0 or 1: R x W / W_max + e with 0 < e <= 2. The counts sum to
// M, so each is within 2 + 2 x N x W / total slots of M x W / total.
TEST(MaglevTable, WeightedSharesFollowWeights) {
  const std::vector<std::uint32_t> weights = {1, 2, 3, 4, 10};
  const std::uint64_t m = 65537;
  const auto slots = slotsPerHost(buildTable(PickFixture(weights), m), weights.size());
  const double total = 20;
  for (std::size_t h = 0; h < weights.size(); ++h) {
    const double expected = m * weights[h] / total;
    EXPECT_NEAR(static_cast<double>(slots[h]), expected,
                2 + 2 * static_cast<double>(weights.size()) * weights[h] / total)
        << "host " << h;
  }
}

TEST(Maglev, AHashGoesToItsSlotModuloTheTableSize) {
  FakeRuntime runtime;
  MaglevOptions options;
  options.table_size = 251;
  Maglev strategy(runtime, options);
  auto fixture = equalHosts(5);
  pickWithKey(strategy, fixture, 0);  // builds the table without drawing
  const MaglevTable& table = *strategy.table(0);
  fixture.request.hash_key.reset();
  for (const std::uint64_t hash : {0ull, 1ull, 250ull, 251ull, 252ull, 123456789ull, ~0ull}) {
    runtime.scriptRandom({hash});
    EXPECT_EQ(strategy.pick(fixture.context()), table.at(hash % 251)) << hash;
  }
  for (std::uint64_t key = 0; key < 100; ++key)
    EXPECT_EQ(pickWithKey(strategy, fixture, key), table.at(hashRequestKey(key) % 251));
}

TEST(Maglev, TheSameKeyGoesToTheSameHost) {
  FakeRuntime runtime;
  Maglev strategy(runtime, MaglevOptions{});
  auto fixture = equalHosts(10);
  for (std::uint64_t key = 0; key < 1000; ++key)
    EXPECT_EQ(pickWithKey(strategy, fixture, key), pickWithKey(strategy, fixture, key));
}

TEST(Maglev, BalancersWithTheSameHostsAgree) {
  FakeRuntime runtime;
  Maglev one(runtime, MaglevOptions{});
  Maglev other(runtime, MaglevOptions{});
  const std::vector<std::uint32_t> weights = {1, 2, 3, 1, 1, 2, 5, 1, 1, 1, 1, 4};
  auto fixture = PickFixture(weights);
  auto reversed = testing::reversedHosts(weights);
  pickWithKey(one, fixture, 0);
  pickWithKey(other, reversed, 0);
  const MaglevTable& a = *one.table(0);
  const MaglevTable& b = *other.table(0);
  for (std::size_t s = 0; s < a.size(); ++s) {
    ASSERT_EQ(fixture.hosts.host(a.at(s)).name, reversed.hosts.host(b.at(s)).name) << s;
  }
}

TEST(Maglev, RebuildsOnlyWhenTheVersionChanges) {
  FakeRuntime runtime;
  Maglev strategy(runtime, MaglevOptions{});
  auto fixture = equalHosts(5);
  EXPECT_EQ(strategy.table(0), nullptr);
  const HostIndex gone = pickWithKey(strategy, fixture, 12345);
  fixture.candidates.erase(std::find(fixture.candidates.begin(), fixture.candidates.end(), gone));
  EXPECT_EQ(pickWithKey(strategy, fixture, 12345), gone);  // same version: the same table
  ++fixture.version;
  EXPECT_NE(pickWithKey(strategy, fixture, 12345), gone);
  EXPECT_EQ(slotsPerHost(*strategy.table(0), 5)[gone], 0u);
}

TEST(Maglev, KeepsOneTablePerLevel) {
  FakeRuntime runtime;
  MaglevOptions options;
  options.table_size = 13;
  Maglev strategy(runtime, options);
  auto fixture = equalHosts(6);
  fixture.candidates = {0, 1};
  pickWithKey(strategy, fixture, 1);
  fixture.candidates = {2, 3, 4, 5};
  fixture.version = 7;
  fixture.request.hash_key = 1;
  EXPECT_GE(strategy.pick(fixture.context(1)), 2u);
  const auto level_zero = slotsPerHost(*strategy.table(0), 6);
  EXPECT_EQ(level_zero[0] + level_zero[1], 13u);
  const auto level_one = slotsPerHost(*strategy.table(1), 6);
  EXPECT_EQ(level_one[0] + level_one[1], 0u);
}

}  // namespace
}  // namespace faultline::balancer
