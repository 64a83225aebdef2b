#include "balancer/load_balancer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "balancer/hashing.h"
#include "balancer/least_request.h"
#include "balancer/ring_hash.h"
#include "balancer/round_robin.h"
#include "tests/balancer/fake_runtime.h"

namespace faultline::balancer {
namespace {

using namespace std::chrono_literals;
using testing::FakeRuntime;

struct ScriptedProber final : Prober {
  void probe(HostIndex host, std::uint64_t probe_id) override {
    pending.push_back({host, probe_id});
  }
  std::vector<std::pair<HostIndex, std::uint64_t>> pending;
};

struct RecordingEvents final : BalancerEvents {
  void onHostHealthChanged(HostIndex host, bool healthy) override {
    health.emplace_back(host, healthy);
  }
  void onActiveLevelChanged(std::optional<std::uint32_t> from,
                            std::optional<std::uint32_t> to) override {
    levels.emplace_back(from, to);
  }
  std::vector<std::pair<HostIndex, bool>> health;
  std::vector<std::pair<std::optional<std::uint32_t>, std::optional<std::uint32_t>>> levels;
};

// Two regions of two hosts each: hosts 0, 1 at level 0 and 2, 3 at level 1.
class LoadBalancerTest : public ::testing::Test {
 protected:
  LoadBalancerTest() {
    config_.health_check.interval = 1s;
    config_.health_check.timeout = 2s;  // longer than a probe round: tests answer in time
    config_.health_check.unhealthy_threshold = 1;
    config_.health_check.healthy_threshold = 1;
  }

  std::unique_ptr<LoadBalancer> make(std::unique_ptr<Strategy> strategy = nullptr) {
    if (!strategy) {
      runtime_.scriptRandom({0});  // round robin's seed
      strategy = std::make_unique<RoundRobin>(runtime_);
    }
    std::vector<HostDescriptor> hosts(4);
    for (HostIndex h = 0; h < hosts.size(); ++h)
      hosts[h].name = std::string(1, static_cast<char>('a' + h));  // ring hash hashes names
    auto lb = std::make_unique<LoadBalancer>(runtime_, prober_,
                                             PrioritySet(std::move(hosts), {{0, 1}, {2, 3}}),
                                             std::move(strategy), config_, &events_);
    lb->start();
    return lb;
  }

  // Lets every host's next probe go out, and answers them: `down` hosts fail.
  void probeRound(LoadBalancer& lb, std::vector<HostIndex> down) {
    runtime_.advance(1s);
    auto pending = std::move(prober_.pending);
    prober_.pending.clear();
    for (auto [host, id] : pending) {
      const bool failed = std::find(down.begin(), down.end(), host) != down.end();
      lb.onProbeResult(host, id, !failed);
    }
  }

  // Picks with the random number that choosePriority maps to `point` (1 to 100).
  HostIndex pickAt(LoadBalancer& lb, std::uint64_t point) {
    runtime_.scriptRandom({point - 1});
    const auto decision = lb.choose(Request{});
    EXPECT_TRUE(decision.hasHost());
    return decision.host();
  }

  LoadBalancerConfig config_;
  FakeRuntime runtime_;
  ScriptedProber prober_;
  RecordingEvents events_;
};

TEST_F(LoadBalancerTest, SendsTrafficToTheFirstLevel) {
  auto lb = make();
  for (int i = 0; i < 4; ++i) {
    const auto decision = lb->choose(Request{});
    ASSERT_TRUE(decision.hasHost());
    EXPECT_LT(decision.host(), 2u);
  }
  EXPECT_EQ(lb->priorityLoad().percent, (std::vector<std::uint32_t>{100, 0}));
}

TEST_F(LoadBalancerTest, CountsActiveRequestsFromPickToResult) {
  config_.health_check.enabled = false;
  auto lb = make();
  const auto first = lb->choose(Request{});
  const auto second = lb->choose(Request{});
  EXPECT_EQ(lb->load()[first.host()].active_requests, 1u);
  EXPECT_EQ(lb->load()[second.host()].active_requests, 1u);
  lb->onResult(first.host(), Outcome::kTimeout, 1s);
  EXPECT_EQ(lb->load()[first.host()].active_requests, 0u);
}

TEST_F(LoadBalancerTest, HalfALevelDownSpillsThirtyPercentToTheNext) {
  auto lb = make();
  probeRound(*lb, {0});  // level 0: 1 of 2 healthy, health 140 * 1 / 2 = 70
  EXPECT_EQ(lb->priorityLoad().percent, (std::vector<std::uint32_t>{70, 30}));
  EXPECT_EQ(pickAt(*lb, 70), 1u);  // points 1-70: level 0, whose only healthy host is 1
  EXPECT_GE(pickAt(*lb, 71), 2u);  // points 71-100: level 1
  EXPECT_GE(pickAt(*lb, 100), 2u);
  EXPECT_EQ(lb->activeLevel(), 0u);  // level 0 still takes traffic: no failover yet
  EXPECT_TRUE(events_.levels.empty());
}

TEST_F(LoadBalancerTest, FailsOverWhenTheFirstLevelIsDownAndBack) {
  auto lb = make();
  probeRound(*lb, {0, 1});
  EXPECT_EQ(lb->priorityLoad().percent, (std::vector<std::uint32_t>{0, 100}));
  EXPECT_EQ(lb->activeLevel(), 1u);
  ASSERT_EQ(events_.levels.size(), 1u);
  EXPECT_EQ(events_.levels[0],
            std::make_pair(std::optional<std::uint32_t>(0), std::optional<std::uint32_t>(1)));
  for (int i = 0; i < 4; ++i)
    EXPECT_GE(lb->choose(Request{}).host(), 2u);

  probeRound(*lb, {});
  EXPECT_EQ(lb->activeLevel(), 0u);
  EXPECT_EQ(events_.levels.size(), 2u);
}

TEST_F(LoadBalancerTest, WhenEveryLevelPanicsTrafficGoesToAllHosts) {
  auto lb = make();
  probeRound(*lb, {0, 1, 2, 3});  // nothing healthy: every level below the 50% panic threshold
  EXPECT_EQ(lb->priorityLoad().panic, (std::vector<bool>{true, true}));
  EXPECT_EQ(lb->priorityLoad().percent, (std::vector<std::uint32_t>{50, 50}));  // by host count
  EXPECT_LT(pickAt(*lb, 50), 2u);  // an unhealthy host of level 0: Envoy's panic routing
  EXPECT_GE(pickAt(*lb, 51), 2u);
  EXPECT_EQ(events_.health.size(), 4u);
}

TEST_F(LoadBalancerTest, FailingTrafficOnPanicRefusesWithAReason) {
  config_.fail_traffic_on_panic = true;
  auto lb = make();
  probeRound(*lb, {0, 1, 2, 3});
  runtime_.scriptRandom({0});
  const auto decision = lb->choose(Request{});
  EXPECT_FALSE(decision.hasHost());
  EXPECT_EQ(decision.refusal(), Refusal::kNoHealthyHost);
  EXPECT_EQ(lb->activeLevel(), std::nullopt);
}

TEST_F(LoadBalancerTest, WithoutPanicNoHealthyHostMeansRefusal) {
  config_.priority.panic_threshold = 0;
  auto lb = make();
  probeRound(*lb, {0, 1, 2, 3});
  EXPECT_EQ(lb->priorityLoad().percent, (std::vector<std::uint32_t>{100, 0}));
  EXPECT_FALSE(lb->choose(Request{}).hasHost());
  EXPECT_EQ(lb->activeLevel(), std::nullopt);
}

TEST_F(LoadBalancerTest, AHashingStrategysKeyPicksTheLevelInsteadOfARandomNumber) {
  auto lb = make(std::make_unique<RingHash>(runtime_, RingHashOptions{}));
  probeRound(*lb, {0});  // 70 / 30
  // Two keys whose hashes fall on either side of the 70% boundary, found by search.
  std::uint64_t low = 0;
  while (hashRequestKey(low) % 100 + 1 > 70)
    ++low;
  std::uint64_t high = 0;
  while (hashRequestKey(high) % 100 + 1 <= 70)
    ++high;
  Request request;
  request.hash_key = low;
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(lb->choose(request).host(), 1u);  // no random draw
  request.hash_key = high;
  for (int i = 0; i < 5; ++i)
    EXPECT_GE(lb->choose(request).host(), 2u);
}

TEST_F(LoadBalancerTest, OtherStrategiesDrawTheLevelAtRandomEvenWithAKey) {
  auto lb = make();
  probeRound(*lb, {0});  // 70 / 30
  Request request;
  request.hash_key = 1;
  runtime_.scriptRandom({69});  // point 70: level 0
  EXPECT_EQ(lb->choose(request).host(), 1u);
  runtime_.scriptRandom({70});  // point 71: level 1, whatever the key
  EXPECT_GE(lb->choose(request).host(), 2u);
}

// Envoy's previous_priorities: a retry's load leaves out the levels tried.
TEST_F(LoadBalancerTest, ARetryWithPreviousPrioritiesGoesToALevelNotTried) {
  config_.retry.enabled = true;
  config_.retry.retry_other_priorities = true;
  auto lb = make();
  Request retry;
  retry.attempt = 1;
  retry.tried_levels = 1;  // level 0
  for (int i = 0; i < 4; ++i) {
    runtime_.scriptRandom({0});  // the first point of the retry load: level 1 has all of it
    EXPECT_GE(lb->choose(retry).host(), 2u);
  }
}

TEST_F(LoadBalancerTest, WithNoUntriedLevelLeftARetryFallsBackToTheOriginalLoad) {
  // Level 1 is down, level 0 was tried: Envoy forgets the levels tried rather than refuse, and
  // the retry goes to level 0 again.
  config_.retry.enabled = true;
  config_.retry.retry_other_priorities = true;
  auto lb = make();
  probeRound(*lb, {2, 3});
  Request retry;
  retry.attempt = 1;
  retry.tried_levels = 1;
  for (int i = 0; i < 100; ++i) {
    runtime_.scriptRandom({static_cast<std::uint64_t>(i)});
    const auto decision = lb->choose(retry);
    ASSERT_TRUE(decision.hasHost());
    EXPECT_LT(decision.host(), 2u);
    lb->onResult(decision.host(), Outcome::kSuccess, 1ms);
  }
}

TEST_F(LoadBalancerTest, HashingStrategiesMoveAlongTheRingToAvoidAHostTried) {
  // Envoy's host selection retry for ring hash: each pick again moves one point on, so a keyed
  // retry need not go back to the host that just failed it.
  config_.retry.enabled = true;
  config_.retry.retry_other_hosts = true;
  config_.retry.host_selection_retry_max_attempts = 3;
  auto lb = make(std::make_unique<RingHash>(runtime_, RingHashOptions{}));
  int moved = 0;
  for (std::uint64_t key = 0; key < 200; ++key) {
    Request request;
    request.hash_key = key;
    const HostIndex first = lb->choose(request).host();
    lb->onResult(first, Outcome::kServerError, 1ms);
    request.attempt = 1;
    request.tried_hosts.add(first);
    const HostIndex retried = lb->choose(request).host();
    lb->onResult(retried, Outcome::kSuccess, 1ms);
    moved += retried != first ? 1 : 0;
  }
  // Two hosts at level 0 with their points interleaved at random: each step along the ring lands
  // on the other host about half the time, so after three about 7 in 8 retries have moved
  // (175 of 200, sd 4.7). Without the steps none would.
  EXPECT_GT(moved, 150);
}

TEST_F(LoadBalancerTest, WithoutHealthChecksItNeverProbes) {
  config_.health_check.enabled = false;
  auto lb = make();
  runtime_.advance(10s);
  EXPECT_TRUE(prober_.pending.empty());
  EXPECT_EQ(runtime_.armedTimers(), 0u);
}

}  // namespace
}  // namespace faultline::balancer
