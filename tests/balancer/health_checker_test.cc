#include "balancer/health_checker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <utility>
#include <vector>

#include "tests/balancer/fake_runtime.h"

namespace faultline::balancer {
namespace {

using namespace std::chrono_literals;
using testing::FakeRuntime;

struct RecordingProber final : Prober {
  void probe(HostIndex host, std::uint64_t probe_id) override {
    sent.push_back({host, probe_id, runtime->now()});
  }
  struct Sent {
    HostIndex host;
    std::uint64_t id;
    TimePoint at;
  };
  FakeRuntime* runtime = nullptr;
  std::vector<Sent> sent;
};

struct RecordingListener final : HealthChecker::Listener {
  void onHealthCheckVerdict(HostIndex host, bool healthy) override {
    verdicts.emplace_back(host, healthy);
  }
  void onProbeConcluded(HostIndex host, bool passed) override {
    concluded.emplace_back(host, passed);
  }
  std::vector<std::pair<HostIndex, bool>> verdicts;
  std::vector<std::pair<HostIndex, bool>> concluded;
};

class HealthCheckerTest : public ::testing::Test {
 protected:
  HealthCheckerTest() { prober_.runtime = &runtime_; }

  static HealthCheckConfig baseConfig() {
    HealthCheckConfig config;
    config.interval = 2s;
    config.timeout = 1s;
    config.unhealthy_threshold = 3;
    config.healthy_threshold = 2;
    return config;
  }

  HealthChecker make(std::size_t hosts) { return make(hosts, baseConfig()); }

  HealthChecker make(std::size_t hosts, const HealthCheckConfig& config) {
    return HealthChecker(runtime_, prober_, listener_, config, hosts);
  }

  // Answers the most recent probe.
  void answerLast(HealthChecker& checker, bool passed) {
    const auto& last = prober_.sent.back();
    checker.onProbeResult(last.host, last.id, passed);
  }

  // Answers the most recent probe now and checks that the next one goes out exactly `gap` later.
  void expectNextProbeAfter(HealthChecker& checker, bool passed, Duration gap) {
    const std::size_t sent = prober_.sent.size();
    answerLast(checker, passed);
    runtime_.advance(gap - 1ns);
    ASSERT_EQ(prober_.sent.size(), sent) << "probed before " << gap.count() << " ns";
    runtime_.advance(1ns);
    ASSERT_EQ(prober_.sent.size(), sent + 1) << "no probe at " << gap.count() << " ns";
  }

  FakeRuntime runtime_;
  RecordingProber prober_;
  RecordingListener listener_;
};

constexpr std::uint64_t kHalf = std::uint64_t{1} << 63;
constexpr std::uint64_t kQuarter = std::uint64_t{1} << 62;

TEST_F(HealthCheckerTest, SpreadsTheFirstProbesOverOneInterval) {
  auto checker = make(4);
  checker.start();
  runtime_.advance(2s - 1ns);
  ASSERT_EQ(prober_.sent.size(), 4u);
  for (HostIndex h = 0; h < 4; ++h) {
    EXPECT_EQ(prober_.sent[h].host, h);
    EXPECT_EQ(prober_.sent[h].at, TimePoint{} + 500ms * h);
  }
}

TEST_F(HealthCheckerTest, ProbesAgainOneIntervalAfterTheAnswer) {
  auto checker = make(1);
  checker.start();
  runtime_.advance(300ms);
  ASSERT_EQ(prober_.sent.size(), 1u);
  answerLast(checker, true);
  runtime_.advance(2s - 1ns);
  EXPECT_EQ(prober_.sent.size(), 1u);
  runtime_.advance(1ns);
  ASSERT_EQ(prober_.sent.size(), 2u);
  EXPECT_EQ(prober_.sent[1].at, TimePoint{} + 2300ms);
}

TEST_F(HealthCheckerTest, MarksAHostDownAfterThreeConsecutiveFailures) {
  auto checker = make(1);
  checker.start();
  for (int i = 0; i < 2; ++i) {
    runtime_.advance(0ns);
    answerLast(checker, false);
    runtime_.advance(2s);
  }
  EXPECT_TRUE(listener_.verdicts.empty());
  EXPECT_TRUE(checker.isHealthy(0));
  answerLast(checker, false);
  ASSERT_EQ(listener_.verdicts.size(), 1u);
  EXPECT_EQ(listener_.verdicts[0], std::make_pair(HostIndex{0}, false));
  EXPECT_FALSE(checker.isHealthy(0));
}

TEST_F(HealthCheckerTest, APassInBetweenResetsTheFailureCount) {
  auto checker = make(1);
  checker.start();
  for (bool passed : {false, false, true, false, false}) {
    runtime_.advance(0ns);
    answerLast(checker, passed);
    runtime_.advance(2s);
  }
  EXPECT_TRUE(listener_.verdicts.empty());
}

TEST_F(HealthCheckerTest, AnUnansweredProbeFailsAtItsTimeout) {
  auto checker = make(1);
  checker.start();
  // Never answer: each probe times out after 1 s, the next starts 2 s later.
  runtime_.advance(6s);
  ASSERT_EQ(prober_.sent.size(), 3u);
  EXPECT_EQ(prober_.sent[1].at, TimePoint{} + 3s);
  EXPECT_EQ(prober_.sent[2].at, TimePoint{} + 6s);
  EXPECT_TRUE(listener_.verdicts.empty());
  runtime_.advance(1s);  // the third timeout
  ASSERT_EQ(listener_.verdicts.size(), 1u);
  EXPECT_FALSE(listener_.verdicts[0].second);
}

TEST_F(HealthCheckerTest, ALateAnswerToATimedOutProbeIsIgnored) {
  auto checker = make(1);
  checker.start();
  runtime_.advance(0ns);
  const auto first = prober_.sent.back();
  runtime_.advance(1s);                               // timed out: one failure
  checker.onProbeResult(first.host, first.id, true);  // arrives too late
  runtime_.advance(2s);
  answerLast(checker, false);
  runtime_.advance(2s);
  answerLast(checker, false);
  ASSERT_EQ(listener_.verdicts.size(), 1u);  // three failures; the late pass did not count
}

TEST_F(HealthCheckerTest, ComesBackAfterTwoConsecutivePasses) {
  auto checker = make(1);
  checker.start();
  for (bool passed : {false, false, false, true}) {
    runtime_.advance(0ns);
    answerLast(checker, passed);
    runtime_.advance(2s);
  }
  EXPECT_EQ(listener_.verdicts.size(), 1u);
  answerLast(checker, true);
  ASSERT_EQ(listener_.verdicts.size(), 2u);
  EXPECT_EQ(listener_.verdicts[1], std::make_pair(HostIndex{0}, true));
}

TEST_F(HealthCheckerTest, ReportsEveryConcludedProbeAfterItsVerdict) {
  auto checker = make(1);
  checker.start();
  for (bool passed : {true, false, false}) {
    runtime_.advance(0ns);
    answerLast(checker, passed);
    runtime_.advance(2s);
  }
  runtime_.advance(1s);  // the third failure is a timeout
  ASSERT_EQ(listener_.concluded.size(), 4u);
  EXPECT_EQ(listener_.concluded[0], std::make_pair(HostIndex{0}, true));
  EXPECT_EQ(listener_.concluded[3], std::make_pair(HostIndex{0}, false));
  EXPECT_EQ(listener_.verdicts.size(), 1u);
}

// ---- Jitter ----

TEST_F(HealthCheckerTest, IntervalJitterAddsAUniformDelayToEachInterval) {
  auto config = baseConfig();
  config.interval_jitter = 1s;
  auto checker = make(1, config);
  checker.start();
  runtime_.advance(0ns);
  runtime_.scriptRandom({kHalf});
  expectNextProbeAfter(checker, true, 2500ms);
}

TEST_F(HealthCheckerTest, IntervalJitterPercentIsDrawnFirstOfTheInterval) {
  auto config = baseConfig();
  config.interval_jitter_percent = 50;  // up to 1 s of the 2 s interval
  config.interval_jitter = 400ms;
  auto checker = make(1, config);
  checker.start();
  runtime_.advance(0ns);
  runtime_.scriptRandom({kQuarter, kHalf});  // 250 ms of 1 s, then 200 ms of 400 ms
  expectNextProbeAfter(checker, true, 2450ms);
}

TEST_F(HealthCheckerTest, InitialJitterIsAddedToTheSpreadFirstProbes) {
  auto config = baseConfig();
  config.initial_jitter = 400ms;
  auto checker = make(2, config);
  runtime_.scriptRandom({kHalf, kQuarter});
  checker.start();
  runtime_.advance(1500ms);
  ASSERT_EQ(prober_.sent.size(), 2u);
  EXPECT_EQ(prober_.sent[0].at, TimePoint{} + 200ms);
  EXPECT_EQ(prober_.sent[1].at, TimePoint{} + 1100ms);  // its spread slot is 1 s
}

// ---- No traffic ----

TEST_F(HealthCheckerTest, ProbesAtTheNoTrafficIntervalUntilTheBalancerHasTraffic) {
  auto config = baseConfig();
  config.no_traffic_interval = 60s;
  auto checker = make(1, config);
  checker.start();
  runtime_.advance(0ns);
  answerLast(checker, true);
  runtime_.advance(30s);
  checker.onTraffic();  // the probe already scheduled keeps its time, as in Envoy
  runtime_.advance(30s - 1ns);
  EXPECT_EQ(prober_.sent.size(), 1u);
  runtime_.advance(1ns);
  ASSERT_EQ(prober_.sent.size(), 2u);
  expectNextProbeAfter(checker, true, 2s);
}

TEST_F(HealthCheckerTest, NoTrafficHealthyIntervalIsForAHealthyHostWithNothingPending) {
  auto config = baseConfig();
  config.no_traffic_interval = 60s;
  config.no_traffic_healthy_interval = 120s;
  auto checker = make(1, config);
  checker.start();
  runtime_.advance(0ns);
  expectNextProbeAfter(checker, true, 120s);
  expectNextProbeAfter(checker, false, 60s);  // a failure pending
}

TEST_F(HealthCheckerTest, WithoutANoTrafficIntervalTrafficChangesNothing) {
  auto checker = make(1);
  checker.start();
  runtime_.advance(0ns);
  expectNextProbeAfter(checker, true, 2s);
}

// ---- Unhealthy and edge intervals (Envoy) ----

TEST_F(HealthCheckerTest, EdgeIntervalsApplyWhileAChangeIsPending) {
  auto config = baseConfig();
  config.unhealthy_interval = 10s;
  config.unhealthy_edge_interval = 500ms;
  config.healthy_edge_interval = 300ms;
  auto checker = make(1, config);
  checker.onTraffic();
  checker.start();
  runtime_.advance(0ns);
  expectNextProbeAfter(checker, true, 2s);      // healthy
  expectNextProbeAfter(checker, false, 500ms);  // healthy, 1 of 3 failures
  expectNextProbeAfter(checker, false, 500ms);  // healthy, 2 of 3
  expectNextProbeAfter(checker, false, 10s);    // down
  EXPECT_FALSE(checker.isHealthy(0));
  expectNextProbeAfter(checker, false, 10s);   // still down
  expectNextProbeAfter(checker, true, 300ms);  // down, 1 of 2 passes
  expectNextProbeAfter(checker, true, 2s);     // up
  EXPECT_TRUE(checker.isHealthy(0));
}

TEST_F(HealthCheckerTest, EdgeIntervalsFallBackAsEnvoysDo) {
  auto config = baseConfig();
  config.unhealthy_interval = 10s;  // the unhealthy edge falls back to it, the healthy edge to 2 s
  auto checker = make(1, config);
  checker.start();
  runtime_.advance(0ns);
  expectNextProbeAfter(checker, false, 10s);
  expectNextProbeAfter(checker, false, 10s);
  expectNextProbeAfter(checker, false, 10s);  // down
  expectNextProbeAfter(checker, true, 2s);    // pending: healthy edge = interval
}

// ---- HAProxy's rise/fall counter ----

class HaproxyHealthCheckerTest : public HealthCheckerTest {
 protected:
  HealthChecker makeHaproxy() {
    auto config = baseConfig();  // rise 2, fall 3: health 0..4, up from 2
    config.haproxy_counter = true;
    return make(1, config);
  }

  void answerSequence(HealthChecker& checker, std::initializer_list<bool> results) {
    for (bool passed : results) {
      runtime_.advance(0ns);
      answerLast(checker, passed);
      runtime_.advance(2s);
    }
  }
};

TEST_F(HaproxyHealthCheckerTest, AFreshServerFallsAtItsFirstFailure) {
  auto checker = makeHaproxy();
  checker.start();
  answerSequence(checker, {false});
  ASSERT_EQ(listener_.verdicts.size(), 1u);
  EXPECT_FALSE(listener_.verdicts[0].second);
}

TEST_F(HaproxyHealthCheckerTest, AfterAPassItTakesFallFailuresInARow) {
  auto checker = makeHaproxy();
  checker.start();
  answerSequence(checker, {true, false, false});
  EXPECT_TRUE(listener_.verdicts.empty());
  answerSequence(checker, {false});
  ASSERT_EQ(listener_.verdicts.size(), 1u);
  EXPECT_FALSE(checker.isHealthy(0));
}

// check.c sets health back to rise + fall - 1 as soon as a pass takes it to rise or above.
TEST_F(HaproxyHealthCheckerTest, APassBetweenFailuresRestoresFullHealth) {
  auto checker = makeHaproxy();
  checker.start();
  answerSequence(checker, {true, false, false, true, false, false});
  EXPECT_TRUE(listener_.verdicts.empty());
  answerSequence(checker, {false});
  EXPECT_EQ(listener_.verdicts.size(), 1u);
}

TEST_F(HaproxyHealthCheckerTest, AFailureWhileRisingStartsTheRiseOver) {
  auto checker = makeHaproxy();
  checker.start();
  answerSequence(checker, {false, true, false, true});
  EXPECT_EQ(listener_.verdicts.size(), 1u);
  EXPECT_FALSE(checker.isHealthy(0));
  answerSequence(checker, {true});
  ASSERT_EQ(listener_.verdicts.size(), 2u);
  EXPECT_TRUE(checker.isHealthy(0));
}

// srv_getinter(): inter at full health, downinter at 0, fastinter in between.
TEST_F(HaproxyHealthCheckerTest, FastinterAndDowninterMapToTheEdgeAndUnhealthyIntervals) {
  auto config = baseConfig();
  config.haproxy_counter = true;
  config.unhealthy_interval = 10s;         // downinter
  config.unhealthy_edge_interval = 500ms;  // fastinter
  config.healthy_edge_interval = 500ms;    // fastinter
  auto checker = make(1, config);
  checker.start();
  runtime_.advance(0ns);
  expectNextProbeAfter(checker, true, 2s);      // 2 -> 4 (full)
  expectNextProbeAfter(checker, false, 500ms);  // 3, going down
  expectNextProbeAfter(checker, false, 500ms);  // 2, going down
  expectNextProbeAfter(checker, false, 10s);    // 0, down
  expectNextProbeAfter(checker, true, 500ms);   // 1, going up
  expectNextProbeAfter(checker, true, 2s);      // 4, up
}

}  // namespace
}  // namespace faultline::balancer
