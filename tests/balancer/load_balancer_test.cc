#include "balancer/load_balancer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <vector>

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
  std::unique_ptr<LoadBalancer> make(bool health_checks = true) {
    HealthCheckConfig config;
    config.enabled = health_checks;
    config.interval = 1s;
    config.timeout = 500ms;
    config.unhealthy_threshold = 1;
    config.healthy_threshold = 1;
    runtime_.scriptRandom({0});  // round robin's seed
    auto lb = std::make_unique<LoadBalancer>(
        runtime_, prober_, PrioritySet(std::vector<HostDescriptor>(4), {{0, 1}, {2, 3}}),
        std::make_unique<RoundRobin>(runtime_), config, &events_);
    lb->start();
    return lb;
  }

  // Lets every host's first probe go out, and answers them: `down` hosts fail.
  void probeRound(LoadBalancer& lb, std::vector<HostIndex> down) {
    runtime_.advance(1s);
    auto pending = std::move(prober_.pending);
    prober_.pending.clear();
    for (auto [host, id] : pending) {
      const bool failed = std::find(down.begin(), down.end(), host) != down.end();
      lb.onProbeResult(host, id, !failed);
    }
  }

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
}

TEST_F(LoadBalancerTest, CountsActiveRequestsFromPickToResult) {
  auto lb = make(false);
  const auto first = lb->choose(Request{});
  const auto second = lb->choose(Request{});
  EXPECT_EQ(lb->load()[first.host()].active_requests, 1u);
  EXPECT_EQ(lb->load()[second.host()].active_requests, 1u);
  lb->onResult(first.host(), Outcome::kTimeout, 1s);
  EXPECT_EQ(lb->load()[first.host()].active_requests, 0u);
}

TEST_F(LoadBalancerTest, FailsOverWhenTheFirstLevelHasNoHealthyHostAndBack) {
  auto lb = make();
  probeRound(*lb, {0, 1});
  EXPECT_EQ(lb->activeLevel(), 1u);
  ASSERT_EQ(events_.levels.size(), 1u);
  EXPECT_EQ(events_.levels[0],
            std::make_pair(std::optional<std::uint32_t>(0), std::optional<std::uint32_t>(1)));
  for (int i = 0; i < 4; ++i)
    EXPECT_GE(lb->choose(Request{}).host(), 2u);

  probeRound(*lb, {0});  // host 1 passes again: level 0 has a healthy host
  EXPECT_EQ(lb->activeLevel(), 0u);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(lb->choose(Request{}).host(), 1u);
  EXPECT_EQ(events_.levels.size(), 2u);
}

TEST_F(LoadBalancerTest, RefusesWithAReasonWhenNoHostIsHealthy) {
  auto lb = make();
  probeRound(*lb, {0, 1, 2, 3});
  const auto decision = lb->choose(Request{});
  EXPECT_FALSE(decision.hasHost());
  EXPECT_EQ(decision.refusal(), Refusal::kNoHealthyHost);
  EXPECT_EQ(lb->activeLevel(), std::nullopt);
  EXPECT_EQ(events_.health.size(), 4u);
}

TEST_F(LoadBalancerTest, WithoutHealthChecksItNeverProbes) {
  auto lb = make(false);
  runtime_.advance(10s);
  EXPECT_TRUE(prober_.pending.empty());
  EXPECT_EQ(runtime_.armedTimers(), 0u);
}

}  // namespace
}  // namespace faultline::balancer
