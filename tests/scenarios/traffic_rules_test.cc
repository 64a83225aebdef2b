// The rules of client behaviour (scenarios/traffic_rules.cc), through the validator.
#include "scenarios/traffic_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/scenarios/scenario_test_support.h"

namespace faultline::scenarios {
namespace {

using scenario::Scenario;
using testing::check;
using testing::diagnosticAt;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::validScenario;

TEST(TrafficRules, PatternsStayInRange) {
  Scenario s = validScenario();
  auto* diurnal = s.mutable_regions(0)->mutable_clients()->mutable_diurnal();
  diurnal->set_amplitude(0.5);
  EXPECT_THAT(check(s), IsEmpty());
  diurnal->set_amplitude(1.5);
  diurnal->set_period_s(0.5);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("regions[0].clients.diurnal.period_s", "must be >= 1"),
                          diagnosticAt("regions[0].clients.diurnal.amplitude", "must be <= 1")));
  auto* crowd = s.mutable_regions(0)->mutable_clients()->mutable_flash_crowd();
  crowd->set_multiplier(0);
  crowd->set_ramp_up_s(-1);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("regions[0].clients.flash_crowd.ramp_up_s", "must be >= 0"),
                          diagnosticAt("regions[0].clients.flash_crowd.multiplier",
                                       "must be > 0 (got 0)")));
}

TEST(TrafficRules, ATraceNeedsValidRates) {
  Scenario s = validScenario();
  auto* trace = s.mutable_regions(0)->mutable_clients()->mutable_trace();
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("regions[0].clients.trace", "needs its rates")));
  trace->add_rates_rps(10);
  trace->add_rates_rps(-1);
  trace->add_rates_rps(-2);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("regions[0].clients.trace.rates_rps[1]",
                                                 "must be >= 0 (got -1)")));
}

TEST(TrafficRules, ClientRetriesAreBounded) {
  Scenario s = validScenario();
  auto* retry = s.mutable_regions(0)->mutable_clients()->mutable_retry();
  retry->set_max_retries(3);
  EXPECT_THAT(check(s), IsEmpty());
  retry->set_max_retries(0);
  retry->set_base_ms(200);
  retry->set_max_ms(100);
  retry->mutable_budget()->set_ttl_s(0.5);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("regions[0].clients.retry.max_retries", "must be >= 1"),
                          diagnosticAt("regions[0].clients.retry.max_ms",
                                       "must be >= base_ms (200) (got 100)"),
                          diagnosticAt("regions[0].clients.retry.budget.ttl_s", "must be >= 1")));
  retry->set_max_retries(1);
  retry->clear_max_ms();
  retry->mutable_throttling()->set_token_ratio(2);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("regions[0].clients.retry.throttling.token_ratio",
                                                 "must be <= 1 (got 2)")));
}

TEST(TrafficRules, AClosedLoopHasUsersAndNoPattern) {
  Scenario s = validScenario();
  auto* clients = s.mutable_regions(0)->mutable_clients();
  clients->mutable_closed_loop()->set_think_time_ms(-1);
  EXPECT_THAT(
      check(s),
      ElementsAre(diagnosticAt("regions[0].clients.closed_loop.users", "must be >= 1"),
                  diagnosticAt("regions[0].clients.closed_loop.think_time_ms", "must be >= 0")));
  clients->mutable_closed_loop()->set_users(10);
  clients->mutable_closed_loop()->set_think_time_ms(0);
  clients->mutable_diurnal();
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("regions[0].clients.closed_loop",
                                                 "cannot go with a traffic pattern")));
}

TEST(TrafficRules, ClosedLoopUsersOrATraceAreTrafficWithoutARate) {
  Scenario s = validScenario();
  for (auto& region : *s.mutable_regions())
    region.mutable_clients()->set_rate_rps(0);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("regions", "no client traffic")));
  s.mutable_regions(1)->mutable_clients()->mutable_closed_loop()->set_users(5);
  EXPECT_THAT(check(s), IsEmpty());
  s.mutable_regions(1)->mutable_clients()->clear_closed_loop();
  s.mutable_regions(1)->mutable_clients()->mutable_trace()->add_rates_rps(3);
  EXPECT_THAT(check(s), IsEmpty());
}

}  // namespace
}  // namespace faultline::scenarios
