#include "balancer/admission_control.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "tests/balancer/fake_runtime.h"

namespace faultline::balancer {
namespace {

using namespace std::chrono_literals;
using testing::FakeRuntime;

constexpr std::uint64_t kUnusedDraw = 0xfeedfacecafebeef;

class AdmissionControlTest : public ::testing::Test {
 protected:
  void record(AdmissionControl& control, int successes, int failures) {
    for (int i = 0; i < successes; ++i)
      control.onResult(Outcome::kSuccess);
    for (int i = 0; i < failures; ++i)
      control.onResult(Outcome::kServerError);
  }

  // True when shouldReject() drew no random number.
  bool noDraw() { return runtime_.random() == kUnusedDraw; }

  FakeRuntime runtime_;
};

TEST_F(AdmissionControlTest, DefaultsAreEnvoys) {
  const AdmissionControlConfig config;
  EXPECT_EQ(config.sampling_window, 30s);
  EXPECT_EQ(config.success_rate_threshold, 0.95);
  EXPECT_EQ(config.aggression, 1.0);
  EXPECT_EQ(config.rps_threshold, 0u);
  EXPECT_EQ(config.max_rejection_probability, 0.80);
}

TEST_F(AdmissionControlTest, NeverRejectsAboveTheSuccessRateThreshold) {
  AdmissionControl control(runtime_, AdmissionControlConfig{});
  EXPECT_FALSE(control.shouldReject());  // no history
  record(control, 96, 4);
  EXPECT_EQ(control.rejectionProbability(), 0.0);
  runtime_.scriptRandom({kUnusedDraw});
  for (int i = 0; i < 100; ++i)
    EXPECT_FALSE(control.shouldReject());
  EXPECT_TRUE(noDraw());
}

TEST_F(AdmissionControlTest, FollowsTheSreFormula) {
  AdmissionControl control(runtime_, AdmissionControlConfig{});
  record(control, 50, 50);
  // (100 - 50 / 0.95) / 101
  EXPECT_DOUBLE_EQ(control.rejectionProbability(), (100.0 - 50.0 / 0.95) / 101.0);
}

// Envoy's draw: reject when random mod 10^4 < 10^4 x P.
TEST_F(AdmissionControlTest, RejectsWithTheProbabilityToFourFigures) {
  AdmissionControlConfig config;
  config.success_rate_threshold = 1.0;
  AdmissionControl control(runtime_, config);
  record(control, 4, 5);  // (9 - 4) / 10 = 0.5
  ASSERT_DOUBLE_EQ(control.rejectionProbability(), 0.5);
  runtime_.scriptRandom({4999, 5000, 10000 + 4999, 10000 + 5000});
  EXPECT_TRUE(control.shouldReject());
  EXPECT_FALSE(control.shouldReject());
  EXPECT_TRUE(control.shouldReject());
  EXPECT_FALSE(control.shouldReject());
  EXPECT_EQ(control.rejected(), 2u);
  // Rejected requests are not recorded: the window is unchanged.
  EXPECT_EQ(control.windowRequests(), 9u);
}

TEST_F(AdmissionControlTest, CapsAtTheMaximumRejectionProbability) {
  AdmissionControl control(runtime_, AdmissionControlConfig{});
  record(control, 0, 1000);
  EXPECT_DOUBLE_EQ(control.rejectionProbability(), 0.8);
  runtime_.scriptRandom({7999, 8000});
  EXPECT_TRUE(control.shouldReject());
  EXPECT_FALSE(control.shouldReject());
}

TEST_F(AdmissionControlTest, AggressionBendsTheCurve) {
  AdmissionControlConfig config;
  config.success_rate_threshold = 1.0;
  config.aggression = 2.0;
  AdmissionControl control(runtime_, config);
  record(control, 15, 4);  // linear (19 - 15) / 20 = 0.2
  EXPECT_DOUBLE_EQ(control.rejectionProbability(), std::sqrt(0.2));
}

TEST_F(AdmissionControlTest, AggressionBelowOneCountsAsOne) {
  AdmissionControlConfig config;
  config.success_rate_threshold = 1.0;
  config.aggression = 0.5;
  AdmissionControl control(runtime_, config);
  record(control, 15, 4);
  EXPECT_DOUBLE_EQ(control.rejectionProbability(), 0.2);
}

TEST_F(AdmissionControlTest, OnlyASuccessCountsAsOne) {
  AdmissionControlConfig config;
  config.success_rate_threshold = 1.0;
  AdmissionControl control(runtime_, config);
  control.onResult(Outcome::kSuccess);
  control.onResult(Outcome::kServerError);
  control.onResult(Outcome::kOverloaded);
  control.onResult(Outcome::kConnectFailure);
  control.onResult(Outcome::kReset);
  control.onResult(Outcome::kTimeout);
  EXPECT_EQ(control.windowRequests(), 6u);
  EXPECT_EQ(control.windowSuccesses(), 1u);
  EXPECT_EQ(control.successes(), 1u);
  EXPECT_EQ(control.failures(), 5u);
}

TEST_F(AdmissionControlTest, ResultsLeaveTheWindowWithTheirSecondBucket) {
  AdmissionControl control(runtime_, AdmissionControlConfig{});
  record(control, 0, 10);  // bucket opened at 0 s
  runtime_.advance(500ms);
  record(control, 0, 10);  // same bucket: it is not a second old
  runtime_.advance(500ms);
  record(control, 0, 10);  // a new bucket at 1 s
  runtime_.advance(500ms);
  record(control, 0, 10);

  runtime_.advance(28500ms - 1ns);  // just before 30 s
  EXPECT_GT(control.rejectionProbability(), 0.0);
  EXPECT_EQ(control.windowRequests(), 40u);
  runtime_.advance(1ns);  // 30 s: the first bucket is a window old
  control.rejectionProbability();
  EXPECT_EQ(control.windowRequests(), 20u);
  runtime_.advance(1s);
  EXPECT_EQ(control.rejectionProbability(), 0.0);
  EXPECT_EQ(control.windowRequests(), 0u);
}

TEST_F(AdmissionControlTest, RecoversWhenTheFailuresAgeOut) {
  AdmissionControlConfig config;
  config.sampling_window = 10s;
  AdmissionControl control(runtime_, config);
  record(control, 0, 100);
  EXPECT_GT(control.rejectionProbability(), 0.7);
  for (int s = 0; s < 10; ++s) {
    runtime_.advance(1s);
    record(control, 100, 0);
  }
  EXPECT_EQ(control.windowRequests(), 1000u);
  EXPECT_EQ(control.rejectionProbability(), 0.0);
}

TEST_F(AdmissionControlTest, DoesNotRejectBelowTheRpsThreshold) {
  AdmissionControlConfig config;
  config.rps_threshold = 5;
  AdmissionControl control(runtime_, config);
  record(control, 0, 149);  // 149 / 30 s = 4 rps
  EXPECT_EQ(control.averageRps(), 4u);
  runtime_.scriptRandom({kUnusedDraw});
  EXPECT_FALSE(control.shouldReject());
  EXPECT_TRUE(noDraw());
  record(control, 0, 1);  // 150 / 30 s = 5 rps
  EXPECT_EQ(control.averageRps(), 5u);
  runtime_.scriptRandom({0});
  EXPECT_TRUE(control.shouldReject());
}

// Envoy reads the average rate before dropping stale buckets: after an idle spell, old requests
// still count, over their age.
TEST_F(AdmissionControlTest, AverageRpsSpreadsStaleRequestsOverTheirAge) {
  AdmissionControlConfig config;
  config.sampling_window = 10s;
  AdmissionControl control(runtime_, config);
  record(control, 0, 300);
  EXPECT_EQ(control.averageRps(), 30u);  // over the window
  runtime_.advance(20s);
  EXPECT_EQ(control.averageRps(), 15u);  // over the bucket's age
  control.rejectionProbability();        // reading the counts drops it
  EXPECT_EQ(control.averageRps(), 0u);
}

}  // namespace
}  // namespace faultline::balancer
