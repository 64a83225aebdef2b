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
  std::vector<std::pair<HostIndex, bool>> verdicts;
};

class HealthCheckerTest : public ::testing::Test {
 protected:
  HealthCheckerTest() { prober_.runtime = &runtime_; }

  HealthChecker make(std::size_t hosts) {
    HealthCheckConfig config;
    config.interval = 2s;
    config.timeout = 1s;
    config.unhealthy_threshold = 3;
    config.healthy_threshold = 2;
    return HealthChecker(runtime_, prober_, listener_, config, hosts);
  }

  // Answers the most recent probe.
  void answerLast(HealthChecker& checker, bool passed) {
    const auto& last = prober_.sent.back();
    checker.onProbeResult(last.host, last.id, passed);
  }

  FakeRuntime runtime_;
  RecordingProber prober_;
  RecordingListener listener_;
};

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

}  // namespace
}  // namespace faultline::balancer
