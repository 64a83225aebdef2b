#include "balancer/outlier_detector.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <vector>

#include "tests/balancer/fake_runtime.h"

namespace faultline::balancer {
namespace {

using namespace std::chrono_literals;
using testing::FakeRuntime;
using Type = OutlierDetector::EjectionType;

std::size_t at(Type type) {
  return static_cast<std::size_t>(type);
}

struct RecordingListener final : OutlierDetector::Listener {
  void onEjectionChanged(HostIndex host, bool ejected) override {
    changes.push_back(Change{host, ejected, runtime->now()});
  }
  struct Change {
    HostIndex host;
    bool ejected;
    TimePoint at;
  };
  FakeRuntime* runtime = nullptr;
  std::vector<Change> changes;
};

class OutlierDetectorTest : public ::testing::Test {
 protected:
  OutlierDetectorTest() {
    config_.enabled = true;
    listener_.runtime = &runtime_;
  }

  OutlierDetector& make(std::size_t hosts) {
    detector_ = std::make_unique<OutlierDetector>(runtime_, listener_, config_, hosts);
    detector_->start();
    return *detector_;
  }

  void report(HostIndex host, Outcome outcome, int times = 1) {
    for (int i = 0; i < times; ++i)
      detector_->onResult(host, outcome);
  }

  // Five 500s in a row: a consecutive-5xx ejection at the defaults.
  void failStreak(HostIndex host) { report(host, Outcome::kServerError, 5); }

  // `successes` and `failures` (500s), the failures spread out evenly.
  void reportMix(HostIndex host, int successes, int failures) {
    const int total = successes + failures;
    for (int i = 0; i < total; ++i) {
      const bool failure = (i + 1) * failures / total > i * failures / total;
      detector_->onResult(host, failure ? Outcome::kServerError : Outcome::kSuccess);
    }
  }

  OutlierDetectionConfig config_;
  FakeRuntime runtime_;
  RecordingListener listener_;
  std::unique_ptr<OutlierDetector> detector_;
};

TEST(OutlierDetectionConfigTest, DefaultsAreEnvoys) {
  const OutlierDetectionConfig config;
  EXPECT_FALSE(config.enabled);
  EXPECT_EQ(config.interval, 10s);
  EXPECT_EQ(config.base_ejection_time, 30s);
  EXPECT_EQ(config.max_ejection_time, 300s);
  EXPECT_EQ(config.max_ejection_time_jitter, 0s);
  EXPECT_EQ(config.max_ejection_percent, 10u);
  EXPECT_FALSE(config.always_eject_one_host);
  EXPECT_EQ(config.consecutive_5xx, 5u);
  EXPECT_EQ(config.enforcing_consecutive_5xx, 100u);
  EXPECT_EQ(config.consecutive_gateway_failure, 5u);
  EXPECT_EQ(config.enforcing_consecutive_gateway_failure, 0u);
  EXPECT_EQ(config.success_rate_minimum_hosts, 5u);
  EXPECT_EQ(config.success_rate_request_volume, 100u);
  EXPECT_EQ(config.success_rate_stdev_factor, 1900u);
  EXPECT_EQ(config.enforcing_success_rate, 100u);
  EXPECT_EQ(config.failure_percentage_threshold, 85u);
  EXPECT_EQ(config.enforcing_failure_percentage, 0u);
  EXPECT_EQ(config.failure_percentage_minimum_hosts, 5u);
  EXPECT_EQ(config.failure_percentage_request_volume, 50u);
  EXPECT_TRUE(config.successful_active_health_check_uneject_host);
}

// ---- Consecutive failures ----

TEST_F(OutlierDetectorTest, EjectsAtTheFifthConsecutive5xxAndNotBefore) {
  auto& detector = make(20);
  report(3, Outcome::kServerError, 4);
  EXPECT_FALSE(detector.isEjected(3));
  EXPECT_TRUE(listener_.changes.empty());
  report(3, Outcome::kServerError);
  EXPECT_TRUE(detector.isEjected(3));
  ASSERT_EQ(listener_.changes.size(), 1u);
  EXPECT_EQ(listener_.changes[0].host, 3u);
  EXPECT_TRUE(listener_.changes[0].ejected);
  EXPECT_EQ(detector.stats().enforced[at(Type::kConsecutive5xx)], 1u);
  EXPECT_EQ(detector.ejectedCount(), 1u);
}

TEST_F(OutlierDetectorTest, ASuccessRestartsTheCount) {
  auto& detector = make(20);
  report(0, Outcome::kServerError, 4);
  report(0, Outcome::kSuccess);
  report(0, Outcome::kServerError, 4);
  EXPECT_FALSE(detector.isEjected(0));
}

// Envoy's default split_external_local_origin_errors = false: connect failures, resets and
// timeouts are mapped to 503/504 and count with the host's own 5xx.
TEST_F(OutlierDetectorTest, LocallyOriginatedFailuresCountAs5xx) {
  auto& detector = make(20);
  for (Outcome outcome : {Outcome::kConnectFailure, Outcome::kReset, Outcome::kTimeout,
                          Outcome::kOverloaded, Outcome::kServerError}) {
    EXPECT_FALSE(detector.isEjected(0));
    report(0, outcome);
  }
  EXPECT_TRUE(detector.isEjected(0));
}

TEST_F(OutlierDetectorTest, GatewayFailuresAreDetectedButNotEnforcedByDefault) {
  config_.consecutive_5xx = 1000;
  auto& detector = make(20);
  report(0, Outcome::kOverloaded, 5);
  EXPECT_FALSE(detector.isEjected(0));
  EXPECT_EQ(detector.stats().detected[at(Type::kConsecutiveGatewayFailure)], 1u);
  EXPECT_EQ(detector.stats().enforced[at(Type::kConsecutiveGatewayFailure)], 0u);
}

TEST_F(OutlierDetectorTest, GatewayFailuresEjectWhenEnforced) {
  config_.consecutive_5xx = 1000;
  config_.enforcing_consecutive_gateway_failure = 100;
  auto& detector = make(20);
  // A 500 is a 5xx but not a gateway failure: it breaks the streak.
  report(0, Outcome::kOverloaded, 4);
  report(0, Outcome::kServerError);
  report(0, Outcome::kTimeout, 4);
  EXPECT_FALSE(detector.isEjected(0));
  report(0, Outcome::kConnectFailure);
  EXPECT_TRUE(detector.isEjected(0));
  EXPECT_EQ(detector.stats().enforced[at(Type::kConsecutiveGatewayFailure)], 1u);
}

TEST_F(OutlierDetectorTest, EnforcingZeroNeverEjects) {
  config_.enforcing_consecutive_5xx = 0;
  auto& detector = make(20);
  report(0, Outcome::kServerError, 50);
  EXPECT_FALSE(detector.isEjected(0));
  // Each detection resets the count, so 50 failures are ten detections.
  EXPECT_EQ(detector.stats().detected[at(Type::kConsecutive5xx)], 10u);
  EXPECT_TRUE(listener_.changes.empty());
}

TEST_F(OutlierDetectorTest, EnforcingIsADrawOfRandomPercent) {
  config_.enforcing_consecutive_5xx = 50;
  auto& detector = make(20);
  runtime_.scriptRandom({FakeRuntime::bitsForIndex(50, 100), FakeRuntime::bitsForIndex(49, 100)});
  failStreak(0);
  EXPECT_FALSE(detector.isEjected(0));
  failStreak(0);
  EXPECT_TRUE(detector.isEjected(0));
  EXPECT_EQ(detector.stats().detected[at(Type::kConsecutive5xx)], 2u);
  EXPECT_EQ(detector.stats().enforced[at(Type::kConsecutive5xx)], 1u);
}

TEST_F(OutlierDetectorTest, FailuresOfAnEjectedHostDoNotEjectItAgain) {
  auto& detector = make(20);
  failStreak(0);
  report(0, Outcome::kServerError, 20);
  EXPECT_EQ(listener_.changes.size(), 1u);
  EXPECT_EQ(detector.ejections(0), 1u);
  EXPECT_EQ(detector.stats().detected[at(Type::kConsecutive5xx)], 1u);
}

// ---- Ejection time ----

TEST_F(OutlierDetectorTest, ReturnsAtTheFirstSweepAfterTheEjectionTime) {
  auto& detector = make(20);
  runtime_.advance(3s);
  failStreak(0);
  runtime_.advance(27s);  // the sweep at 30 s: 27 s of 30 s served
  EXPECT_TRUE(detector.isEjected(0));
  runtime_.advance(10s);
  EXPECT_FALSE(detector.isEjected(0));
  ASSERT_EQ(listener_.changes.size(), 2u);
  EXPECT_FALSE(listener_.changes[1].ejected);
  EXPECT_EQ(listener_.changes[1].at, TimePoint{} + 40s);
}

TEST_F(OutlierDetectorTest, EjectionTimeGrowsWithEachEjectionUpToTheMaximum) {
  auto& detector = make(20);
  runtime_.advance(10s);  // on the sweep grid, so a return lands exactly on its time
  for (std::uint32_t k = 1; k <= 13; ++k) {
    failStreak(0);  // straight back in: no sweep has lowered the multiplier
    ASSERT_TRUE(detector.isEjected(0)) << k;
    // Envoy raises the multiplier while multiplier x 30 s < 300 s + 30 s: it stops at 11.
    EXPECT_EQ(detector.ejectionMultiplier(0), std::min(k, 11u)) << k;
    const Duration expected = std::min<Duration>(30s * k, 300s);
    runtime_.advance(expected - 1ns);
    EXPECT_TRUE(detector.isEjected(0)) << k;
    runtime_.advance(1ns);
    EXPECT_FALSE(detector.isEjected(0)) << k;
  }
  EXPECT_EQ(detector.ejections(0), 13u);
}

TEST_F(OutlierDetectorTest, TheMultiplierDropsByOneEachIntervalInService) {
  auto& detector = make(20);
  runtime_.advance(10s);
  failStreak(0);
  runtime_.advance(30s);  // back at 40 s
  failStreak(0);
  EXPECT_EQ(detector.ejectionMultiplier(0), 2u);
  runtime_.advance(60s);  // back at 100 s; that sweep is too early to lower it
  ASSERT_FALSE(detector.isEjected(0));
  EXPECT_EQ(detector.ejectionMultiplier(0), 2u);
  runtime_.advance(10s);  // one interval in service
  EXPECT_EQ(detector.ejectionMultiplier(0), 1u);
  runtime_.advance(10s);
  EXPECT_EQ(detector.ejectionMultiplier(0), 0u);
  runtime_.advance(10s);
  EXPECT_EQ(detector.ejectionMultiplier(0), 0u);
  failStreak(0);  // at 130 s: the base time again
  runtime_.advance(30s);
  EXPECT_FALSE(detector.isEjected(0));
  EXPECT_EQ(listener_.changes.back().at, TimePoint{} + 160s);
}

TEST_F(OutlierDetectorTest, JitterIsDrawnOncePerEjectionInMilliseconds) {
  config_.max_ejection_time_jitter = 5s;
  auto& detector = make(20);
  runtime_.advance(10s);
  runtime_.scriptRandom({FakeRuntime::bitsForIndex(4000, 5001)});  // 4000 ms of [0, 5000]
  failStreak(0);
  runtime_.advance(30s);  // 30 s served of 34 s
  EXPECT_TRUE(detector.isEjected(0));
  runtime_.advance(10s);
  EXPECT_FALSE(detector.isEjected(0));
}

// ---- max_ejection_percent ----

TEST_F(OutlierDetectorTest, MaxEjectionPercentCountsTheHostAboutToBeEjected) {
  auto& detector = make(20);  // 10% of 20: two hosts
  failStreak(0);
  failStreak(1);
  failStreak(2);  // would make 15%
  EXPECT_TRUE(detector.isEjected(0));
  EXPECT_TRUE(detector.isEjected(1));
  EXPECT_FALSE(detector.isEjected(2));
  EXPECT_EQ(detector.stats().overflow, 1u);
  // Room again once a host is back.
  detector.onActiveHealthCheckPassed(0);
  failStreak(2);
  EXPECT_TRUE(detector.isEjected(2));
}

TEST_F(OutlierDetectorTest, AtTheDefaultPercentFewerThanTenHostsEjectNothing) {
  for (std::size_t hosts : {1u, 2u, 3u, 9u}) {
    auto& detector = make(hosts);
    failStreak(0);
    EXPECT_FALSE(detector.isEjected(0)) << hosts;
    EXPECT_EQ(detector.stats().overflow, 1u) << hosts;
  }
}

TEST_F(OutlierDetectorTest, AlwaysEjectOneHostAllowsTheFirstEjectionOnly) {
  config_.always_eject_one_host = true;
  for (std::size_t hosts : {1u, 2u, 3u}) {
    auto& detector = make(hosts);
    for (HostIndex h = 0; h < hosts; ++h)
      failStreak(h);
    EXPECT_TRUE(detector.isEjected(0)) << hosts;
    // The only host of a one-host cluster is out: what then happens is the panic threshold's
    // business (envoy#2671).
    EXPECT_EQ(detector.ejectedCount(), 1u) << hosts;
  }
  config_.max_ejection_percent = 1;
  auto& detector = make(20);
  failStreak(0);
  failStreak(1);
  EXPECT_TRUE(detector.isEjected(0));
  EXPECT_FALSE(detector.isEjected(1));
}

TEST_F(OutlierDetectorTest, TwoHostsAtFiftyPercentEjectOne) {
  config_.max_ejection_percent = 50;
  auto& detector = make(2);
  failStreak(0);
  failStreak(1);
  EXPECT_TRUE(detector.isEjected(0));
  EXPECT_FALSE(detector.isEjected(1));
}

// envoy#26877: at 50%, the count taken before ejecting let 2 of 3 hosts go.
TEST_F(OutlierDetectorTest, ThreeHostsAtFiftyPercentEjectOne) {
  config_.max_ejection_percent = 50;
  auto& detector = make(3);
  for (HostIndex h = 0; h < 3; ++h)
    failStreak(h);
  EXPECT_EQ(detector.ejectedCount(), 1u);
  EXPECT_EQ(detector.stats().overflow, 2u);
}

// envoy#27066: at 67%, the count taken before ejecting let all 3 of 3 hosts go (66.7% < 67%).
TEST_F(OutlierDetectorTest, ThreeHostsAreNeverAllEjectedBelowOneHundredPercent) {
  for (std::uint32_t percent : {10u, 34u, 50u, 67u, 99u}) {
    for (bool one : {false, true}) {
      config_.max_ejection_percent = percent;
      config_.always_eject_one_host = one;
      auto& detector = make(3);
      for (HostIndex h = 0; h < 3; ++h)
        failStreak(h);
      EXPECT_LT(detector.ejectedCount(), 3u) << percent << " " << one;
    }
  }
}

TEST_F(OutlierDetectorTest, ThreeHostsAtSixtySevenPercentEjectTwo) {
  config_.max_ejection_percent = 67;
  auto& detector = make(3);
  for (HostIndex h = 0; h < 3; ++h)
    failStreak(h);
  EXPECT_EQ(detector.ejectedCount(), 2u);  // the third would make 100% > 67%
}

TEST_F(OutlierDetectorTest, OnlyOneHundredPercentEjectsEveryHost) {
  config_.max_ejection_percent = 100;
  auto& detector = make(3);
  for (HostIndex h = 0; h < 3; ++h)
    failStreak(h);
  EXPECT_EQ(detector.ejectedCount(), 3u);
}

// ---- Success rate ----

// The example in Envoy's successRateEjectionThreshold comment.
TEST(OutlierSuccessRateThresholdTest, MatchesEnvoysWorkedExample) {
  const std::vector<double> rates{50, 100, 100, 100, 100};
  const auto result = successRateThreshold(rates, 1.9);
  EXPECT_DOUBLE_EQ(result.mean, 90);       // 450 / 5
  EXPECT_DOUBLE_EQ(result.threshold, 52);  // variance (1600 + 4 x 100) / 5 = 400, stdev 20
}

TEST_F(OutlierDetectorTest, SuccessRateEjectsTheHostBelowTheThreshold) {
  config_.max_ejection_percent = 20;  // one host of five
  auto& detector = make(5);
  reportMix(0, 80, 20);
  for (HostIndex h = 1; h < 5; ++h)
    reportMix(h, 100, 0);
  runtime_.advance(10s);
  // Rates 80, 100 x 4: mean 96; variance (256 + 4 x 16) / 5 = 64, stdev 8; 96 - 1.9 x 8 = 80.8.
  ASSERT_TRUE(detector.lastSuccessRate().has_value());
  EXPECT_DOUBLE_EQ(detector.lastSuccessRate()->mean, 96);
  EXPECT_NEAR(detector.lastSuccessRate()->threshold, 80.8, 1e-9);
  EXPECT_TRUE(detector.isEjected(0));
  EXPECT_EQ(detector.ejectedCount(), 1u);
  EXPECT_EQ(detector.stats().enforced[at(Type::kSuccessRate)], 1u);
}

TEST_F(OutlierDetectorTest, SuccessRateSparesHostsWithinTheThreshold) {
  config_.max_ejection_percent = 100;
  auto& detector = make(5);
  reportMix(0, 90, 10);
  reportMix(1, 90, 10);
  for (HostIndex h = 2; h < 5; ++h)
    reportMix(h, 100, 0);
  runtime_.advance(10s);
  // Mean 96; variance (2 x 36 + 3 x 16) / 5 = 24; 96 - 1.9 x 4.899 = 86.69 < 90.
  ASSERT_TRUE(detector.lastSuccessRate().has_value());
  EXPECT_NEAR(detector.lastSuccessRate()->threshold, 96 - 1.9 * std::sqrt(24.0), 1e-9);
  EXPECT_EQ(detector.ejectedCount(), 0u);
}

TEST_F(OutlierDetectorTest, SuccessRateNeedsFiveHostsWithAHundredResults) {
  config_.max_ejection_percent = 100;
  auto& detector = make(5);
  reportMix(0, 50, 50);
  for (HostIndex h = 1; h < 4; ++h)
    reportMix(h, 100, 0);
  reportMix(4, 99, 0);  // one short
  runtime_.advance(10s);
  EXPECT_FALSE(detector.lastSuccessRate().has_value());
  EXPECT_FALSE(detector.isEjected(0));
}

TEST_F(OutlierDetectorTest, SuccessRateLooksAtTheLastIntervalOnly) {
  config_.max_ejection_percent = 100;
  auto& detector = make(5);
  reportMix(0, 50, 50);  // in the first interval
  runtime_.advance(10s);
  for (HostIndex h = 0; h < 5; ++h)
    reportMix(h, 100, 0);
  runtime_.advance(10s);
  EXPECT_EQ(detector.ejectedCount(), 0u);
}

// ---- Failure percentage ----

class OutlierFailurePercentageTest : public OutlierDetectorTest {
 protected:
  OutlierFailurePercentageTest() {
    config_.enforcing_failure_percentage = 100;
    config_.enforcing_success_rate = 0;
    config_.enforcing_consecutive_5xx = 0;
    config_.max_ejection_percent = 100;
  }
};

TEST_F(OutlierFailurePercentageTest, EjectsAtEightyFivePercentFailures) {
  auto& detector = make(5);
  reportMix(0, 15, 85);
  reportMix(1, 16, 84);
  for (HostIndex h = 2; h < 5; ++h)
    reportMix(h, 100, 0);
  runtime_.advance(10s);
  EXPECT_TRUE(detector.isEjected(0));
  EXPECT_FALSE(detector.isEjected(1));
  EXPECT_EQ(detector.stats().enforced[at(Type::kFailurePercentage)], 1u);
}

TEST_F(OutlierFailurePercentageTest, NeedsFiftyResultsAndFiveSuchHosts) {
  auto& detector = make(6);
  reportMix(0, 0, 49);
  for (HostIndex h = 1; h < 6; ++h)
    reportMix(h, 50, 0);
  runtime_.advance(10s);
  EXPECT_FALSE(detector.isEjected(0));
  reportMix(0, 0, 50);
  for (HostIndex h = 1; h < 4; ++h)
    reportMix(h, 50, 0);  // only four hosts with volume
  runtime_.advance(10s);
  EXPECT_FALSE(detector.isEjected(0));
}

TEST_F(OutlierFailurePercentageTest, IsNotEnforcedByDefault) {
  config_.enforcing_failure_percentage = 0;
  auto& detector = make(5);
  reportMix(0, 0, 100);
  for (HostIndex h = 1; h < 5; ++h)
    reportMix(h, 100, 0);
  runtime_.advance(10s);
  EXPECT_FALSE(detector.isEjected(0));
  EXPECT_EQ(detector.stats().detected[at(Type::kFailurePercentage)], 1u);
}

// ---- Active health checks ----

TEST_F(OutlierDetectorTest, APassingHealthCheckReturnsAnEjectedHost) {
  auto& detector = make(20);
  failStreak(0);
  detector.onActiveHealthCheckPassed(0);
  EXPECT_FALSE(detector.isEjected(0));
  ASSERT_EQ(listener_.changes.size(), 2u);
  EXPECT_FALSE(listener_.changes[1].ejected);
  detector.onActiveHealthCheckPassed(1);  // not ejected: nothing to do
  EXPECT_EQ(listener_.changes.size(), 2u);
}

TEST_F(OutlierDetectorTest, HealthChecksCanBeToldNotToReturnHosts) {
  config_.successful_active_health_check_uneject_host = false;
  auto& detector = make(20);
  failStreak(0);
  detector.onActiveHealthCheckPassed(0);
  EXPECT_TRUE(detector.isEjected(0));
}

TEST_F(OutlierDetectorTest, AReturnRestartsTheConsecutiveCounts) {
  config_.enforcing_consecutive_gateway_failure = 100;
  config_.consecutive_gateway_failure = 7;
  auto& detector = make(20);
  report(0, Outcome::kTimeout, 5);  // ejected by the 5xx count; the gateway count is at 5
  ASSERT_TRUE(detector.isEjected(0));
  detector.onActiveHealthCheckPassed(0);
  report(0, Outcome::kTimeout, 2);
  EXPECT_FALSE(detector.isEjected(0));
}

TEST_F(OutlierDetectorTest, NoSweepBeforeStart) {
  detector_ = std::make_unique<OutlierDetector>(runtime_, listener_, config_, 20);
  failStreak(0);
  runtime_.advance(300s);
  EXPECT_TRUE(detector_->isEjected(0));
  EXPECT_EQ(runtime_.armedTimers(), 0u);
}

}  // namespace
}  // namespace faultline::balancer
