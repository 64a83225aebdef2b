// Unit tests of the ring hash (Envoy RING_HASH with bounded load) and of the hashes the hashing
// strategies share. Exact checks on small rings; distributions over many keys are in
// hashing_statistics_test.cc.
#include "balancer/ring_hash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "balancer/hashing.h"
#include "tests/balancer/fake_runtime.h"
#include "tests/balancer/hashing_fixture.h"
#include "tests/balancer/pick_fixture.h"

namespace faultline::balancer {
namespace {

using testing::arcShares;
using testing::equalHosts;
using testing::FakeRuntime;
using testing::PickFixture;
using testing::pickWithKey;
using testing::pointsPerHost;

RingHashOptions ringOptions(std::uint64_t minimum, std::uint64_t maximum,
                            std::uint32_t factor = 0) {
  RingHashOptions options;
  options.minimum_ring_size = minimum;
  options.maximum_ring_size = maximum;
  options.hash_balance_factor = factor;
  return options;
}

HashRing buildRing(const PickFixture& fixture, std::uint64_t minimum, std::uint64_t maximum) {
  HashRing ring;
  ring.build(fixture.candidates, fixture.hosts, minimum, maximum);
  return ring;
}

// The host that owns `key` on `ring`, bounded load aside.
HostIndex owner(const HashRing& ring, std::uint64_t key) {
  return ring.hostAt(ring.find(hashRequestKey(key)));
}

// Published test vectors of XXH64 (xxHash's own tests): proof that we link XXH64, seed 0, and not
// one of the library's other hashes.
TEST(Hashing, IsXxHash64) {
  EXPECT_EQ(xxHash64(""), 0xEF46DB3751D8E999u);
  EXPECT_EQ(xxHash64("a"), 0xD24EC4F1A98C6E5Bu);
  EXPECT_EQ(xxHash64("abc"), 0x44BC2CF5AD770999u);
  EXPECT_NE(xxHash64("abc", 1), xxHash64("abc"));
}

TEST(Hashing, HashesAKeysEightBytesLittleEndian) {
  const std::array<char, 8> bytes = {8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_EQ(hashRequestKey(0x0102030405060708u), xxHash64({bytes.data(), bytes.size()}));
}

TEST(Hashing, AKeylessRequestTakesOneRandomNumberAsItsHash) {
  FakeRuntime runtime;
  runtime.scriptRandom({42, 43});
  EXPECT_EQ(requestHash(Request{}, runtime), 42u);
  Request keyed;
  keyed.hash_key = 7;
  EXPECT_EQ(requestHash(keyed, runtime), hashRequestKey(7));
  EXPECT_EQ(runtime.random(), 43u);  // a keyed request draws nothing
}

// Envoy's sizing: the lightest host gets ceil(min_w x minimum) points, the others in proportion.
TEST(HashRing, EqualHostsGetEqualPointsCoveringTheMinimumSize) {
  const auto ring = buildRing(equalHosts(3), 1024, 8 * 1024 * 1024);
  EXPECT_EQ(ring.size(), 1026u);  // ceil(1024 / 3) = 342 each
  EXPECT_EQ(pointsPerHost(ring, 3), (std::vector<std::uint64_t>{342, 342, 342}));
}

TEST(HashRing, PointsFollowWeights) {
  const auto ring = buildRing(PickFixture({1, 2, 3, 4}), 1024, 8 * 1024 * 1024);
  // The lightest host has weight 1/10: ceil(102.4) = 103 points, the others 103 per unit weight.
  EXPECT_EQ(pointsPerHost(ring, 4), (std::vector<std::uint64_t>{103, 206, 309, 412}));
  EXPECT_EQ(ring.totalWeight(), 10u);
}

// The example in Envoy's ring_hash_lb.cc: 4 equal hosts and a maximum of 6 give 1.5 points each,
// handed out by running sums as 2, 1, 2, 1.
TEST(HashRing, TheMaximumScalesDownWithRunningSums) {
  const auto ring = buildRing(equalHosts(4), 1024, 6);
  EXPECT_EQ(pointsPerHost(ring, 4), (std::vector<std::uint64_t>{2, 1, 2, 1}));
}

TEST(HashRing, AMinimumAboveTheMaximumIsCappedByTheMaximum) {
  const auto ring = buildRing(equalHosts(3), 1024, 100);
  EXPECT_EQ(pointsPerHost(ring, 3), (std::vector<std::uint64_t>{34, 33, 33}));
}

TEST(HashRing, MoreHostsThanTheMinimumGetOnePointEach) {
  const auto ring = buildRing(equalHosts(2000), 1024, 8 * 1024 * 1024);
  EXPECT_EQ(ring.size(), 2000u);
  const auto points = pointsPerHost(ring, 2000);
  EXPECT_TRUE(std::all_of(points.begin(), points.end(), [](auto p) { return p == 1; }));
}

TEST(HashRing, PointsAreTheHashesOfNameUnderscoreIndexInOrder) {
  const auto fixture = equalHosts(3);
  const auto ring = buildRing(fixture, 30, 30);  // 10 points each
  std::set<std::uint64_t> expected;
  for (const char* host : {"h0", "h1", "h2"}) {
    for (int i = 0; i < 10; ++i) {
      char key[16];
      std::snprintf(key, sizeof key, "%s_%d", host, i);
      expected.insert(xxHash64(key));
    }
  }
  std::set<std::uint64_t> actual;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    actual.insert(ring.hashAt(i));
    if (i > 0) {
      EXPECT_LE(ring.hashAt(i - 1), ring.hashAt(i));
    }
  }
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(ring.hashAt(ring.find(xxHash64("h1_7"))), xxHash64("h1_7"));
  EXPECT_EQ(ring.hostAt(ring.find(xxHash64("h1_7"))), 1u);
}

// A hash belongs to the first point at or after it, and past the last point to the first.
TEST(RingHash, AHashGoesToTheFirstPointAtOrAfterIt) {
  FakeRuntime runtime;
  RingHash strategy(runtime, ringOptions(64, 64));
  auto fixture = equalHosts(4);
  pickWithKey(strategy, fixture, 1);  // builds the ring without drawing
  const HashRing& ring = *strategy.ring(0);
  fixture.request.hash_key.reset();
  for (std::size_t p = 1; p + 1 < ring.size(); p += 7) {
    ASSERT_LT(ring.hashAt(p - 1) + 1, ring.hashAt(p));
    runtime.scriptRandom({ring.hashAt(p), ring.hashAt(p) + 1, ring.hashAt(p - 1) + 1});
    EXPECT_EQ(strategy.pick(fixture.context()), ring.hostAt(p));
    EXPECT_EQ(strategy.pick(fixture.context()), ring.hostAt(p + 1));
    EXPECT_EQ(strategy.pick(fixture.context()), ring.hostAt(p));
  }
  ASSERT_LT(ring.hashAt(ring.size() - 1), UINT64_MAX);
  runtime.scriptRandom({ring.hashAt(ring.size() - 1) + 1, UINT64_MAX, 0});
  EXPECT_EQ(strategy.pick(fixture.context()), ring.hostAt(0));
  EXPECT_EQ(strategy.pick(fixture.context()), ring.hostAt(0));
  EXPECT_EQ(strategy.pick(fixture.context()), ring.hostAt(0));
}

TEST(RingHash, TheSameKeyGoesToTheSameHost) {
  FakeRuntime runtime;
  RingHash strategy(runtime, RingHashOptions{});
  auto fixture = equalHosts(10);
  for (std::uint64_t key = 0; key < 1000; ++key) {
    const HostIndex first = pickWithKey(strategy, fixture, key);
    EXPECT_EQ(pickWithKey(strategy, fixture, key), first);
    EXPECT_EQ(first, owner(*strategy.ring(0), key));
  }
}

// Two balancers that list the same hosts in opposite orders build the same ring and send every
// key to the same host (by name): what makes consistent hashing work across a fleet. Checked at
// the default sizes and with a maximum of 100 points, where the running sums hand out fractions
// and so depend on the order hosts are taken in.
TEST(RingHash, BalancersWithTheSameHostsAgree) {
  for (const auto& options : {RingHashOptions{}, ringOptions(1024, 100)}) {
    FakeRuntime runtime;
    RingHash one(runtime, options);
    RingHash other(runtime, options);
    const std::vector<std::uint32_t> weights = {1, 2, 3, 1, 1, 2, 5, 1, 1, 1, 1, 4};
    auto fixture = PickFixture(weights);
    auto reversed = testing::reversedHosts(weights);
    for (std::uint64_t key = 0; key < 2000; ++key) {
      const HostIndex a = pickWithKey(one, fixture, key);
      const HostIndex b = pickWithKey(other, reversed, key);
      ASSERT_EQ(fixture.hosts.host(a).name, reversed.hosts.host(b).name) << "key " << key;
    }
    const HashRing& ring_one = *one.ring(0);
    const HashRing& ring_other = *other.ring(0);
    ASSERT_EQ(ring_one.size(), ring_other.size());
    for (std::size_t i = 0; i < ring_one.size(); ++i) {
      EXPECT_EQ(ring_one.hashAt(i), ring_other.hashAt(i));
      EXPECT_EQ(fixture.hosts.host(ring_one.hostAt(i)).name,
                reversed.hosts.host(ring_other.hostAt(i)).name);
    }
  }
}

TEST(RingHash, RebuildsOnlyWhenTheVersionChanges) {
  FakeRuntime runtime;
  RingHash strategy(runtime, RingHashOptions{});
  auto fixture = equalHosts(5);
  EXPECT_EQ(strategy.ring(0), nullptr);
  const HostIndex gone = pickWithKey(strategy, fixture, 12345);
  EXPECT_EQ(strategy.ring(0)->size(), 1025u);  // 205 points each
  fixture.candidates.erase(std::find(fixture.candidates.begin(), fixture.candidates.end(), gone));
  // Same version: the ring is not rebuilt, so the pick costs one binary search.
  EXPECT_EQ(pickWithKey(strategy, fixture, 12345), gone);
  EXPECT_EQ(strategy.ring(0)->size(), 1025u);

  ++fixture.version;
  EXPECT_NE(pickWithKey(strategy, fixture, 12345), gone);
  EXPECT_EQ(strategy.ring(0)->size(), 1024u);  // 256 points each
  EXPECT_EQ(pointsPerHost(*strategy.ring(0), 5)[gone], 0u);
}

TEST(RingHash, KeepsOneRingPerLevel) {
  FakeRuntime runtime;
  RingHash strategy(runtime, ringOptions(8, 8));
  auto fixture = equalHosts(6);
  fixture.candidates = {0, 1};
  pickWithKey(strategy, fixture, 1);
  fixture.candidates = {2, 3, 4, 5};
  fixture.version = 7;
  fixture.request.hash_key = 1;
  const HostIndex on_level_one = strategy.pick(fixture.context(1));
  EXPECT_GE(on_level_one, 2u);
  ASSERT_NE(strategy.ring(0), nullptr);
  EXPECT_EQ(strategy.ring(0)->size(), 8u);
  const auto level_zero = pointsPerHost(*strategy.ring(0), 6);
  EXPECT_EQ(level_zero[0] + level_zero[1], 8u);
  const auto level_one = pointsPerHost(*strategy.ring(1), 6);
  EXPECT_EQ(level_one[0] + level_one[1], 0u);
}

// Removing a host when every other host keeps its number of points (100 hosts: ceil(1024 / 100)
// = ceil(1024 / 99) = 11) leaves the other points where they were: exactly the removed host's
// keys move, each to the next point along. Exact, so checked on every key.
TEST(RingHash, RemovingAHostMovesOnlyItsKeys) {
  auto fixture = equalHosts(100);
  const auto before = buildRing(fixture, 1024, 8 * 1024 * 1024);
  const HostIndex removed = 37;
  fixture.candidates.erase(fixture.candidates.begin() + removed);
  const auto after = buildRing(fixture, 1024, 8 * 1024 * 1024);
  ASSERT_EQ(after.size(), before.size() - 11);
  int moved = 0;
  for (std::uint64_t key = 0; key < 20'000; ++key) {
    const HostIndex was = owner(before, key);
    const HostIndex now = owner(after, key);
    if (was != removed) {
      ASSERT_EQ(now, was) << "key " << key;
    } else {
      ASSERT_NE(now, removed);
      ++moved;
    }
  }
  EXPECT_GT(moved, 0);
}

// --- Bounded load --------------------------------------------------------------------------------

// The first `count` distinct hosts met walking the ring from where `key` lands.
std::vector<HostIndex> walk(const HashRing& ring, std::uint64_t key, std::size_t count) {
  std::vector<HostIndex> hosts;
  for (std::size_t p = ring.find(hashRequestKey(key)); hosts.size() < count;
       p = (p + 1) % ring.size()) {
    if (std::find(hosts.begin(), hosts.end(), ring.hostAt(p)) == hosts.end()) {
      hosts.push_back(ring.hostAt(p));
    }
  }
  return hosts;
}

TEST(RingHashBoundedLoad, OffLoadIsIgnored) {
  FakeRuntime runtime;
  RingHash strategy(runtime, RingHashOptions{});
  auto fixture = equalHosts(4);
  const HostIndex primary = pickWithKey(strategy, fixture, 99);
  fixture.load[primary].active_requests = 1000;
  EXPECT_EQ(pickWithKey(strategy, fixture, 99), primary);
}

TEST(RingHashBoundedLoad, AHostBelowItsBoundTakesTheRequest) {
  FakeRuntime runtime;
  RingHash strategy(runtime, ringOptions(1024, 8 * 1024 * 1024, 150));
  auto fixture = equalHosts(4);
  const HostIndex primary = pickWithKey(strategy, fixture, 99);
  // 6 active + this one: ceil(7 x 1.5) = 11 slots, ceil(11 / 4) = 3 per host; the primary has 2.
  for (auto& load : fixture.load)
    load.active_requests = 1;
  fixture.load[primary].active_requests = 2;
  fixture.load[(primary + 1) % 4].active_requests = 2;
  EXPECT_EQ(pickWithKey(strategy, fixture, 99), primary);
}

// A host at its bound is passed over for the next host along the ring that is below its own.
TEST(RingHashBoundedLoad, AFullHostSpillsToTheNextDistinctHostOnTheRing) {
  FakeRuntime runtime;
  RingHash strategy(runtime, ringOptions(1024, 8 * 1024 * 1024, 100));
  auto fixture = equalHosts(6);
  const std::uint64_t key = 2024;
  pickWithKey(strategy, fixture, key);
  const auto order = walk(*strategy.ring(0), key, 3);
  // 10 active + this one: 11 slots, ceil(11 / 6) = 2 per host.
  fixture.load[order[0]].active_requests = 5;
  fixture.load[order[1]].active_requests = 5;
  EXPECT_EQ(pickWithKey(strategy, fixture, key), order[2]);
  fixture.load[order[1]].active_requests = 1;  // 6 active + this one: ceil(7 / 6) = 2 > 1
  EXPECT_EQ(pickWithKey(strategy, fixture, key), order[1]);
}

// Weights share the bound as Envoy shares it: ceil(total_slots x weight / total weight).
TEST(RingHashBoundedLoad, TheBoundFollowsWeights) {
  FakeRuntime runtime;
  RingHash strategy(runtime, ringOptions(1024, 8 * 1024 * 1024, 100));
  auto fixture = PickFixture({1, 3});
  pickWithKey(strategy, fixture, 0);
  const HashRing& ring = *strategy.ring(0);
  std::uint64_t light_key = 0;
  while (owner(ring, light_key) != 0)
    ++light_key;
  std::uint64_t heavy_key = 0;
  while (owner(ring, heavy_key) != 1)
    ++heavy_key;

  // 1 active + this one: 2 slots; the light host's share ceil(2 / 4) = 1 is full.
  fixture.load = {{1}, {0}};
  EXPECT_EQ(pickWithKey(strategy, fixture, light_key), 1u);
  // 6 active + this one: 7 slots; the light host may hold ceil(7 / 4) = 2, so takes a second.
  fixture.load = {{1}, {5}};
  EXPECT_EQ(pickWithKey(strategy, fixture, light_key), 0u);
  // 7 active + this one: 8 slots; still 2 for the light host, which is full.
  fixture.load = {{2}, {5}};
  EXPECT_EQ(pickWithKey(strategy, fixture, light_key), 1u);
  // 3 active + this one: 4 slots; the heavy host may hold ceil(12 / 4) = 3.
  fixture.load = {{0}, {3}};
  EXPECT_EQ(pickWithKey(strategy, fixture, heavy_key), 0u);
  fixture.load = {{1}, {2}};
  EXPECT_EQ(pickWithKey(strategy, fixture, heavy_key), 1u);
}

// One hot key and no answers: the hot host fills to its bound and the excess spreads along the
// ring, and at every pick no host holds more than ceil(ceil(factor x active / 100) / hosts).
TEST(RingHashBoundedLoad, AHotKeyIsCappedAtTheFactor) {
  FakeRuntime runtime;
  RingHash strategy(runtime, ringOptions(1024, 8 * 1024 * 1024, 150));
  auto fixture = equalHosts(4);
  const std::uint64_t key = 77;
  HostIndex primary = 0;
  for (std::uint64_t active = 1; active <= 40; ++active) {
    const HostIndex host = pickWithKey(strategy, fixture, key);
    if (active == 1) primary = host;
    ++fixture.load[host].active_requests;
    const std::uint64_t bound = ((active * 150 + 99) / 100 + 3) / 4;
    for (const auto& load : fixture.load)
      ASSERT_LE(load.active_requests, bound) << "after " << active << " requests";
  }
  EXPECT_EQ(fixture.load[primary].active_requests, 15u);  // ceil(60 / 4): full
  const auto order = walk(*strategy.ring(0), key, 2);
  EXPECT_EQ(fixture.load[order[1]].active_requests, 15u);  // the next host along: full too
}

}  // namespace
}  // namespace faultline::balancer
