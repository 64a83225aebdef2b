// Slow start: the ramp's shape against Envoy's formula, its steps, flaps, and a host's share of
// round robin's picks while it ramps after failing its health checks.
#include "balancer/slow_start.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <vector>

#include "balancer/load_balancer.h"
#include "balancer/round_robin.h"
#include "tests/balancer/fake_runtime.h"

namespace faultline::balancer {
namespace {

using namespace std::chrono_literals;
using testing::FakeRuntime;

// Three hosts of weight 2 in one level.
PrioritySet threeHosts() {
  std::vector<HostDescriptor> hosts(3);
  for (auto& host : hosts)
    host.weight = 2;
  return PrioritySet(std::move(hosts), {{0, 1, 2}});
}

SlowStartConfig tenSecondWindow(double aggression = 1.0, double min_weight_percent = 10) {
  SlowStartConfig config;
  config.window = 10s;
  config.aggression = aggression;
  config.min_weight_percent = min_weight_percent;
  return config;
}

TEST(SlowStart, StartsAtTheFloorAndClimbsLinearlyInStepsOfAWindowTwentieth) {
  FakeRuntime runtime;
  PrioritySet hosts = threeHosts();
  SlowStart ramp(runtime, hosts, tenSecondWindow());
  ramp.onHostHealthy(1);
  EXPECT_DOUBLE_EQ(hosts.weight(1), 2 * 0.10);  // t = 0: the 10% floor
  EXPECT_DOUBLE_EQ(hosts.weight(0), 2);         // the others keep their weight
  runtime.advance(1s);                          // t = 0.1 is still the floor
  EXPECT_DOUBLE_EQ(hosts.weight(1), 2 * 0.10);
  runtime.advance(2s + 200ms);  // the step at 3 s (every 500 ms): t = 0.3
  EXPECT_DOUBLE_EQ(hosts.weight(1), 2 * 0.30);
  runtime.advance(4s);  // 7.2 s: the step at 7 s
  EXPECT_DOUBLE_EQ(hosts.weight(1), 2 * 0.70);
  EXPECT_TRUE(ramp.ramping(1));
}

TEST(SlowStart, EndsAtFullWeightAfterTheWindowAndStopsItsTimer) {
  FakeRuntime runtime;
  PrioritySet hosts = threeHosts();
  SlowStart ramp(runtime, hosts, tenSecondWindow());
  ramp.onHostHealthy(2);
  runtime.advance(10s);
  EXPECT_DOUBLE_EQ(hosts.weight(2), 2);
  EXPECT_FALSE(ramp.ramping(2));
  EXPECT_EQ(runtime.armedTimers(), 0u);
}

TEST(SlowStart, AggressionAboveOneFrontLoadsTheRamp) {
  // Envoy's aggression a: t^(1/a). With a = 2, a quarter of the window gives half the weight.
  FakeRuntime runtime;
  PrioritySet hosts = threeHosts();
  SlowStart ramp(runtime, hosts, tenSecondWindow(2.0, 0));
  ramp.onHostHealthy(0);
  runtime.advance(2500ms);
  EXPECT_DOUBLE_EQ(hosts.weight(0), 2 * 0.5);
  runtime.advance(3500ms);  // t = 0.6
  EXPECT_NEAR(hosts.weight(0), 2 * std::sqrt(0.6), 1e-12);
}

TEST(SlowStart, EveryScaleChangeInvalidatesTheLevelsSchedules) {
  FakeRuntime runtime;
  PrioritySet hosts = threeHosts();
  SlowStart ramp(runtime, hosts, tenSecondWindow());
  const auto before = hosts.version(0);
  ramp.onHostHealthy(1);
  const auto at_start = hosts.version(0);
  EXPECT_NE(at_start, before);
  runtime.advance(500ms);  // t = 0.05: still the floor, no change, no rebuild
  EXPECT_EQ(hosts.version(0), at_start);
  runtime.advance(1s);  // t = 0.15
  EXPECT_NE(hosts.version(0), at_start);
}

TEST(SlowStart, AHostThatFailsAgainLeavesTheRampAndAFlapRestartsIt) {
  FakeRuntime runtime;
  PrioritySet hosts = threeHosts();
  SlowStart ramp(runtime, hosts, tenSecondWindow());
  ramp.onHostHealthy(1);
  runtime.advance(5s);
  EXPECT_DOUBLE_EQ(hosts.weight(1), 2 * 0.5);
  ramp.onHostUnhealthy(1);
  EXPECT_FALSE(ramp.ramping(1));
  EXPECT_DOUBLE_EQ(hosts.weight(1), 2);  // its health flag, not its weight, keeps it out now
  ramp.onHostHealthy(1);
  EXPECT_DOUBLE_EQ(hosts.weight(1), 2 * 0.1);  // from the floor again
  runtime.advance(5s);
  EXPECT_DOUBLE_EQ(hosts.weight(1), 2 * 0.5);
}

TEST(SlowStart, RampsSeveralHostsOnTheirOwnClocks) {
  FakeRuntime runtime;
  PrioritySet hosts = threeHosts();
  SlowStart ramp(runtime, hosts, tenSecondWindow(1.0, 0));
  ramp.onHostHealthy(0);
  runtime.advance(4s);
  ramp.onHostHealthy(2);
  runtime.advance(2s);
  EXPECT_DOUBLE_EQ(hosts.weight(0), 2 * 0.6);
  EXPECT_DOUBLE_EQ(hosts.weight(2), 2 * 0.2);
}

// --- Through the balancer
// -------------------------------------------------------------------------

struct AnsweringProber final : Prober {
  void probe(HostIndex host, std::uint64_t probe_id) override {
    pending.push_back({host, probe_id});
  }
  std::vector<std::pair<HostIndex, std::uint64_t>> pending;
};

class SlowStartBalancerTest : public ::testing::Test {
 protected:
  SlowStartBalancerTest() {
    config_.health_check.interval = 1s;
    config_.health_check.timeout = 2s;
    config_.health_check.unhealthy_threshold = 1;
    config_.health_check.healthy_threshold = 1;
    config_.slow_start = tenSecondWindow();
    runtime_.scriptRandom({0});  // round robin's seed
    lb_ = std::make_unique<LoadBalancer>(
        runtime_, prober_, PrioritySet(std::vector<HostDescriptor>(4), {{0, 1, 2, 3}}),
        std::make_unique<RoundRobin>(runtime_), config_, nullptr);
    lb_->start();
  }

  void probeRound(std::vector<HostIndex> down) {
    runtime_.advance(1s);
    auto pending = std::move(prober_.pending);
    prober_.pending.clear();
    for (auto [host, id] : pending) {
      const bool failed = std::find(down.begin(), down.end(), host) != down.end();
      lb_->onProbeResult(host, id, !failed);
    }
  }

  // Host 3's share of `count` picks (priority load is 100% on the single level: no draw).
  double shareOfHost3(int count) {
    int picked = 0;
    for (int i = 0; i < count; ++i) {
      const auto decision = lb_->choose(Request{});
      picked += decision.host() == 3 ? 1 : 0;
      lb_->onResult(decision.host(), Outcome::kSuccess, 1ms);
    }
    return static_cast<double>(picked) / count;
  }

  LoadBalancerConfig config_;
  FakeRuntime runtime_;
  AnsweringProber prober_;
  std::unique_ptr<LoadBalancer> lb_;
};

TEST_F(SlowStartBalancerTest, HostsPresentFromTheStartTakeTheirFullShare) {
  probeRound({});
  EXPECT_NEAR(shareOfHost3(400), 0.25, 1e-9);  // plain round robin: exactly one in four
}

TEST_F(SlowStartBalancerTest, AHostBackFromFailingItsChecksRampsItsShareOverTheWindow) {
  probeRound({3});
  EXPECT_EQ(shareOfHost3(300), 0);
  probeRound({});  // host 3 passes again at t = 2 s: weight 1 x 10%
  // Round robin's EDF schedule over weights 1, 1, 1, 0.1: 0.1 / 3.1 of the picks.
  EXPECT_NEAR(shareOfHost3(3100), 0.1 / 3.1, 0.001);
  for (int second = 0; second < 5; ++second)
    probeRound({});  // t = 0.5 of the window
  EXPECT_NEAR(shareOfHost3(3500), 0.5 / 3.5, 0.001);
  for (int second = 0; second < 5; ++second)
    probeRound({});  // past the window: back to one in four
  EXPECT_NEAR(shareOfHost3(400), 0.25, 0.003);
}

}  // namespace
}  // namespace faultline::balancer
