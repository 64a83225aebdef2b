#include "balancer/load_balancer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <vector>

#include "balancer/hashing.h"
#include "balancer/least_request.h"
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

  std::unique_ptr<LoadBalancer> make() {
    runtime_.scriptRandom({0});  // round robin's seed
    auto lb = std::make_unique<LoadBalancer>(
        runtime_, prober_, PrioritySet(std::vector<HostDescriptor>(4), {{0, 1}, {2, 3}}),
        std::make_unique<RoundRobin>(runtime_), config_, &events_);
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

TEST_F(LoadBalancerTest, AHashKeyPicksTheLevelInsteadOfARandomNumber) {
  auto lb = make();
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

TEST_F(LoadBalancerTest, WithoutHealthChecksItNeverProbes) {
  config_.health_check.enabled = false;
  auto lb = make();
  runtime_.advance(10s);
  EXPECT_TRUE(prober_.pending.empty());
  EXPECT_EQ(runtime_.armedTimers(), 0u);
}

}  // namespace
}  // namespace faultline::balancer
