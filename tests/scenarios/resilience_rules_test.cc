// The bounds on the balancer's resilience settings: each diagnostic names the field and the rule.
#include "scenarios/resilience_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/scenarios/scenario_test_support.h"

namespace faultline::scenarios {
namespace {

using scenario::Scenario;
using testing::check;
using ::testing::Contains;
using testing::diagnosticAt;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::validScenario;

TEST(ResilienceRulesTest, EveryMechanismWithItsDefaultsIsValid) {
  Scenario s = validScenario();
  auto* balancer = s.mutable_balancer();
  balancer->mutable_retry()->mutable_hedge();
  balancer->mutable_outlier_detection();
  balancer->mutable_circuit_breakers()->mutable_retry_budget();
  balancer->mutable_local_rate_limit()->set_max_tokens(100);
  balancer->mutable_admission_control();
  balancer->mutable_adaptive_concurrency();
  balancer->mutable_slow_start()->set_window_ms(30'000);
  EXPECT_THAT(check(s), IsEmpty());
}

TEST(ResilienceRulesTest, RetrySettingsAreBoundedAndBackoffMaxIsAtLeastBase) {
  Scenario s = validScenario();
  auto* retry = s.mutable_balancer()->mutable_retry();
  retry->set_num_retries(11);
  retry->set_per_try_timeout_ms(0.0001);
  retry->set_backoff_base_ms(100);
  retry->set_backoff_max_ms(50);
  retry->mutable_hedge()->set_percentile(100);
  retry->mutable_hedge()->set_max_hedges(4);
  EXPECT_THAT(
      check(s),
      ElementsAre(
          diagnosticAt("balancer.retry.num_retries", "must be <= 10 (got 11)"),
          diagnosticAt("balancer.retry.per_try_timeout_ms", "must be 0 or >= 0.001 (got 0.0001)"),
          diagnosticAt("balancer.retry.backoff_max_ms",
                       "must be >= backoff_base_ms (100) (got 50)"),
          diagnosticAt("balancer.retry.hedge.percentile", "must be < 100 (got 100)"),
          diagnosticAt("balancer.retry.hedge.max_hedges", "must be <= 3 (got 4)")));
}

TEST(ResilienceRulesTest, OutlierEjectionTimesAndPercentsAreBounded) {
  Scenario s = validScenario();
  auto* od = s.mutable_balancer()->mutable_outlier_detection();
  od->set_base_ejection_time_ms(60'000);
  od->set_max_ejection_time_ms(30'000);
  od->set_max_ejection_percent(101);
  od->set_consecutive_5xx(0);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("balancer.outlier_detection.max_ejection_time_ms",
                                       "must be >= base_ejection_time_ms (60000) (got 30000)"),
                          diagnosticAt("balancer.outlier_detection.max_ejection_percent",
                                       "must be <= 100 (got 101)"),
                          diagnosticAt("balancer.outlier_detection.consecutive_5xx",
                                       "must be >= 1 (got 0)")));
}

TEST(ResilienceRulesTest, AdmissionAndRateLimitSettingsAreBounded) {
  Scenario s = validScenario();
  auto* balancer = s.mutable_balancer();
  balancer->mutable_local_rate_limit()->set_fill_interval_ms(10);  // and max_tokens left at 0
  balancer->mutable_admission_control()->set_sampling_window_s(2.5);
  balancer->mutable_adaptive_concurrency()->set_min_concurrency(10);
  balancer->mutable_adaptive_concurrency()->set_max_concurrency_limit(5);
  EXPECT_THAT(
      check(s),
      ElementsAre(
          diagnosticAt("balancer.local_rate_limit.max_tokens", "must be >= 1 (got 0)"),
          diagnosticAt("balancer.local_rate_limit.fill_interval_ms", "must be >= 50 (got 10)"),
          diagnosticAt("balancer.admission_control.sampling_window_s",
                       "must be a whole number of seconds (got 2.5)"),
          diagnosticAt("balancer.adaptive_concurrency.max_concurrency_limit",
                       "must be >= 10 (got 5)")));
}

TEST(ResilienceRulesTest, AMinimumConcurrencyAboveTheDefaultLimitIsRefused) {
  Scenario s = validScenario();
  s.mutable_balancer()->mutable_adaptive_concurrency()->set_min_concurrency(5000);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt(
                            "balancer.adaptive_concurrency.min_concurrency",
                            "must be <= max_concurrency_limit (default 1000) (got 5000)")));
  s.mutable_balancer()->mutable_adaptive_concurrency()->set_max_concurrency_limit(5000);
  EXPECT_THAT(check(s), IsEmpty());
}

TEST(ResilienceRulesTest, SlowStartNeedsAWindowAndSaneShape) {
  Scenario s = validScenario();
  auto* ss = s.mutable_balancer()->mutable_slow_start();
  ss->set_aggression(0);
  ss->set_min_weight_percent(120);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("balancer.slow_start.window_ms", "must be > 0 (got 0)"),
                          diagnosticAt("balancer.slow_start.aggression", "must be > 0 (got 0)"),
                          diagnosticAt("balancer.slow_start.min_weight_percent",
                                       "must be <= 100 (got 120)")));
}

TEST(ResilienceRulesTest, SlowStartIsForRoundRobinAndLeastRequestWithHealthChecks) {
  Scenario s = validScenario();
  s.mutable_balancer()->mutable_slow_start()->set_window_ms(10'000);
  s.mutable_balancer()->set_strategy("maglev");
  s.mutable_balancer()->mutable_health_check()->set_enabled(false);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("balancer.slow_start",
                                       "needs health checks: a host ramps up when it passes "
                                       "them again"),
                          diagnosticAt("balancer.slow_start",
                                       "applies to round-robin and least-request only (as in "
                                       "Envoy), not \"maglev\"")));
  s.mutable_balancer()->set_strategy("least-request");
  s.mutable_balancer()->mutable_health_check()->clear_enabled();
  EXPECT_THAT(check(s), IsEmpty());
}

}  // namespace
}  // namespace faultline::scenarios
