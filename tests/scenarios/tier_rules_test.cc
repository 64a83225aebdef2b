// The rules of balancer.tier (scenarios/tier_rules.cc), through the validator.
#include "scenarios/tier_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/scenarios/scenario_test_support.h"

namespace faultline::scenarios {
namespace {

using scenario::BalancerTier;
using scenario::Scenario;
using testing::check;
using testing::diagnosticAt;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::validScenario;

BalancerTier* addTier(Scenario& s) {
  auto* tier = s.mutable_balancer()->mutable_tier();
  auto* east = tier->add_sites();
  east->set_region("east");
  east->set_instances(2);
  auto* west = tier->add_sites();
  west->set_region("west");
  west->set_instances(1);
  return tier;
}

TEST(TierRules, SitesAreDeclaredRegionsWithInstances) {
  Scenario s = validScenario();
  auto* tier = addTier(s);
  EXPECT_THAT(check(s), IsEmpty());
  tier->mutable_sites(1)->set_region("east");
  tier->mutable_sites(0)->set_instances(0);
  tier->mutable_sites(0)->add_zones("c");
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("balancer.tier.sites[0].instances", "must be >= 1"),
                          diagnosticAt("balancer.tier.sites[0].zones[0]",
                                       "region \"east\" has no zone \"c\""),
                          diagnosticAt("balancer.tier.sites[1].region", "has a site already")));
  s.mutable_balancer()->mutable_tier()->clear_sites();
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("balancer.tier.sites", "at least one site")));
}

TEST(TierRules, APolicyHasWhatItNeeds) {
  Scenario s = validScenario();
  auto* tier = addTier(s);
  tier->set_policy(BalancerTier::ACTIVE_PASSIVE);
  tier->add_failover_order("west");
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("balancer.tier.failover_order",
                                       "must list every site's region, primary first (1 of 2)")));
  tier->add_failover_order("east");
  EXPECT_THAT(check(s), IsEmpty());
  tier->set_policy(BalancerTier::WEIGHTED);
  auto* weight = tier->add_weights();
  weight->set_region("west");
  weight->set_weight(1001);
  EXPECT_THAT(
      check(s),
      ElementsAre(diagnosticAt("balancer.tier.weights[0].weight", "must be <= 1000"),
                  diagnosticAt("balancer.tier.failover_order", "needs policy ACTIVE_PASSIVE")));
  tier->clear_failover_order();
  weight->set_weight(3);
  tier->set_routing(BalancerTier::ANYCAST);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("balancer.tier.policy", "applies to DNS routing only")));
}

TEST(TierRules, DnsAndChecksStayInRange) {
  Scenario s = validScenario();
  auto* tier = addTier(s);
  tier->set_ttl_s(-1);
  tier->set_resolvers(0);
  tier->set_check_interval_ms(10);
  tier->set_failure_threshold(11);
  EXPECT_THAT(
      check(s),
      ElementsAre(diagnosticAt("balancer.tier.ttl_s", "must be >= 0"),
                  diagnosticAt("balancer.tier.resolvers", "must be >= 1"),
                  diagnosticAt("balancer.tier.check_interval_ms", "must be >= 100 (got 10)"),
                  diagnosticAt("balancer.tier.failure_threshold", "must be <= 10 (got 11)")));
}

TEST(TierRules, InstancesTimesHostsStayWithinTheMemoryBudget) {
  // 200 instances each keep a view of every host: 24,993 hosts fit in 5,000,000 views, 25,003 not.
  Scenario s = validScenario();
  auto* tier = addTier(s);
  tier->mutable_sites(0)->set_instances(100);
  tier->mutable_sites(1)->set_instances(100);
  s.mutable_regions(0)->mutable_backends(0)->set_count(24'990);
  EXPECT_THAT(check(s), IsEmpty());
  s.mutable_regions(0)->mutable_backends(0)->set_count(25'000);
  EXPECT_THAT(check(s), ElementsAre(diagnosticAt("balancer.tier.sites",
                                                 "at most 5000000 (got 200 x 25003)")));
}

TEST(TierRules, TierFaultsNeedATier) {
  Scenario s = validScenario();
  s.add_faults()->mutable_balancer_crash();
  s.add_faults()->mutable_dns_failure();
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("faults[1].balancer_crash", "needs balancer.tier"),
                          diagnosticAt("faults[2].dns_failure", "needs balancer.tier with DNS")));
  addTier(s);
  EXPECT_THAT(check(s), IsEmpty());
  s.mutable_faults(1)->mutable_balancer_crash()->set_count(3);
  s.mutable_faults(2)->mutable_dns_failure()->set_region("mars");
  s.add_faults()->mutable_balancer_crash()->set_region("west");
  s.mutable_faults(3)->mutable_balancer_crash()->set_count(2);
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("faults[2].dns_failure.region", "unknown region \"mars\""),
                          diagnosticAt("faults[3].balancer_crash.count",
                                       "must be <= 1, the instances it may strike (got 2)")));
  s.mutable_balancer()->mutable_tier()->set_routing(BalancerTier::ANYCAST);
  s.mutable_faults(2)->mutable_dns_failure()->clear_region();
  EXPECT_THAT(check(s),
              ElementsAre(diagnosticAt("faults[2].dns_failure", "with DNS routing"),
                          diagnosticAt("faults[3].balancer_crash.count", "must be <= 1")));
}

}  // namespace
}  // namespace faultline::scenarios
